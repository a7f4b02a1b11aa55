"""Every agreement of the demo has its PDF: the signed grants of the finance and reporting
stages get real content, two signatures and both PDFs (they showed "being generated" for ever);
a database seeded with the old placeholders is repaired by seeding again."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.awards.builders import build_agreement
from portal.awards.demo_agreements import is_placeholder, seed_agreement_pdfs
from portal.awards.models import Agreement, Award
from portal.core.db import db
from portal.demo.seed import DemoWorld, seed_all
from tests.awards import helpers
from tests.support.matrix import login


def test_every_demo_agreement_has_its_pdfs(app, ctx):
    seed_all()
    db.session.commit()
    agreements = db.session.scalars(select(Agreement).order_by(Agreement.id)).all()
    assert len(agreements) >= 7  # the award waiting for signatures and six active grants
    for agreement in agreements:
        assert agreement.document_id and not is_placeholder(agreement), agreement
        if agreement.status == "active":
            assert agreement.signed_document_id and agreement.frozen, agreement
            assert {s.role for s in agreement.signatures} == {"grantee", "programme"}
    signed = next(a for a in agreements if a.number == "CONV-2025-01-0904-A1")
    text = helpers.flat_text(helpers.stored_bytes(signed.signed_document_id))
    assert "Justicia Cercana, A.C." in text and "Monterrey, Nuevo León" in text
    assert "Del 1 de febrero de 2026 al 31 de enero de 2027" in text or (
        "From 1 de febrero de 2026 to 31 de enero de 2027" in text  # catalogue not compiled
    )
    assert signed.signed_content_hash in text

    client = app.test_client()
    login(client, "gestor@cofinancia.example", "Cofinancia-Demo-2026")
    page = client.get(f"/awards/{signed.award_id}?lang=en").get_data(as_text=True)
    assert "Being generated" not in page and "Signed agreement (PDF)" in page

    assert seed_all().created["agreement_pdf"] == 0


def test_seeding_again_repairs_a_placeholder(ctx, application, personas):
    """A grant seeded before this stage existed: placeholder content, no PDF, no signature."""
    award = helpers.ready_award(application, personas["grants_manager"])
    award = db.session.get(Award, award.id)
    number = f"{application.reference}-A1"
    agreement = build_agreement(
        award,
        db.session.get(User, personas["grants_manager"].id),
        number=number,
        status="active",
        content={"demo": True, "number": number},
        frozen=True,
    )
    db.session.commit()
    world = DemoWorld()
    seed_agreement_pdfs(world)
    db.session.commit()
    assert world.created["agreement_pdf"] == 1
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.content["grantee"]["legal_name"] == "Org A A.C."
    assert agreement.document_id and agreement.signed_document_id
    assert [s.role for s in agreement.signatures] == ["grantee", "programme"]
    assert agreement.signature("grantee").user_id == personas["applicant"].id
    assert (
        agreement.issued_dt < agreement.signatures[0].signed_dt < agreement.signatures[1].signed_dt
    )
