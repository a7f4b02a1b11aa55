"""The amendment in the agreement's legal form (issue 20) and migration 0032, which brings the
stored standard clauses to the new defaults while keeping any text a grants manager edited."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.awards import operations as award_operations
from portal.awards import signing as agreement_signing
from portal.awards.amendments import document, operations
from portal.awards.clauses import DEFAULT_CLAUSES, stored_clauses
from portal.awards.models import Agreement, AgreementClause, Award
from portal.core import unit_of_work
from portal.core.db import db
from portal.pdf.dates import long_date
from tests.awards import helpers
from tests.awards.amendment_helpers import sign_both
from tests.support.factories import DEFAULT_PASSWORD

MIGRATION = Path(__file__).parents[2] / "migrations/versions/0032_legal_form_clauses.py"


@pytest.fixture
def award(ctx, application, personas):
    """An award whose agreement was issued, rendered and signed by both parties."""
    manager = personas["grants_manager"]
    agreement = award_operations.issue_agreement(helpers.ready_award(application, manager), manager)
    unit_of_work.commit()
    for user in (personas["applicant"], manager):
        agreement = db.session.get(Agreement, agreement.id)
        agreement_signing.sign(
            agreement, user, typed_name=user.full_name, accepted=True, password=DEFAULT_PASSWORD
        )
        unit_of_work.commit()
    return db.session.get(Award, agreement.award_id)


def _approved(award, personas):
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["no_cost_extension"],
        new_end_date=award.end_date + timedelta(days=60),
        justification="Las escuelas cerraron por lluvias.",
    )
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    unit_of_work.commit()
    return amendment


def test_amendment_reads_as_a_convenio_modificatorio(award, personas):
    agreement = document.signed_agreement(award)
    amendment = _approved(award, personas)
    version = document.version_of(amendment)
    text = helpers.flat_text(helpers.stored_bytes(version.document_id))
    issued = long_date(version.content["issued_date"], "es_MX")
    expected = (
        f"CONVENIO MODIFICATORIO NÚMERO 1 AL CONVENIO DE SUBVENCIÓN {agreement.number} que "
        "celebran, por una parte, Fundación Cofinancia para la Justicia, A.C., en lo sucesivo "
        "“EL PROGRAMA”, representado por Laura Garza Treviño, Directora Ejecutiva, y por la "
        "otra, Org A A.C., en lo sucesivo “LA ORGANIZACIÓN BENEFICIARIA”, representada por "
        "María López",
        "DECLARACIONES",
        "Las escuelas cerraron por lluvias.",
        "CLÁUSULAS",
        "PRIMERA. MODIFICACIONES AL CONVENIO.",
        "SEGUNDA. TODO LO DEMÁS SIGUE VIGENTE.",
        "TERCERA. JURISDICCIÓN.",
        "Leído que fue el presente convenio modificatorio y enteradas las partes de su "
        f"contenido y alcance legal, lo firman en Monterrey, Nuevo León, a {issued}.",
    )
    at = -1
    for part in expected:
        assert text.find(part, at + 1) > at, part
        at = text.find(part, at + 1)
    assert version.content["form"] == "convenio"

    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    version = document.version_of(amendment)
    signed = helpers.flat_text(helpers.stored_bytes(version.signed_document_id))
    last = max(s.signed_dt for s in version.signatures)
    assert f"lo firman en Monterrey, Nuevo León, a {long_date(last, 'es_MX')}." in signed


def test_bilingual_amendment_in_both_languages(ctx, application, personas):
    application.call.programme.bilingual_agreement = True
    db.session.commit()
    manager = personas["grants_manager"]
    agreement = award_operations.issue_agreement(helpers.ready_award(application, manager), manager)
    unit_of_work.commit()
    for user in (personas["applicant"], manager):
        agreement = db.session.get(Agreement, agreement.id)
        agreement_signing.sign(
            agreement, user, typed_name=user.full_name, accepted=True, password=DEFAULT_PASSWORD
        )
        unit_of_work.commit()
    amendment = _approved(db.session.get(Award, agreement.award_id), personas)
    version = document.version_of(amendment)
    text = helpers.flat_text(document.render(version))
    for part in (
        "CONVENIO MODIFICATORIO NÚMERO 1",
        "AMENDMENT NUMBER 1 TO GRANT AGREEMENT",
        "“THE GRANTEE”",
        "FIRST. CHANGES TO THE AGREEMENT.",
        "THIRD. JURISDICTION.",
        "the parties sign it in Monterrey, Nuevo León, on ",
    ):
        assert part in text, part


def test_an_amendment_issued_before_the_legal_form_still_renders(award, personas):
    version = document.version_of(_approved(award, personas))
    content = {k: v for k, v in version.content.items() if k != "form"}
    programme = content["programme"]
    content["programme"] = {k: programme[k] for k in ("name_es", "name_en", "donor")}
    version.content = content
    text = helpers.flat_text(document.render(version))
    assert "por una parte, Fundación Ejemplo, en lo sucesivo “EL PROGRAMA”" in text
    assert "JURISDICCIÓN" not in text and "lo firman a " not in text
    db.session.rollback()


# Migration 0032 -------------------------------------------------------------------------------
def _migration():
    spec = importlib.util.spec_from_file_location("m0031", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _store_old_defaults(old):
    db.session.execute(AgreementClause.__table__.delete())
    for position, spec in enumerate(old):
        db.session.add(AgreementClause(position=position, **spec))
    db.session.flush()


def test_migration_moves_unedited_clauses_and_keeps_edited_text(ctx):
    module = _migration()
    _store_old_defaults(module.OLD_DEFAULTS)
    edited = db.session.scalar(select(AgreementClause).filter_by(key="termination"))
    edited.body_es = "Texto propio de la persona gestora."
    db.session.flush()

    module._move(db.session.connection(), module.OLD_DEFAULTS, DEFAULT_CLAUSES, insert=True)
    db.session.expire_all()
    stored = stored_clauses()
    assert [c.key for c in stored] == [spec["key"] for spec in DEFAULT_CLAUSES]
    by_key = {c.key: c for c in stored}
    assert by_key["termination"].body_es == "Texto propio de la persona gestora."  # kept
    new = {spec["key"]: spec for spec in DEFAULT_CLAUSES}
    assert by_key["termination"].body_en == new["termination"]["body_en"]  # unedited: new
    assert by_key["purpose"].body_es == new["purpose"]["body_es"]
    assert "donación" not in by_key["use_of_funds"].body_es
    assert by_key["jurisdiction"].body_es == new["jurisdiction"]["body_es"]  # inserted
    assert by_key["data_protection"].title_es.startswith("Confidencialidad")

    # Running it again changes nothing.
    module._move(db.session.connection(), module.OLD_DEFAULTS, DEFAULT_CLAUSES, insert=True)
    db.session.expire_all()
    assert len(stored_clauses()) == len(DEFAULT_CLAUSES)

    # The downgrade restores the old texts where nobody edited the new ones and removes the
    # added clauses; the edited text stays.
    module.op = SimpleNamespace(get_bind=db.session.connection)
    module.downgrade()
    db.session.expire_all()
    after = {c.key: c for c in stored_clauses()}
    assert list(after) == [spec["key"] for spec in module.OLD_DEFAULTS]
    old = {spec["key"]: spec for spec in module.OLD_DEFAULTS}
    assert after["purpose"].body_es == old["purpose"]["body_es"]
    assert after["termination"].body_es == "Texto propio de la persona gestora."


def test_migration_leaves_an_empty_table_empty(ctx):
    module = _migration()
    db.session.execute(AgreementClause.__table__.delete())
    module._move(db.session.connection(), module.OLD_DEFAULTS, DEFAULT_CLAUSES, insert=True)
    assert stored_clauses() == []


def test_every_default_clause_key_is_unique_and_the_data_clauses_exist():
    from portal.awards.clauses import DATA_CLAUSES

    keys = [spec["key"] for spec in DEFAULT_CLAUSES]
    assert len(keys) == len(set(keys)) and set(keys) >= DATA_CLAUSES
    assert keys[-1] == "jurisdiction"
    for spec in DEFAULT_CLAUSES:
        assert all(spec[f].strip() for f in ("title_es", "title_en", "body_es", "body_en"))
