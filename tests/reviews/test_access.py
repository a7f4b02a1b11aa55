"""Access matrix for every route of the reviews blueprint.

Staff pages: the programme's grants managers and administrators. A reviewer reaches only their
own assignments (never another reviewer's, never a draft of someone else, never an unassigned
application) and, on a blind panel, never the applicant's identity. Applicants see only their
own evaluation summary after the decision; finance officers nothing.

GET routes go through ``matrix.check``. For POST routes ``check_post`` asserts that every
persona outside ``allowed`` is refused (403/404, anonymous to the login page) and that allowed
personas get past the permission check (a redirect, a page, or a 422 with the form's
messages), so destructive routes are posted with data that the operation refuses.
"""

from __future__ import annotations

import pytest

from portal.core.db import db
from tests.reviews import helpers
from tests.support import factories, route_coverage
from tests.support.matrix import PERSONAS, is_success

GRANTS = {"grants_manager", "admin"}


@pytest.fixture
def world(ctx, call, applications, rubric, personas, second_reviewer):
    panel = helpers.make_panel(call, [personas["reviewer"], second_reviewer], chair=second_reviewer)
    a1, a2 = applications["a1"], applications["a2"]
    mine = helpers.assign(a1, personas["reviewer"], conflict=False)
    theirs = helpers.assign(a1, second_reviewer, conflict=False)
    draft = helpers.add_review(theirs, rubric, ["5", "5", "5"], submitted=False)
    submitted = helpers.add_review(mine, rubric, ["4", "4", "4"])
    # a2 is not assigned to the reviewer persona; it gets a review from the second reviewer
    # with the same scores as a1, so the ranking has a tie for the committee.
    other = helpers.assign(a2, second_reviewer, conflict=False)
    helpers.add_review(other, rubric, ["4", "4", "4"])
    from tests.reviews.test_reviewing import upload

    document = upload(a1, personas["applicant"])
    decided = helpers.make_application(
        call, personas["org_a"], personas["applicant"], status="not_recommended"
    )
    return {
        "panel": panel,
        "a1": a1,
        "a2": a2,
        "b1": applications["b1"],
        "mine": mine,
        "theirs": theirs,
        "draft": draft,
        "submitted": submitted,
        "document": document,
        "decided": decided,
        "criterion": rubric.criteria[0],
        "member": panel.members[0],
    }


