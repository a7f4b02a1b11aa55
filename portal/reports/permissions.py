"""Who sees and does what with grantee reports (explicit per-object checks).

- Reading: whoever sees the grant's page (``portal.finance.permissions.can_view``): the
  grantee organisation's members, the programme's grants managers, administrators and finance
  officers. Everybody else: 404.
- The grantee's owners and editors draft a report and reply in its thread; the designated
  signatory also drafts, and is the one who certifies and submits (like payment requests).
- The programme's grants managers (and administrators) edit the schedule and the call's
  report questions, approve and return reports.
"""

from __future__ import annotations

from portal.finance import permissions as finance
from portal.reports.constants import EDITABLE_REPORT


def can_view(report_or_award, user) -> bool:
    return finance.can_view(_award(report_or_award), user)


def can_draft(report, user) -> bool:
    award = report.award
    return report.status in EDITABLE_REPORT and (
        finance.can_prepare(award, user) or finance.can_certify(award, user)
    )


def can_certify(report, user) -> bool:
    return report.status in EDITABLE_REPORT and finance.can_certify(report.award, user)


def is_grantee(report, user) -> bool:
    award = report.award
    return finance.can_prepare(award, user) or finance.can_certify(award, user)


def can_manage(report_or_award, user) -> bool:
    award = _award(report_or_award)
    return finance.is_active(award) and finance.can_manage(award, user)


def can_reply(report, user) -> bool:
    return is_grantee(report, user) or can_manage(report, user)


def _award(report_or_award):
    return getattr(report_or_award, "award", None) or report_or_award
