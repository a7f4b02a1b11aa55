"""The reviewer's list of assignments (``/reviews/``): one row per assignment with the
reviewer's own status, read in one statement whatever the number of assignments."""

from __future__ import annotations

import re

from portal.core.db import db
from tests.reviews import helpers
from tests.support.queries import count_statements


def _rows(html: str) -> dict[str, str]:
    """Reference -> the row's badge text."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        ref = re.search(r"<td>[^<]*</td>\s*<td>([^<]+)<br>", row)
        badge = re.search(r'class="badge[^"]*">([^<]+)<', row)
        if ref and badge:
            rows[ref.group(1).strip()] = badge.group(1)
    return rows


def test_each_assignment_shows_the_reviewers_own_status(
    ctx, call, applications, rubric, personas, second_reviewer, as_user
):
    reviewer = personas["reviewer"]
    helpers.make_panel(call, [reviewer, second_reviewer], chair=second_reviewer)
    a1, a2, b1 = applications["a1"], applications["a2"], applications["b1"]
    recused = helpers.make_application(call, personas["org_a"], personas["applicant"])
    to_score = helpers.make_application(call, personas["org_a"], personas["applicant"])
    helpers.add_review(helpers.assign(a1, reviewer, conflict=False), rubric, ["4", "4", "4"])
    helpers.add_review(
        helpers.assign(a2, reviewer, conflict=False), rubric, ["3", "3", "3"], submitted=False
    )
    helpers.assign(b1, reviewer)  # not declared yet
    helpers.assign(recused, reviewer, conflict=True)
    helpers.assign(to_score, reviewer, conflict=False)
    # Someone else's draft on an application the reviewer also has is not theirs.
    theirs = helpers.assign(to_score, second_reviewer, conflict=False)
    helpers.add_review(theirs, rubric, ["5", "5", "5"], submitted=False)

    client = as_user(reviewer)
    response = client.get("/reviews/?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _rows(html) == {
        a1.reference: "Submitted",
        a2.reference: "Draft saved",
        b1.reference: "Declare conflict of interest",
        recused.reference: "Recused",
        to_score.reference: "To score",
    }
    assert f"Open {recused.reference}" not in html
    assert f"Open {to_score.reference}" in html


def test_the_list_takes_the_same_statements_for_one_or_many_assignments(
    ctx, call, applications, rubric, personas, second_reviewer, as_user
):
    reviewer = personas["reviewer"]
    helpers.make_panel(call, [reviewer, second_reviewer], chair=second_reviewer)
    helpers.add_review(
        helpers.assign(applications["a1"], reviewer, conflict=False), rubric, ["4", "4", "4"]
    )
    client = as_user(reviewer)
    client.get("/reviews/")
    with count_statements(db.engine) as one:
        assert client.get("/reviews/").status_code == 200
    for _ in range(3):
        more = helpers.make_application(call, personas["org_a"], personas["applicant"])
        helpers.add_review(helpers.assign(more, reviewer, conflict=False), rubric, ["2", "2", "2"])
    with count_statements(db.engine) as many:
        assert client.get("/reviews/").status_code == 200
    assert many.count == one.count
