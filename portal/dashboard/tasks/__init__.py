"""What is waiting for the signed-in person: one list of task groups per role.

Each group is one SQL statement whatever the data (the group's first rows plus, through a
window function, how many there are), so a home page runs a fixed number of statements.
Every query is scoped the way the page it links to is: an applicant's tasks come only from
the organisations they belong to, a grants manager's from the programmes they manage.
"""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.dashboard.tasks.base import TaskGroup


def tasks_for(user) -> list[TaskGroup]:
    """Every role's groups for this user, in the order of the grant cycle."""
    from portal.dashboard.tasks import admin, applicant, finance, manager, reviewer, security

    groups: list[TaskGroup] = []
    groups += applicant.groups(user)
    if user.has_role(Role.REVIEWER):
        groups += reviewer.groups(user)
    if user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        groups += manager.groups(user)
    if user.has_role(Role.FINANCE_OFFICER):
        groups += finance.groups(user)
    if user.has_role(Role.ADMIN):
        groups += admin.groups(user)
    groups += security.groups(user)
    return groups
