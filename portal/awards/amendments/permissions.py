"""Who may request, edit, submit and decide an amendment (explicit per-object checks).

- The grantee organisation's owners and its signatory request amendments of an active grant,
  edit and submit their drafts, and withdraw them before a decision.
- The programme's grants managers (and administrators) start amendments themselves (then they
  edit, submit and withdraw them) and decide every submitted amendment.
- Whoever sees the award (``portal.awards.permissions.can_view``: its managers, finance
  officers, the grantee's members) sees its amendments.
"""

from __future__ import annotations

from portal.awards.amendments.constants import (
    DECIDABLE_STATUSES,
    EDITABLE_STATUSES,
    AmendmentStatus,
)
from portal.awards.constants import AwardStatus
from portal.awards.permissions import can_manage, can_view
from portal.organisations.models import MemberRole


def is_owner_or_signatory(award, user) -> bool:
    membership = award.application.membership(user)
    return bool(membership and (membership.role == MemberRole.OWNER or membership.is_signatory))


def can_request(award, user) -> bool:
    """The grantee asks for an amendment of its active grant."""
    return award.status == AwardStatus.ACTIVE and is_owner_or_signatory(award, user)


def can_start(award, user) -> bool:
    """A grants manager of the programme starts an amendment of an active grant."""
    return award.status == AwardStatus.ACTIVE and can_manage(award, user)


def can_draft(award, user) -> bool:
    return can_request(award, user) or can_start(award, user)


def can_see(amendment, user) -> bool:
    return can_view(amendment.award, user)


def is_author_side(amendment, user) -> bool:
    """The side that drafted it: the programme's managers when staff started it, otherwise
    the grantee's owners and signatory."""
    if amendment.started_by_staff:
        return can_manage(amendment.award, user)
    return is_owner_or_signatory(amendment.award, user)


def can_edit(amendment, user) -> bool:
    """Edit, submit or withdraw: the drafting side, while it is a draft or returned."""
    return amendment.status in EDITABLE_STATUSES and is_author_side(amendment, user)


def can_decide(amendment, user) -> bool:
    """A submitted amendment: any grants manager of the programme; one waiting for a second
    approval: another manager than the one who approved it first."""
    if amendment.status not in DECIDABLE_STATUSES or not can_manage(amendment.award, user):
        return False
    return not is_first_approver(amendment, user)


def is_first_approver(amendment, user) -> bool:
    return (
        amendment.status == AmendmentStatus.PENDING_SECOND_APPROVAL
        and amendment.first_approved_by_id == user.id
    )
