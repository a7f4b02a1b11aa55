"""What each persona reads through the API, with hand-computed figures; the Done-when path:
a grantee's token reads its awards and ledger, and is refused without a token, with a revoked
token and for another organisation's grant."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portal.api import operations as token_ops
from portal.core.db import db
from tests.api import helpers
from tests.finance.helpers import CLABE

D = Decimal


def data(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["data"]


def ids(response):
    return [row["id"] for row in data(response)]


def test_done_when_a_script_reads_its_grant(world, api, app, personas):
    a, b = world["award_a"], world["award_b"]
    client = api(personas["applicant"])

    awards = data(client.get("/api/v1/awards"))
    assert [x["id"] for x in awards] == [a.id, world["pending"].id]
    grant = data(client.get(f"/api/v1/awards/{a.id}"))
    assert grant == awards[0]
    assert (grant["amount"], grant["currency"], grant["status"]) == ("300000.00", "MXN", "active")
    assert grant["organisation"]["name"] == "Org A A.C."
    assert grant["figures"] == {
        "currency": "MXN",
        "committed": "300000.00",
        "disbursed": "150000.00",
        "remaining": "150000.00",
        "cofinance": {
            "committed_cost_share": "90000.00",
            "committed_leverage": "50000.00",
            "reported_cost_share": "40000.00",
            "verified_cost_share": "40000.00",
            "reported_leverage": "20000.00",
            "verified_leverage": "0.00",
        },
    }
    assert [(m["amount"], m["status"]) for m in grant["milestones"]] == [
        ("150000.00", "paid"),
        ("150000.00", "planned"),
    ]

    ledger = data(client.get(f"/api/v1/awards/{a.id}/disbursements"))
    assert [(e["kind"], e["amount"], e["currency"], e["award_amount"]) for e in ledger] == [
        ("payment", "100000.00", "MXN", "100000.00"),
        ("reversal", "-100000.00", "MXN", "-100000.00"),
        ("payment", "5000.00", "USD", "87500.00"),
        ("payment", "62500.00", "MXN", "62500.00"),
    ]
    assert (
        sum(D(e["award_amount"]) for e in ledger)
        == D("150000.00")
        == D(grant["figures"]["disbursed"])
    )
    assert ledger[1]["reverses_id"] == ledger[0]["id"]
    assert (ledger[2]["exchange_rate"], ledger[2]["rate_source"]) == ("17.500000", "banxico_fix")
    assert {e["milestone_id"] for e in ledger} == {a.milestones[0].id}
    assert all(e["paid_on"] in ("2027-03-05", "2027-03-06") for e in ledger)
    assert all(e["recorded_dt"].endswith("Z") for e in ledger)

    # Refused: no token, a revoked token, another organisation's grant.
    anonymous = app.test_client()
    for url in ("/api/v1/awards", f"/api/v1/awards/{a.id}/disbursements"):
        assert anonymous.get(url).status_code == 401
    token, secret = helpers.make_token(personas["applicant"], name="to revoke")
    token_ops.revoke_token(token, personas["applicant"])
    db.session.commit()
    revoked = anonymous.get("/api/v1/awards", headers=helpers.bearer(secret))
    assert revoked.status_code == 401
    for url in (
        f"/api/v1/awards/{b.id}",
        f"/api/v1/awards/{b.id}/disbursements",
        f"/api/v1/awards/{b.id}/cofinance",
    ):
        refused = client.get(url)
        assert refused.status_code == 404
        assert refused.get_json()["error"]["code"] == "not_found"
    # Another organisation's grant looks exactly like one that does not exist.
    missing = client.get("/api/v1/awards/999999")
    assert missing.get_json() == client.get(f"/api/v1/awards/{b.id}").get_json()
    # Filtering the lists by B's id shows nothing of B.
    assert data(client.get(f"/api/v1/disbursements?award={b.id}")) == []
    assert data(client.get(f"/api/v1/cofinance?award={b.id}")) == []


def test_organisation_b_sees_only_its_own(world, api, personas):
    client = api(personas["other_applicant"])
    b = world["award_b"]
    assert ids(client.get("/api/v1/awards")) == [b.id]
    ledger = data(client.get("/api/v1/disbursements"))
    assert [(e["award_id"], e["amount"]) for e in ledger] == [(b.id, "50000.00")]
    assert ids(client.get("/api/v1/cofinance")) == [world["contributions_b"][0].id]
    assert client.get(f"/api/v1/awards/{world['award_a'].id}").status_code == 404
    assert client.get(f"/api/v1/awards/{world['pending'].id}").status_code == 404


def test_reviewer_sees_no_awards(world, api, personas):
    client = api(personas["reviewer"])
    for url in ("/api/v1/awards", "/api/v1/disbursements", "/api/v1/cofinance"):
        body = client.get(url).get_json()
        assert body["data"] == [] and body["meta"]["total"] == 0
    assert client.get(f"/api/v1/awards/{world['award_a'].id}").status_code == 404
    # Public calls only, like the public calls page.
    assert ids(client.get("/api/v1/calls")) == [world["call"].id]
    assert client.get(f"/api/v1/calls/{world['draft'].id}").status_code == 404


def test_staff(world, api, personas):
    every = [world["award_a"].id, world["award_b"].id, world["pending"].id]
    for persona in ("finance_officer", "admin", "grants_manager"):
        client = api(personas[persona])
        assert ids(client.get("/api/v1/awards")) == every, persona
        assert len(data(client.get("/api/v1/disbursements"))) == 5
        assert len(data(client.get("/api/v1/cofinance"))) == 4
    manager = api(personas["grants_manager"])
    assert ids(manager.get("/api/v1/calls")) == [world["call"].id, world["draft"].id]
    assert ids(api(personas["finance_officer"]).get("/api/v1/calls")) == [world["call"].id]
    assert ids(manager.get("/api/v1/awards?status=active")) == every[:2]


def test_a_grants_manager_of_another_programme_sees_nothing(world, api, personas):
    from tests.support.factories import make_user

    outsider = make_user(roles=("grants_manager",))
    client = api(outsider)
    assert data(client.get("/api/v1/awards")) == []
    assert client.get(f"/api/v1/awards/{world['award_a'].id}").status_code == 404


def test_no_bank_account_ever_leaves(world, api, personas):
    for persona in ("applicant", "finance_officer", "admin"):
        client = api(personas[persona])
        for url in ("/api/v1/disbursements", f"/api/v1/awards/{world['award_a'].id}/disbursements"):
            text = client.get(url).get_data(as_text=True)
            assert CLABE not in text and CLABE[:14] not in text
            rows = json.loads(text)["data"]
            assert {r["clabe_last4"] for r in rows} == {CLABE[-4:]}
            assert all("clabe" not in r and "note" not in r for r in rows)


def test_pending_award(world, api, personas):
    pending = world["pending"]
    client = api(personas["applicant"])
    award = data(client.get(f"/api/v1/awards/{pending.id}"))
    assert award["status"] == "approved" and award["figures"] is None
    assert award["amount"] == "200000.00"
    for url in (
        f"/api/v1/awards/{pending.id}/disbursements",
        f"/api/v1/awards/{pending.id}/cofinance",
    ):
        assert client.get(url).status_code == 404


def test_disbursement_filters(world, api, personas):
    client = api(personas["finance_officer"])
    p1, r1, p2, p3 = (e.id for e in world["ledger_a"])
    [b1] = (e.id for e in world["ledger_b"])
    assert ids(client.get(f"/api/v1/disbursements?award={world['award_a'].id}")) == [p1, r1, p2, p3]
    assert ids(client.get("/api/v1/disbursements?since=2027-03-06")) == [r1]
    assert ids(client.get(f"/api/v1/disbursements?after_id={p2}")) == [p3, b1]
    assert ids(client.get(f"/api/v1/disbursements?after_id={b1}")) == []
    sub = f"/api/v1/awards/{world['award_a'].id}/disbursements"
    assert ids(client.get(f"{sub}?after_id={r1}&since=2027-03-05")) == [p2, p3]


def test_cofinance(world, api, personas):
    client = api(personas["applicant"])
    a = world["award_a"]
    c1, c2, c3 = world["contributions_a"]
    rows = data(client.get(f"/api/v1/awards/{a.id}/cofinance"))
    assert [
        (r["id"], r["status"], r["nature"], r["counts_as"], r["amount"], r["currency"])
        for r in rows
    ] == [
        (c1.id, "verified", "in_kind", "cost_share", "40000.00", "MXN"),
        (c2.id, "reported", "cash", "leverage", "20000.00", "MXN"),
        (c3.id, "rejected", "cash", "cost_share", "5000.00", "MXN"),
    ]
    assert rows[0]["commitment_id"] == a.commitments[0].id
    assert rows[0]["valuation_basis"] == "Renta de salones"
    assert rows[2]["reason"] == "Sin comprobante" and rows[2]["commitment_id"] is None
    assert rows[1]["decided_dt"] is None and rows[0]["decided_dt"].endswith("Z")
    assert rows[0]["contributed_on"] == "2027-03-01"
    assert ids(client.get("/api/v1/cofinance?status=verified")) == [c1.id]
    verified = sum(D(r["amount"]) for r in rows if r["status"] == "verified")
    assert verified == D("40000.00")


def test_calls(world, api, personas):
    call = data(api(personas["applicant"]).get(f"/api/v1/calls/{world['call'].id}"))
    assert call["code"] == "CONV-2026-01" and call["status"] == "published"
    assert call["title"] == {"es": "Acceso a la justicia", "en": "Access to justice"}
    assert (call["budget"], call["currency"], call["cofinance_min_pct"]) == (
        "2000000.00",
        "MXN",
        "20.00",
    )
    assert call["is_open"] is True and call["closes_dt"].endswith("Z")


def test_me(world, api, personas):
    me = data(api(personas["applicant"]).get("/api/v1/me"))
    assert me["roles"] == ["applicant"]
    assert me["organisations"] == [
        {"id": personas["org_a"].id, "name": "Org A A.C.", "role": "owner", "is_signatory": True}
    ]
    assert me["token"]["name"] == "Accounting system"


def test_pagination(world, api, personas):
    client = api(personas["finance_officer"])
    everything = ids(client.get("/api/v1/disbursements"))
    first = client.get("/api/v1/disbursements?per_page=2&since=2027-01-01").get_json()
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5, "pages": 3}
    assert first["links"]["prev"] is None
    seen, body = [], first
    while True:
        seen += [row["id"] for row in body["data"]]
        if not body["links"]["next"]:
            break
        assert "since=2027-01-01" in body["links"]["next"] and "per_page=2" in body["links"]["next"]
        body = client.get(body["links"]["next"]).get_json()
    assert seen == everything
    assert body["meta"]["page"] == 3 and body["links"]["prev"].endswith("page=2")
    past = client.get("/api/v1/disbursements?per_page=2&page=9").get_json()
    assert past["data"] == [] and past["meta"]["total"] == 5 and past["links"]["next"] is None
    assert len(data(client.get("/api/v1/disbursements?per_page=200"))) == 5


@pytest.mark.parametrize(
    "query, parameter, code",
    [
        ("per_page=0", "per_page", "invalid_parameter"),
        ("per_page=201", "per_page", "invalid_parameter"),
        ("page=abc", "page", "invalid_parameter"),
        ("page=-1", "page", "invalid_parameter"),
        ("page=99999999999", "page", "invalid_parameter"),
        ("since=2027-13-01", "since", "invalid_parameter"),
        ("since=2027-1-1", "since", "invalid_parameter"),
        ("award=x", "award", "invalid_parameter"),
        ("award=1&award=2", "award", "invalid_parameter"),
        ("after_id=%2B3", "after_id", "invalid_parameter"),
        ("awrd=1", "awrd", "unknown_parameter"),
        ("status=paid", "status", "unknown_parameter"),
    ],
)
def test_bad_parameters(world, api, personas, query, parameter, code):
    response = api(personas["finance_officer"]).get(f"/api/v1/disbursements?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["parameter"]) == (code, parameter)
    assert parameter in error["message"]


def test_bad_status_values(world, api, personas):
    client = api(personas["finance_officer"])
    for url in ("/api/v1/awards?status=nope", "/api/v1/cofinance?status=paid"):
        error = client.get(url).get_json()["error"]
        assert (error["code"], error["parameter"]) == ("invalid_parameter", "status")
    error = client.get(f"/api/v1/awards/{world['award_a'].id}?page=2").get_json()["error"]
    assert (error["code"], error["parameter"]) == ("unknown_parameter", "page")
