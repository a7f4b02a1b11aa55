"""The questions a report asks: the call's own (``ReportQuestion``, configured by staff like
the application form) or, when the call has none for that kind of report, the defaults below.

A report's questions are handled as a form snapshot (``{"questions": [...]}`` with bilingual
labels), the same shape as the application form's, so ``portal.applications.answers`` builds
the form, reads the answers and displays them; the snapshot is stored with each submission.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.reports.constants import ReportKind
from portal.reports.models import ReportQuestion

# The kinds a report question may take (no documents: reports have their own attachments).
REPORT_QUESTION_KINDS = (
    "short_text",
    "long_text",
    "number",
    "date",
    "single_choice",
    "yes_no",
)
LONG_TEXT_DEFAULT_MAX = 10000


def _q(key: str, es: str, en: str, help_es: str = "", help_en: str = "", required=True) -> dict:
    return {
        "key": key,
        "kind": "long_text",
        "label": {"es": es, "en": en},
        "help": {"es": help_es, "en": help_en},
        "required": required,
        "max_chars": LONG_TEXT_DEFAULT_MAX,
        "options": [],
    }


_ACTIVITIES = _q(
    "activities",
    "Actividades realizadas en el periodo",
    "Activities carried out in the period",
    "Qué se hizo, dónde y con quién; compárelo con el plan de trabajo.",
    "What was done, where and with whom; compare it with the work plan.",
)
_RESULTS = _q(
    "results",
    "Resultados alcanzados",
    "Results achieved",
    "Cambios logrados para las personas y las instituciones que el proyecto atiende.",
    "Changes achieved for the people and institutions the project serves.",
)
_DIFFICULTIES = _q(
    "difficulties",
    "Dificultades y cómo se atendieron",
    "Difficulties and how they were handled",
)
_NEXT = _q(
    "next_period",
    "Plan para el siguiente periodo",
    "Plan for the next period",
)
_EXPENDITURE = _q(
    "expenditure",
    "Explicación del gasto del periodo",
    "Explanation of the period's expenditure",
    "En qué se gastó y cómo se relaciona con las actividades.",
    "What the money was spent on and how it relates to the activities.",
)
_VARIANCES = _q(
    "variances",
    "Variaciones respecto al presupuesto aprobado",
    "Variances from the approved budget",
    "Explique cada rubro presupuestal gastado por encima o por debajo de lo previsto.",
    "Explain each budget category spent above or below plan.",
)
_LESSONS = _q(
    "lessons",
    "Lecciones aprendidas",
    "Lessons learned",
)
_SUSTAINABILITY = _q(
    "sustainability",
    "Sostenibilidad: qué continúa después de la subvención",
    "Sustainability: what continues after the grant",
)

DEFAULTS: dict[str, list[dict]] = {
    ReportKind.PROGRESS.value: [_ACTIVITIES, _RESULTS, _DIFFICULTIES, _NEXT],
    ReportKind.FINANCIAL.value: [_EXPENDITURE, _VARIANCES],
    ReportKind.FINAL_PROGRESS.value: [
        _ACTIVITIES,
        _RESULTS,
        _DIFFICULTIES,
        _LESSONS,
        _SUSTAINABILITY,
    ],
    ReportKind.FINAL_FINANCIAL.value: [_EXPENDITURE, _VARIANCES, _LESSONS],
}


def question_snapshot(q: ReportQuestion) -> dict:
    return {
        "key": q.key,
        "kind": q.kind,
        "label": {"es": q.label_es, "en": q.label_en},
        "help": {"es": q.help_es or "", "en": q.help_en or ""},
        "required": bool(q.required),
        "max_chars": q.max_chars or (LONG_TEXT_DEFAULT_MAX if q.kind == "long_text" else None),
        "options": [
            {"key": o["key"], "label": {"es": o["es"], "en": o["en"]}} for o in q.options or []
        ],
    }


def call_questions(call_id: int, report_kind: str) -> list[ReportQuestion]:
    return list(
        db.session.scalars(
            select(ReportQuestion)
            .where(ReportQuestion.call_id == call_id, ReportQuestion.report_kind == report_kind)
            .order_by(ReportQuestion.position, ReportQuestion.id)
        )
    )


def current_questions(call_id: int, report_kind: str) -> list[dict]:
    """The questions a report of this kind asks now (the call's, else the defaults)."""
    own = call_questions(call_id, report_kind)
    if own:
        return [question_snapshot(q) for q in own]
    return [dict(q) for q in DEFAULTS[report_kind]]


def snapshot_of(report) -> dict:
    """The form of ``report``: the questions as submitted (once submitted and not returned)
    or as the call asks them now."""
    if report.form_snapshot and report.status in ("submitted", "approved"):
        return {"questions": report.form_snapshot}
    return {"questions": current_questions(report.award.call_id, report.kind)}
