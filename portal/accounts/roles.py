"""Portal-wide roles. A user may hold several; per-object checks still apply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Role(LabelledEnum):
    APPLICANT = "applicant", _l("Applicant")
    REVIEWER = "reviewer", _l("Reviewer")
    GRANTS_MANAGER = "grants_manager", _l("Grants manager")
    FINANCE_OFFICER = "finance_officer", _l("Finance officer")
    ADMIN = "admin", _l("Administrator")


STAFF_ROLES = frozenset({Role.GRANTS_MANAGER, Role.FINANCE_OFFICER, Role.ADMIN})
