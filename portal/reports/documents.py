"""A grantee report as a document owner (register "grant_report"): supporting documents the
grantee attaches while the report is editable; everyone who sees the report reads them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.core.db import db
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot
from portal.reports import permissions

MB = 1024 * 1024
SLOTS = (
    DocumentSlot("evidence", _l("Supporting documents"), max_bytes=20 * MB),
    DocumentSlot("evidence_more", _l("Further supporting documents"), max_bytes=20 * MB),
)
FINANCIAL_SLOT = DocumentSlot(
    "financial_statement",
    _l("Financial statement of the period"),
    types=("pdf", "xlsx"),
    max_bytes=20 * MB,
)


@dataclass
class ReportDocuments(DocumentOwner):
    report: object = None

    def can_view_documents(self, user) -> bool:
        return permissions.can_view(self.report, user)

    def can_upload_documents(self, user) -> bool:
        return permissions.can_draft(self.report, user)

    def documents_url(self) -> str:
        return url_for("reports.report", report_id=self.report.id)


def report_owner(report) -> ReportDocuments:
    slots = (*SLOTS, FINANCIAL_SLOT) if report.kind_enum.is_financial else SLOTS
    return ReportDocuments(
        owner_type="grant_report",
        owner_id=report.id,
        title=report.award.application.reference or "",
        organisation_id=report.award.organisation_id,
        slots=slots,
        report=report,
    )


def _load(owner_id: int):
    from portal.reports.models import GrantReport

    report = db.session.get(GrantReport, owner_id)
    return report_owner(report) if report else None


def register() -> None:
    register_owner("grant_report", _load)


def has_documents(report) -> bool:
    from portal.documents.operations import available_documents

    return bool(available_documents("grant_report", report.id))
