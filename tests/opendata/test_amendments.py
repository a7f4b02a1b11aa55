"""Amendments in effect in the open-data files (issue 15): IATI publishes the original and the
revised budget and a commitment per amount change; 360Giving the current amount and the date
the grant changed.

Grant A of the world (MXN 300,000.00, agreement signed 2027-01-20, term 2027-02-01 to
2028-01-31) is amended twice, both put in effect by ``effects.apply_changes`` as the
countersignature does:

1. +100,000.00 (→ 400,000.00), approved 2027-06-01, countersigned 2027-06-10 (its document and
   both signatures recorded): the effect date is the countersignature's;
2. −50,000.00 (→ 350,000.00) and the end date moved to 2028-04-30, approved 2027-08-03, no
   document recorded (as demo data in effect without signatures): the effect date is the
   approval's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portal.awards.amendments import effects
from portal.awards.amendments.document_models import AmendmentDocument, AmendmentSignature
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.core.db import db
from portal.opendata import giving360, grants, validation
from portal.reporting.filters import ReportFilter
from tests.opendata.test_files import activities, as_user, download, transactions

D = Decimal


def _in_effect(award, number, changes, kinds, requester, manager, decided_dt):
    amendment = Amendment(
        award_id=award.id,
        number=number,
        status="in_effect",
        kinds=kinds,
        justification="Ajuste del proyecto",
        changes=changes,
        requested_by_id=requester.id,
        requested_dt=decided_dt,
        submitted_dt=decided_dt,
        decided_by_id=manager.id,
        decided_dt=decided_dt,
    )
    db.session.add(amendment)
    db.session.flush()
    return amendment


def _countersigned(amendment, signatory, manager, signed_dt):
    version = AmendmentDocument(
        amendment_id=amendment.id,
        content={"title_number": "1"},
        previous_hash="0" * 64,
        content_hash="1" * 64,
        signed_content_hash="2" * 64,
        issued_by_id=manager.id,
        issued_dt=amendment.decided_dt,
    )
    db.session.add(version)
    db.session.flush()
    for user, role, when in (
        (signatory, "grantee", datetime(2027, 6, 5, 17, 0, tzinfo=UTC)),
        (manager, "programme", signed_dt),
    ):
        db.session.add(
            AmendmentSignature(
                version_id=version.id,
                user_id=user.id,
                role=role,
                typed_name=user.full_name,
                signed_dt=when,
                content_hash=version.content_hash,
            )
        )
    db.session.flush()


@pytest.fixture
def amended(world, personas):
    award = db.session.get(Award, world["a"].id)
    applicant, manager = personas["applicant"], personas["grants_manager"]
    before = award.updated_dt
    first = _in_effect(
        award,
        1,
        {"amount": ["300000.00", "400000.00"]},
        ["amount"],
        applicant,
        manager,
        datetime(2027, 6, 1, 17, 0, tzinfo=UTC),
    )
    _countersigned(first, applicant, manager, datetime(2027, 6, 10, 18, 30, tzinfo=UTC))
    effects.apply_changes(first, manager)
    award.milestones[1].amount = D("250000.00")  # the schedule follows the amount
    second = _in_effect(
        award,
        2,
        {"amount": ["400000.00", "350000.00"], "end_date": ["2028-01-31", "2028-04-30"]},
        ["amount", "no_cost_extension"],
        applicant,
        manager,
        datetime(2027, 8, 3, 18, 0, tzinfo=UTC),
    )
    effects.apply_changes(second, manager)
    award.milestones[1].amount = D("200000.00")
    db.session.commit()
    return {"award": award, "before": before}


def _budgets(activity):
    return [
        (
            b.get("type"),
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.findtext("value"),
            b.find("value").get("value-date"),
        )
        for b in activity.findall("budget")
    ]


def test_the_grant_reads_its_amount_changes(ctx, amended):
    [a] = [
        g
        for g in grants.load(ReportFilter(), grants.Publisher(), db.session)
        if g.award_id == amended["award"].id
    ]
    assert [(c.number, c.effective_on.isoformat(), c.old, c.new) for c in a.amount_changes] == [
        (1, "2027-06-10", D("300000.00"), D("400000.00")),
        (2, "2027-08-03", D("400000.00"), D("350000.00")),
    ]
    assert (a.amount, a.original_amount) == (D("350000.00"), D("300000.00"))
    assert a.original_end_date.isoformat() == "2028-01-31"


def test_iati_publishes_the_original_and_the_revised_budget(app, amended, personas):
    client = as_user(app, personas["finance_officer"])
    data = download(client, "/reports/open-data/iati.xml").data
    assert validation.iati_errors(data) == []
    award = amended["award"]
    a = activities(data)[f"XM-DAC-00000-{award.application.reference}"]
    # The original: as awarded (one element, the term as awarded). The revised: the current
    # schedule by period (the milestones moved 90 days with the extension: 150,000.00 due
    # 2027-05-30, 200,000.00 due 2028-04-14), valued on the last amount change.
    assert _budgets(a) == [
        ("1", "2027-02-01", "2028-01-31", "300000.00", "2027-01-20"),
        ("2", "2027-02-01", "2028-01-31", "150000.00", "2027-08-03"),
        ("2", "2028-02-01", "2028-04-30", "200000.00", "2027-08-03"),
    ]
    assert sum(D(b[3]) for b in _budgets(a) if b[0] == "2") == D("350000.00")
    # The planned end is the current end date.
    dates = {d.get("type"): d.get("iso-date") for d in a.findall("activity-date")}
    assert dates["3"] == "2028-04-30"
    # The commitment as awarded, then one per amount amendment on its effect date.
    assert transactions(a, "2") == [
        ("2027-01-20", "300000.00", "MXN"),
        ("2027-06-10", "100000.00", "MXN"),
        ("2027-08-03", "-50000.00", "MXN"),
    ]
    assert sum(D(v) for _, v, _ in transactions(a, "2")) == D("350000.00")
    refs = [
        t.get("ref")
        for t in a.findall("transaction")
        if t.find("transaction-type").get("code") == "2"
    ]
    assert refs == [
        f"award-{award.id}",
        f"award-{award.id}-amendment-1",
        f"award-{award.id}-amendment-2",
    ]
    amendment_2 = a.findall("transaction")[2]
    narratives = {
        n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text
        for n in amendment_2.find("description").findall("narrative")
    }
    assert "400,000.00" in narratives["en"] and "350,000.00" in narratives["en"]
    # The disbursements are untouched.
    assert len(transactions(a, "3")) == 3


def test_a_grant_never_amended_keeps_one_original_budget(app, amended, personas):
    client = as_user(app, personas["finance_officer"])
    found = activities(download(client, "/reports/open-data/iati.xml").data)
    [b] = [x for x in found.values() if x.get("default-currency") == "USD"]
    assert [x[0] for x in _budgets(b)] == ["1", "1"]
    assert len(transactions(b, "2")) == 1


def test_360giving_publishes_the_amended_amount_and_date(app, amended, personas):
    award = amended["award"]
    assert award.updated_dt > amended["before"]
    client = as_user(app, personas["finance_officer"])
    data = download(client, "/reports/open-data/360giving.json").data
    assert validation.giving360_errors(data) == []
    [a] = [g for g in json.loads(data)["grants"] if g["currency"] == "MXN"]
    assert a["amountAwarded"] == 350000
    assert a["dateModified"] == award.updated_dt.isoformat(timespec="seconds")
    assert a["plannedDates"] == [{"startDate": "2027-02-01", "endDate": "2028-04-30"}]
    assert giving360.number(award.amount) == a["amountAwarded"]


def test_one_more_statement_whatever_the_number_of_amendments(
    app, amended, personas, count_queries
):
    client = as_user(app, personas["finance_officer"])
    for url in ("/reports/open-data/iati.xml", "/reports/open-data/360giving.json"):
        download(client, url)
        with count_queries() as counter:
            download(client, url)
        # the user (2), the filter's choices (2), awards, ledger, milestones, amendments (4);
        # IATI also reads the results indicators, targets and values (3)
        assert counter.count == (11 if url.endswith(".xml") else 8)
