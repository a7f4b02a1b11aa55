"""Who sees the finance reports and who records exchange rates (explicit checks per view).

- The dashboard and the list of rates: finance officers and administrators (every grant) and
  grants managers (their programmes' grants, see ``filters.award_scope``).
- Recording a rate: finance officers and administrators.
- Everybody else: refused (403; anonymous users are sent to the login page).
"""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.reporting.filters import can_report


def can_view_dashboard(user) -> bool:
    return can_report(user)


def can_view_rates(user) -> bool:
    return can_report(user)


def can_record_rates(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.FINANCE_OFFICER, Role.ADMIN))
