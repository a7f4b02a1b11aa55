"""Organisation pages: register, profile, members, invitations, the switcher, staff list.

Every route loads the organisation, checks the user's rights on it (404 when they may not
see it, 403 when they may see it but not change it) and runs one operation
(portal/core/views.py); the request's unit of work commits once at its end.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.audit.operations import use_organisation_of_request
from portal.core import unit_of_work
from portal.core.db import db, now_utc
from portal.core.forms import apply_errors
from portal.core.i18n import current_language
from portal.core.pagination import paginate, requested_page
from portal.core.security import safe_next
from portal.core.text import single_stop
from portal.core.views import require, run, run_action
from portal.organisations import invitations as invites
from portal.organisations import operations as ops
from portal.organisations.context import current_membership, current_organisation_id, switch_to
from portal.organisations.forms import (
    InviteForm,
    OrganisationForm,
    RoleForm,
    SearchForm,
    SwitchForm,
)
from portal.organisations.models import Invitation, MemberRole, Membership, Organisation
from portal.organisations.rfc import normalise_rfc

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
PER_PAGE = 25


@bp.record_once
def _setup(state) -> None:
    """Audit entries written during a request belong to the organisation the user acts for,
    and every page's menu shows it (core and audit do not import organisations)."""
    use_organisation_of_request(state.app, current_organisation_id)
    state.app.jinja_env.globals["current_membership"] = current_membership


# --- loading and permissions -----------------------------------------------------------


def visible_organisation(org_id: int) -> Organisation:
    """The organisation if the user may see it, else 404."""
    org = db.session.get(Organisation, org_id)
    if org is None or not org.can_view(current_user):
        abort(404)
    return org


def managed_organisation(org_id: int) -> Organisation:
    """The organisation if the user may change it: 404 when they may not see it, 403 when
    they may see it but not change it (members and staff already know it exists)."""
    org = visible_organisation(org_id)
    require(org.can_manage(current_user))
    return org


def member_of(org: Organisation, membership_id: int) -> Membership:
    """One of ``org``'s memberships, else 404."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != org.id:
        abort(404)
    return membership


def _back_to(org: Organisation):
    return redirect(url_for(".show", org_id=org.id))


# --- my organisations, register, switch ------------------------------------------------


@bp.get("/")
@login_required
def mine():
    memberships = db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.organisation))
        .filter_by(user_id=current_user.id)
        .order_by(Membership.id)
    ).all()
    return render_template(
        "organisations/mine.html", memberships=memberships, active_id=current_organisation_id()
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = OrganisationForm()
    if form.validate_on_submit():
        org = _guarding_rfc(form, ops.register_organisation, current_user, form.profile_data())
        if org is not None:
            switch_to(org.id)
            flash(_("The organisation has been registered. You are its owner."), "success")
            return _back_to(org)
    _flag_duplicate(form)
    return render_template("organisations/form.html", form=form, org=None)


def _guarding_rfc(form: OrganisationForm, operation, *args):
    """Run ``operation``; an RFC registered meanwhile is refused on the form, which also keeps
    the organisation that holds it (reported by :func:`_flag_duplicate`)."""
    try:
        return operation(*args)
    except ops.DuplicateRFCError as dup:
        unit_of_work.discard()
        apply_errors(form, dup.errors)
        form.duplicate_of = dup.existing
        return None


def _flag_duplicate(form: OrganisationForm) -> None:
    """A refused duplicate RFC is still audited and reported to staff: the page answers 200,
    so the request's unit of work commits it."""
    if form.duplicate_of is None:
        return
    ops.flag_duplicate_rfc(current_user, form.clean_rfc, form.duplicate_of, form.legal_name.data)


@bp.route("/switch", methods=["GET", "POST"])
@login_required
def switch():
    form = SwitchForm()
    if request.method == "POST":
        org_id = form.chosen_id() if form.validate_on_submit() else None
        if org_id is None or not switch_to(org_id):
            abort(404)
        org = db.session.get(Organisation, org_id)
        flash(single_stop(_("You are now acting for %(name)s.", name=org.legal_name)), "success")
        return redirect(safe_next(form.next.data, url_for(".mine")))
    memberships = db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.organisation))
        .filter_by(user_id=current_user.id)
        .order_by(Membership.id)
    ).all()
    return render_template(
        "organisations/switch.html",
        memberships=memberships,
        active_id=current_organisation_id(),
        next=safe_next(request.args.get("next"), ""),
    )


# --- one organisation ------------------------------------------------------------------


