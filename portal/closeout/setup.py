"""Wiring done when the closeout blueprint is registered (no work at import time): the
financial report's expenditure section and submission check (``portal.reports.extensions``),
the closeout letter's document owner, and what the grant page's include needs."""

from __future__ import annotations

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    from portal.closeout import expenditure, letter
    from portal.reports import extensions

    extensions.register_check(expenditure.submission_problems)
    extensions.register_section(expenditure_section)
    letter.register()
    app.jinja_env.globals.update(closeout_summary=closeout_summary)
    app.jinja_env.filters.update(variance_text=variance_text)


def expenditure_section(report, user):
    """The block of a financial report's page: a link to the expenditure by category."""
    from flask_babel import gettext as _

    from portal.closeout import expenditure
    from portal.core.i18n import format_money

    if not expenditure.is_financial(report):
        return None
    from portal.reports.extensions import Section

    entered = bool(report.expenditures)
    total = sum((e.amount for e in report.expenditures), expenditure.ZERO)
    summary = (
        _("Spent in the period: %(total)s.", total=format_money(total, report.award.currency))
        if entered
        else _("Not entered yet.")
    )
    editable = expenditure.can_edit(report, user)
    return Section(
        title=_("Expenditure by budget category"),
        summary=summary,
        url=url_for("closeout.expenditure", report_id=report.id),
        link_text=_("Enter the expenditure") if editable else _("See the expenditure"),
        complete=entered,
    )


def closeout_summary(award):
    """For ``closeout/_grant_closeout.html``: the checklist when the signed-in person may see
    it and the grant is in force past its end date or closed (None otherwise)."""
    from flask_login import current_user

    from portal.closeout import checklist, operations, permissions

    if not permissions.can_view(award, current_user):
        return None
    if award.status != "closed" and not _near_end(award):
        return None  # nothing to show yet: no query
    closeout = operations.closeout_of(award)
    return {"checklist": checklist.checklist(award, closeout), "closeout": closeout}


def _near_end(award) -> bool:
    """Within 90 days of the end date, or past it: the closeout is announced ahead."""
    from portal.closeout.checklist import today

    return award.end_date is not None and (award.end_date - today()).days <= 90


def variance_text(flag) -> str:
    from flask_babel import gettext as _

    label, pct = flag
    if pct is None:
        return _("%(category)s (spent with no budget planned)", category=label)
    return _("%(category)s (%(pct)s %%)", category=label, pct=f"{pct:+}")
