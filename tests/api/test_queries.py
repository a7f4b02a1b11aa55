"""Every list endpoint runs a fixed number of SQL statements, whatever the number of rows."""

from __future__ import annotations

from portal.core.db import db
from portal.finance import operations as finance_ops
from tests.api import helpers
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers as finance_helpers

LISTS = ("/api/v1/calls", "/api/v1/awards", "/api/v1/disbursements", "/api/v1/cofinance")
PERSONAS = ("applicant", "finance_officer", "grants_manager", "admin")
# Token + roles, count + page, then: nothing (ledger, co-finance); the programme join (calls);
# commitments + milestones + grant_figures' one statement (awards; it reads the per-award
# finance summaries since issue 18, four aggregations before).
EXPECTED = {
    "/api/v1/calls": 4,
    "/api/v1/awards": 8,  # with each award's amendments
    "/api/v1/disbursements": 4,
    "/api/v1/cofinance": 4,
}


def _measure(api, personas, count_queries) -> dict:
    counts = {}
    for persona in PERSONAS:
        client = api(personas[persona])
        client.get("/api/v1/me")  # stamps last_used_dt: the requests below do not write
        for url in LISTS:
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts[persona, url] = (counter.count, len(response.get_json()["data"]))
    return counts


def _more_grants(app, personas, n: int) -> None:
    """``n`` more active grants of org A (each its own call), with two payments and a
    contribution each."""
    manager, officer = personas["grants_manager"], personas["finance_officer"]
    programme = make_programme(app, managers=[manager])
    for i in range(n):
        call = make_call(app, programme, status="published", actor=personas["admin"])
        award = finance_helpers.active_award(
            call, personas["org_a"], personas["applicant"], manager
        )
        request = finance_helpers.approved_request(award, personas["applicant"], manager, officer)
        for k in range(2):
            finance_ops.pay_request(
                request, officer, finance_helpers.entry("1000.00", f"more-{i}-{k}")
            )
        helpers._contribution(award, personas["applicant"], 0, "cash", "cost_share", "10.00")
    db.session.commit()


def test_list_endpoints_run_a_fixed_number_of_statements(world, api, personas, app, count_queries):
    small = _measure(api, personas, count_queries)
    _more_grants(app, personas, 3)
    large = _measure(api, personas, count_queries)
    for key, (statements, rows) in small.items():
        assert large[key][0] == statements == EXPECTED[key[1]], (key, small[key], large[key])
        assert large[key][1] >= rows
    # The second measure really saw more rows: 3 grants, 6 payments, 3 contributions more.
    assert large["applicant", "/api/v1/awards"][1] == small["applicant", "/api/v1/awards"][1] + 3
    ledger = "/api/v1/disbursements"
    assert large["finance_officer", ledger][1] == small["finance_officer", ledger][1] + 6
    assert large["admin", "/api/v1/calls"][1] == small["admin", "/api/v1/calls"][1] + 3
