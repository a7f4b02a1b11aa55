"""Operations called directly: the database keeps the invariants the forms check."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal.organisations import operations as ops
from tests.organisations.helpers import org_form
from tests.support.factories import make_user


def _data(**overrides):
    data = org_form(**overrides)
    data["is_donataria"] = False
    return data


def test_racing_duplicate_rfc_becomes_a_clear_refusal(ctx, personas):
    """Two registrations of one RFC at the same moment: the partial unique index decides."""
    existing = personas["org_a"]
    with pytest.raises(ops.DuplicateRFCError) as refused:
        ops.register_organisation(make_user(), _data(rfc=existing.rfc))
    assert refused.value.existing.id == existing.id


def test_generic_rfc_with_mexican_residence_is_refused_by_the_database(ctx):
    with pytest.raises(IntegrityError):
        ops.register_organisation(make_user(), _data(rfc="XAXX010101000"))


def test_find_duplicate_ignores_generic_rfcs(ctx, personas):
    org = personas["org_a"]
    assert ops.find_duplicate(org.rfc, "mexico").id == org.id
    assert ops.find_duplicate(org.rfc, "mexico", exclude_id=org.id) is None
    assert ops.find_duplicate("XEXX010101000", "foreign") is None
