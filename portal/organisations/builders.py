"""Row builders for organisations and memberships: shared by the demo seed (``portal.demo``)
and the tests' factories. They insert directly, flush, never commit and write no audit entry.
"""

from __future__ import annotations

from portal.core.db import db
from portal.organisations.models import Membership, Organisation


def build_organisation(
    *,
    legal_name: str,
    rfc: str,
    kind: str = "cso",
    state_code: str = "19",
    municipality: str = "Monterrey",
    address: str = "Av. Constitución 100, Centro",
    legal_rep_name: str = "María López",
    created_by=None,
    **columns,
) -> Organisation:
    """An organisation resident in Mexico; ``columns`` sets any other column (cluni, website...)."""
    organisation = Organisation(
        kind=kind,
        legal_name=legal_name,
        rfc=rfc,
        state_code=state_code,
        municipality=municipality,
        address=address,
        legal_rep_name=legal_rep_name,
        created_by_id=created_by.id if created_by is not None else None,
        **columns,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def add_membership(
    organisation: Organisation, user, role: str = "editor", *, is_signatory: bool = False
) -> Membership:
    membership = Membership(
        organisation_id=organisation.id, user_id=user.id, role=role, is_signatory=is_signatory
    )
    db.session.add(membership)
    db.session.flush()
    return membership
