"""Who sees and does what with a grant's money (explicit per-object checks used by every view).

- Finance officers see every active (or closed, read-only) grant's finance page, approve
  payments, record disbursements and verify co-finance.
- The programme's grants managers (and administrators) see their grants and verify
  deliverables; they never record disbursements.
- Members of the grantee organisation see their own active grant; owners and editors prepare
  payment requests and report co-finance; the designated signatory certifies a request.
- Reviewers and everybody else: nothing (404).
"""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.awards.constants import MONEY_STATUSES, AwardStatus
from portal.awards.permissions import can_manage, is_finance
from portal.organisations.models import MemberRole

__all__ = ["can_manage", "is_finance"]


def is_active(award) -> bool:
    return award.status == AwardStatus.ACTIVE.value


def membership(award, user):
    return award.application.membership(user)


def can_view(award, user) -> bool:
    if not user.is_authenticated or award.status not in MONEY_STATUSES:
        return False
    return is_finance(user) or can_manage(award, user) or membership(award, user) is not None


def can_prepare(award, user) -> bool:
    """Owners and editors of the grantee organisation prepare requests and report co-finance."""
    m = membership(award, user)
    return bool(is_active(award) and m and m.role in (MemberRole.OWNER, MemberRole.EDITOR))


def can_certify(award, user) -> bool:
    m = membership(award, user)
    return bool(is_active(award) and m and m.is_signatory)


def sees_index(user) -> bool:
    return bool(
        user.is_authenticated
        and user.has_role(Role.FINANCE_OFFICER, Role.GRANTS_MANAGER, Role.ADMIN)
    )
