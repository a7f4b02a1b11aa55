"""Form versions: the application form is frozen at publication and after each change."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.operations import record
from portal.calls.form_models import FormVersion
from portal.calls.models import Call
from portal.calls.rules import form_snapshot
from portal.core.db import db


def _has_versions(call: Call) -> bool:
    stmt = select(FormVersion.id).where(FormVersion.call_id == call.id).limit(1)
    return db.session.scalar(stmt) is not None


def freeze_form_version(call: Call, actor) -> FormVersion:
    """Store the current form as version ``call.form_version``."""
    db.session.flush()
    version = FormVersion(
        call_id=call.id,
        version=call.form_version,
        snapshot=form_snapshot(call),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    return version


def form_changed(call: Call, actor) -> None:
    """After first publication, each change to the form, slots or quiz is a new version."""
    if not call.ever_published:
        return
    before = call.form_version
    call.form_version = before + 1
    freeze_form_version(call, actor)
    record(
        "call.form_version_created",
        call,
        changes={"form_version": [before, call.form_version]},
        user=actor,
    )


def form_versions(call: Call) -> list[FormVersion]:
    stmt = select(FormVersion).where(FormVersion.call_id == call.id).order_by(FormVersion.version)
    return list(db.session.scalars(stmt))


def used_keys(call: Call, section: str) -> set[str]:
    """Keys that any frozen version of the form used in ``section`` (never to be reused)."""
    keys: set[str] = set()
    for version in form_versions(call):
        keys.update(item["key"] for item in version.snapshot.get(section, []))
    return keys
