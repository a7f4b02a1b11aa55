"""Blueprint ``applications``: applying to a call, the application's pages, the staff list.

Every route loads the application and asks it: a user who may not see it gets 404 (another
organisation's application, a reviewer, a finance officer); a member who may see but not do
the action gets 403. The editing, thread and staff routes live in sibling modules that
register themselves on ``bp``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.applications import operations
from portal.applications.constants import STATUS_BADGES, ApplicationStatus
from portal.applications.forms import ReplyForm, RequestInformationForm, quiz_answers, quiz_form
from portal.applications.models import Application
from portal.calls.loaders import load_call
from portal.calls.rules import form_snapshot
from portal.core.db import db, now_utc
from portal.core.security import safe_next
from portal.core.unit_of_work import records_read
from portal.core.views import require, run_action
from portal.organisations.context import current_membership
from portal.organisations.models import MemberRole

bp = Blueprint("applications", __name__)
RETURN_KEY = "application_upload_return"


@bp.record_once
def _setup(state) -> None:
    from portal.applications.setup import init_app

    init_app(state.app)


# Loading -------------------------------------------------------------------------------------
def load_application(application_id: int, full: bool = False, budget: bool = True) -> Application:
    """The application if the current user may see it, else 404 (``full``: through
    ``operations.load_full``, with the budget rows unless ``budget`` is false)."""
    if full:
        application = operations.load_full(application_id, budget=budget)
    else:
        application = db.session.get(Application, application_id)
    if application is None or not application.can_view(current_user):
        abort(404)
    return application


def stale_message() -> str:
    return _(
        "Someone else saved this application while you were editing; your changes were not "
        "saved — reload the page to see the latest version."
    )


def remember_return(application: Application, url: str) -> None:
    """Where ``uploaded`` sends the user back after the documents upload page."""
    session[RETURN_KEY] = {"id": application.id, "url": url}


# My applications -----------------------------------------------------------------------------
@bp.get("/applications/")
@login_required
def mine():
    membership = current_membership()
    applications = []
    if membership is not None:
        applications = db.session.scalars(
            select(Application)
            .where(Application.organisation_id == membership.organisation_id)
            .order_by(Application.created_dt.desc(), Application.id.desc())
        ).all()
    return render_template(
        "applications/mine.html", membership=membership, applications=applications
    )


# Starting ------------------------------------------------------------------------------------
@bp.route("/calls/<code>/apply", methods=["GET", "POST"])
@login_required
def apply(code: str):
    """Answer the eligibility quiz, then start a draft (or keep one despite failing)."""
    call = load_call(code)
    membership = current_membership()
    require(membership is not None and membership.role in (MemberRole.OWNER, MemberRole.EDITOR))
    if not call.is_open(now_utc()):
        flash(_("This call is not open for applications."), "warning")
        return redirect(url_for("calls.detail", code=call.code))
    organisation = membership.organisation
    form = quiz_form(form_snapshot(call))
    reasons = None
    if form.validate_on_submit():
        answers = quiz_answers(form)
        reasons = operations.eligibility_reasons(call, answers, organisation)
        if not reasons or request.form.get("save_anyway"):
            return _start(call, organisation, answers)
    return render_template(
        "applications/apply.html", call=call, form=form, reasons=reasons, organisation=organisation
    )


def _start(call, organisation, answers):
    application = run_action(
        operations.start_application, call, organisation, current_user, answers
    )
    if application is None:
        return redirect(url_for("calls.detail", code=call.code))
    if application.eligible:
        flash(_("Your draft application is saved. Fill in the form and the budget."), "success")
    else:
        flash(
            _(
                "Your draft is saved, but according to your answers you are not eligible: "
                "you cannot submit it unless your answers change."
            ),
            "warning",
        )
    return redirect(url_for("applications.edit", application_id=application.id))


# Status page ---------------------------------------------------------------------------------
@bp.get("/applications/<int:application_id>")
@login_required
def status(application_id: int):
    application = load_application(application_id, full=True)
    return render_status(application)


def render_status(application, reply_form=None, request_form=None, code: int = 200):
    from portal.applications.acknowledgement import context as ack_context

    documents = operations.current_documents(application)
    now = now_utc()
    return (
        render_template(
            "applications/status.html",
            application=application,
            summary=ack_context(application, documents),
            timeline=operations.timeline(application),
            thread=operations.messages(application),
            reply_form=reply_form or ReplyForm(),
            request_form=request_form or RequestInformationForm(),
            can_withdraw=application.can_withdraw(current_user, now),
            now=now,
        ),
        code,
    )


# After a document upload ---------------------------------------------------------------------
@bp.get("/applications/<int:application_id>/uploaded")
@login_required
def uploaded(application_id: int):
    application = load_application(application_id)
    remembered = session.pop(RETURN_KEY, None) or {}
    if application.can_edit(current_user):
        default = url_for("applications.edit", application_id=application.id)
    else:
        default = url_for("applications.status", application_id=application.id)
    if remembered.get("id") != application.id:
        return redirect(default)
    return redirect(safe_next(remembered.get("url"), default))


# Acknowledgement -----------------------------------------------------------------------------
@bp.get("/applications/<int:application_id>/acknowledgement")
@records_read
@login_required
def acknowledgement(application_id: int):
    from portal.applications.acknowledgement import ensure
    from portal.documents.operations import download_response, record_download

    application = load_application(application_id)
    if not application.was_submitted:
        abort(404)
    document = ensure(application.id)
    response = download_response(document)
    record_download(document)
    return response


@bp.app_template_global()
def application_status_badge(status: str) -> str:
    return STATUS_BADGES.get(ApplicationStatus(status), "text-bg-secondary")


@bp.app_template_global()
def application_status_label(status: str):
    return ApplicationStatus(status).label


@bp.context_processor
def _helpers() -> dict:
    from portal.applications import constants
    from portal.calls.constants import QuestionKind
    from portal.core.i18n import current_language

    def bilingual(texts: dict | None) -> str:
        texts = texts or {}
        return texts.get(current_language()) or texts.get("es") or texts.get("en") or ""

    return {
        "bilingual": bilingual,
        "ApplicationStatus": constants.ApplicationStatus,
        "QuestionKind": QuestionKind,
    }


# The other routes register themselves on ``bp``.
from portal.applications import edit_views, staff_views, thread_views  # noqa: E402, F401
