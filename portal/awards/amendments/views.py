"""Amendment pages, on the ``awards`` blueprint: request or start one from the award page,
edit the draft, submit or withdraw it, and the grants managers' decision.

Loaders answer 404 to whoever may not see the award and 403 to those who see it but may not
do the thing (e.g. finance officers, or grants managers on the grantee's draft).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.audit.labels import action_label
from portal.audit.models import AuditEntry
from portal.awards.amendments import (
    acknowledgement,
    kinds,
    operations,
    permissions,
    second_approval,
)
from portal.awards.amendments.constants import DECIDABLE_STATUSES
from portal.awards.amendments.forms import AmendmentDecisionForm, AmendmentForm
from portal.awards.amendments.models import Amendment
from portal.awards.permissions import can_manage
from portal.awards.views import bp, visible_award
from portal.core.db import db
from portal.core.views import require, run, run_action


def _decided_message(decision: str) -> str | None:
    return {
        "approve": _(
            "The amendment was approved. Its document is being generated for both parties "
            "to sign; the change takes effect with the countersignature."
        ),
        "approve_first": _(
            "Your approval was recorded: another grants manager must approve the amendment too."
        ),
        "request_changes": _("The amendment was returned to the grantee for changes."),
        "reject": _("The amendment was rejected."),
        "acknowledge": _("The budget realignment was acknowledged and is in effect."),
    }.get(decision)


def visible_amendment(amendment_id: int) -> Amendment:
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None or not permissions.can_see(amendment, current_user):
        abort(404)
    return amendment


def to_amendment(amendment: Amendment):
    return redirect(url_for("awards.amendment", amendment_id=amendment.id))


def _form_values(form: AmendmentForm) -> dict:
    """The kinds chosen, the justification and every kind's field values."""
    values = {k: v for k, v in form.data.items() if k not in ("csrf_token", "kinds")}
    return values | {"kinds": form.kinds.data or [], "justification": form.justification.data or ""}


@bp.route("/awards/<int:award_id>/amendments/new", methods=["GET", "POST"])
@login_required
def new_amendment(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_draft(award, current_user))
    if existing := operations.open_amendment(award):
        flash(_("This grant already has an open amendment: finish it first."), "info")
        return to_amendment(existing)
    form = AmendmentForm()
    kinds.prepare(form, award)
    if form.validate_on_submit() and (
        amendment := run(
            form,
            operations.create_draft,
            award,
            current_user,
            **_form_values(form),
            message=_("The amendment was saved as a draft. Submit it when it is ready."),
        )
    ):
        return to_amendment(amendment)
    return render_template(
        "awards/amendments/form.html", award=award, form=form, amendment=None, kinds=kinds.KINDS
    ), (422 if form.errors else 200)


@bp.route("/amendments/<int:amendment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_amendment(amendment_id: int):
    amendment = visible_amendment(amendment_id)
    require(permissions.is_author_side(amendment, current_user))
    if not permissions.can_edit(amendment, current_user):
        flash(_("This amendment can no longer be changed."), "info")
        return to_amendment(amendment)
    form = AmendmentForm(
        data={
            "kinds": amendment.kinds,
            "justification": amendment.justification,
            **kinds.requested(amendment),
        }
    )
    kinds.prepare(form, amendment.award)
    if form.validate_on_submit() and run(
        form,
        operations.update_draft,
        amendment,
        current_user,
        **_form_values(form),
        message=_("The amendment was saved."),
    ):
        return to_amendment(amendment)
    return render_template(
        "awards/amendments/form.html",
        award=amendment.award,
        form=form,
        amendment=amendment,
        kinds=kinds.KINDS,
    ), (422 if form.errors else 200)


@bp.get("/amendments/<int:amendment_id>")
@login_required
def amendment(amendment_id: int):
    return _page(visible_amendment(amendment_id), AmendmentDecisionForm(formdata=None))


def _page(amendment: Amendment, decision_form, status: int = 200):
    award = amendment.award
    acknowledgement.decision_choices(decision_form, amendment)
    return render_template(
        "awards/amendments/amendment.html",
        amendment=amendment,
        award=award,
        application=award.application,
        history=_history(amendment),
        changes=kinds.describe(amendment),
        warnings=kinds.warnings(amendment),
        can_edit=permissions.can_edit(amendment, current_user),
        can_decide=permissions.can_decide(amendment, current_user),
        decision_form=decision_form,
        **_signing(amendment),
    ), status


def _signing(amendment: Amendment) -> dict:
    """The amendment document, who may sign it now and a render that needs staff."""
    from portal.awards.amendments import document, regeneration, signing

    version = document.version_of(amendment)
    pending = regeneration.pending_render(version)
    return {
        "version": version,
        "sign_role": signing.role_for(amendment, version, current_user),
        "pending_render": pending,
        "can_regenerate": bool(
            pending and pending.needs_attention and can_manage(amendment.award, current_user)
        ),
    }


def _history(amendment: Amendment) -> list[dict]:
    entries = db.session.execute(
        select(AuditEntry.created_dt, AuditEntry.action, AuditEntry.changes, AuditEntry.user_id)
        .where(
            AuditEntry.organisation_id == amendment.award.organisation_id,
            AuditEntry.object_type == Amendment.audit_type,
            AuditEntry.object_id == str(amendment.id),
        )
        .order_by(AuditEntry.id)
    ).all()
    from portal.accounts.models import User

    ids = {e.user_id for e in entries if e.user_id}
    names = dict(
        db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()
        if ids
        else []
    )
    return [
        {
            "when": e.created_dt,
            "what": action_label(e.action),
            "who": names.get(e.user_id, "—"),
            "reason": (e.changes or {}).get("reason") or "",
        }
        for e in entries
    ]


@bp.post("/amendments/<int:amendment_id>/submit")
@login_required
def submit_amendment(amendment_id: int):
    amendment = visible_amendment(amendment_id)
    require(permissions.is_author_side(amendment, current_user))
    run_action(
        operations.submit,
        amendment,
        current_user,
        message=_("The amendment was submitted to the programme's grants managers."),
    )
    return to_amendment(amendment)


@bp.post("/amendments/<int:amendment_id>/withdraw")
@login_required
def withdraw_amendment(amendment_id: int):
    amendment = visible_amendment(amendment_id)
    require(permissions.is_author_side(amendment, current_user))
    run_action(
        operations.withdraw, amendment, current_user, message=_("The amendment was withdrawn.")
    )
    return to_amendment(amendment)


@bp.post("/amendments/<int:amendment_id>/decide")
@login_required
def decide_amendment(amendment_id: int):
    amendment = visible_amendment(amendment_id)
    require(can_manage(amendment.award, current_user))
    if amendment.status not in DECIDABLE_STATUSES:
        # A second click, or another manager decided first.
        flash(_("This amendment is not waiting for a decision any more."), "info")
        return to_amendment(amendment)
    form = AmendmentDecisionForm()
    decision = form.decision.data or ""
    message_key = "approve_first" if second_approval.awaits_first(amendment, decision) else decision
    if form.validate_on_submit() and run(
        form,
        operations.decide,
        amendment,
        current_user,
        decision=decision,
        reason=form.reason.data or "",
        message=_decided_message(message_key),
    ):
        return to_amendment(amendment)
    return _page(amendment, form, 422)


from portal.awards.amendments import bank_views  # noqa: E402, F401  (its routes)
