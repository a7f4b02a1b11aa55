"""Staff configure the questions a call's reports ask (like the application form builder).
Editing them never changes a submitted report: each submission keeps its own snapshot."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.audit.operations import record
from portal.calls.constants import LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS
from portal.calls.rules import KEY_RE, parse_options
from portal.core.db import db
from portal.core.errors import raise_if
from portal.reports.constants import ReportKind
from portal.reports.models import ReportQuestion
from portal.reports.questions import REPORT_QUESTION_KINDS

FIELDS = ("report_kind", "key", "kind", "label_es", "label_en", "help_es", "help_en", "required")


def _problems(call, data: dict, question: ReportQuestion | None) -> dict:
    errors: dict = {}
    if data["report_kind"] not in {k.value for k in ReportKind}:
        errors["report_kind"] = [_l("Choose the report.")]
    if data["kind"] not in REPORT_QUESTION_KINDS:
        errors["kind"] = [_l("Choose the kind of question.")]
    key = data.get("key") or ""
    if not KEY_RE.match(key) or len(key) > 40:
        errors["key"] = [_l("The key must be lower-case letters, digits or underscores.")]
    else:
        clash = select(ReportQuestion.id).where(
            ReportQuestion.call_id == call.id,
            ReportQuestion.report_kind == data["report_kind"],
            ReportQuestion.key == key,
        )
        if question is not None:
            clash = clash.where(ReportQuestion.id != question.id)
        if db.session.scalar(clash) is not None:
            errors["key"] = [_l("Another question of this report already uses this key.")]
    limit = data.get("max_chars")
    ceiling = LONG_TEXT_MAX_CHARS if data["kind"] == "long_text" else SHORT_TEXT_MAX_CHARS
    if limit is not None and not 1 <= limit <= ceiling:
        errors["max_chars"] = [_l("Enter a limit between 1 and %(n)s.", n=f"{ceiling:,}")]
    if data["kind"] == "single_choice":
        options, problems = parse_options(data.get("options_text") or "")
        if problems:
            errors["options"] = [
                _("Line %(n)s: write key | Spanish label | English label.", n=n)
                for n, _code in problems
            ]
        elif len(options) < 2:
            errors["options"] = [_l("Give at least two options.")]
    return errors


def save_question(call, actor, data: dict, question: ReportQuestion | None = None):
    raise_if(_problems(call, data, question))
    created = question is None
    if created:
        position = data.get("position")
        if position is None:
            position = (
                db.session.scalar(
                    select(func.coalesce(func.max(ReportQuestion.position), 0)).where(
                        ReportQuestion.call_id == call.id,
                        ReportQuestion.report_kind == data["report_kind"],
                    )
                )
                + 1
            )
        question = ReportQuestion(call_id=call.id, position=position)
        db.session.add(question)
    elif data.get("position") is not None:
        question.position = data["position"]
    for name in FIELDS:
        setattr(question, name, data[name] if name != "required" else bool(data[name]))
    question.help_es = data.get("help_es") or ""
    question.help_en = data.get("help_en") or ""
    question.max_chars = data.get("max_chars")
    question.options = (
        parse_options(data.get("options_text") or "")[0] if question.kind == "single_choice" else []
    )
    db.session.flush()
    record(
        "report_question.created" if created else "report_question.updated",
        question,
        changes={"key": question.key, "report_kind": question.report_kind},
    )
    return question


def delete_question(question: ReportQuestion, actor) -> None:
    record(
        "report_question.deleted",
        question,
        changes={"key": question.key, "report_kind": question.report_kind},
    )
    db.session.delete(question)
    db.session.flush()
