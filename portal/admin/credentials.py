"""Credentials that domains above administration keep for a user (the API's personal access
tokens), listed and revoked from the administrator's user page (issue 17).

Administration sits below the API (.importlinter), so it cannot ask the API for a user's
tokens. The API registers a :class:`CredentialKind` here instead (portal/api/admin_views.py,
imported with the API's blueprints); the user page shows each kind's section and "revoke all
sessions and tokens" revokes each kind's credentials with the sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CredentialKind:
    #: Name of the count in the "access revoked" e-mail and of the list in the section's
    #: template context ("tokens").
    key: str
    #: Template included in admin/user.html; it receives ``user`` and ``items``.
    template: str
    #: ``listing(user)``: the user's credentials that still work.
    listing: Callable
    #: ``revoke_all(user, actor)``: revoke them all (audited); returns how many.
    revoke_all: Callable


KINDS: dict[str, CredentialKind] = {}


def register(kind: CredentialKind) -> None:
    KINDS[kind.key] = kind


def sections(user) -> list[tuple[CredentialKind, list]]:
    return [(kind, kind.listing(user)) for kind in KINDS.values()]
