"""Portal-wide roles. A user may hold several; per-object checks still apply."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    APPLICANT = "applicant"
    REVIEWER = "reviewer"
    GRANTS_MANAGER = "grants_manager"
    FINANCE_OFFICER = "finance_officer"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.APPLICANT: _l("Applicant"),
    Role.REVIEWER: _l("Reviewer"),
    Role.GRANTS_MANAGER: _l("Grants manager"),
    Role.FINANCE_OFFICER: _l("Finance officer"),
    Role.ADMIN: _l("Administrator"),
}

STAFF_ROLES = frozenset({Role.GRANTS_MANAGER, Role.FINANCE_OFFICER, Role.ADMIN})
