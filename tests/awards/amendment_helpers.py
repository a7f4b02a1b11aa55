"""Carry an approved amendment through both signatures (the document is rendered inline when
the unit of work commits, as without Redis)."""

from __future__ import annotations

from portal.awards.amendments import signing
from portal.core import unit_of_work
from tests.support.factories import DEFAULT_PASSWORD


def sign_as(amendment, user):
    signature = signing.sign(
        amendment, user, typed_name=user.full_name, accepted=True, password=DEFAULT_PASSWORD
    )
    unit_of_work.commit()
    return signature


def sign_both(amendment, signatory, manager):
    unit_of_work.commit()  # the approval's commit renders the document
    sign_as(amendment, signatory)
    sign_as(amendment, manager)
