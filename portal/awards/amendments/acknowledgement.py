"""A budget realignment within the free threshold is a notification (``kinds/realignment``):
a grants manager of the programme acknowledges it and it takes effect at once, without a
document or signatures (``submitted`` → ``acknowledge`` → ``in_effect``). Any other amendment
is approved the normal way, and a notification cannot be approved instead."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.awards.amendments import notifications, permissions
from portal.awards.amendments.effects import apply_changes
from portal.awards.amendments.kinds import realignment
from portal.awards.states import AMENDMENT
from portal.core.db import db, now_utc
from portal.core.errors import InputError

ACTION = "acknowledge"


def applies(amendment) -> bool:
    return amendment.status == "submitted" and realignment.is_notification(amendment)


def decision_choices(form, amendment) -> None:
    """The decision form offers "Acknowledge" instead of approve for a notification."""
    if not applies(amendment):
        return
    form.decision.choices = [
        SelectChoice(ACTION, _("Acknowledge: the realignment takes effect at once")),
        *[c for c in form.decision.choices if c.value != "approve"],
    ]


def acknowledge(amendment, user) -> None:
    if not permissions.can_decide(amendment, user):
        raise InputError({"": [_("This amendment is not waiting for your decision.")]})
    if not applies(amendment):
        raise InputError(
            {"decision": [_("Only a budget realignment within the threshold is acknowledged.")]}
        )
    from portal.awards.amendments import operations

    operations._require_active(amendment.award)
    operations._check_again(amendment)
    previous = amendment.status
    amendment.decided_by_id = user.id
    amendment.decided_dt = now_utc()
    transition = AMENDMENT.move(
        amendment,
        ACTION,
        changes={"status": [previous, "in_effect"]},
        organisation_id=amendment.award.organisation_id,
    )
    apply_changes(amendment, user)
    db.session.flush()
    notifications.notify_decided(amendment, transition.target)


def refuse_approval(amendment) -> None:
    if applies(amendment):
        raise InputError(
            {
                "decision": [
                    _("This budget realignment is within the threshold: acknowledge it instead.")
                ]
            }
        )
