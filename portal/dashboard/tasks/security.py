"""Account-security tasks (issue 17), for every signed-in person, in one statement: set up a
second factor (programme staff, who hold the keys to grant money, when their role does not
already force it at sign-in), or make new recovery codes when few are left."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, select

from portal.accounts.factor_models import RecoveryCode, TotpFactor, WebAuthnCredential
from portal.accounts.recovery_codes import LOW_WARNING
from portal.core.db import db
from portal.dashboard.tasks.base import Task, TaskGroup


def _status(user):
    codes_left = (
        select(func.count())
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_dt.is_(None))
        .scalar_subquery()
    )
    app = exists().where(TotpFactor.user_id == user.id, TotpFactor.confirmed_dt.is_not(None))
    passkey = exists().where(WebAuthnCredential.user_id == user.id)
    return db.session.execute(
        select(app.label("app"), passkey.label("passkey"), codes_left.label("codes_left"))
    ).one()


def groups(user) -> list[TaskGroup]:
    group = TaskGroup("account_security", _("Your account's security"))
    status = _status(user)
    security = url_for("accounts.security")
    if not (status.app or status.passkey):
        if user.is_staff:
            group.tasks = [
                Task(
                    subject=_("Set up a second factor"),
                    detail=_(
                        "Your role gives access to grant money and decisions: an authenticator "
                        "app or a passkey keeps your account safe if your password leaks."
                    ),
                    url=security,
                    action=_("Set it up"),
                )
            ]
    elif status.codes_left <= LOW_WARNING:
        group.tasks = [
            Task(
                subject=_("Make new recovery codes"),
                detail=ngettext(
                    "%(num)d recovery code left.", "%(num)d recovery codes left.", status.codes_left
                ),
                url=security,
                action=_("Make new codes"),
            )
        ]
    group.total = len(group.tasks)
    return [group]
