"""A reported indicator value as a document owner: its optional evidence (a summary of the
attendance list, the register's extract...). Seen by whoever sees the grant; uploaded by the
grantee while the report is editable. Evidence must hold aggregates, never personal data: the
slot's help says so."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.core.db import db
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot
from portal.results import permissions

MB = 1024 * 1024
OWNER_TYPE = "indicator_actual"
EVIDENCE = DocumentSlot(
    "evidence",
    _l("Evidence of the value (aggregate figures, no personal data)"),
    types=("pdf", "jpeg", "png"),
    max_bytes=10 * MB,
)


@dataclass
class ActualDocuments(DocumentOwner):
    actual: object = None

    def can_view_documents(self, user) -> bool:
        return permissions.can_view_award(self.actual.report.award, user)

    def can_upload_documents(self, user) -> bool:
        return permissions.can_enter_actuals(self.actual.report, user)

    def documents_url(self) -> str:
        return url_for("results.report_results", report_id=self.actual.report_id)


def actual_owner(actual) -> ActualDocuments:
    return ActualDocuments(
        owner_type=OWNER_TYPE,
        owner_id=actual.id,
        title=actual.award_indicator.indicator.code,
        organisation_id=actual.report.award.organisation_id,
        slots=(EVIDENCE,),
        actual=actual,
    )


def _load(owner_id: int):
    from portal.results.models import IndicatorActual

    actual = db.session.get(IndicatorActual, owner_id)
    return actual_owner(actual) if actual else None


def register() -> None:
    register_owner(OWNER_TYPE, _load)


def evidence_of(actual_ids: list[int]) -> set[int]:
    """The actuals (of ``actual_ids``) with a current evidence document, in one query."""
    from sqlalchemy import select

    from portal.documents.models import Document, DocumentStatus

    if not actual_ids:
        return set()
    return set(
        db.session.scalars(
            select(Document.owner_id).where(
                Document.owner_type == OWNER_TYPE,
                Document.owner_id.in_(actual_ids),
                Document.slot == EVIDENCE.key,
                Document.status == DocumentStatus.CLEAN.value,
                Document.deleted_dt.is_(None),
            )
        )
    )
