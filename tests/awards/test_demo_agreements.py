"""Every agreement of the demo has its PDF: the signed grants of the finance and reporting
stages get real content, two signatures and both PDFs (they showed "being generated" for ever);
a database seeded with the old placeholders is repaired by seeding again."""

from __future__ import annotations

from types import SimpleNamespace

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
    assert "vigente del 1 de febrero de 2026 al 31 de enero de 2027" in text
    assert signed.signed_content_hash in text
    # Issue 20: the demo award's agreement in Mexican legal form, in Spanish and in English.
    demo = next(a for a in agreements if a.number == "CONV-2026-01-0002-A1")
    _in_legal_form(helpers.flat_text(helpers.stored_bytes(demo.document_id)), demo)

    client = app.test_client()
    login(client, "gestor@cofinancia.example", "Cofinancia-Demo-2026")
    page = client.get(f"/awards/{signed.award_id}?lang=en").get_data(as_text=True)
    assert "Being generated" not in page and "Signed agreement (PDF)" in page

    assert seed_all().created["agreement_pdf"] == 0


def _in_legal_form(text: str, agreement) -> None:
    from portal.awards import agreement as agreement_pdf
    from portal.pdf.dates import long_date

    issued = long_date(agreement.content["issued_date"], "es_MX")
    for part in (
        "CONVENIO DE SUBVENCIÓN que celebran, por una parte,",
        "en lo sucesivo “EL PROGRAMA”",
        "Justicia Cercana, A.C., en lo sucesivo “LA ORGANIZACIÓN BENEFICIARIA”, representada por",
        "DECLARACIONES",
        "RFC) es JCE150312LT4",
        "(donataria autorizada)",
        "PRIMERA. OBJETO.",
        "SEGUNDA. MONTO DE LA SUBVENCIÓN.",
        ". JURISDICCIÓN.",
        f"lo firman en Monterrey, Nuevo León, a {issued}.",
    ):
        assert part in text, part
    english_version = SimpleNamespace(  # the same content in English, rendered, never stored
        content={**agreement.content, "language": "en"},
        content_hash=agreement.content_hash,
        signatures=[],
    )
    english = helpers.flat_text(agreement_pdf.render(english_version))
    issued = long_date(agreement.content["issued_date"], "en")
    for part in (
        "GRANT AGREEMENT entered into by, on the one part,",
        "hereinafter “THE PROGRAMME”",
        "hereinafter “THE GRANTEE”",
        "DECLARATIONS",
        "FIRST. PURPOSE.",
        ". JURISDICTION.",
        f"the parties sign it in Monterrey, Nuevo León, on {issued}.",
    ):
        assert part in english, part


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
