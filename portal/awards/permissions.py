"""Who may see and do what with an award (explicit per-object checks, used by every view).

- The programme's grants managers and administrators manage awards and countersign.
- Finance officers read awards (issue 7 pays them).
- Members of the grantee organisation read their award once approved; the organisation's
  designated signatory signs. Everybody else: nothing (404).
"""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.awards.constants import AwardStatus

HIDDEN_FROM_GRANTEE = (AwardStatus.PENDING_APPROVAL.value, AwardStatus.REJECTED.value)


def can_manage(award_or_call, user) -> bool:
    call = getattr(award_or_call, "application", None)
    call = call.call if call is not None else award_or_call
    return bool(user.is_authenticated and call.programme.can_manage(user))


def is_finance(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.FINANCE_OFFICER))


def is_grantee_member(award, user) -> bool:
    return award.application.membership(user) is not None


def can_view(award, user) -> bool:
    if not user.is_authenticated:
        return False
    if can_manage(award, user) or is_finance(user):
        return True
    return award.status not in HIDDEN_FROM_GRANTEE and is_grantee_member(award, user)


def is_signatory(award, user) -> bool:
    membership = award.application.membership(user)
    return bool(membership and membership.is_signatory)
