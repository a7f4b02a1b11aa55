"""Administration pages: users and roles, staff invitations, the e-mail outbox.

Every request is checked (``before_request``): anonymous users go to the login page and
anyone who is not an administrator gets a 403.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.accounts import factor_operations, step_up
from portal.accounts.models import User
from portal.accounts.session_display import session_rows
from portal.admin import credentials
from portal.admin import operations as ops
from portal.admin.blueprint import back_to, bp, user_or_404
from portal.admin.forms import (
    InviteForm,
    OutboxFilterForm,
    ResetSecondFactorForm,
    RolesForm,
    UserSearchForm,
)
from portal.admin.queries import memberships_of, outbox_list, user_search
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.pagination import paginate, requested_page
from portal.core.views import run_action
from portal.mail.models import OutboxMessage
from portal.mail.operations import deliver_pending

# --- users ---------------------------------------------------------------------------


@bp.get("/users")
def users():
    form = UserSearchForm(request.args)
    filters = form.data if form.validate() else {}
    stmt = user_search(
        filters.get("q") or "", filters.get("role") or "", filters.get("status") or ""
    )
    page = paginate(stmt, requested_page(), scalars=True)
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    # Step-up (issue 17): an invitation sets staff roles (or adds them to an existing account).
    if request.method == "POST" and (refusal := step_up.confirm_first(back=request.path)):
        return refusal
    form = InviteForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("admin/invite.html", form=form), status
    try:
        result = ops.invite_user(
            full_name=form.full_name.data,
            email=form.email.data,
            roles=form.roles.data,
            locale=form.locale.data,
            invited_by=current_user,
        )
    except IntegrityError:  # the same address was registered a moment ago
        unit_of_work.discard()
        flash(_("An account with this e-mail address was just created. Please try again."))
        return render_template("admin/invite.html", form=form), 409
    _flash_invite(result)
    return redirect(url_for("admin.user", user_id=result.user.id))


def _flash_invite(result: ops.InviteResult) -> None:
    names = ", ".join(str(r.label) for r in result.added_roles)
    if result.created:
        flash(_("Invitation sent to %(email)s.", email=result.user.email), "success")
    elif result.added_roles:
        flash(
            _(
                "%(email)s already has an account: no invitation was sent, the roles were "
                "added (%(roles)s).",
                email=result.user.email,
                roles=names,
            ),
            "info",
        )
    else:
        flash(
            _("%(email)s already has an account with these roles.", email=result.user.email),
            "info",
        )
    if not result.user.is_active:
        flash(_("This account is deactivated: reactivate it to let the person log in."), "warning")


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    target = user_or_404(user_id)
    form = RolesForm(data={"roles": sorted(r.value for r in target.roles)})
    return _render_user(target, form)


def _render_user(target: User, form: RolesForm, status: int = 200):
    return (
        render_template(
            "admin/user.html",
            user=target,
            form=form,
            memberships=memberships_of(target.id),
            sessions=session_rows(target, None),
            credential_sections=credentials.sections(target),
            factors=factor_operations.security_status(target),
            reset_form=ResetSecondFactorForm(),
        ),
        status,
    )


@bp.post("/users/<int:user_id>/roles")
def user_roles(user_id: int):
    target = user_or_404(user_id)
    # Step-up (issue 17): changing roles asks for the second factor again when it is old.
    if refusal := step_up.confirm_first(back=url_for("admin.user", user_id=target.id)):
        return refusal
    form = RolesForm()
    if not form.validate():
        return _render_user(target, form, 400)
    changed = run_action(ops.change_roles, target, form.roles.data, actor=current_user)
    if changed is not None:  # False: nothing to change
        flash(_("Roles saved.") if changed else _("Nothing to change."), "success")
    return back_to(target)


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    target = user_or_404(user_id)
    message = _("The account is deactivated and its sessions have ended.")
    run_action(ops.deactivate_user, target, actor=current_user, message=message)
    return back_to(target)


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    target = user_or_404(user_id)
    run_action(ops.reactivate_user, target, message=_("The account is active again."))
    return back_to(target)


@bp.post("/users/<int:user_id>/resend-invitation")
def resend_invitation(user_id: int):
    target = user_or_404(user_id)
    message = _("A new invitation was sent to %(email)s.", email=target.email)
    run_action(ops.resend_invitation, target, invited_by=current_user, message=message)
    return back_to(target)


@bp.post("/users/<int:user_id>/reset-second-factor")
def reset_second_factor(user_id: int):
    """Remove the user's authenticator app, recovery codes and passkeys (a lost phone)."""
    target = user_or_404(user_id)
    if not ResetSecondFactorForm().validate():
        flash(_("Tick the box to confirm the reset: nothing was changed."), "danger")
        return back_to(target)
    message = _(
        "The second factor of %(name)s is reset and their sessions have ended. They will set "
        "up a new one at their next log-in.",
        name=target.full_name,
    )
    actor = current_user._get_current_object()
    run_action(factor_operations.reset_second_factor, target, actor=actor, message=message)
    return back_to(target)


# --- outbox --------------------------------------------------------------------------


@bp.get("/outbox")
def outbox():
    form = OutboxFilterForm(request.args)
    status = form.status.data if form.validate() else ""
    page = paginate(outbox_list(status or ""), requested_page(), scalars=True)
    return render_template("admin/outbox.html", form=form, page=page, mail_server=_mail_server())


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    recipient = None
    if message.recipient_user_id is not None:
        recipient = db.session.get(User, message.recipient_user_id)
    return render_template(
        "admin/outbox_message.html",
        message=message,
        recipient=recipient,
        show_body=not _mail_server(),
    )


@bp.post("/outbox/retry")
def outbox_retry():
    """Deliver pending messages now (``deliver_pending`` commits)."""
    count = deliver_pending()
    flash(_("%(n)s pending message(s) processed.", n=count), "success")
    return redirect(url_for("admin.outbox"))


def _mail_server() -> str:
    return current_app.config.get("MAIL_SERVER") or ""


# More routes register themselves on ``bp``.
from portal.admin import jobs_views, schedule_views, session_views  # noqa: E402, F401
