"""Builders for the report tests: a report drafted, submitted and returned through the
operations (as the grantee and the grants manager would)."""

from __future__ import annotations

from portal.core.db import db
from portal.reports import operations
from portal.reports.questions import current_questions


def full_answers(report) -> dict:
    return {
        q["key"]: f"Respuesta a {q['key']}"
        for q in current_questions(report.award.call_id, report.kind)
    }


def submitted(report, signatory):
    operations.save_answers(report, signatory, full_answers(report))
    operations.submit_report(report, signatory, certified=True, typed_name=signatory.full_name)
    db.session.commit()
    return report


def returned(report, signatory, manager, **comments):
    submitted(report, signatory)
    operations.return_report(
        report,
        manager,
        general=comments.pop("general", ""),
        per_question=comments or {"activities": "Detalle las sesiones."},
    )
    db.session.commit()
    return report