@bp.get("/<int:org_id>")
@login_required
def show(org_id: int):
    org = visible_organisation(org_id)
    me = org.membership_of(current_user)
    can_manage = bool(me and me.role == MemberRole.OWNER)
    members = db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.user))
        .filter_by(organisation_id=org.id)
        .order_by(Membership.id)
    ).all()
    invitations = []
    if can_manage or current_user.is_staff:
        invitations = db.session.scalars(
            select(Invitation)
            .filter_by(organisation_id=org.id, accepted_dt=None, revoked_dt=None)
            .order_by(Invitation.id)
        ).all()
    return render_template(
        "organisations/show.html",
        org=org,
        me=me,
        can_manage=can_manage,
        members=members,
        invitations=invitations,
        role_choices=list(MemberRole),
        now=now_utc(),
    )


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = managed_organisation(org_id)
    form = OrganisationForm(obj=org, exclude_id=org.id)
    if form.validate_on_submit():
        changes = _guarding_rfc(form, ops.update_profile, org, form.profile_data())
        if changes is not None:  # {} when nothing changed
            if changes:
                flash(_("The organisation's profile has been updated."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return _back_to(org)
    _flag_duplicate(form)
    return render_template("organisations/form.html", form=form, org=org)


@bp.route("/<int:org_id>/invite", methods=["GET", "POST"])
@login_required
def invite(org_id: int):
    org = managed_organisation(org_id)
    form = InviteForm(language=current_language())
    if form.validate_on_submit() and run(
        form,
        invites.invite_member,
        org,
        current_user,
        form.email.data,
        form.role.data,
        form.language.data,
        message=_("An invitation has been sent to %(email)s.", email=form.email.data),
    ):
        return _back_to(org)
    return render_template("organisations/invite.html", form=form, org=org)


@bp.post("/<int:org_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(org_id: int, invitation_id: int):
    org = managed_organisation(org_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != org.id:
        abort(404)
    email = invitation.email
    run_action(
        invites.revoke_invitation,
        invitation,
        message=_("The invitation to %(email)s has been revoked.", email=email),
    )
    return _back_to(org)


@bp.post("/<int:org_id>/members/<int:membership_id>/role")
@login_required
def change_role(org_id: int, membership_id: int):
    org = managed_organisation(org_id)
    membership = member_of(org, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "danger")
        return _back_to(org)
    message = _("The member's role has been changed.")
    run_action(ops.change_role, membership, form.role.data, message=message)
    return _back_to(org)


@bp.post("/<int:org_id>/members/<int:membership_id>/remove")
@login_required
def remove_member(org_id: int, membership_id: int):
    """Owners remove members; any member may leave (the last owner and the signatory stay)."""
    org = visible_organisation(org_id)
    membership = member_of(org, membership_id)
    leaving = membership.user_id == current_user.id
    require(leaving or org.can_manage(current_user))
    if leaving:
        message = single_stop(_("You have left %(name)s.", name=org.legal_name))
    else:
        message = _("The member has been removed from the organisation.")
    if not run_action(ops.remove_member, membership, message=message):
        return _back_to(org)
    return redirect(url_for(".mine")) if leaving else _back_to(org)


@bp.post("/<int:org_id>/members/<int:membership_id>/signatory")
@login_required
def set_signatory(org_id: int, membership_id: int):
    org = managed_organisation(org_id)
    membership = member_of(org, membership_id)
    run_action(
        ops.set_signatory, membership, message=_("The designated signatory has been changed.")
    )
    return _back_to(org)


# --- accepting an invitation -----------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The link from the invitation e-mail. Anonymous visitors are asked to log in (or
    register) and come back; only the invited address can accept."""
    found = invites.find_invitation(token)
    if found is None:
        abort(404)
    try:
        invites.check_invitation(found, current_user if current_user.is_authenticated else None)
    except invites.InvitationError as problem:
        return _invitation_problem(found, problem)
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("accounts.login", next=request.path))
        return render_template("organisations/invitation_login.html", next=request.path)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            membership = invites.accept_invitation(found, current_user)
        except invites.InvitationError as problem:
            return _invitation_problem(found, problem)
        switch_to(membership.organisation_id)
        flash(
            single_stop(
                _("Welcome! You have joined %(name)s.", name=found.organisation.legal_name)
            ),
            "success",
        )
        return redirect(url_for(".show", org_id=membership.organisation_id))
    return render_template("organisations/invitation.html", invitation=found, form=form)


def _invitation_problem(found: Invitation, problem: invites.InvitationError):
    """Custom refusal handling: the page depends on why the invitation cannot be accepted."""
    unit_of_work.discard()
    mine = current_user.is_authenticated and found.accepted_by_id == current_user.id
    if mine or problem.reason == "member":
        flash(_("You are already a member of this organisation."), "info")
        return redirect(url_for(".show", org_id=found.organisation_id))
    status = 403 if problem.reason == "wrong_email" else 410
    return render_template("organisations/invitation_problem.html", problem=problem), status


# --- staff: every organisation ---------------------------------------------------------


@bp.get("/all", endpoint="all")
@login_required
def all_organisations():
    require(current_user.is_staff)
    form = SearchForm(request.args)
    stmt = select(Organisation)
    if form.validate() and form.q.data:
        stmt = stmt.where(_search(form.q.data))
    stmt = stmt.order_by(Organisation.legal_name, Organisation.id)
    page = paginate(stmt, requested_page(), PER_PAGE, scalars=True)
    return render_template("organisations/all.html", form=form, page=page)


def _search(query: str):
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rfc = normalise_rfc(query)
    conditions = [Organisation.legal_name.ilike(f"%{escaped}%", escape="\\")]
    if rfc:
        conditions.append(Organisation.rfc.startswith(rfc, autoescape=True))
    return or_(*conditions)
