"""Blueprint ``reporting``: the finance dashboard and the exchange rates it converts with.

Anonymous users go to the login page; logged-in users who may not see the reports get 403.
The dashboard is a GET form: an invalid filter shows its translated errors and the figures
without any filter. Figures come from ``dashboard.build`` (a fixed number of statements).
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.db import db
from portal.core.pagination import paginate, requested_page
from portal.core.views import require, run, run_action
from portal.reporting import dashboard, operations, permissions
from portal.reporting.dashboard_charts import charts
from portal.reporting.filters import ReportFilter, build_form, parse, sees_everything
from portal.reporting.forms import RateForm, WithdrawRateForm
from portal.reporting.models import ExchangeRate

bp = Blueprint("reporting", __name__, url_prefix="/reports")

RATES_PER_PAGE = 50

# Downloads offered with the dashboard's filter (blueprints of the exports and open data;
# a link appears once its endpoint is registered).
DOWNLOADS = (
    ("exports.disbursements", {"fmt": "csv"}, _l("Disbursement ledger (CSV)")),
    ("exports.disbursements", {"fmt": "xlsx"}, _l("Disbursement ledger (XLSX)")),
    ("exports.cofinance", {"fmt": "csv"}, _l("Co-finance ledger (CSV)")),
    ("exports.cofinance", {"fmt": "xlsx"}, _l("Co-finance ledger (XLSX)")),
    ("opendata.iati", {}, _l("IATI 2.03 file (XML; whole grants, the period does not apply)")),
    (
        "opendata.giving360",
        {},
        _l("360Giving file (JSON; whole grants, the period does not apply)"),
    ),
)


@bp.app_template_filter("rate")
def format_rate(value) -> str:
    """An exchange rate with four to six decimals ("17.2345"), CLDR grouping."""
    return format_decimal(value, format="#,##0.0000##", locale=str(get_locale() or "es_MX"))


def downloads(report_filter: ReportFilter | None) -> list[tuple[str, str]]:
    args = report_filter.query_args() if report_filter else {}
    return [
        (str(label), url_for(endpoint, **values, **args))
        for endpoint, values, label in DOWNLOADS
        if endpoint in current_app.view_functions
    ]


@bp.get("/finance")
@login_required
def finance():
    require(permissions.can_view_dashboard(current_user))
    form = build_form(request.args, current_user, db.session)
    report_filter = parse(form)
    board = dashboard.build(report_filter or ReportFilter(), current_user)
    return render_template(
        "reporting/finance.html",
        form=form,
        board=board,
        invalid=report_filter is None,
        filtered=bool(report_filter and not report_filter.is_empty),
        charts=charts(board),
        downloads=downloads(report_filter),
        can_record_rates=permissions.can_record_rates(current_user),
        sees_everything=sees_everything(current_user),
    )


@bp.route("/rates", methods=["GET", "POST"])
@login_required
def rates():
    require(permissions.can_view_rates(current_user))
    can_record = permissions.can_record_rates(current_user)
    form = RateForm()
    if request.method == "POST":
        require(can_record)
        if form.validate_on_submit():
            rate = run(
                form,
                operations.record_rate,
                current_user,
                rate_on=form.rate_on.data,
                rate=form.rate.data or "",
                source=form.source.data,
            )
            if rate:
                flash(
                    _(
                        "Rate recorded: USD/MXN %(rate)s on %(day)s.",
                        rate=format_rate(rate.rate),
                        day=rate.rate_on.isoformat(),
                    ),
                    "success",
                )
                return redirect(url_for("reporting.rates"))
    page = paginate(
        select(ExchangeRate).order_by(ExchangeRate.rate_on.desc(), ExchangeRate.id.desc()),
        requested_page(),
        RATES_PER_PAGE,
        scalars=True,
    )
    return render_template(
        "reporting/rates.html",
        form=form if can_record else None,
        withdraw_form=WithdrawRateForm() if can_record else None,
        page=page,
    )


@bp.post("/rates/<int:rate_id>/withdraw")
@login_required
def withdraw_rate(rate_id: int):
    require(permissions.can_record_rates(current_user))
    rate = db.session.get(ExchangeRate, rate_id)
    if rate is None:
        abort(404)
    form = WithdrawRateForm()
    if not form.validate_on_submit():
        abort(400)
    message = _("The rate of %(day)s was withdrawn.", day=rate.rate_on.isoformat())
    run_action(operations.withdraw_rate, current_user, rate, form.reason.data, message=message)
    return redirect(url_for("reporting.rates"))
