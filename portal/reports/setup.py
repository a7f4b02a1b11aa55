"""Wiring done when the reports blueprint is registered (no work at import time): the
"grant_report" documents owner, the payment gate, the reports in the reminder digest, the
schedule created when an award becomes active (and moved when an amendment changes its end
date), and the grant page's schedule section."""

from __future__ import annotations

from flask import Flask

_connected = False


def init_app(app: Flask) -> None:
    global _connected
    from portal.core.state_machine import moved
    from portal.finance import gates
    from portal.finance.reminders import register_source
    from portal.reports import documents, gate, reminders

    documents.register()
    gates.register(gate.held_by_reports)
    register_source(reminders.pending)
    if not _connected:
        from portal.awards.amendments.effects import amended

        moved.connect(_on_moved, weak=False)
        amended.connect(_on_amended, weak=False)
        _connected = True
    from portal.reports.constants import ReportFrequency

    app.jinja_env.globals.update(
        grant_reports_section=_grant_reports_section,
        report_frequency_label=ReportFrequency.label_of,
    )


def _on_moved(machine, *, obj, transition, **_kwargs) -> None:
    """An award just became active (countersigned): create its reporting schedule."""
    from portal.awards.models import Award

    if machine.name == "award" and transition.action == "activate" and isinstance(obj, Award):
        from portal.reports.schedule import ensure_schedule

        ensure_schedule(obj)


def _on_amended(_amendment, *, award, changed, user=None, **_kwargs) -> None:
    """An amendment took effect: a new end date moves the final reports and adds periods."""
    if "end_date" in changed or "start_date" in changed:
        from portal.reports.schedule import follow_dates

        follow_dates(award, user)


def _grant_reports_section(award) -> dict:
    from flask_login import current_user

    from portal.reports.views_support import grant_section

    return grant_section(award, current_user)
