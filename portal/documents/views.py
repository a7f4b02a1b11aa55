"""Document routes: list, upload (through the app or straight to S3), finalize, download, delete.

Every route loads the owner through the registry and asks it: a user who may not see the
owner's documents gets 404 (never a file or its name); one who may see but not add gets 403.
The request's unit of work commits once at its end (portal/core/unit_of_work.py).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from portal.core import unit_of_work
from portal.core.db import db
from portal.core.unit_of_work import records_read
from portal.core.views import require
from portal.documents import operations
from portal.documents.forms import ConfirmForm, IntentForm, StartUploadForm, UploadForm
from portal.documents.models import Document
from portal.documents.owners import DocumentOwner, resolve
from portal.documents.rejections import Rejected, human_size
from portal.documents.storage import get_storage
from portal.documents.verification import check_size

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.record_once
def _setup(state) -> None:
    from portal.documents.setup import init_app

    init_app(state.app)


# Loading and permission checks -----------------------------------------------------------
def visible_owner(owner_type: str, owner_id: int) -> DocumentOwner:
    """The owner if the user may see its documents, else 404."""
    owner = resolve(owner_type, owner_id)
    if owner is None or not owner.can_view_documents(current_user):
        abort(404)
    return owner


def uploadable_slot(owner_type: str, owner_id: int, slot_key: str):
    """(owner, slot): 404 for an owner not visible or an unknown slot, 403 when the user may
    see the documents but not add any."""
    owner = visible_owner(owner_type, owner_id)
    slot = owner.document_slot(slot_key)
    if slot is None:
        abort(404)
    require(owner.can_upload_documents(current_user))
    return owner, slot


def visible_document(document_id: int) -> tuple[Document, DocumentOwner]:
    """(document, owner) if the user may see the owner's documents, else 404."""
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    return document, visible_owner(document.owner_type, document.owner_id)


def own_pending_upload(document_id: int):
    """(document, owner, slot) of an upload the user started and may still upload to, else
    404 (an upload is visible only to the user who started it)."""
    document, owner = visible_document(document_id)
    slot = owner.document_slot(document.slot)
    if (
        slot is None
        or document.uploaded_by_id != current_user.id
        or not owner.can_upload_documents(current_user)
    ):
        abort(404)
    return document, owner, slot


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def _upload_url(owner: DocumentOwner, slot_key: str) -> str:
    return url_for(
        ".upload", owner_type=owner.owner_type, owner_id=owner.owner_id, slot_key=slot_key
    )


def _outcome_response(outcome: operations.Outcome, owner: DocumentOwner):
    document = outcome.document
    if not outcome.ok:
        # A refused file is itself recorded (the rejected row and its audit entry), also
        # when the JSON answer is a 422.
        unit_of_work.keep_on_refusal()
    if outcome.ok:
        message = _(
            "“%(name)s” was checked and saved as version %(version)s.",
            name=document.original_name,
            version=document.version,
        )
        flash(message, "success")
        if wants_json():
            return jsonify(ok=True, message=message, redirect=owner.documents_url())
        return redirect(owner.documents_url())
    message = _("The file was not accepted: %(reason)s", reason=outcome.message)
    if wants_json():
        return jsonify(ok=False, message=message), 422
    flash(message, "danger")
    return redirect(_upload_url(owner, document.slot))


def _finished_already(document: Document, owner: DocumentOwner):
    if document.is_clean:
        flash(_("This upload has already been saved."), "info")
    else:
        flash(_("This upload was not accepted. Please upload the file again."), "warning")
    if wants_json():
        return jsonify(ok=document.is_clean, redirect=owner.documents_url()), 409
    return redirect(owner.documents_url())


# Pages ---------------------------------------------------------------------------------------
@bp.get("/<owner_type>/<int:owner_id>/")
@login_required
def owner_documents(owner_type: str, owner_id: int):
    from portal.documents.setup import build_listing

    owner = visible_owner(owner_type, owner_id)
    return render_template("documents/owner.html", owner=owner, doc_listing=build_listing(owner))


@bp.route("/<owner_type>/<int:owner_id>/<slot_key>/upload", methods=["GET", "POST"])
@login_required
def upload(owner_type: str, owner_id: int, slot_key: str):
    owner, slot = uploadable_slot(owner_type, owner_id, slot_key)
    if get_storage().direct_upload:
        return _start_direct_upload(owner, slot)
    form = UploadForm()
    if form.validate_on_submit():
        outcome = operations.upload_file(owner, slot, current_user, form.file.data)
        return _outcome_response(outcome, owner)
    if form.errors and wants_json():
        errors = [str(m) for messages in form.errors.values() for m in messages]
        return jsonify(ok=False, message=" ".join(errors)), 400
    return _upload_page(owner, slot, form, direct=False)


