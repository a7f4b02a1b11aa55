"""Who may do what in the review domain. Each check takes the objects and the user.

- Grants managers of the call's programme and administrators (``call.can_manage``) screen,
  build the rubric and the panel, assign, reopen reviews, record consensus, rank and export.
- The panel's chair (a member with the reviewer role) reads every review of the panel's
  applications and records consensus; the chair never sees the ranking or exports.
- A reviewer reaches an application only through their own assignment, and only reads it
  after declaring no conflict of interest.
- Members of the applicant organisation read the evaluation summary once a decision is made.
"""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.reviews.constants import DECIDED_STATUSES


def can_manage_reviews(call, user) -> bool:
    return bool(user.is_authenticated and call.can_manage(user))


def is_reviewer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.REVIEWER))


def is_chair(panel, user) -> bool:
    return bool(panel is not None and is_reviewer(user) and panel.is_chair(user))


def can_record_consensus(call, panel, user) -> bool:
    return can_manage_reviews(call, user) or is_chair(panel, user)


def owns_assignment(assignment, user) -> bool:
    return bool(is_reviewer(user) and assignment.reviewer_id == user.id)


def can_open_application(assignment, user) -> bool:
    """The assigned reviewer, after declaring no conflict of interest."""
    return owns_assignment(assignment, user) and assignment.conflict is False


def can_read_feedback(application, user) -> bool:
    """Members of the applicant organisation, once the application has a decision."""
    return bool(application.status in DECIDED_STATUSES and application.membership(user) is not None)
