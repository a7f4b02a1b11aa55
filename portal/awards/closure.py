"""The read-only rule of a closed grant (issue 16, closeout), in one place.

Once a grants manager closes an award (``portal.closeout``), every record of the grant is kept
as it stands: payment requests, disbursements (payments, advances, reversals and refunds),
co-finance contributions, amendments, milestones and reports. Each operation that changes one
of them calls :func:`refuse_if_closed` first, so the refusal says why in the user's language;
an administrator reopens the grant (with a reason) to correct anything.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.awards.constants import AwardStatus
from portal.core.errors import InputError

CLOSED_MESSAGE = _l(
    "This grant is closed: its records are read-only. An administrator may reopen it, "
    "giving a reason."
)


def is_closed(award) -> bool:
    return award is not None and award.status == AwardStatus.CLOSED.value


def refuse_if_closed(award, field: str = "") -> None:
    """Refuse (``InputError`` on ``field``) any change to a record of a closed grant."""
    if is_closed(award):
        raise InputError({field: [CLOSED_MESSAGE]})