def _upload_page(owner, slot, form, *, direct: bool):
    return render_template(
        "documents/upload.html",
        owner=owner,
        slot=slot,
        form=form,
        direct=direct,
        limit=human_size(slot.limit),
        intent_url=url_for(
            ".intent", owner_type=owner.owner_type, owner_id=owner.owner_id, slot_key=slot.key
        ),
    )


def _start_direct_upload(owner, slot):
    """S3 without JavaScript: create the upload slot, then show the form that posts to S3."""
    form = StartUploadForm()
    if form.validate_on_submit():
        document = operations.start_upload(owner, slot, current_user)
        return redirect(url_for(".direct_form", document_id=document.id))
    return _upload_page(owner, slot, form, direct=True)


@bp.post("/<owner_type>/<int:owner_id>/<slot_key>/intent")
@login_required
def intent(owner_type: str, owner_id: int, slot_key: str):
    """S3 with JavaScript: a JSON request returns a presigned POST for one quarantine key."""
    owner, slot = uploadable_slot(owner_type, owner_id, slot_key)
    if not get_storage().direct_upload:
        abort(404)
    form = IntentForm()
    if not form.validate() or form.size.data is None:
        return jsonify(ok=False, message=_("The upload could not be started.")), 400
    try:
        check_size(form.size.data, slot)
    except Rejected as rejection:
        message = _("The file was not accepted: %(reason)s", reason=rejection.message)
        return jsonify(ok=False, message=message), 422
    document = operations.start_upload(
        owner,
        slot,
        current_user,
        filename=form.filename.data,
        declared_type=form.content_type.data,
    )
    target = operations.upload_form(document, slot)
    return jsonify(
        ok=True,
        document_id=document.id,
        url=target["url"],
        fields=target["fields"],
        finalize_url=url_for(".finalize", document_id=document.id),
    )


@bp.get("/uploads/<int:document_id>")
@login_required
def direct_form(document_id: int):
    document, owner, slot = own_pending_upload(document_id)
    if not document.is_pending:
        return _finished_already(document, owner)
    finish_url = url_for(".finish", document_id=document.id, _external=True)
    target = operations.upload_form(document, slot, redirect_url=finish_url)
    return render_template(
        "documents/direct.html",
        owner=owner,
        slot=slot,
        target=target,
        limit=human_size(slot.limit),
    )


@bp.get("/uploads/<int:document_id>/finish")
@login_required
def finish(document_id: int):
    """Where S3 sends the browser back after a form upload; saving needs a POST."""
    document, owner, slot = own_pending_upload(document_id)
    if not document.is_pending:
        return _finished_already(document, owner)
    return render_template(
        "documents/finish.html", owner=owner, slot=slot, document=document, form=ConfirmForm()
    )


@bp.post("/uploads/<int:document_id>/finalize")
@login_required
def finalize(document_id: int):
    document, owner, slot = own_pending_upload(document_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not document.is_pending:
        return _finished_already(document, owner)
    outcome = operations.finalize_upload(document, slot)
    return _outcome_response(outcome, owner)


@bp.get("/<int:document_id>/download")
@records_read
@login_required
def download(document_id: int):
    document, _owner = visible_document(document_id)
    if not document.is_available:
        abort(404)
    try:
        response = operations.download_response(document)
    except FileNotFoundError:
        current_app.logger.error(
            "document %s: object %s missing", document.id, document.storage_key
        )
        abort(404)
    operations.record_download(document)  # a recorded read: committed at the end
    return response


@bp.post("/<int:document_id>/delete")
@login_required
def delete(document_id: int):
    document, owner = visible_document(document_id)
    require(owner.can_upload_documents(current_user))
    if not document.is_available:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.delete_document(document, current_user)
    flash(
        _(
            "“%(name)s” (version %(version)s) was removed from the list.",
            name=document.original_name,
            version=document.version,
        ),
        "success",
    )
    return redirect(owner.documents_url())


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body past MAX_CONTENT_LENGTH: the same clear message as any oversized file."""
    unit_of_work.discard()
    limit = human_size(current_app.config["UPLOAD_MAX_BYTES"])
    message = _(
        "The file was not accepted: %(reason)s", reason=Rejected("too_large", limit=limit).message
    )
    if wants_json():
        return jsonify(ok=False, message=message), 413
    flash(message, "danger")
    return redirect(request.path), 303
