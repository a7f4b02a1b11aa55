"""Blueprint ``results_dashboard``: target against actual of the results indicators, with the
finance dashboard's filters (programme, call, state, period) and people (finance officers and
administrators: every grant; grants managers: their programmes'), and the same rows as CSV or
XLSX. Aggregates only: no personal data."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.audit.operations import record
from portal.core.db import db
from portal.core.i18n import format_number
from portal.core.spreadsheets import count_rows
from portal.core.text import as_id
from portal.core.unit_of_work import records_read
from portal.core.views import require
from portal.finance.deadlines import today
from portal.reporting import export_files, results_board
from portal.reporting.charts import FILLS, Series, bar_chart
from portal.reporting.export_files import Column, Ledger
from portal.reporting.filters import ReportFilter, build_form, can_report, parse
from portal.results.constants import Measure

bp = Blueprint("results_dashboard", __name__, url_prefix="/reports/results")


def _grouping() -> str:
    by = request.args.get("by", "programme")
    return by if by in results_board.GROUPINGS else "programme"


def _grantee(choices: list[tuple[int, str]]) -> tuple[int | None, bool]:
    """The ``grantee`` argument (an organisation among ``choices``), and whether it is valid."""
    raw = request.args.get("grantee", "")
    if not raw:
        return None, True
    chosen = as_id(raw)
    if chosen is None or chosen not in {c[0] for c in choices}:
        return None, False
    return chosen, True


def _charts(boards) -> dict:
    series = (Series("target", _("Target"), FILLS[0]), Series("actual", _("Actual"), FILLS[1]))
    out = {}
    for n, board in enumerate(boards):
        rows = [
            (g.label, [g.target or 0, g.actual or 0])
            for g in board.groups
            if g.target is not None or g.actual is not None
        ]
        if not rows:
            continue
        mean = "" if board.additive else " " + _("(plain mean of the values per grant and period)")
        out[board.code] = bar_chart(
            f"results-chart-{n}",
            f"{board.code} · {board.name}{mean}",
            _("Target and actual of %(code)s per group.", code=board.code),
            series,
            rows,
            format_number,
        )
    return out


@bp.get("/")
@login_required
def dashboard():
    require(can_report(current_user))
    form = build_form(request.args, current_user, db.session)
    report_filter = parse(form)
    by = _grouping()
    choices = results_board.grantees(ReportFilter(), current_user)
    grantee_id, grantee_valid = _grantee(choices)
    boards = results_board.build(report_filter or ReportFilter(), current_user, by, grantee_id)
    args = dict((report_filter.query_args() if report_filter else {}), by=by)
    if grantee_id:
        args["grantee"] = grantee_id
    return render_template(
        "reporting/results.html",
        form=form,
        boards=boards,
        by=by,
        groupings=results_board.GROUPINGS,
        invalid=report_filter is None or not grantee_valid,
        grantee_invalid=not grantee_valid,
        grantees=choices,
        grantee_id=grantee_id,
        charts=_charts(boards),
        downloads=[
            (_("Results (CSV)"), url_for("results_dashboard.export", fmt="csv", **args)),
            (_("Results (XLSX)"), url_for("results_dashboard.export", fmt="xlsx", **args)),
        ],
        Measure=Measure,
    )


COLUMNS = (
    Column(_l("Programme"), width=30),
    Column(_l("Call"), width=16),
    Column(_l("Grant reference"), width=20),
    Column(_l("Grantee organisation"), width=36),
    Column(_l("State"), width=18),
    Column(_l("Indicator code"), width=12),
    Column(_l("Indicator"), width=40),
    Column(_l("Measure"), width=14),
    Column(_l("Period start"), width=12),
    Column(_l("Period end"), width=12),
    Column(_l("Target")),
    Column(_l("Actual")),
    Column(_l("Verification"), width=14),
)


def results_ledger(f: ReportFilter, user, grantee_id: int | None = None) -> Ledger:
    """The export's rows, counted now and read in batches while the file is sent."""
    query = results_board.query(f, user, grantee_id)
    return Ledger(
        "results", _l("Results"), COLUMNS, rows=_ledger_rows(query), count=count_rows(query)
    )


def _ledger_rows(query):
    from portal.organisations.mexican_states import BY_INEGI
    from portal.results.constants import ActualStatus

    for r in results_board.stream(query):
        state = BY_INEGI.get(r.state_code)
        yield [
            r.programme,
            r.call,
            r.reference,
            r.grantee,
            state.name if state else "",
            r.code,
            r.name,
            str(Measure(r.measure).label),
            r.period_start,
            r.period_end,
            r.target,
            r.actual,
            str(ActualStatus(r.status).label) if r.status else "",
        ]


@bp.get("/export.<fmt>")
@records_read
@login_required
def export(fmt: str):
    require(can_report(current_user))
    if fmt not in export_files.FORMATS:
        abort(404)
    form = build_form(request.args, current_user, db.session)
    report_filter = parse(form)
    grantee_id, grantee_valid = _grantee(results_board.grantees(ReportFilter(), current_user))
    if not grantee_valid:
        abort(400)
    if report_filter is None:
        action = url_for("results_dashboard.export", fmt=fmt)
        return render_template("reporting/export_refused.html", form=form, action=action), 400
    ledger = results_ledger(report_filter, current_user, grantee_id)
    record(
        "results.exported",
        object_type="results",
        object_id="results",
        changes={
            "format": fmt,
            "rows": ledger.count,
            "filter": {**report_filter.query_args(), "grantee": grantee_id},
        },
    )
    generated = today()
    return export_files.response(
        ledger,
        fmt,
        export_files.filename("results", report_filter, form, generated, fmt),
        export_files.filter_lines(report_filter, form, generated),
    )
