"""Who sees and does what with results indicators (explicit per-object checks).

- A programme's catalogue: grants managers and administrators see every programme's; the
  programme's grants managers and administrators edit it.
- An award's indicators (baseline and targets): seen by whoever sees the grant's finance page
  (finance officers, the programme's managers, members of the grantee organisation); chosen by
  the programme's grants managers and administrators.
- A progress report's values: entered by the grantee organisation's owners, editors and
  signatory while the report is editable; verified or questioned by the programme's managers.
- Everybody else: nothing (404).
"""

from __future__ import annotations

from portal.finance import permissions as grant
from portal.organisations.models import MemberRole
from portal.reports.constants import EDITABLE_REPORT


def can_view_catalogue(programme, user) -> bool:
    return programme.can_view(user)


def can_edit_catalogue(programme, user) -> bool:
    return programme.can_manage(user)


def can_view_award(award, user) -> bool:
    return grant.can_view(award, user)


def can_set_indicators(award, user) -> bool:
    return grant.is_active(award) and grant.can_manage(award, user)


def acts_for_grantee(award, user) -> bool:
    m = grant.membership(award, user) if user.is_authenticated else None
    return bool(
        grant.is_active(award)
        and m
        and (m.role in (MemberRole.OWNER, MemberRole.EDITOR) or m.is_signatory)
    )


def can_enter_actuals(report, user) -> bool:
    return report.status in EDITABLE_REPORT and acts_for_grantee(report.award, user)


def can_review_actuals(report, user) -> bool:
    return grant.is_active(report.award) and grant.can_manage(report.award, user)
