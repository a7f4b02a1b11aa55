"""The applicant's evaluation summary, readable by the organisation's members once the
application has a decision: the screening reasons of a screened-out application, or the
consensus summary and the per-criterion means. Never reviewer identities, individual reviews
or the panel's minority views."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from portal.applications.models import Application
from portal.core.db import db
from portal.reviews import screening
from portal.reviews.constants import SCREENING_REASONS
from portal.reviews.feedback import summary  # also imported from here by awards.letters
from portal.reviews.permissions import can_read_feedback
from portal.reviews.views import bp


@bp.get("/applications/<int:application_id>/evaluation")
@login_required
def evaluation(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or not can_read_feedback(application, current_user):
        abort(404)
    fail = screening.latest_fail(application) if application.status == "screened_out" else None
    return render_template(
        "reviews/evaluation.html",
        application=application,
        fail=fail,
        reasons=SCREENING_REASONS,
        **(summary(application) if fail is None else {}),
    )
