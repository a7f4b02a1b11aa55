"""Bank account change (issue 15): a new CLABE and holder with the bank's letter; the owners
are e-mailed when it is submitted and when it takes effect (CLABE masked); once in effect every
payment on the grant is held until a finance officer verifies the new account; then payments
go only to it. The home-page task, the verify button's route and its access matrix."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards.amendments import bank_accounts, operations
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import ledger
from tests.awards.amendment_helpers import sign_both
from tests.finance.helpers import CLABE, active_award, entry

NEW_CLABE = "072580011111111118"  # Banorte, valid check digit
KIND = "bank_account"


@pytest.fixture
def award(ctx, call, personas):
    return active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])


def upload_letter(amendment, user) -> None:
    from flask import current_app
    from werkzeug.datastructures import FileStorage

    from portal.awards.amendments.documents import BANK_LETTER, amendment_owner
    from portal.documents import operations as documents
    from tests.documents import samples

    with current_app.test_request_context():
        outcome = documents.upload_file(
            amendment_owner(amendment),
            BANK_LETTER,
            user,
            FileStorage(io.BytesIO(samples.pdf("Carta del banco")), filename="carta.pdf"),
        )
    assert outcome.ok, outcome.message


def draft(award, user, **values):
    values = {
        "kinds": [KIND],
        "new_clabe": NEW_CLABE,
        "account_holder": "Org A A.C.",
        "justification": "Cambio de banco",
    } | values
    return operations.create_draft(award, user, **values)


def in_effect(award, personas, **values):
    """Approved, signed by the grantee's signatory and countersigned: the change takes effect."""
    amendment = draft(award, personas["applicant"], **values)
    upload_letter(amendment, personas["applicant"])
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert amendment.status == "approved"
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    return amendment


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"new_clabe": ""}, "new_clabe", "Enter the new CLABE"),
        ({"new_clabe": "072580011111111117"}, "new_clabe", "check digit"),
        ({"new_clabe": "12345"}, "new_clabe", "18 digits"),
        ({"account_holder": "  "}, "account_holder", "account holder"),
    ],
)
def test_refusals(award, personas, values, field, words):
    with pytest.raises(InputError) as refused:
        draft(award, personas["applicant"], **values)
    assert words in str(refused.value.errors[field][0])


def test_the_banks_letter_is_required_to_submit(award, personas):
    amendment = draft(award, personas["applicant"])
    with pytest.raises(InputError) as refused:
        operations.submit(amendment, personas["applicant"])
    assert "bank's letter" in str(refused.value.errors[""][0])
    assert amendment.status == "draft"


def test_owners_are_told_on_request_and_on_effect_with_the_clabe_masked(award, personas, outbox):
    amendment = in_effect(award, personas)
    unit_of_work.commit()
    mails = [m for m in outbox() if m.template.startswith("bank_account")]
    assert [(m.template, m.recipient) for m in mails] == [
        ("bank_account_requested", personas["applicant"].email),
        ("bank_account_changed", personas["applicant"].email),
    ]
    for message in mails:
        assert NEW_CLABE not in message.body_text
        assert "1118" in message.body_text
        assert "did not ask for this change" in message.body_text
    assert amendment.status == "in_effect"


def test_approval_alone_changes_no_account(award, personas, outbox):
    amendment = draft(award, personas["applicant"])
    upload_letter(amendment, personas["applicant"])
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    unit_of_work.commit()
    assert amendment.status == "approved"
    assert bank_accounts.account_of(award.id) is None
    assert [m.template for m in outbox() if m.template.startswith("bank_account")] == [
        "bank_account_requested"
    ]


