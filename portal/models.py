"""Imports every model so that ``Base.metadata`` is complete (Alembic, tests)."""

from portal.accounts.models import User, UserRole
from portal.audit.models import AuditEntry
from portal.core.db import Base
from portal.mail.models import OutboxMessage
from portal.organisations.models import Invitation, Membership, Organisation

__all__ = [
    "AuditEntry",
    "Base",
    "Invitation",
    "Membership",
    "Organisation",
    "OutboxMessage",
    "User",
    "UserRole",
]
