"""Signature of the amendment document, exactly as the agreement is signed
(``portal.awards.signing``): the grantee organisation's designated signatory first, then a
grants manager of the programme; each types their full name, accepts and re-enters their
password; time, IP address, user agent and the hash of what was signed are recorded. Only
the countersignature takes effect (``effects.apply_changes``, unchanged): it produces the signed
content hash (covering the content hash, itself covering the previous version's hash) and the
signed PDF, rendered once and frozen.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from portal.awards.amendments import document
from portal.awards.amendments.constants import AmendmentStatus
from portal.awards.amendments.document_models import AmendmentDocument, AmendmentSignature
from portal.awards.amendments.effects import apply_changes
from portal.awards.constants import SignatureRole
from portal.awards.permissions import can_manage, is_signatory
from portal.awards.signing import check_signer
from portal.awards.states import AMENDMENT
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.requests import client_ip


def role_for(amendment, version: AmendmentDocument | None, user) -> SignatureRole | None:
    """The role in which ``user`` may sign now (None: nothing to sign)."""
    if version is None:
        return None
    award = amendment.award
    if amendment.status == AmendmentStatus.APPROVED and version.document_id is not None:
        return SignatureRole.GRANTEE if is_signatory(award, user) else None
    if amendment.status == AmendmentStatus.SIGNED_BY_GRANTEE:
        return SignatureRole.PROGRAMME if can_manage(award, user) else None
    return None


def refusal(amendment, version: AmendmentDocument | None, user) -> str:
    if amendment.status == AmendmentStatus.APPROVED:
        if version is None or version.document_id is None:
            return _("The amendment's PDF is still being generated; try again in a moment.")
        return _(
            "Only the organisation's designated signatory can sign this amendment. Ask an "
            "owner of the organisation to designate you, or ask the signatory to sign."
        )
    if amendment.status == AmendmentStatus.SIGNED_BY_GRANTEE:
        return _("The grantee has signed; a grants manager of the programme countersigns.")
    return _(
        "This amendment cannot be signed (it is %(status)s).", status=amendment.status_enum.label
    )


def sign(amendment, user, *, typed_name: str, accepted: bool, password: str):
    version = document.version_of(amendment)
    role = role_for(amendment, version, user)
    if role is None:
        raise InputError({"": [refusal(amendment, version, user)]})
    check_signer(user, typed_name=typed_name, accepted=accepted, password=password)
    signature = AmendmentSignature(
        version_id=version.id,
        user_id=user.id,
        role=role.value,
        typed_name=" ".join(typed_name.split()),
        signed_dt=now_utc(),
        ip_address=client_ip(),
        user_agent=(request.headers.get("User-Agent") or "")[:400],
        content_hash=version.content_hash,
        file_sha256=version.file_sha256,
    )
    db.session.add(signature)
    version.signatures.append(signature)
    db.session.flush()
    signed = {
        "role": role.value,
        "content_hash": version.content_hash,
        "file_sha256": version.file_sha256,
    }
    organisation_id = amendment.award.organisation_id
    if role == SignatureRole.GRANTEE:
        AMENDMENT.move(amendment, "sign", changes=signed, organisation_id=organisation_id)
    else:
        version.signed_content_hash = document.sha256_hex(
            document.canonical_json(document.signed_content(version))
        )
        db.session.flush()
        AMENDMENT.move(
            amendment,
            "countersign",
            changes=signed | {"signed_content_hash": version.signed_content_hash},
            organisation_id=organisation_id,
        )
        apply_changes(amendment, user)
        document.schedule_render(version, signed=True)
    db.session.flush()
    return signature
