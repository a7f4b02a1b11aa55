"""Builders for the awards tests: a recommended application with co-finance sources, and an
award carried to an issued agreement through the real operations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.awards import operations
from portal.core.db import db
from tests.reviews.helpers import make_application

D = Decimal
HOSTILE = (
    '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/hostname">'
    '<img src="https://example.com/x.png">'
)


def recommended_application(
    call,
    organisation,
    user,
    *,
    title="Mediación vecinal",
    requested="300000.00",
    status="recommended",
):
    return make_application(
        call,
        organisation,
        user,
        status=status,
        title=title,
        requested=requested,
        sources=[
            dict(
                contributor_name="Municipio de Monterrey",
                contributor_type="state_institution",
                nature="in_kind",
                counts_as="cost_share",
                amount=D("90000.00"),
                valuation_basis="Renta de salones",
            ),
            dict(
                contributor_name="Fundación Norte",
                contributor_type="other_donor",
                nature="cash",
                counts_as="leverage",
                amount=D("50000.00"),
            ),
        ],
    )


def ready_award(application, manager, *, amount="300000.00", conditions="Informe final."):
    """An approved award with terms, risk assessment and a schedule that adds up."""
    award = operations.decide(
        application,
        manager,
        decision="award",
        justification="Primer lugar",
        amount=D(amount),
        instrument="fixed_amount",
    )
    operations.update_terms(
        award,
        manager,
        instrument="fixed_amount",
        amount=D(amount),
        start_date=date(2027, 2, 1),
        end_date=date(2028, 1, 31),
        special_conditions=conditions,
    )
    operations.assess_risk(award, manager, {k: "satisfactory" for k in RISK_KEYS}, "")
    half = (D(amount) / 2).quantize(D("0.01"))
    operations.add_milestone(
        award,
        manager,
        deliverable="Plan de trabajo aprobado",
        verification="Plan firmado",
        due_date=date(2027, 3, 1),
        amount=half,
    )
    operations.add_milestone(
        award,
        manager,
        deliverable="Informe final de mediaciones",
        verification="Informe y listas de asistencia",
        due_date=date(2028, 1, 15),
        amount=D(amount) - half,
    )
    db.session.commit()
    return award


RISK_KEYS = (
    "financial_management",
    "past_performance",
    "audits",
    "capacity",
    "registration",
    "exclusion",
)


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_bytes(document_id: int) -> bytes:
    from portal.documents.models import Document
    from portal.documents.operations import storage_for

    document = db.session.get(Document, document_id)
    with storage_for(document).open(document.storage_key) as (fileobj, _token):
        return fileobj.read()


def flat_text(data: bytes) -> str:
    """The PDF's text with every run of whitespace made one space (tables wrap lines)."""
    return " ".join(pdf_text(data).split())
