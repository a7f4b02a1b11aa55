"""The ranking of a call, its exports, and the committee's order for remaining ties."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.audit.operations import record
from portal.core.pagination import requested_page
from portal.core.text import as_id
from portal.core.unit_of_work import records_read
from portal.core.views import run_action
from portal.reviews import exports, operations, ranking_read
from portal.reviews.consensus import record_committee_order
from portal.reviews.forms import committee_form_class
from portal.reviews.views import bp, managed_call

PER_PAGE = 200


def _build(call):
    """The whole ranking, read back from the score summaries (exports, committee order)."""
    return ranking_read.build(call, operations.rubric_of(call), operations.panel_of(call))


def _committee_forms(groups) -> list[tuple[list, object]]:
    """A form per group of applications left to the committee by the cascade."""
    forms = []
    for group in groups:
        form = committee_form_class(group)()
        if not form.is_submitted():
            for row in group:
                form[f"pos_{row.id}"].data = row.committee_position
        forms.append((group, form))
    return forms


@bp.get("/calls/<code>/ranking")
@login_required
def ranking_page(code: str):
    """One page of the ranking (ranked, then failing, then unscored rows): ranks stay global,
    and a call with thousands of applications reads only the page's rows (exports hold all)."""
    call = managed_call(code)
    result = ranking_read.page(
        call, operations.rubric_of(call), operations.panel_of(call), requested_page(), PER_PAGE
    )
    return render_template(
        "reviews/ranking.html",
        call=call,
        ranking=result,
        page=result.page,
        shown=result.shown,
        committee_forms=_committee_forms(result.committee_groups),
    )


@bp.post("/calls/<code>/ranking/committee")
@login_required
def committee_order(code: str):
    call = managed_call(code)
    ids = [as_id(v) for v in request.form.getlist("application_id")]
    if not ids or None in ids:
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
@records_read
@login_required
def ranking_export(code: str, fmt: str):
    call = managed_call(code)
    result = _build(call)
    record("review.ranking_exported", call, changes={"format": fmt, "rows": len(result.rows)})
    if fmt == "csv":
        return exports.csv_response(call, result)
    return exports.xlsx_response(call, result)
