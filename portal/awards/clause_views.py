"""The standard clauses of agreements, editable by grants managers and administrators.
Agreements already issued keep the text they were issued with (it is in their content)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.roles import Role
from portal.awards.clauses import ensure_defaults, stored_clauses, update_clause
from portal.awards.forms import ClauseForm
from portal.awards.models import AgreementClause
from portal.awards.views import bp
from portal.core.db import db
from portal.core.views import run, run_action


def require_clause_editor() -> None:
    """Only grants managers and administrators know the clauses page exists (404)."""
    if not current_user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        abort(404)


@bp.get("/awards/clauses")
@login_required
def clause_list():
    require_clause_editor()
    return render_template("awards/clauses.html", clauses=stored_clauses())


@bp.post("/awards/clauses/defaults")
@login_required
def clause_defaults():
    """Store the default clauses when none are stored (the migration seeds them)."""
    require_clause_editor()
    if not stored_clauses():  # a second click (or another manager's) adds nothing
        run_action(ensure_defaults, message=_("The default clauses were added."))
    return redirect(url_for("awards.clause_list"))


@bp.route("/awards/clauses/<int:clause_id>", methods=["GET", "POST"])
@login_required
def clause_edit(clause_id: int):
    require_clause_editor()
    clause = db.session.get(AgreementClause, clause_id)
    if clause is None:
        abort(404)
    form = ClauseForm(obj=clause)
    if form.validate_on_submit() and run(
        form,
        update_clause,
        clause,
        current_user,
        title_es=form.title_es.data,
        title_en=form.title_en.data,
        body_es=form.body_es.data,
        body_en=form.body_en.data,
        message=_("The clause was saved. Agreements issued from now on use the new text."),
    ):
        return redirect(url_for("awards.clause_list"))
    return render_template("awards/clause_form.html", clause=clause, form=form), (
        422 if form.errors else 200
    )
