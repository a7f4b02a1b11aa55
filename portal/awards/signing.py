"""Electronic signature of an agreement: the grantee's signatory first, then a grants manager
of the programme. Each types their full name (compared without case or accents with their
account name), accepts the statement and re-enters their password; time, IP address, user
agent and the hash of what was signed are recorded. The second signature produces the
signed content hash and the signed PDF, rendered once and frozen."""

from __future__ import annotations

import unicodedata

from flask import request
from flask_babel import gettext as _

from portal.accounts.passwords import verify_password
from portal.awards import notifications
from portal.awards.constants import AgreementStatus, SignatureRole
from portal.awards.models import Agreement, Signature
from portal.awards.permissions import can_manage, is_signatory
from portal.awards.states import AGREEMENT, AWARD
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.requests import client_ip


def folded(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def role_for(agreement: Agreement, user) -> SignatureRole | None:
    """The role in which ``user`` may sign now (None: nothing to sign)."""
    award = agreement.award
    if agreement.status == AgreementStatus.ISSUED and agreement.document_id is not None:
        return SignatureRole.GRANTEE if is_signatory(award, user) else None
    if agreement.status == AgreementStatus.SIGNED_BY_GRANTEE:
        return SignatureRole.PROGRAMME if can_manage(award, user) else None
    return None


def refusal(agreement: Agreement, user) -> str:
    if agreement.status == AgreementStatus.ISSUED:
        if agreement.document_id is None:
            return _("The agreement's PDF is still being generated; try again in a moment.")
        return _(
            "Only the organisation's designated signatory can sign this agreement. Ask an "
            "owner of the organisation to designate you, or ask the signatory to sign."
        )
    if agreement.status == AgreementStatus.SIGNED_BY_GRANTEE:
        return _("The grantee has signed; a grants manager of the programme countersigns.")
    return _(
        "This agreement cannot be signed (it is %(status)s).", status=agreement.status_enum.label
    )


def check_signer(user, *, typed_name: str, accepted: bool, password: str) -> None:
    """The signer typed their account's full name, accepted the statement and re-entered their
    password (shared with the amendment document's signature); ``InputError`` otherwise."""
    errors: dict[str, list[str]] = {}
    if folded(typed_name) != folded(user.full_name):
        errors["typed_name"] = [
            _("Type your full name exactly as in your account: %(name)s.", name=user.full_name)
        ]
    if not accepted:
        errors["accept"] = [_("Tick the statement to accept the agreement.")]
    if not verify_password(user.password_hash, password or ""):
        errors["password"] = [_("The password is not correct.")]
    if errors:
        raise InputError(errors)


def sign(agreement: Agreement, user, *, typed_name: str, accepted: bool, password: str):
    role = role_for(agreement, user)
    if role is None:
        raise InputError({"": [refusal(agreement, user)]})
    check_signer(user, typed_name=typed_name, accepted=accepted, password=password)
    signature = Signature(
        agreement_id=agreement.id,
        user_id=user.id,
        role=role.value,
        typed_name=" ".join(typed_name.split()),
        signed_dt=now_utc(),
        ip_address=client_ip(),
        user_agent=(request.headers.get("User-Agent") or "")[:400],
        content_hash=agreement.content_hash,
        file_sha256=agreement.file_sha256,
    )
    db.session.add(signature)
    agreement.signatures.append(signature)
    db.session.flush()
    signed = {
        "role": role.value,
        "content_hash": agreement.content_hash,
        "file_sha256": agreement.file_sha256,
    }
    organisation_id = agreement.award.organisation_id
    if role == SignatureRole.GRANTEE:
        AGREEMENT.move(agreement, "sign", changes=signed, organisation_id=organisation_id)
        AWARD.move(agreement.award, "sign")
        notifications.notify_grantee_signed(agreement)
    else:
        AGREEMENT.move(agreement, "countersign", changes=signed, organisation_id=organisation_id)
        _activate(agreement)
    db.session.flush()
    return signature


def _activate(agreement: Agreement) -> None:
    from portal.awards.agreement import canonical_json, schedule_render, sha256_hex, signed_content

    agreement.signed_content_hash = sha256_hex(canonical_json(signed_content(agreement)))
    award = agreement.award
    award.updated_dt = now_utc()
    db.session.flush()
    AWARD.move(
        award,
        "activate",
        changes={
            "agreement": agreement.number,
            "signed_content_hash": agreement.signed_content_hash,
        },
        organisation_id=award.organisation_id,
    )
    schedule_render(agreement, signed=True)
    notifications.notify_active(agreement)
