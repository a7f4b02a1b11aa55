"""The payment gate of reports (registered with ``portal.finance.gates``): the payment of a
milestone that a report gates (``GrantReport.gates_milestone_id``, set by staff on the
schedule, as the award's terms say) cannot be approved before that report is approved."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.db import db
from portal.core.i18n import format_day
from portal.reports.constants import ReportKind, ReportStatus
from portal.reports.models import GrantReport


def held_by_reports(request) -> str | None:
    rows = db.session.execute(
        select(GrantReport.kind, GrantReport.period_start, GrantReport.period_end)
        .where(
            GrantReport.gates_milestone_id == request.milestone_id,
            GrantReport.status != ReportStatus.APPROVED.value,
        )
        .order_by(GrantReport.due_on, GrantReport.id)
    ).all()
    if not rows:
        return None
    names = "; ".join(
        f"{ReportKind(r.kind).label} ({format_day(r.period_start)} – {format_day(r.period_end)})"
        for r in rows
    )
    return str(
        _l(
            "The award's terms tie this payment to the approval of a report not yet approved: "
            "%(reports)s.",
            reports=names,
        )
    )
