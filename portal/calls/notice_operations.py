"""Announcements and FAQ entries of a call (not part of the form: no new version)."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.calls.constants import CallStatus
from portal.calls.form_operations import _audit
from portal.calls.models import Call, CallNotice
from portal.core.db import db
from portal.core.errors import InputError

# Notices (announcements and FAQ) -----------------------------------------------------------
NOTICE_FIELDS = ("kind", "title_es", "title_en", "body_es", "body_en")


def _require_not_archived(call: Call) -> None:
    if call.status == CallStatus.ARCHIVED:
        raise InputError({"": [_("An archived call can no longer be changed.")]})


def add_notice(call: Call, data: dict, actor) -> CallNotice:
    _require_not_archived(call)
    notice = CallNotice(**{f: data[f] for f in NOTICE_FIELDS})
    call.notices.append(notice)
    db.session.flush()
    _audit("call.notice_added", call, f"notice.{notice.id}", {}, notice.audit_fields(), actor)
    return notice


def update_notice(notice: CallNotice, data: dict, actor) -> CallNotice:
    _require_not_archived(notice.call)
    before = notice.audit_fields()
    for name in NOTICE_FIELDS:
        setattr(notice, name, data[name])
    db.session.flush()
    if before != notice.audit_fields():
        _audit(
            "call.notice_updated",
            notice.call,
            f"notice.{notice.id}",
            before,
            notice.audit_fields(),
            actor,
        )
    return notice


def delete_notice(notice: CallNotice, actor) -> None:
    call = notice.call
    _require_not_archived(call)
    before = notice.audit_fields()
    call.notices.remove(notice)
    db.session.flush()
    _audit("call.notice_removed", call, f"notice.{notice.id}", before, {}, actor)
