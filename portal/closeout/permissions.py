"""Who sees and does what in a grant's closeout (explicit per-object checks).

- The checklist: whoever sees the grant's finances (the programme's grants managers and
  administrators, finance officers, members of the grantee organisation), for a grant in force
  or closed.
- The final co-finance certification: the grantee's designated signatory.
- Documents complete, closing: the programme's grants managers (and administrators).
- Reopening a closed grant: administrators only.
"""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.awards.constants import MONEY_STATUSES
from portal.awards.permissions import can_manage, is_signatory
from portal.finance import permissions as finance_permissions


def can_view(award, user) -> bool:
    return award.status in MONEY_STATUSES and finance_permissions.can_view(award, user)


def can_certify(award, user) -> bool:
    return bool(user.is_authenticated and is_signatory(award, user))


def can_manage_closeout(award, user) -> bool:
    return bool(user.is_authenticated and can_manage(award, user))


def can_reopen(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMIN))
