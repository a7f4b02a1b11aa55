"""The closeout of a grant (issue 16): the checklist and its deadlines, closing (refused while
incomplete), the closeout letter, the records-retention date, every record read-only once
closed, and reopening by an administrator with a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards.amendments import operations as amendment_operations
from portal.awards.closure import CLOSED_MESSAGE
from portal.awards.models import Agreement
from portal.closeout import checklist, expenditure, letter, operations
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import cofinance
from portal.finance import operations as finance_operations
from portal.pdf.dates import long_date
from portal.reports import extensions
from portal.reports import operations as report_operations
from portal.reports.constants import ReportKind, ReportStatus
from tests.awards.helpers import pdf_text, stored_bytes
from tests.closeout import helpers
from tests.closeout.helpers import entry
from tests.finance.helpers import approved_request

D = Decimal


def _items(award):
    found = checklist.checklist(award, operations.closeout_of(award))
    return {item.key: item.done for item in found.items}, found


def _pdf(data: bytes) -> str:
    return " ".join(pdf_text(data).split())  # lines wrap anywhere


def _actions(name):
    db.session.commit()  # audit entries are sealed into the chain at commit
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == name)).all()


def test_the_checklist_and_its_countdown(award, personas):
    done, found = _items(award)
    assert done == {
        "final_progress": False,
        "final_financial": False,
        "cofinance": False,
        "advances": True,  # nothing advanced
        "refunds": True,  # fixed amount: only an advance would be refunded
        "documents": False,
    }
    # 2 CFR 200.344: end date 2028-01-31 + 120 days; today 2028-03-01.
    assert found.final_due == date(2028, 5, 30) and found.days_left == 90
    assert found.in_closeout
    helpers.ready_to_close(award, personas)
    done, found = _items(award)
    assert all(done.values()) and found.complete


def test_the_call_sets_the_days_after_the_end_date(award, personas):
    award.application.call.final_report_days = 90  # subrecipients
    assert checklist.final_due(award) == date(2028, 4, 30)


def test_an_outstanding_advance_and_unspent_cost_reimbursable_funds(award, personas):
    officer = personas["finance_officer"]
    award.advance_limit = D("50000")
    advance, _ = finance_operations.record_advance(award, officer, entry("40000", "adv"))
    done, found = _items(award)
    assert not done["advances"] and not done["refunds"]
    assert found.outstanding_advance == D("40000.00")
    finance_operations.record_refund(award, officer, entry("40000", "ref"), advance_id=advance.id)
    done, _ = _items(award)
    assert done["advances"] and done["refunds"]
    # Cost-reimbursable: disbursed net must not exceed the approved expenditure.
    request = approved_request(
        award, personas["applicant"], personas["grants_manager"], officer, amount="10000.00"
    )
    finance_operations.pay_request(request, officer, entry("10000.00", "pay"))
    award.instrument = "cost_reimbursable"  # (its requests list expenses: paid before)
    done, found = _items(award)
    assert not done["refunds"] and found.disbursed == D("10000.00")
    helpers.report(
        award,
        ReportKind.FINAL_FINANCIAL,
        status=ReportStatus.APPROVED,
        certifier=personas["applicant"],
        decider=personas["grants_manager"],
        spent={"personnel": "9000.00"},
    )
    done, _ = _items(award)
    assert not done["refunds"]  # 1,000 unspent
    finance_operations.record_refund(award, officer, entry("1000", "unspent"))
    done, _ = _items(award)
    assert done["refunds"]


def test_the_certification_is_the_signatorys_with_their_name(award, personas):
    with pytest.raises(InputError):
        operations.certify_cofinance(
            award, personas["grants_manager"], certified=True, typed_name="X"
        )
    applicant = personas["applicant"]
    with pytest.raises(InputError) as refused:
        operations.certify_cofinance(award, applicant, certified=True, typed_name="Otra Persona")
    assert "typed_name" in refused.value.errors
    assert operations.closeout_of(award).cofinance_certified_dt is None
    closeout = operations.certify_cofinance(
        award, applicant, certified=True, typed_name=f"  {applicant.full_name.upper()} "
    )
    assert closeout.cofinance_certified_by_id == applicant.id
    assert "co-finance contributions" in closeout.cofinance_certification
    assert _actions("closeout.cofinance_certified")


def test_closing_is_refused_while_the_checklist_is_incomplete(award, personas):
    with pytest.raises(InputError) as refused:
        operations.close(award, personas["grants_manager"])
    text = " ".join(str(m) for m in refused.value.errors[""])
    assert "Final progress report approved" in text and "Documents complete" in text
    db.session.rollback()
    assert award.status == "active"
    helpers.ready_to_close(award, personas)
    with pytest.raises(InputError):  # a finance officer does not close
        operations.close(award, personas["finance_officer"])


def test_an_open_amendment_holds_the_closure(award, personas):
    helpers.ready_to_close(award, personas)
    amendment_operations.create_draft(
        award,
        personas["applicant"],
        kinds=["no_cost_extension"],
        new_end_date=date(2028, 6, 30),
        justification="Más tiempo",
    )
    with pytest.raises(InputError) as refused:
        operations.close(award, personas["grants_manager"])
    assert "amendment" in str(refused.value.errors[""][0])


def _close(award, personas, **kwargs):
    helpers.ready_to_close(award, personas)
    closeout = operations.close(award, personas["grants_manager"], **kwargs)
    db.session.commit()
    return closeout


def test_closing_sets_the_retention_date_and_produces_the_letter(award, personas, outbox):
    closeout = _close(award, personas)
    assert award.status == "closed"
    # The final financial report was submitted on 2028-02-20 (12:00 in Mexico City): + 3 years.
    assert closeout.records_retention_until == date(2031, 2, 20)
    assert closeout.closed_by_id == personas["grants_manager"].id and closeout.closed_dt
    text = _pdf(stored_bytes(closeout.letter_document_id))
    assert "trescientos mil pesos 00/100 M.N." in text  # the award, in words (Spanish)
    assert "20 de febrero de 2031" in text  # retention date, long form
    assert "Carta de cierre" in text
    # The legal form of the agreement (issue 20): proemio naming the agreement, declaraciones,
    # cláusulas in ordinal words, place and date in words.
    number = db.session.scalar(select(Agreement.number).where(Agreement.award_id == award.id))
    assert f"CARTA DE CIERRE del convenio de subvención {number} que emite Fundación " in text
    assert "“EL PROGRAMA”" in text and "“LA ORGANIZACIÓN BENEFICIARIA”" in text
    for part in ("DECLARACIONES", "CLÁUSULAS", "PRIMERA. CIERRE.", "TERCERA. CONSERVACIÓN"):
        assert part in text, part
    issued = f"Se emite en Monterrey, Nuevo León, a {long_date(closeout.closed_dt, 'es_MX')}."
    assert issued in text
    (closed,) = _actions("award.closed")
    assert closed.changes["status"] == ["active", "closed"]
    assert _actions("closeout.letter_generated")
    told = [m.recipient for m in outbox() if m.template == "closeout_closed"]
    assert personas["applicant"].email in told


def test_the_letter_in_english_and_with_money_moved(award, personas):
    officer = personas["finance_officer"]
    award.advance_limit = D("50000")
    advance, _ = finance_operations.record_advance(award, officer, entry("21000", "adv"))
    finance_operations.record_refund(award, officer, entry("21000", "ref"), advance_id=advance.id)
    db.session.scalar(select(Agreement).where(Agreement.award_id == award.id)).language = "en"
    closeout = _close(award, personas)
    text = _pdf(stored_bytes(closeout.letter_document_id))
    assert "Closeout letter" in text
    assert "CLOSEOUT LETTER of grant agreement" in text and "“THE GRANTEE”" in text
    assert "FIRST. CLOSEOUT." in text and "SECOND. FINAL FIGURES." in text
    assert "Issued in Monterrey, Nuevo León, on " in text
    assert "three hundred thousand pesos 00/100" in text
    assert "twenty-one thousand pesos 00/100" in text  # refunded
    assert "February 20, 2031" in text
    spanish = _pdf(letter.render(closeout, "es"))
    assert "veintiún mil pesos 00/100 M.N." in spanish  # apocope before "mil"


def test_retention_counts_from_the_programme_day_of_submission(award, personas):
    # 2028-02-29 03:00 UTC is still 28 February in Mexico City.
    helpers.approved_final_reports(
        award, personas, submitted=datetime(2028, 2, 29, 3, 0, tzinfo=UTC)
    )
    assert checklist.retention_until(award) == date(2031, 2, 28)
    assert checklist.add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)


def test_every_record_of_a_closed_grant_is_read_only(award, personas):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    officer = personas["finance_officer"]
    paid = approved_request(award, applicant, manager, officer, amount="1000.00")
    payment, _ = finance_operations.pay_request(paid, officer, entry("1000.00", "pay"))
    draft = finance_operations.create_request(
        award, applicant, milestone_id=award.milestones[1].id, narrative="x", amount=D("10")
    )
    contribution = cofinance.report(
        award,
        applicant,
        commitment_id=None,
        contributor_name="Fiscalía",
        nature="cash",
        counts_as="cost_share",
        amount=D("100"),
        valuation_basis="",
        contributed_on=date(2027, 5, 1),
    )
    financial = helpers.report(award, ReportKind.FINANCIAL, period_end=date(2027, 7, 31))
    progress = helpers.report(award, ReportKind.PROGRESS, period_end=date(2027, 7, 31))
    _close(award, personas)
    refused = {
        "create_request": lambda: finance_operations.create_request(
            award, applicant, milestone_id=award.milestones[1].id, narrative="x", amount=D("1")
        ),
        "add_expense": lambda: finance_operations.add_expense(
            draft, applicant, category="travel", description="x", amount=D("1")
        ),
        "submit_request": lambda: finance_operations.submit_request(
            draft, applicant, certified=True, typed_name=applicant.full_name
        ),
        "decide_deliverable": lambda: finance_operations.decide_deliverable(
            draft, manager, decision="approve", comment=""
        ),
        "approve_payment": lambda: finance_operations.approve_payment(
            draft, officer, amount=D("1"), comment=""
        ),
        "pay_request": lambda: finance_operations.pay_request(paid, officer, entry("1", "p2")),
        "reverse": lambda: finance_operations.reverse(
            payment, officer, paid_on=date(2028, 2, 1), bank_reference="", note="x", key="k" * 20
        ),
        "record_advance": lambda: finance_operations.record_advance(
            award, officer, entry("1", "a2")
        ),
        "record_refund": lambda: finance_operations.record_refund(award, officer, entry("1", "r2")),
        "report_contribution": lambda: cofinance.report(
            award,
            applicant,
            commitment_id=None,
            contributor_name="x",
            nature="cash",
            counts_as="cost_share",
            amount=D("1"),
            valuation_basis="",
            contributed_on=date(2027, 5, 1),
        ),
        "verify_contribution": lambda: cofinance.verify(
            contribution, officer, decision="verify", reason=""
        ),
        "amendment": lambda: amendment_operations.create_draft(
            award, applicant, kinds=["no_cost_extension"], new_end_date=date(2028, 6, 30)
        ),
        "expenditure": lambda: expenditure.save(financial, applicant, {"personnel": D("1")}, {}),
        "certify": lambda: operations.certify_cofinance(
            award, applicant, certified=True, typed_name=applicant.full_name
        ),
        "close_again": lambda: operations.close(award, manager),
        "report_answers": lambda: report_operations.save_answers(progress, applicant, {"a": "x"}),
        "report_reply": lambda: report_operations.reply(progress, applicant, "x"),
        "report_submit": lambda: report_operations.submit_report(
            progress, applicant, certified=True, typed_name=applicant.full_name
        ),
        "report_schedule": lambda: report_operations.change_schedule(
            progress,
            manager,
            period_start=progress.period_start,
            period_end=progress.period_end,
            due_on=date(2028, 9, 1),
        ),
        "report_remove": lambda: report_operations.remove_report(progress, manager),
    }
    for name, attempt in refused.items():
        with pytest.raises(InputError) as error:
            attempt()
        messages = [str(m) for ms in error.value.errors.values() for m in ms]
        assert str(CLOSED_MESSAGE) in messages or name in ("certify", "close_again"), name
    assert str(CLOSED_MESSAGE) in extensions.submission_problems(financial)


def test_only_an_administrator_reopens_with_a_reason(award, personas, outbox):
    _close(award, personas)
    for who in ("grants_manager", "finance_officer", "applicant"):
        with pytest.raises(InputError):
            operations.reopen(award, personas[who], reason="Error")
    with pytest.raises(InputError) as refused:
        operations.reopen(award, personas["admin"], reason="   ")
    assert "reason" in refused.value.errors
    assert award.status == "closed"
    closeout = operations.reopen(award, personas["admin"], reason="Hallazgo de auditoría")
    db.session.commit()
    assert award.status == "active" and closeout.closed_dt is None
    assert closeout.reopen_reason == "Hallazgo de auditoría" and closeout.reopen_count == 1
    (entry_,) = _actions("award.reopened")
    assert entry_.changes["reason"][0] == "Hallazgo de auditoría" or "Hallazgo" in str(
        entry_.changes
    )
    told = {m.recipient for m in outbox() if m.template == "closeout_reopened"}
    assert {personas["applicant"].email, personas["grants_manager"].email} <= told
    # In force again: records change again, and it can be closed anew.
    operations.close(award, personas["grants_manager"])
    assert award.status == "closed"


def test_the_pages_before_and_after_closing(award, personas, as_user):
    manager = as_user(personas["grants_manager"])
    page = manager.get(f"/closeout/grants/{award.id}").get_data(as_text=True)
    assert "90 days left" in page and 'data-item="documents" data-done="no"' in page
    grant_page = manager.get(f"/finance/grants/{award.id}").get_data(as_text=True)
    assert "Closeout checklist" in grant_page and "90 days left" in grant_page
    award, personas = helpers.fresh(award, personas)
    _close(award, personas)
    page = manager.get(f"/closeout/grants/{award.id}").get_data(as_text=True)
    assert "This grant is closed" in page and "Closeout letter (PDF)" in page
    letter_response = manager.get(f"/closeout/grants/{award.id}/letter")
    assert letter_response.status_code == 200
    assert letter_response.data.startswith(b"%PDF")
    grantee = as_user(personas["applicant"])
    grant_page = grantee.get(f"/finance/grants/{award.id}").get_data(as_text=True)
    assert "This grant is closed" in grant_page and "New payment request" not in grant_page
    assert "Report a contribution" not in grant_page
    # Another organisation sees nothing.
    other = as_user(personas["other_applicant"])
    assert other.get(f"/closeout/grants/{award.id}").status_code == 404


def test_the_grant_page_announces_the_closeout_only_near_the_end(
    award, personas, as_user, monkeypatch
):
    monkeypatch.setattr(checklist, "today", lambda: date(2027, 6, 1))
    page = as_user(personas["applicant"]).get(f"/finance/grants/{award.id}")
    assert "Closeout checklist" not in page.get_data(as_text=True)
    monkeypatch.setattr(checklist, "today", lambda: date(2027, 12, 1))  # 61 days before the end
    page = as_user(personas["applicant"]).get(f"/finance/grants/{award.id}")
    assert "Final reports due on" in page.get_data(as_text=True)
