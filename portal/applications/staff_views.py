"""Staff list of a call's applications (grants managers and administrators), with exports."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from portal.accounts.roles import Role
from portal.applications import exports
from portal.applications.forms import SORTS, StaffFilterForm
from portal.applications.queries import staff_list
from portal.applications.views import bp
from portal.audit.operations import record
from portal.calls.loaders import load_call
from portal.core.pagination import paginate, requested_page
from portal.core.unit_of_work import records_read

PER_PAGE = 25
EXPORT_LIMIT = 10_000


def _staff_call(code: str, *, form: bool = True):
    """The call, for grants managers and administrators only (404 for everyone else)."""
    if not current_user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        abort(404)
    return load_call(code, form=form)


@bp.get("/calls/<code>/applications")
@login_required
def call_applications(code: str):
    call = _staff_call(code, form=False)
    form = StaffFilterForm.from_args(request.args)
    filters = form.filters()
    page = paginate(staff_list(call, filters), requested_page(), PER_PAGE, scalars=True)
    return render_template(
        "applications/staff_list.html",
        call=call,
        form=form,
        page=page,
        sorts=SORTS,
        export_args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/calls/<code>/applications.<any(csv, xlsx):fmt>")
@records_read
@login_required
def call_applications_export(code: str, fmt: str):
    call = _staff_call(code)
    filters = StaffFilterForm.from_args(request.args).filters()
    export = exports.prepare(call, staff_list(call, filters).limit(EXPORT_LIMIT))
    record("application.exported", call, changes={"format": fmt, "rows": export.count})
    if fmt == "csv":
        return exports.csv_response(export)
    return exports.xlsx_response(export)
