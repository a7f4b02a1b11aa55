"""The demo's signed agreements get their real content, signatures and PDFs (a seed stage that
runs after every grant is built: ``portal.demo.seed.STAGES``).

The finance and reporting stages build their active grants with a placeholder agreement
(``{"demo": True}``, no PDF), which the award page showed as "being generated" for ever. This
stage gives each one what the signing flow would have produced: the terms' canonical content
and hash, the issued PDF, the grantee's and the programme's signatures (dated before the grant
starts), the signed content hash and the signed PDF. Idempotent: an agreement with a stored PDF
is never touched; repeated runs also repair databases seeded before this stage existed. Like
the rest of the seed: no audit entries, no e-mail, no commit.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from portal.awards.constants import AgreementStatus, SignatureRole
from portal.awards.models import Agreement, Signature
from portal.core.db import db

# When, before the grant starts, the demo agreement was issued and signed (11:00 local time).
ISSUED_BEFORE = timedelta(days=21)
GRANTEE_SIGNED_BEFORE = timedelta(days=14)
COUNTERSIGNED_BEFORE = timedelta(days=10)


def seed_agreement_pdfs(world) -> None:
    missing = db.session.scalars(
        select(Agreement).where(Agreement.document_id.is_(None)).order_by(Agreement.id)
    ).all()
    for agreement in missing:
        if is_placeholder(agreement):
            complete(agreement)
            world.created["agreement_pdf"] += 1
    db.session.flush()


def is_placeholder(agreement: Agreement) -> bool:
    content = agreement.content or {}
    return bool(content.get("demo")) and "grantee" not in content


def _local(day, zone) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=zone).astimezone(UTC)


def complete(agreement: Agreement) -> None:
    """Real content, issued PDF and, as its status says, signatures and the signed PDF."""
    from portal.accounts.models import User
    from portal.awards.agreement import (
        canonical_json,
        content_of,
        render_and_store,
        sha256_hex,
        signed_content,
    )
    from portal.pdf.dates import programme_today, programme_zone

    award = agreement.award
    manager = db.session.get(User, agreement.issued_by_id)
    zone = programme_zone()
    start = award.start_date or programme_today()
    agreement.issued_dt = _local(start - ISSUED_BEFORE, zone)
    agreement.language = (
        "bilingual" if award.application.call.programme.bilingual_agreement else "es"
    )
    content = content_of(
        award,
        agreement.number,
        agreement.version,
        agreement.language,
        programme_today(agreement.issued_dt),
    )
    agreement.content = content
    agreement.content_hash = sha256_hex(canonical_json(content))
    db.session.flush()
    render_and_store(agreement, manager)
    signed = agreement.status in (AgreementStatus.SIGNED_BY_GRANTEE, AgreementStatus.ACTIVE)
    if not signed or agreement.signatures:
        return
    signatory = _signatory(award)
    _sign(agreement, signatory, SignatureRole.GRANTEE, _local(start - GRANTEE_SIGNED_BEFORE, zone))
    if agreement.status != AgreementStatus.ACTIVE:
        return
    _sign(agreement, manager, SignatureRole.PROGRAMME, _local(start - COUNTERSIGNED_BEFORE, zone))
    agreement.signed_content_hash = sha256_hex(canonical_json(signed_content(agreement)))
    db.session.flush()
    render_and_store(agreement, manager, signed=True)


def _signatory(award):
    """The organisation's designated signatory (else whoever submitted the application)."""
    from portal.accounts.models import User
    from portal.organisations.models import Membership

    user_id = db.session.scalar(
        select(Membership.user_id).filter_by(
            organisation_id=award.organisation_id, is_signatory=True
        )
    )
    return db.session.get(User, user_id or award.application.submitted_by_id)


def _sign(agreement: Agreement, user, role: SignatureRole, when: datetime) -> None:
    signature = Signature(
        agreement_id=agreement.id,
        user_id=user.id,
        role=role.value,
        typed_name=user.full_name,
        signed_dt=when,
        content_hash=agreement.content_hash,
        file_sha256=agreement.file_sha256,
    )
    db.session.add(signature)
    agreement.signatures.append(signature)
    db.session.flush()