def test_payments_are_held_until_a_finance_officer_verifies(award, personas):
    officer = personas["finance_officer"]
    ledger.record(award.id, entry("1000.00", "before"), officer)  # no account on file yet
    in_effect(award, personas)
    account = bank_accounts.account_of(award.id)
    assert account.status == "held" and account.clabe == NEW_CLABE
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.record(award.id, entry("1000.00", "held", clabe=NEW_CLABE), officer)
    assert "held" in str(refused.value.errors[""][0])

    with pytest.raises(InputError):  # only finance officers verify
        bank_accounts.verify(account, personas["grants_manager"])
    bank_accounts.verify(account, officer)
    assert account.status == "verified" and account.verified_by_id == officer.id
    with pytest.raises(ledger.LedgerError) as refused:  # the old account no longer
        ledger.record(award.id, entry("1000.00", "old", clabe=CLABE), officer)
    assert "1118" in str(refused.value.errors["clabe"][0])
    row, created = ledger.record(award.id, entry("1000.00", "new", clabe=NEW_CLABE), officer)
    assert created and row.clabe == NEW_CLABE
    with pytest.raises(InputError):  # verified once
        bank_accounts.verify(account, officer)


def test_a_second_change_holds_payments_again(award, personas):
    in_effect(award, personas)
    account = bank_accounts.account_of(award.id)
    bank_accounts.verify(account, personas["finance_officer"])
    in_effect(award, personas, new_clabe=CLABE, account_holder="Org A")
    assert account.status == "held" and account.clabe == CLABE
    assert account.verified_by_id is None


def test_audit_never_holds_the_full_clabe(award, personas):
    in_effect(award, personas)
    bank_accounts.verify(bank_accounts.account_of(award.id), personas["finance_officer"])
    unit_of_work.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    assert {"bank_account.changed", "bank_account.verified", "award.amended"} <= set(actions)
    for e in entries:
        assert NEW_CLABE not in str(e.changes)


def _task_group(finance, personas):
    groups = finance.groups(personas["finance_officer"])
    return next(g for g in groups if g.key == "bank_accounts")


def test_the_finance_officers_task(app, award, personas):
    from portal.dashboard.tasks import finance

    in_effect(award, personas)
    db.session.commit()
    with app.test_request_context():
        group = next(
            g for g in finance.groups(personas["finance_officer"]) if g.key == "bank_accounts"
        )
        assert group.total == 1 and "1118" in group.tasks[0].detail
        bank_accounts.verify(bank_accounts.account_of(award.id), personas["finance_officer"])
        group = next(
            g for g in finance.groups(personas["finance_officer"]) if g.key == "bank_accounts"
        )
        assert group.total == 0


def test_form_post_and_the_page(app, award, personas):
    from tests.support.forms import csrf_token
    from tests.support.matrix import login

    client = app.test_client()
    login(client, personas["applicant"].email)
    url = f"/awards/{award.id}/amendments/new"
    page = client.get(url)
    assert b"New CLABE" in page.data
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "kinds": KIND,
            "new_clabe": "0725 8001 1111 1111 18",
            "account_holder": "Org A A.C.",
            "justification": "Nuevo banco",
        },
    )
    assert response.status_code == 302, response.data
    amendment = operations.open_amendment(award)
    assert amendment.changes["clabe"] == [None, NEW_CLABE]
    page = client.get(f"/amendments/{amendment.id}")
    assert NEW_CLABE.encode() not in page.data
    assert b"1118" in page.data
    assert b"Bank&#39;s letter" in page.data or b"Bank's letter" in page.data
    assert b"held until a finance officer verifies" in page.data


def test_access_to_verify(ctx, matrix, award, personas):
    in_effect(award, personas)
    db.session.commit()
    from flask import url_for

    with matrix.app.test_request_context():
        grant_page = url_for("finance.grant", award_id=award.id)
    page = matrix.client("finance_officer").get(grant_page).get_data(as_text=True)
    assert "Verify the new bank account" in page and NEW_CLABE not in page
    page = matrix.client("applicant").get(f"/awards/{award.id}").get_data(as_text=True)
    assert "held until a finance officer" in page and "Verify the new bank account" not in page
    url = f"/awards/{award.id}/bank-account/verify"
    matrix.check(url, {"finance_officer"}, method="POST")
    db.session.expire_all()
    assert bank_accounts.account_of(award.id).status == "verified"
