"""Navigation per role. Each entry: endpoint, label, and who sees it (a predicate on the user)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    visible: Callable[[object], bool]
    # "main" items sit in the bar; "account" and "admin" ones in the user menu.
    group: str = "main"


NAV: list[NavItem] = [
    NavItem("dashboard.dashboard", _l("Dashboard"), lambda u: u.is_authenticated),
    NavItem("organisations.mine", _l("My organisations"), lambda u: u.is_authenticated, "account"),
    NavItem("api_tokens.index", _l("API tokens"), lambda u: u.is_authenticated, "account"),
    NavItem("organisations.all", _l("Organisations"), lambda u: u.is_staff),
    NavItem("calls.index", _l("Calls"), lambda u: True),
    NavItem(
        "applications.mine",
        _l("My applications"),
        lambda u: u.is_authenticated and u.has_role(Role.APPLICANT),
    ),
    NavItem(
        "reviews.my_assignments",
        _l("My assignments"),
        lambda u: u.is_authenticated and u.has_role(Role.REVIEWER),
    ),
    NavItem(
        "calls.programmes",
        _l("Programmes"),
        lambda u: u.has_role(Role.GRANTS_MANAGER, Role.ADMIN),
    ),
    NavItem(
        "awards.clause_list",
        _l("Agreement clauses"),
        lambda u: u.has_role(Role.GRANTS_MANAGER, Role.ADMIN),
        "admin",
    ),
    NavItem(
        "finance.index",
        _l("Finance"),
        lambda u: u.has_role(Role.FINANCE_OFFICER, Role.GRANTS_MANAGER, Role.ADMIN),
    ),
    NavItem(
        "reporting.finance",
        _l("Finance dashboard"),
        lambda u: u.has_role(Role.FINANCE_OFFICER, Role.GRANTS_MANAGER, Role.ADMIN),
    ),
    NavItem(
        "finance.mine",
        _l("My grants"),
        lambda u: u.is_authenticated and u.has_role(Role.APPLICANT),
    ),
    NavItem("audit.index", _l("Audit log"), lambda u: u.is_staff),
    NavItem("admin.users", _l("Users"), lambda u: u.has_role(Role.ADMIN), "admin"),
    NavItem("admin.outbox", _l("E-mail outbox"), lambda u: u.has_role(Role.ADMIN), "admin"),
]


def nav_items(group: str = "main") -> list[NavItem]:
    return [item for item in NAV if item.group == group and item.visible(current_user)]


def init_app(app: Flask) -> None:
    from portal.organisations.context import current_membership

    app.jinja_env.globals.update(nav_items=nav_items, current_membership=current_membership)
