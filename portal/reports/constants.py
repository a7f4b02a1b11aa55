"""Vocabularies of grantee reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class ReportKind(LabelledEnum):
    PROGRESS = "progress", _l("Progress report")
    FINANCIAL = "financial", _l("Financial report")
    FINAL_PROGRESS = "final_progress", _l("Final progress report")
    FINAL_FINANCIAL = "final_financial", _l("Final financial report")

    @property
    def is_final(self) -> bool:
        return self in (ReportKind.FINAL_PROGRESS, ReportKind.FINAL_FINANCIAL)

    @property
    def is_financial(self) -> bool:
        return self in (ReportKind.FINANCIAL, ReportKind.FINAL_FINANCIAL)

    @property
    def carries_results(self) -> bool:
        """Progress reports (periodic and final) carry indicator actuals."""
        return self in (ReportKind.PROGRESS, ReportKind.FINAL_PROGRESS)


class ReportStatus(LabelledEnum):
    DUE = "due", _l("Not started")
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted: being reviewed")
    RETURNED = "returned", _l("Returned to the grantee for changes")
    APPROVED = "approved", _l("Approved")


# The grantee may edit the report in these states; staff decide on submitted ones.
EDITABLE_REPORT = (ReportStatus.DUE.value, ReportStatus.DRAFT.value, ReportStatus.RETURNED.value)


class ReportFrequency(LabelledEnum):
    """How a call's awards report by default (staff may edit each award's schedule)."""

    QUARTERLY = "quarterly", _l("Quarterly")
    HALF_YEARLY = "half_yearly", _l("Half-yearly")
    MILESTONES = "milestones", _l("At each milestone")


# 2 CFR 200.344(b): final reports within 120 calendar days after the end of the period of
# performance (90 days for subrecipients to their pass-through entity).
FINAL_REPORT_DAYS_DEFAULT = 120
FINAL_REPORT_DAYS_MAX = 365


CERTIFICATION = _l(
    "By submitting this report, I certify to the best of my knowledge and belief that the "
    "report is true, complete and accurate, and the expenditures, disbursements and cash "
    "receipts are for the purposes and objectives set forth in the terms and conditions of "
    "the award. I am aware that any false, fictitious, or fraudulent information may subject "
    "me to penalties."
)
# Stored with every submission (the English source is canonical), 2 CFR 200.415(a).
CERTIFICATION_SOURCE = (
    "By submitting this report, I certify to the best of my knowledge and belief that the "
    "report is true, complete and accurate, and the expenditures, disbursements and cash "
    "receipts are for the purposes and objectives set forth in the terms and conditions of "
    "the award. I am aware that any false, fictitious, or fraudulent information may subject "
    "me to penalties."
)
COMMENT_MAX_CHARS = 5000
