"""Demo amendment in effect (a seed stage after the agreements' PDFs, which the chain starts
from): on "Mediación escolar en San Nicolás" (CONV-2025-01-0904, which also has the pending
extension of ``demo``), a scope change approved, signed by the grantee's signatory and
countersigned by the grants manager a month ago, with its document, both PDFs and hashes as
the signing flow would have produced them. Idempotent (skipped when the grant already has an
amendment document); no audit entry, no e-mail, no commit, like the rest of the seed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.applications.models import Application
from portal.awards.amendments import document
from portal.awards.amendments.builders import build_amendment
from portal.awards.amendments.demo import REFERENCE, SIGNATORY
from portal.awards.amendments.document_models import AmendmentDocument, AmendmentSignature
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.core.db import db, now_utc

MANAGER = "gestor@cofinancia.example"
SCOPE = (
    "Se suma la Secundaria Técnica 45 a las escuelas atendidas; las sesiones de mediación se "
    "reparten entre cinco planteles en lugar de cuatro, con el mismo presupuesto."
)


def seed_signed_amendment(world) -> None:
    award = db.session.scalar(
        select(Award).join(Application).where(Application.reference == REFERENCE)
    )
    signatory, manager = world.users.get(SIGNATORY), world.users.get(MANAGER)
    if award is None or signatory is None or manager is None:
        return
    agreement = document.signed_agreement(award)
    if agreement is None or not agreement.signed_content_hash:
        return
    done = select(AmendmentDocument.id).join(Amendment).where(Amendment.award_id == award.id)
    if db.session.scalar(done):
        return
    taken = set(db.session.scalars(select(Amendment.number).where(Amendment.award_id == award.id)))
    number = 1 if 1 not in taken else (max(taken) + 1)
    now = now_utc()
    amendment = build_amendment(
        award,
        signatory,
        number=number,
        status="in_effect",
        kinds=("scope",),
        changes={"scope": [None, SCOPE]},
        justification="La Secretaría de Educación pidió incluir una secundaria más del mismo "
        "sector escolar.",
        requested_dt=now - timedelta(days=40),
        submitted_dt=now - timedelta(days=39),
        decided_by_id=manager.id,
        decided_dt=now - timedelta(days=35),
    )
    _document(amendment, agreement, manager, signatory, now)
    world.created["amendment_in_effect"] += 1


def _document(amendment, agreement, manager, signatory, now) -> None:
    from portal.pdf.dates import programme_today

    issued = now - timedelta(days=35)
    previous = ("agreement", agreement.number, agreement.signed_content_hash)
    content = document.content_of(amendment, agreement, previous, programme_today(issued))
    version = AmendmentDocument(
        amendment_id=amendment.id,
        language=agreement.language,
        content=content,
        previous_hash=previous[2],
        content_hash=document.sha256_hex(document.canonical_json(content)),
        issued_by_id=manager.id,
        issued_dt=issued,
    )
    db.session.add(version)
    db.session.flush()
    document.store_pdf(version, manager)
    for user, role, days in ((signatory, "grantee", 33), (manager, "programme", 32)):
        signature = AmendmentSignature(
            version_id=version.id,
            user_id=user.id,
            role=role,
            typed_name=user.full_name,
            signed_dt=now - timedelta(days=days),
            content_hash=version.content_hash,
            file_sha256=version.file_sha256,
        )
        db.session.add(signature)
        version.signatures.append(signature)
    db.session.flush()
    signed = document.signed_content(version)
    version.signed_content_hash = document.sha256_hex(document.canonical_json(signed))
    document.store_pdf(version, manager, signed=True)
