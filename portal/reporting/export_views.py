"""Blueprint ``exports``: the disbursement and co-finance ledgers as CSV or XLSX files.

Same people and same filter as the finance dashboard (``filters.can_report``, the dashboard's
GET arguments); grants managers get only their programmes' grants. An invalid filter answers
400 with the form and its translated errors (nothing is exported). Every export is audited:
the files carry bank references.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from portal.audit.operations import record
from portal.core.db import db
from portal.core.unit_of_work import records_read
from portal.finance.deadlines import today
from portal.reporting import exports
from portal.reporting.filters import build_form, can_report, parse

bp = Blueprint("exports", __name__, url_prefix="/reports/exports")


@bp.get("/disbursements.<fmt>")
@records_read
@login_required
def disbursements(fmt: str):
    return _export("disbursements", fmt)


@bp.get("/cofinance.<fmt>")
@records_read
@login_required
def cofinance(fmt: str):
    return _export("cofinance", fmt)


def _export(name: str, fmt: str):
    if not can_report(current_user):
        abort(403)
    if fmt not in exports.FORMATS:
        abort(404)
    form = build_form(request.args, current_user, db.session)
    report_filter = parse(form)
    if report_filter is None:
        action = url_for(f"exports.{name}", fmt=fmt)
        return render_template("reporting/export_refused.html", form=form, action=action), 400
    ledger = exports.LEDGERS[name](report_filter, current_user)
    record(
        "finance.ledger_exported",
        object_type="ledger",
        object_id=name,
        changes={"format": fmt, "rows": ledger.count, "filter": report_filter.query_args()},
    )
    generated = today()
    return exports.response(
        ledger,
        fmt,
        exports.filename(name, report_filter, form, generated, fmt),
        exports.filter_lines(report_filter, form, generated),
    )
