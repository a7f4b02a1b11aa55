"""The signed amendment document and the version chain (issue 15): approval produces the
document, the grantee's signatory signs, a grants manager countersigns and only then the change
takes effect; each amendment's hash covers the previous version's; /verify shows the chain and a
tampered link does not check out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards import operations as award_operations
from portal.awards import signing as agreement_signing
from portal.awards.amendments import chain, document, operations, regeneration, signing
from portal.awards.amendments.document_models import AmendmentDocument
from portal.awards.models import Agreement, Award
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from tests.awards import helpers
from tests.awards.amendment_helpers import sign_as, sign_both
from tests.support.factories import DEFAULT_PASSWORD


@pytest.fixture
def award(ctx, application, personas):
    """An award whose agreement was really issued, rendered and signed by both parties."""
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager)
    agreement = award_operations.issue_agreement(award, manager)
    unit_of_work.commit()
    for user in (personas["applicant"], manager):
        agreement = db.session.get(Agreement, agreement.id)
        agreement_signing.sign(
            agreement, user, typed_name=user.full_name, accepted=True, password=DEFAULT_PASSWORD
        )
        unit_of_work.commit()
    award = db.session.get(Award, award.id)
    assert award.status == "active"
    return award


def _approved(award, personas, new_end):
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["no_cost_extension"],
        new_end_date=new_end,
        justification="Las escuelas cerraron por lluvias.",
    )
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    unit_of_work.commit()  # the document renders once the approval commits
    return amendment


def test_the_document_chain_signatures_and_effect(award, personas):
    agreement = document.signed_agreement(award)
    old_end = award.end_date
    first = _approved(award, personas, old_end + timedelta(days=60))
    version = document.version_of(first)
    assert first.status == "approved" and award.end_date == old_end
    assert version.previous_hash == agreement.signed_content_hash
    assert version.content["previous"]["hash"] == agreement.signed_content_hash
    assert document.content_intact(version)
    assert version.document_id and version.file_sha256
    html = document.html_of(version)
    assert agreement.number in html and version.content_hash in html
    assert "Las escuelas cerraron por lluvias." in html
    text = helpers.flat_text(helpers.stored_bytes(version.document_id))
    assert version.content["reference"] in text

    # Only the designated signatory signs first; a wrong password is refused.
    with pytest.raises(InputError):
        signing.sign(
            first,
            personas["grants_manager"],
            typed_name=personas["grants_manager"].full_name,
            accepted=True,
            password=DEFAULT_PASSWORD,
        )
    with pytest.raises(InputError) as refused:
        signing.sign(
            first,
            personas["applicant"],
            typed_name=personas["applicant"].full_name,
            accepted=True,
            password="wrong",
        )
    assert "password" in refused.value.errors
    sign_as(first, personas["applicant"])
    assert first.status == "signed_by_grantee" and award.end_date == old_end
    sign_as(first, personas["grants_manager"])
    assert first.status == "in_effect"
    assert award.end_date == old_end + timedelta(days=60)
    version = db.session.get(AmendmentDocument, version.id)
    assert version.signed_content_hash and version.frozen and version.signed_document_id
    signed_text = helpers.flat_text(helpers.stored_bytes(version.signed_document_id))
    assert version.signed_content_hash in signed_text
    assert personas["applicant"].full_name in signed_text

    # Amendment 2 amends amendment 1: its hash covers amendment 1's signed hash.
    second = _approved(award, personas, old_end + timedelta(days=90))
    second_version = document.version_of(second)
    assert second_version.previous_hash == version.signed_content_hash
    links = chain.chain_of(award)
    assert [link.kind for link in links] == ["agreement", "amendment", "amendment"]
    assert all(link.verified for link in links)
    assert [link.current for link in links] == [False, True, False]  # 2 is not signed yet
    sign_both(second, personas["applicant"], personas["grants_manager"])
    assert [link.current for link in chain.chain_of(award)] == [False, False, True]
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "amendment")
        ).all()
    )
    assert {"amendment.signed", "amendment.countersigned", "amendment.rendered"} <= actions


def test_one_amendment_waits_for_the_signatures_of_the_one_before(award, personas):
    first = _approved(award, personas, award.end_date + timedelta(days=30))
    second = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["scope"],
        scope="Se añaden dos escuelas.",
        justification="Demanda",
    )
    operations.submit(second, personas["applicant"])
    with pytest.raises(InputError) as refused:
        operations.decide(second, personas["grants_manager"], decision="approve")
    assert "waiting for signatures" in refused.value.errors[""][0]
    assert first.status == "approved"


def test_verify_shows_the_chain_and_a_tampered_link_does_not_check_out(award, personas, client):
    amendment = _approved(award, personas, award.end_date + timedelta(days=30))
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    version = document.version_of(amendment)
    page = client.get(f"/verify/{version.signed_content_hash}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert version.content["reference"] in body
    assert body.count('data-link-verified="yes"') == 2 and "data-current" in body
    assert client.get(f"/verify/{version.signed_file_sha256}").status_code == 200
    assert client.get(f"/verify/{'ab' * 32}").status_code == 404

    # Someone edits the stored content: its hash no longer checks out.
    version = db.session.get(AmendmentDocument, version.id)
    version.content = version.content | {"justification": "Otra cosa"}
    unit_of_work.commit()
    body = client.get(f"/verify/{version.signed_content_hash}").get_data(as_text=True)
    assert 'data-link-verified="no"' in body


def test_a_failed_render_is_shown_and_regenerated(award, personas, monkeypatch):
    def broken(version, signed=False):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr("portal.awards.amendments.document.render", broken)
    amendment = _approved(award, personas, award.end_date + timedelta(days=30))
    monkeypatch.undo()
    version = document.version_of(amendment)
    assert version.document_id is None
    pending = regeneration.pending_render(version)
    assert pending.failed and pending.needs_attention
    with pytest.raises(InputError):  # nothing to sign before the PDF exists
        signing.sign(
            amendment,
            personas["applicant"],
            typed_name=personas["applicant"].full_name,
            accepted=True,
            password=DEFAULT_PASSWORD,
        )
    regeneration.regenerate(version, personas["grants_manager"])
    unit_of_work.commit()
    version = db.session.get(AmendmentDocument, version.id)
    assert version.document_id is not None
    assert regeneration.pending_render(version) is None


def test_home_page_tasks_and_the_award_page(award, personas, as_user):
    amendment = _approved(award, personas, award.end_date + timedelta(days=30))
    amendment_id, award_id = amendment.id, award.id
    grantee = as_user(personas["applicant"])
    home = grantee.get("/dashboard").get_data(as_text=True)
    assert "Amendments to sign" in home and f"/amendments/{amendment_id}" in home
    page = grantee.get(f"/amendments/{amendment_id}").get_data(as_text=True)
    assert f"/amendments/{amendment_id}/sign" in page and f"/amendments/{amendment_id}/pdf" in page
    sign_as(db.session.get(type(amendment), amendment_id), personas["applicant"])
    manager = as_user(personas["grants_manager"])
    home = manager.get("/dashboard").get_data(as_text=True)
    assert "Amendments to countersign" in home
    assert "Amendments to sign" not in as_user(personas["applicant"]).get("/dashboard").get_data(
        as_text=True
    )
    sign_as(db.session.get(type(amendment), amendment_id), personas["grants_manager"])
    award_page = manager.get(f"/awards/{award_id}").get_data(as_text=True)
    assert f"/amendments/{amendment_id}/pdf?signed=1" in award_page
    assert 'data-amendment-status="in_effect"' in award_page
    assert "data-versions" in award_page


def test_bilingual_document_and_money_lines_in_words(award, personas, monkeypatch):
    from decimal import Decimal

    from portal.awards.amendments import kinds
    from portal.awards.amendments.kinds.change import Change

    agreement = document.signed_agreement(award)
    agreement.language = "bilingual"
    money = Change("Monto", "MXN 300,000.00", "MXN 321,000.00", None, Decimal("321000"), "MXN")
    real = kinds.describe
    monkeypatch.setattr(kinds, "describe", lambda amendment: [*real(amendment), money])
    amendment = _approved(award, personas, award.end_date + timedelta(days=30))
    monkeypatch.undo()
    version = document.version_of(amendment)
    assert version.language == "bilingual" and set(version.content["changes"]) == {"es", "en"}
    es_money = version.content["changes"]["es"][-1]["new"]
    en_money = version.content["changes"]["en"][-1]["new"]
    assert "trescientos veintiún mil pesos 00/100 M.N." in es_money
    assert "three hundred and twenty-one thousand" in en_money
    html = document.html_of(version)
    assert "Convenio modificatorio número 1 al convenio" in html
    assert "Amendment number 1 to agreement" in html
    assert version.document_id is not None  # the bilingual PDF rendered
