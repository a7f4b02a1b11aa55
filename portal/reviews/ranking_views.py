"""The ranking of a call, its exports, and the committee's order for remaining ties."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.audit.operations import record
from portal.core.db import db
from portal.reviews import exports, operations, ranking
from portal.reviews.consensus import record_committee_order
from portal.reviews.forms import committee_form_class
from portal.reviews.views import bp, managed_call, run_action


def _build(call):
    return ranking.build(call, operations.rubric_of(call), operations.panel_of(call))


def _committee_forms(result) -> list[tuple[list, object]]:
    """A form per group of applications still tied after the cascade."""
    forms = []
    for group in ranking.tie_groups(result.ranked):
        if any(r.tie_broken_by in ("unresolved", "committee") for r in group):
            form = committee_form_class(group)()
            if not form.is_submitted():
                for row in group:
                    form[f"pos_{row.id}"].data = row.committee_position
            forms.append((group, form))
    return forms


@bp.get("/calls/<code>/ranking")
@login_required
def ranking_page(code: str):
    call = managed_call(code)
    result = _build(call)
    return render_template(
        "reviews/ranking.html",
        call=call,
        ranking=result,
        committee_forms=_committee_forms(result),
    )


@bp.post("/calls/<code>/ranking/committee")
@login_required
def committee_order(code: str):
    call = managed_call(code)
    ids = [int(v) for v in request.form.getlist("application_id") if v.isdigit()]
    if not ids:
        abort(400)
    rows = [r for r in _build(call).ranked if r.id in ids]
    if len(rows) != len(set(ids)):
        abort(404)
    form = committee_form_class(rows)()
    if form.validate_on_submit():
        run_action(
            record_committee_order,
            call,
            current_user,
            positions={r.id: form[f"pos_{r.id}"].data for r in rows},
            note=form.note.data,
            message=_("The committee's order is recorded."),
        )
    else:
        for messages in form.errors.values():
            for text in messages:
                flash(text, "danger")
    return redirect(url_for("reviews.ranking_page", code=call.code) + "#ties")


@bp.get("/calls/<code>/ranking.<any(csv, xlsx):fmt>")
@login_required
def ranking_export(code: str, fmt: str):
    call = managed_call(code)
    result = _build(call)
    record("review.ranking_exported", call, changes={"format": fmt, "rows": len(result.rows)})
    db.session.commit()
    if fmt == "csv":
        return exports.csv_response(call, result)
    return exports.xlsx_response(call, result)
