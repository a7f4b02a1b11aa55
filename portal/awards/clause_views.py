"""The standard clauses of agreements, editable by grants managers and administrators.
Agreements already issued keep the text they were issued with (it is in their content)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.roles import Role
from portal.audit.operations import diff, record
from portal.awards.clauses import clauses
from portal.awards.forms import ClauseForm
from portal.awards.models import AgreementClause
from portal.awards.views import bp
from portal.core.db import db, now_utc


def require_editor() -> None:
    if not current_user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        abort(404)


@bp.get("/awards/clauses")
@login_required
def clause_list():
    require_editor()
    found = clauses()
    db.session.commit()
    return render_template("awards/clauses.html", clauses=found)


@bp.route("/awards/clauses/<int:clause_id>", methods=["GET", "POST"])
@login_required
def clause_edit(clause_id: int):
    require_editor()
    clause = db.session.get(AgreementClause, clause_id)
    if clause is None:
        abort(404)
    form = ClauseForm(obj=clause)
    if form.validate_on_submit():
        before = clause.audit_fields()
        form.populate_obj(clause)
        clause.updated_by_id = current_user.id
        clause.updated_dt = now_utc()
        db.session.flush()
        record("agreement.clause_updated", clause, changes=diff(before, clause.audit_fields()))
        db.session.commit()
        flash(_("The clause was saved. Agreements issued from now on use the new text."), "success")
        return redirect(url_for("awards.clause_list"))
    return render_template("awards/clause_form.html", clause=clause, form=form), (
        422 if form.errors else 200
    )