def refused(persona, response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("Location", "")
    return (
        persona == "anonymous" and response.status_code in (301, 302, 303) and "/login" in location
    )


def check_post(matrix, url, allowed, data=None, data_for=None):
    """Like ``matrix.check`` for POST, accepting a 422 from allowed personas (see above)."""
    route_coverage.note(matrix.app, "POST", url)
    failures = []
    for persona in PERSONAS:
        payload = data_for(persona) if data_for else data
        response = matrix.request(persona, "POST", url, payload)
        if persona in allowed and refused(persona, response):
            failures.append(f"{persona}: expected access, got {response.status_code}")
        if persona not in allowed and not refused(persona, response):
            failures.append(f"{persona}: expected refusal, got {response.status_code}")
    assert not failures, f"POST {url}:\n  " + "\n  ".join(failures)


def test_staff_pages(matrix, call, world):
    base = f"/calls/{call.code}"
    for path in (
        "/review",
        "/screening",
        f"/screening/{world['b1'].id}",
        "/rubric",
        "/rubric/criteria/new",
        f"/rubric/criteria/{world['criterion'].id}",
        "/panel",
        "/assignments",
        "/progress",
        "/ranking",
        "/ranking.csv",
        "/ranking.xlsx",
    ):
        matrix.check(base + path, GRANTS)
    # Objects of another call or unknown ids are 404 for everyone.
    matrix.check(f"{base}/screening/999999", set())
    matrix.check(f"{base}/rubric/criteria/999999", set())
    matrix.check("/calls/NOPE-2026-01/review", set())


def test_staff_posts(matrix, call, world, personas):
    base = f"/calls/{call.code}"
    check_post(
        matrix, f"{base}/screening/{world['a1'].id}", GRANTS, {"outcome": "pass"}
    )  # refused: under review
    check_post(matrix, f"{base}/rubric", GRANTS, {})
    check_post(matrix, f"{base}/rubric/criteria/new", GRANTS, {})
    check_post(matrix, f"{base}/rubric/criteria/{world['criterion'].id}", GRANTS, {})
    check_post(matrix, f"{base}/rubric/criteria/{world['criterion'].id}/delete", GRANTS)  # locked
    check_post(matrix, f"{base}/panel", GRANTS, {})
    check_post(
        matrix, f"{base}/panel/members", GRANTS, {"user_id": personas["reviewer"].id}
    )  # already on it
    check_post(matrix, f"{base}/panel/invite", GRANTS, {"email": "not-an-email"})
    check_post(matrix, f"{base}/panel/members/{world['member'].id}/remove", GRANTS)  # busy: refused
    check_post(matrix, f"{base}/assignments/auto", GRANTS)
    check_post(
        matrix,
        f"{base}/assignments/{world['a1'].id}",
        GRANTS,
        {"reviewer_id": personas["reviewer"].id},
    )
    check_post(matrix, f"{base}/assignments/remove/{world['mine'].id}", GRANTS)  # submitted: kept
    check_post(matrix, f"{base}/progress/remind", GRANTS)
    ties = {
        "application_id": [world["a1"].id, world["a2"].id],
        f"pos_{world['a1'].id}": "1",
        f"pos_{world['a2'].id}": "1",
        "note": "x",
    }
    check_post(matrix, f"{base}/ranking/committee", GRANTS, ties)  # equal positions: refused
    check_post(matrix, f"{base}/applications/{world['a1'].id}/consensus", GRANTS, {})
    check_post(matrix, f"{base}/applications/{world['a1'].id}/decision", GRANTS, {})
    check_post(matrix, f"{base}/reviews/{world['submitted'].id}/reopen", GRANTS, {"reason": ""})


def test_consensus_pages_and_chair(matrix, call, world, personas):
    base = f"/calls/{call.code}"
    matrix.check(f"{base}/panel/applications", GRANTS)
    matrix.check(f"{base}/applications/{world['a1'].id}/reviews", GRANTS)
    # Make the reviewer persona the chair: the consensus pages open to them, not staff actions.
    panel = db.session.get(type(world["panel"]), world["panel"].id)
    panel.chair_id = personas["reviewer"].id
    db.session.commit()
    chair = GRANTS | {"reviewer"}
    matrix.check(f"{base}/panel/applications", chair)
    matrix.check(f"{base}/applications/{world['a2'].id}/reviews", chair)
    # An application that has not passed screening is not the chair's business.
    matrix.check(f"{base}/applications/{world['b1'].id}/reviews", GRANTS)
    check_post(matrix, f"{base}/applications/{world['a1'].id}/consensus", chair, {})
    check_post(matrix, f"{base}/applications/{world['a1'].id}/decision", GRANTS, {})
    check_post(matrix, f"{base}/reviews/{world['submitted'].id}/reopen", GRANTS, {"reason": ""})
    # The chair never sees another reviewer's draft or, on a blind panel, the applicant.
    page = matrix.request("reviewer", "GET", f"{base}/applications/{world['a1'].id}/reviews")
    body = page.get_data(as_text=True)
    assert "Org A A.C." not in body and personas["org_a"].rfc not in body
    assert "in progress" in body  # the second reviewer's draft: status only
    assert ">5</td>" not in body.replace(" ", "")


def test_reviewer_routes(matrix, world, personas):
    mine, theirs = world["mine"].id, world["theirs"].id
    matrix.check("/reviews/", {"reviewer"})
    matrix.check(f"/reviews/assignments/{mine}", {"reviewer"})
    matrix.check(f"/reviews/assignments/{mine}/documents/{world['document'].id}", {"reviewer"})
    # Another reviewer's assignment (with their draft) and unknown ids: nobody.
    matrix.check(f"/reviews/assignments/{theirs}", set())
    matrix.check(f"/reviews/assignments/{theirs}/documents/{world['document'].id}", set())
    matrix.check("/reviews/assignments/999999", set())
    matrix.check(f"/reviews/assignments/{mine}/documents/999999", set())
    check_post(matrix, f"/reviews/assignments/{mine}/declare", {"reviewer"}, {})
    check_post(matrix, f"/reviews/assignments/{mine}/review", {"reviewer"}, {"action": "save"})
    check_post(matrix, f"/reviews/assignments/{theirs}/declare", set(), {"conflict": "no"})
    check_post(matrix, f"/reviews/assignments/{theirs}/review", set(), {"action": "submit"})


def test_reviewer_never_reaches_an_unassigned_application(matrix, world):
    a2 = world["a2"].id
    for url in (
        f"/applications/{a2}",
        f"/applications/{world['a1'].id}",
        f"/documents/{world['document'].id}/download",
    ):
        response = matrix.request("reviewer", "GET", url)
        assert response.status_code in (403, 404), url
    # The reviewer's own page of a1 is blind.
    body = matrix.request("reviewer", "GET", f"/reviews/assignments/{world['mine'].id}").get_data(
        as_text=True
    )
    assert "Org A A.C." not in body and "Ana Aplicante" not in body
    assert "Plan de trabajo Org A" not in body


def test_evaluation_summary(matrix, world):
    matrix.check(f"/applications/{world['decided'].id}/evaluation", {"applicant"})
    matrix.check(f"/applications/{world['a1'].id}/evaluation", set())  # no decision yet
    matrix.check("/applications/999999/evaluation", set())


def test_a_grants_manager_of_another_programme_is_refused(app, call, world):
    from tests.support.matrix import login

    outsider = factories.make_user(name="Otra Gestora", roles=("grants_manager",))
    client = app.test_client()
    login(client, outsider.email)
    assert client.get(f"/calls/{call.code}/review").status_code == 403
    assert client.get(f"/calls/{call.code}/ranking").status_code == 403
    assert (
        client.get(f"/calls/{call.code}/applications/{world['a1'].id}/reviews").status_code == 404
    )
    response = client.get(f"/calls/{call.code}/ranking.csv")
    assert not is_success(response)
