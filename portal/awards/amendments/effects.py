"""What an amendment changes on its award, applied when it takes effect.

An amendment takes effect when a grants manager countersigns its document, after the
grantee's signatory (``signing.sign``); approval alone changes nothing on the award. Each kind
of change applies its own part (``portal.awards.amendments.kinds``).
"""

from __future__ import annotations

from blinker import Namespace

from portal.audit.operations import record
from portal.awards.amendments import kinds
from portal.core.db import db, now_utc

# Sent after an amendment's changes are applied and flushed (``award``, ``changed``): domains
# above awards follow them (``portal.reports`` moves the reporting schedule with the end date).
amended = Namespace().signal("award-amended")


def apply_changes(amendment, user) -> dict:
    """Apply ``amendment``'s changes to its award; returns (and audits) what changed."""
    award = amendment.award
    changed: dict = {"amendment": amendment.number, **kinds.apply(amendment, user)}
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "award.amended",
        award,
        changes=changed,
        organisation_id=award.organisation_id,
        user=user,
    )
    amended.send(amendment, award=award, changed=changed, user=user)
    return changed
