"""Row builder for amendments, shared by the demo seed and the tests: inserts the amendment
already in its state (no move, no audit entry, no e-mail), flushes, never commits."""

from __future__ import annotations

from portal.awards.amendments.models import Amendment
from portal.core.db import db, now_utc


def build_amendment(
    award,
    requested_by,
    *,
    number: int = 1,
    status: str = "submitted",
    kinds=("no_cost_extension",),
    changes: dict,
    justification: str,
    started_by_staff: bool = False,
    **columns,
) -> Amendment:
    if status != "draft":
        columns.setdefault("submitted_dt", now_utc())
    amendment = Amendment(
        award_id=award.id,
        number=number,
        status=status,
        kinds=list(kinds),
        changes=changes,
        justification=justification,
        started_by_staff=started_by_staff,
        requested_by_id=requested_by.id,
        **columns,
    )
    db.session.add(amendment)
    db.session.flush()
    return amendment
