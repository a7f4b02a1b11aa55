"""Navigation: the items the domains register at app set-up, filtered per user.

Core knows no domain: each entry (endpoint, label, who sees it, as a predicate on the user) is
registered with :func:`register` by the package that owns it (the role-based menu comes from
portal/accounts/navigation.py); the templates call ``nav_items(group)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user

_ITEMS = "nav_items"


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    visible: Callable[[object], bool]
    # "main" items sit in the bar; "account" and "admin" ones in the user menu.
    group: str = "main"


def register(app: Flask, *items: NavItem) -> None:
    """Add ``items`` to ``app``'s navigation, after those registered before."""
    app.extensions.setdefault(_ITEMS, []).extend(items)


def nav_items(group: str = "main") -> list[NavItem]:
    items = current_app.extensions.get(_ITEMS, ())
    user = current_user._get_current_object()  # once, not through the proxy per item
    return [item for item in items if item.group == group and item.visible(user)]


def init_app(app: Flask) -> None:
    app.extensions.setdefault(_ITEMS, [])
    app.jinja_env.globals.update(nav_items=nav_items)
