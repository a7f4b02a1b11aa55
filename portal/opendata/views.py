"""Blueprint ``opendata``: the IATI 2.03 and 360Giving files of the active grants.

Same people and filter as the finance dashboard (``filters.can_report``; grants managers get
their programmes' grants only): anonymous users go to the login page, others get 403. The
programme, call and state filters narrow the grants; the period does not apply (each file
describes whole grants). An invalid filter answers 400 with the page and its errors; a filter
that leaves no grant answers 404 with the page saying so (no empty, invalid file). Files are
attachments with their content type and ``nosniff``; building one takes a fixed number of
statements (``grants.load``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portal.core.db import db
from portal.finance.deadlines import today
from portal.opendata import giving360, grants, iati
from portal.reporting.filters import ReportFilter, award_scope, build_form, can_report, parse

PERIOD = ("date_from", "date_to")
bp = Blueprint("opendata", __name__, url_prefix="/reports/open-data")

FILES = {
    "iati": ("iati.xml", "application/xml; charset=utf-8", iati.build),
    "giving360": ("360giving.json", "application/json; charset=utf-8", giving360.build),
}


@bp.get("/")
@login_required
def index():
    if not can_report(current_user):
        abort(403)
    form = build_form(_without_period(request.args), current_user, db.session)
    report_filter = parse(form) if request.args else ReportFilter()
    empty = report_filter is not None and not _grant_count(_scope(report_filter))
    return render_template(
        "opendata/index.html",
        form=form,
        args=_scope_args(report_filter) if report_filter else {},
        empty=empty,
    )


@bp.get("/iati.xml", endpoint="iati")
@login_required
def iati_file():
    return _download("iati")


@bp.get("/360giving.json", endpoint="giving360")
@login_required
def giving360_file():
    return _download("giving360")


def _download(kind: str):
    if not can_report(current_user):
        abort(403)
    form = build_form(_without_period(request.args), current_user, db.session)
    report_filter = parse(form)
    if report_filter is None:
        return render_template("opendata/index.html", form=form, args={}), 400
    published = grants.load(_scope(report_filter), current_user, db.session)
    if not published:
        # Nothing to publish: an IATI file needs at least one activity to be valid, and an
        # empty file looks like a successful export.
        args = _scope_args(report_filter)
        return render_template("opendata/index.html", form=form, args=args, empty=True), 404
    name, mimetype, build = FILES[kind]
    response = Response(build(published), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(name)}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _grant_count(report_filter: ReportFilter) -> int:
    scope = award_scope(report_filter, current_user).subquery()
    return db.session.scalar(select(func.count()).select_from(scope))


def _without_period(args) -> MultiDict:
    """The dashboard's filter arguments without the period (links carry it along)."""
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k not in PERIOD])


def _scope(report_filter: ReportFilter) -> ReportFilter:
    """The filter without its period: open-data files describe whole grants."""
    return ReportFilter(
        programme_id=report_filter.programme_id,
        call_id=report_filter.call_id,
        state_code=report_filter.state_code,
    )


def _scope_args(report_filter: ReportFilter) -> dict:
    return _scope(report_filter).query_args()


def _filename(name: str) -> str:
    stem, _, extension = name.rpartition(".")
    return f"cofinancia-{stem}-{today().isoformat()}.{extension}"
