"""Refusals with clear messages: budget, schedule, second approval, signatures; amendments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.awards import operations
from portal.awards.models import Agreement, Award
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from portal.documents.operations import available_documents
from tests.awards import helpers
from tests.support import factories
from tests.support.forms import post_form

D = Decimal


def test_amounts_in_words():
    from portal.awards.amounts_in_words import in_figures_and_words as words

    assert words(D("150000"), "MXN") == "MXN 150,000.00 (ciento cincuenta mil pesos 00/100 M.N.)"
    assert words(D("2500.50"), "USD") == "USD 2,500.50 (dos mil quinientos dólares 50/100 USD)"
    assert words(D("1000000"), "MXN") == "MXN 1,000,000.00 (un millón de pesos 00/100 M.N.)"
    assert words(D("21"), "MXN") == "MXN 21.00 (veintiún pesos 00/100 M.N.)"
    assert words(D("150000"), "MXN", "en").startswith("MXN 150,000.00 (one hundred and fifty")


def test_over_commitment_is_refused(ctx, call, personas):
    manager = personas["grants_manager"]
    apps = [
        helpers.recommended_application(
            call, personas["org_a"], personas["applicant"], title=f"P{i}"
        )
        for i in range(5)
    ]
    for application in apps[:4]:
        operations.decide(
            application,
            manager,
            decision="award",
            justification="ok",
            amount=D("500000.00"),
            instrument="fixed_amount",
        )
    db.session.commit()
    with pytest.raises(InputError) as refused:
        operations.decide(
            apps[4],
            manager,
            decision="award",
            justification="ok",
            amount=D("100000.00"),
            instrument="fixed_amount",
        )
    message = refused.value.errors["amount"][0]
    assert "exceed the call's budget of MXN 2,000,000.00" in message
    assert "MXN 0.00 is still uncommitted" in message


def test_schedule_that_does_not_add_up_is_refused(ctx, application, personas, as_user):
    """A milestone beyond the award is refused where it is typed (test_milestones.py); a
    schedule can still stop adding up when the award is lowered afterwards, and then the
    agreement is not issued."""
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager)
    operations.update_terms(
        award,
        manager,
        instrument="fixed_amount",
        amount=D("299000.00"),
        start_date=award.start_date,
        end_date=award.end_date,
        special_conditions=award.special_conditions,
    )
    db.session.commit()
    problems = operations.schedule_problems(award)
    assert problems == [
        "The milestones add up to MXN 300,000.00 but the award is "
        "MXN 299,000.00: MXN 1,000.00 too much."
    ]
    client = as_user(manager)
    response = post_form(client, f"/awards/{award.id}/issue", {}, form_url=f"/awards/{award.id}")
    page = client.get(response.headers["Location"])
    assert b"MXN 1,000.00 too much" in page.data
    assert db.session.query(Agreement).filter_by(award_id=award.id).count() == 0


def test_cost_reimbursable_tranches_may_stay_below_the_award(ctx, application, personas):
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager)
    operations.update_terms(
        award,
        manager,
        instrument="cost_reimbursable",
        amount=D("400000"),
        start_date=award.start_date,
        end_date=award.end_date,
        special_conditions="",
    )
    assert operations.schedule_problems(award) == []


def test_large_award_needs_a_second_manager(ctx, app, call, personas, second_manager):
    app.config["AWARD_SECOND_APPROVAL_THRESHOLD"] = 200000
    try:
        application = helpers.recommended_application(
            call, personas["org_a"], personas["applicant"]
        )
        manager = personas["grants_manager"]
        award = operations.decide(
            application,
            manager,
            decision="award",
            justification="ok",
            amount=D("300000.00"),
            instrument="fixed_amount",
        )
        assert award.status == "pending_approval"
        assert application.status == "recommended"
        with pytest.raises(InputError, match="second grants manager"):
            operations.approve(award, manager)
        operations.approve(award, second_manager)
        assert award.status == "approved" and application.status == "awarded"
    finally:
        app.config["AWARD_SECOND_APPROVAL_THRESHOLD"] = 1_000_000


def test_pending_awards_reserve_the_budget(ctx, app, call, personas):
    from portal.awards.budget_guard import headroom

    app.config["AWARD_SECOND_APPROVAL_THRESHOLD"] = 1
    try:
        application = helpers.recommended_application(
            call, personas["org_a"], personas["applicant"]
        )
        operations.decide(
            application,
            personas["grants_manager"],
            decision="award",
            justification="ok",
            amount=D("300000.00"),
            instrument="fixed_amount",
        )
        assert headroom(db.session, application.call).committed == D("300000.00")
    finally:
        app.config["AWARD_SECOND_APPROVAL_THRESHOLD"] = 1_000_000


def _issued(application, personas, as_user):
    award = helpers.ready_award(application, personas["grants_manager"])
    client = as_user(personas["grants_manager"])
    post_form(client, f"/awards/{award.id}/issue", {}, form_url=f"/awards/{award.id}")
    return db.session.query(Agreement).filter_by(award_id=award.id).one()


def test_someone_who_is_not_the_signatory_cannot_sign(ctx, application, personas, as_user):
    agreement = _issued(application, personas, as_user)
    editor = factories.make_user(name="Eva Editora")
    factories.add_member(personas["org_a"], editor, role="editor")
    client = as_user(editor)
    assert client.get(f"/agreements/{agreement.id}/sign").status_code == 403
    url = f"/agreements/{agreement.id}/sign"
    response = post_form(
        client,
        url,
        {"typed_name": "Eva Editora", "accept": "y", "password": factories.DEFAULT_PASSWORD},
        form_url=f"/awards/{agreement.award_id}",
    )
    page = client.get(response.headers["Location"])
    assert b"Only the organisation&#39;s designated signatory can sign" in page.data
    assert db.session.get(Agreement, agreement.id).signatures == []
    # Staff cannot countersign before the grantee signed.
    staff = as_user(personas["grants_manager"])
    assert staff.get(url).status_code == 403


def test_wrong_password_or_name_is_refused(ctx, application, personas, as_user):
    agreement = _issued(application, personas, as_user)
    client = as_user(personas["applicant"])
    url = f"/agreements/{agreement.id}/sign"
    response = post_form(
        client,
        url,
        {"typed_name": "Ana Aplicante", "accept": "y", "password": "wrong password 123"},
        form_url=url,
    )
    assert response.status_code == 422 and b"The password is not correct." in response.data
    response = post_form(
        client,
        url,
        {"typed_name": "Otra Persona", "accept": "y", "password": factories.DEFAULT_PASSWORD},
        form_url=url,
    )
    assert response.status_code == 422 and b"Type your full name exactly" in response.data
    response = post_form(
        client,
        url,
        {"typed_name": "ÁNA  Aplicánte", "password": factories.DEFAULT_PASSWORD},
        form_url=url,
    )
    assert response.status_code == 422 and b"Tick the statement" in response.data
    assert db.session.get(Agreement, agreement.id).status == "issued"


def test_amendment_makes_a_new_version_and_keeps_the_old(ctx, application, personas, as_user):
    first = _issued(application, personas, as_user)
    award = db.session.get(Award, first.award_id)
    manager = personas["grants_manager"]
    operations.update_terms(
        award,
        manager,
        instrument="fixed_amount",
        amount=award.amount,
        start_date=award.start_date,
        end_date=award.end_date,
        special_conditions="Informes mensuales.",
    )
    second = operations.issue_agreement(award, manager)
    unit_of_work.commit()  # as the request would: the PDF is rendered after the commit
    assert second.version == 2 and second.number.endswith("-A2")
    assert db.session.get(Agreement, first.id).status == "superseded"
    assert second.content_hash != first.content_hash
    versions = available_documents("agreement", award.id, "agreement")
    assert [d.version for d in versions] == [2, 1]
    page = as_user(personas["admin"]).get(f"/verify/{first.content_hash}")
    assert b"Superseded" in page.data


def test_changing_terms_withdraws_an_unsigned_agreement(ctx, application, personas, as_user):
    """Nobody may sign an agreement that no longer says what the award says."""
    first = _issued(application, personas, as_user)
    award = db.session.get(Award, first.award_id)
    operations.update_terms(
        award,
        personas["grants_manager"],
        instrument="fixed_amount",
        amount=award.amount,
        start_date=award.start_date,
        end_date=award.end_date,
        special_conditions="Condición añadida después de emitir.",
    )
    db.session.commit()
    assert db.session.get(Agreement, first.id).status == "superseded"
    assert db.session.get(Award, award.id).status == "approved"
    signatory = as_user(personas["applicant"])
    url = f"/agreements/{first.id}/sign"
    response = post_form(
        signatory,
        url,
        {"typed_name": "Ana Aplicante", "accept": "y", "password": factories.DEFAULT_PASSWORD},
        form_url="/",
    )
    assert db.session.get(Agreement, first.id).status == "superseded"
    assert response.status_code in (302, 303, 403, 422)


def test_hostile_text_never_reaches_files_or_urls(ctx, application, personas, monkeypatch):
    from portal.awards import agreement as agreement_mod

    org = personas["org_a"]
    org.legal_name = "Org <b>A</b> " + helpers.HOSTILE[:60]
    db.session.commit()
    fetched = []
    import portal.pdf.fetcher as fetcher_mod

    original = fetcher_mod.make_fetcher

    def spy(*args, **kwargs):
        fetcher = original(*args, **kwargs)
        fetched.append(fetcher)
        return fetcher

    monkeypatch.setattr(fetcher_mod, "make_fetcher", spy)
    monkeypatch.setattr("portal.pdf.render.make_fetcher", spy)
    award = helpers.ready_award(application, personas["grants_manager"], conditions=helpers.HOSTILE)
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()  # as the request would: the PDF is rendered after the commit
    pdf = helpers.stored_bytes(agreement.document_id)
    text = helpers.flat_text(pdf)
    assert "root:" not in text and b"root:x:0" not in pdf
    assert '<img src="file:///etc/passwd">' in text  # shown as text, never loaded
    refused = [url for f in fetched for url in f.refused]
    assert not any("example.com" in url or "/etc/" in url for url in refused), refused
    assert agreement_mod is not None
