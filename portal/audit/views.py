"""Browsing the audit log (staff only): filters, newest first, a fixed number of queries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit import checks
from portal.audit.forms import AuditFilterForm
from portal.audit.labels import action_label, field_label, object_label
from portal.audit.queries import audit_search
from portal.core.i18n import DEFAULT_TIMEZONE, valid_timezone
from portal.core.pagination import Page, paginate, requested_page

bp = Blueprint("audit", __name__, url_prefix="/audit")

PER_PAGE = 50
MAX_VALUE_CHARS = 300


def can_browse(user) -> bool:
    """Grants managers, finance officers and administrators read the whole log."""
    return bool(user.is_authenticated and user.is_staff)


@bp.before_request
def _require_staff():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not can_browse(current_user):
        abort(403)
    return None


@bp.get("/")
def index():
    form = AuditFilterForm(request.args)
    if form.validate():
        stmt = audit_search(form.filters(), _viewer_zone())
        page = paginate(stmt, requested_page(), PER_PAGE)
    else:
        page = Page(items=[], number=1, per_page=PER_PAGE, total=0)
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        change_rows=change_rows,
        action_label=action_label,
        object_label=object_label,
        filtered=bool(request.args.keys() - {"page"}),
        chain=checks.latest(),
        check_form=CheckForm() if can_check(current_user) else None,
    )


def _viewer_zone() -> ZoneInfo:
    """Typed dates are days in the viewer's zone (the one the page shows times in)."""
    name = current_user.timezone
    return ZoneInfo(name if name and valid_timezone(name) else DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str | None
    after: str
    is_change: bool

    @property
    def label(self):
        """The field's translated name (the code itself when unknown)."""
        return field_label(self.field)

    @property
    def lang(self) -> str | None:
        """English content (``title_en``…) is marked as such on Spanish pages."""
        return "en" if self.field.endswith("_en") else None


def change_rows(changes) -> list[ChangeRow]:
    """``{"field": [before, after]}`` pairs (from ``diff``) or plain values, as text."""
    rows = []
    for key, value in (changes or {}).items() if isinstance(changes, dict) else ():
        if isinstance(value, list) and len(value) == 2:
            rows.append(ChangeRow(key, _show(value[0]), _show(value[1]), True))
        else:
            rows.append(ChangeRow(key, None, _show(value), False))
    return rows


def _show(value) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        text = ", ".join(_show(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


# The routes register themselves on ``bp``.
from portal.audit.check_views import CheckForm, can_check  # noqa: E402
