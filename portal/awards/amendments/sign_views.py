"""The amendment document's download, signature and regeneration (routes on the ``awards``
blueprint). Signing reuses the agreement's form (``SignForm``) and checks
(``portal.awards.signing.check_signer``); see ``portal.awards.amendments.signing``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import step_up
from portal.audit.operations import record
from portal.awards.amendments import document, regeneration, signing
from portal.awards.amendments.views import to_amendment, visible_amendment
from portal.awards.forms import SignForm
from portal.awards.permissions import can_manage, is_signatory
from portal.awards.views import bp
from portal.core.db import db
from portal.core.unit_of_work import records_read
from portal.core.views import require, run, run_action
from portal.documents.models import Document


@bp.get("/amendments/<int:amendment_id>/pdf")
@records_read
@login_required
def amendment_pdf(amendment_id: int):
    from portal.documents.operations import download_response

    amendment = visible_amendment(amendment_id)
    version = document.version_of(amendment)
    signed = request.args.get("signed") == "1"
    document_id = None
    if version is not None:
        document_id = version.signed_document_id if signed else version.document_id
    stored = db.session.get(Document, document_id) if document_id else None
    if stored is None:
        abort(404)
    record(
        "amendment.downloaded",
        amendment,
        changes={"signed": signed, "sha256": stored.sha256},
        organisation_id=amendment.award.organisation_id,
    )
    return download_response(stored)


@bp.route("/amendments/<int:amendment_id>/sign", methods=["GET", "POST"])
@login_required
def sign_amendment(amendment_id: int):
    amendment = visible_amendment(amendment_id)
    version = document.version_of(amendment)
    role = signing.role_for(amendment, version, current_user)
    form = SignForm()
    if role is None:
        message = signing.refusal(amendment, version, current_user)
        award = amendment.award
        if form.is_submitted() and (
            is_signatory(award, current_user) or can_manage(award, current_user)
        ):
            # A second click, or the other manager countersigned first.
            flash(message, "danger")
            return to_amendment(amendment), 303
        return render_template("errors/403.html", message=message), 403
    # Step-up (issue 17): signing asks for the second factor again when its proof is old.
    if form.is_submitted() and (refusal := step_up.confirm_first(back=request.path)):
        return refusal
    if form.validate_on_submit() and run(
        form,
        signing.sign,
        amendment,
        current_user,
        typed_name=form.typed_name.data,
        accepted=form.accept.data,
        password=form.password.data,
        message=_("Thank you: your signature was recorded."),
    ):
        return to_amendment(amendment)
    form.password.data = ""
    return render_template(
        "awards/amendments/sign.html",
        amendment=amendment,
        version=version,
        award=amendment.award,
        form=form,
        role=role,
        step_up_due=not step_up.recent_enough(),
    ), (422 if form.errors else 200)


@bp.post("/amendments/<int:amendment_id>/regenerate")
@login_required
def regenerate_amendment(amendment_id: int):
    """A grants manager renders again an amendment PDF whose job failed or is stuck."""
    amendment = visible_amendment(amendment_id)
    require(can_manage(amendment.award, current_user))
    version = document.version_of(amendment)
    if version is None:
        flash(_("This amendment has no document yet."), "info")
        return to_amendment(amendment)
    run_action(
        regeneration.regenerate,
        version,
        current_user,
        message=_("The amendment's PDF is being generated again."),
    )
    return redirect(url_for("awards.amendment", amendment_id=amendment.id))
