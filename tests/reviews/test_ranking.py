"""Consensus and ranking: order, tie-break cascade, thresholds, normalisation in SQL, exports,
and a fixed number of SQL statements whatever the number of applications."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.reviews import ranking
from portal.reviews.models import CommitteeOrder, Consensus, Panel, Rubric
from tests.reviews import helpers
from tests.support.forms import post_form
from tests.support.matrix import login

D = Decimal
EQUAL = [("C1", "1", "5", "3"), ("C2", "1", "5", None), ("C3", "1", "5", None)]

# name: (review scores per reviewer, co-finance %); every criterion weighs 1, out of 5,
# so a total is (Σ scores) / 15 × 100. C1 breaks ties, then co-finance, then the committee.
CASES = {
    "A": ([("4", "4", "4"), ("4", "4", "4")], "25.00"),  # 80, C1 4
    "B": ([("5", "4", "3"), ("5", "4", "3")], "25.00"),  # 80, C1 5
    "C": ([("3", "4", "5"), ("3", "4", "5")], "25.00"),  # 80, C1 3 (at the minimum)
    "D": ([("4", "5", "3"), ("4", "5", "3")], "30.00"),  # 80, C1 4, more co-finance
    "E": ([("4", "3", "5"), ("4", "3", "5")], "25.00"),  # 80, C1 4: tied with A
    "F": ([("2", "5", "5"), ("2", "5", "5")], "25.00"),  # 80 but C1 2 < 3: failing
    "G": ([("5", "5", "5"), ("5", "5", "5")], "25.00"),  # 100
    "H": ([("2", "2", "2"), ("5", "5", "5")], "25.00"),  # mean 70, consensus 93.33; disagree
    "I": ([], "25.00"),  # no review yet
    "J": ([("3", "3", "1"), ("3", "3", "1")], "25.00"),  # 46.67 < overall 50: failing
}


@pytest.fixture
def world(ctx, call, personas, second_reviewer):
    rubric = helpers.make_rubric(call, EQUAL, overall_threshold="50", tie_index=0)
    panel = helpers.make_panel(call, [personas["reviewer"], second_reviewer], chair=second_reviewer)
    apps = {}
    for name, (reviews, cofinance) in CASES.items():
        app = helpers.make_application(
            call,
            personas["org_a"],
            personas["applicant"],
            title=f"Proyecto {name}",
            cofinance_pct=cofinance,
        )
        apps[name] = app
        for reviewer, scores in zip((personas["reviewer"], second_reviewer), reviews, strict=False):
            helpers.add_review(helpers.assign(app, reviewer), rubric, list(scores))
    helpers.add_consensus(apps["H"], rubric, ["5", "5", "4"])
    return {"rubric": rubric, "panel": panel, "apps": apps}


def _names(rows, apps):
    by_id = {a.id: name for name, a in apps.items()}
    return [by_id[r.id] for r in rows]


def test_order_ties_thresholds_and_flags(ctx, call, world):
    apps = world["apps"]
    result = ranking.build(
        call, db.session.get(Rubric, world["rubric"].id), db.session.get(Panel, world["panel"].id)
    )
    assert _names(result.ranked, apps) == ["G", "H", "B", "D", "A", "E", "C"]
    assert _names(result.failing, apps) == ["F", "J"]
    assert _names(result.unscored, apps) == ["I"]
    rows = {name: next(r for r in result.rows if r.id == a.id) for name, a in apps.items()}
    assert rows["G"].score == D("100.00") and rows["G"].basis == "mean"
    # H: consensus 14/15 = 93.33 ranks, the raw mean 70 is shown beside it.
    assert (rows["H"].score, rows["H"].basis) == (D("93.33"), "consensus")
    assert D(rows["H"].mean_total).quantize(D("0.01")) == D("70.00")
    assert rows["H"].disagreement == [
        "range:{}".format(world["rubric"].criteria[0].id),
        "threshold:{}".format(world["rubric"].criteria[0].id),
        "range:{}".format(world["rubric"].criteria[1].id),
        "range:{}".format(world["rubric"].criteria[2].id),
        "overall",
    ]
    assert rows["A"].disagreement == []
    assert [rows[n].tie_broken_by for n in ("B", "D", "A", "E", "C")] == [
        "criterion",
        "cofinance",
        "unresolved",
        "unresolved",
        "criterion",
    ]
    assert rows["F"].failures == [world["rubric"].criteria[0].id] and not rows["F"].fails_overall
    assert rows["J"].fails_overall and rows["J"].score == D("46.67")
    assert (rows["A"].received, rows["A"].expected) == (2, 2)
    assert (rows["I"].received, rows["I"].expected) == (0, 2)
    assert rows["A"].means == {c.id: D(4) for c in world["rubric"].criteria}


def test_ranking_page_shows_the_tie_break_and_records_the_committee_order(
    client, call, world, personas
):
    apps = world["apps"]
    login(client, personas["grants_manager"].email)
    url = f"/calls/{call.code}/ranking"
    page = client.get(url).get_data(as_text=True)
    assert "Tie broken by the score on" in page
    assert "Tie broken by the co-finance percentage." in page
    assert "Still tied: record the committee" in page
    data = {
        f"pos_{apps['A'].id}": "2",
        f"pos_{apps['E'].id}": "1",
        "note": "Acta del comité, sesión 3.",
        "application_id": [apps["A"].id, apps["E"].id],
    }
    # Equal positions are refused.
    bad = {**data, f"pos_{apps['A'].id}": "1"}
    response = post_form(client, f"{url}/committee", bad, form_url=url, follow_redirects=True)
    assert "different position" in response.get_data(as_text=True)
    assert db.session.scalars(select(CommitteeOrder)).all() == []
    assert post_form(client, f"{url}/committee", data, form_url=url).status_code == 302
    result = ranking.build(
        call, db.session.get(Rubric, world["rubric"].id), db.session.get(Panel, world["panel"].id)
    )
    assert _names(result.ranked, apps) == ["G", "H", "B", "D", "E", "A", "C"]
    assert {r.tie_broken_by for r in result.ranked if r.id in (apps["A"].id, apps["E"].id)} == {
        "committee"
    }
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "review.committee_order_recorded")
    )
    assert "committee&#39;s decision" in client.get(url).get_data(
        as_text=True
    ) or "committee's decision" in client.get(url).get_data(as_text=True)


def test_consensus_through_the_form_by_the_chair(app, call, world, second_reviewer, outbox):
    from tests.support.matrix import login as log_in

    chair = app.test_client()
    log_in(chair, second_reviewer.email)
    a = world["apps"]["A"]
    page = f"/calls/{call.code}/applications/{a.id}/reviews"
    body = chair.get(page).get_data(as_text=True)
    assert "Org A A.C." not in body  # the chair is a reviewer: blind panel
    crit = world["rubric"].criteria
    data = {f"score_{c.id}": v for c, v in zip(crit, ["5", "4", "4"], strict=True)}
    url = f"/calls/{call.code}/applications/{a.id}/consensus"
    response = post_form(chair, url, {**data, "summary": ""}, form_url=page)
    assert response.status_code == 422 and "Write the consensus summary." in response.get_data(
        as_text=True
    )
    response = post_form(
        chair,
        url,
        {**data, "summary": "Proyecto sólido.", "minority_views": "Un revisor dudó."},
        form_url=page,
    )
    assert response.status_code == 302
    consensus = db.session.scalar(select(Consensus).where(Consensus.application_id == a.id))
    assert consensus.points == D("13.000") and consensus.summary == "Proyecto sólido."
    # The individual reviews are unchanged; A now ranks second on 86.67.
    result = ranking.build(
        call, db.session.get(Rubric, world["rubric"].id), db.session.get(Panel, world["panel"].id)
    )
    row = next(r for r in result.ranked if r.id == a.id)
    assert (row.score, row.basis, row.rank) == (D("86.67"), "consensus", 3)
    assert D(row.mean_total) == D(80)


def test_exports(client, call, world, personas):
    from openpyxl import load_workbook

    login(client, personas["grants_manager"].email)
    response = client.get(f"/calls/{call.code}/ranking.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    assert header[:4] == ["group", "rank", "reference", "title"]
    assert header[-6:] == [
        "c1_mean",
        "c1_consensus",
        "c2_mean",
        "c2_consensus",
        "c3_mean",
        "c3_consensus",
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert (first["group"], first["rank"], first["title"], first["score"]) == (
        "ranked",
        "1",
        "Proyecto G",
        "100.00",
    )
    second = dict(zip(header, rows[2], strict=True))
    assert (second["basis"], second["c1_consensus"], second["c1_mean"], second["disagreement"]) == (
        "consensus",
        "5.0",
        "3.50",
        "yes",
    )
    assert [r[0] for r in rows[1:]].count("failing") == 2
    response = client.get(f"/calls/{call.code}/ranking.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["ranking"]
    values = list(sheet.values)
    assert list(values[0]) == header
    assert values[1][4] == "Org A A.C."
    assert [r[0] for r in book["criteria"].values][1:] == ["c1", "c2", "c3"]
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "review.ranking_exported")
    )


def _populate(call, personas, reviewers, n, rubric):
    for i in range(n):
        app = helpers.make_application(
            call, personas["org_b"], personas["other_applicant"], title=f"Q{i}"
        )
        for reviewer in reviewers:
            helpers.add_review(helpers.assign(app, reviewer), rubric, [str(i % 6), "3", "4"])


def test_ranking_page_runs_a_fixed_number_of_statements(
    client, ctx, call, personas, second_reviewer, count_queries
):
    rubric = helpers.make_rubric(call, overall_threshold="40", tie_index=1)
    helpers.make_panel(call, [personas["reviewer"], second_reviewer])
    reviewers = (personas["reviewer"], second_reviewer)
    _populate(call, personas, reviewers, 3, rubric)
    login(client, personas["grants_manager"].email)
    url = f"/calls/{call.code}/ranking"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _populate(call, personas, reviewers, 27, rubric)
    with count_queries() as large:
        page = client.get(url)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("Q2") >= 1
    assert small.count == large.count, (small.statements, large.statements)
    assert small.count <= 25, "\n".join(s[:120] for s in small.statements)


def test_normalisation_in_sql_matches_the_hand_computed_values(
    ctx, call, personas, second_reviewer
):
    """Totals on 100 = the score (one criterion, weight 1, out of 100); see test_scoring."""
    rubric = helpers.make_rubric(call, [("Único", "1", "100", None)])
    panel = helpers.make_panel(call, [personas["reviewer"], second_reviewer])
    r1, r2 = [40, 40, 40, 50, 60], [40, 40, 40, 60, 80]
    apps = []
    for t1, t2 in zip(r1, r2, strict=True):
        app = helpers.make_application(call, personas["org_b"], personas["other_applicant"])
        helpers.add_review(helpers.assign(app, personas["reviewer"]), rubric, [str(t1)])
        helpers.add_review(helpers.assign(app, second_reviewer), rubric, [str(t2)])
        apps.append(app)
    result = ranking.build(call, db.session.get(Rubric, rubric.id), db.session.get(Panel, panel.id))
    assert result.normalised
    got = {r.id: r.normalised_total for r in result.rows}
    assert [got[a.id] for a in apps] == [D("39.25"), D("39.25"), D("39.25"), D("55.50"), D("71.75")]
    raw = {r.id: r.mean_total for r in result.rows}
    assert [D(raw[a.id]) for a in apps] == [D(40), D(40), D(40), D(55), D(70)]


def test_ranking_page_is_paginated_with_global_ranks(client, call, world, personas, monkeypatch):
    from portal.reviews import ranking_views

    monkeypatch.setattr(ranking_views, "PER_PAGE", 4)
    apps = world["apps"]
    login(client, personas["grants_manager"].email)
    url = f"/calls/{call.code}/ranking"
    first = client.get(url).get_data(as_text=True)
    assert apps["G"].reference in first and apps["A"].reference not in first
    assert "Page 1 of 3" in first and f"{url}?page=2" in first
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    # A, E, C ranked 5 to 7 (global ranks), then F, the first below a threshold.
    assert apps["A"].reference in second and apps["F"].reference in second
    assert '<td class="fw-semibold">5</td>' in second
    assert "Still tied: record the committee" in second  # A and E are on this page
    last = client.get(f"{url}?page=99").get_data(as_text=True)  # past the end: the last page
    assert apps["I"].reference in last and apps["J"].reference in last
    assert "Listed on the other pages." in last
