"""Wiring done when the results blueprint is registered (no work at import time): the report
page's "Results indicators" block and the submission check of progress reports."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.reports import extensions


def init_app(app: Flask) -> None:
    from portal.results import documents

    documents.register()
    extensions.register_check(_check)
    extensions.register_section(_section)
    app.jinja_env.filters["indicator_value"] = indicator_value
    app.jinja_env.globals["results_of_award"] = results_of_award


def results_of_award(award):
    """What the grant page's results block shows: the award's indicators and progress reports
    and whether the signed-in person may edit them."""
    from types import SimpleNamespace

    from flask_login import current_user

    from portal.results import operations, permissions

    return SimpleNamespace(
        items=operations.award_indicators(award.id),
        reports=operations.result_reports(award.id),
        can_edit=permissions.can_set_indicators(award, current_user),
    )


def indicator_value(value) -> str:
    """An indicator value as people read it: "1,250", "87.5" (no trailing zeros)."""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    if value is None or value == "":
        return "—"
    return format_decimal(value, format="#,##0.##", locale=str(get_locale() or "es_MX"))


def _check(report) -> list[str]:
    from portal.results import actuals

    return actuals.submission_problems(report)


def _section(report, user):
    from portal.results import actuals, permissions

    if not report.kind_enum.carries_results or not permissions.can_view_award(report.award, user):
        return None
    entered, questioned, total = actuals.progress(report)
    if total == 0:
        return None
    summary = ngettext(
        "Results indicators: %(entered)d of %(num)d entered",
        "Results indicators: %(entered)d of %(num)d entered",
        total,
        entered=entered,
    )
    if questioned:
        summary += " · " + ngettext("%(num)d questioned", "%(num)d questioned", questioned)
    editing = permissions.can_enter_actuals(report, user)
    return extensions.Section(
        title=_("Results indicators"),
        summary=summary,
        url=url_for("results.report_results", report_id=report.id),
        link_text=_("Enter the values") if editing else _("See the values"),
        complete=entered == total and not questioned,
    )
