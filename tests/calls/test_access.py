"""Access matrix for every route of the calls blueprint.

Public pages: everyone (anonymous included) for published, closed and archived calls; a draft
only for grants managers and administrators. Management: the programme's managers and
administrators; any other grants manager gets 403.
"""

from __future__ import annotations

import pytest

from portal.core.db import db
from tests.calls.helpers import make_call
from tests.support.matrix import PERSONAS

EVERYONE = set(PERSONAS)
GRANTS = {"grants_manager", "admin"}


@pytest.fixture
def archived_call(app, programme, personas):
    """Every change to an archived call is refused (a redirect with a message) but only after
    the permission check, so destructive routes can run as several personas in a row."""
    call = make_call(
        app, programme, code="CONV-2025-01", status="archived", actor=personas["admin"]
    )
    with app.app_context():
        from portal.calls.models import CallNotice

        db.session.add(CallNotice(call_id=call.id, title_es="Aviso", title_en="Notice"))
        db.session.commit()
    return call


def ids(call):
    from portal.calls.models import Call

    call = db.session.get(Call, call.id)
    return {
        "q": call.questions[0].id,
        "s": call.document_slots[0].id,
        "e": call.quiz_questions[0].id,
        "n": call.notices[0].id if call.notices else None,
    }


def test_public_pages(matrix, draft_call, published_call):
    matrix.check("/calls/", EVERYONE)
    matrix.check("/calls/CONV-2026-02", EVERYONE)
    matrix.check("/calls/CONV-2026-02/eligibility", EVERYONE)
    matrix.check("/calls/CONV-2026-02/eligibility?check=1&q_legal_entity=no", EVERYONE)
    matrix.check("/calls/CONV-2026-01", GRANTS)
    matrix.check("/calls/CONV-2026-01/eligibility", GRANTS)
    matrix.check("/calls/NOPE-2026-01", set())


def test_archived_call_stays_public(matrix, archived_call):
    matrix.check("/calls/CONV-2025-01", EVERYONE)


def test_programme_pages(matrix, programme):
    pid = programme.id
    matrix.check("/programmes/", GRANTS)
    matrix.check("/programmes/new", GRANTS)
    matrix.check("/programmes/new", GRANTS, method="POST", data={})
    matrix.check(f"/programmes/{pid}", GRANTS)
    matrix.check(f"/programmes/{pid}/edit", GRANTS)
    matrix.check(f"/programmes/{pid}/edit", GRANTS, method="POST", data={})
    matrix.check(f"/programmes/{pid}/calls/new", GRANTS)
    matrix.check(f"/programmes/{pid}/calls/new", GRANTS, method="POST", data={})
    matrix.check("/programmes/999999", set())


@pytest.mark.parametrize("which", ["draft", "published"])
def test_management_pages(matrix, draft_call, published_call, which):
    call = draft_call if which == "draft" else published_call
    base = f"/calls/{call.code}"
    k = ids(call)
    gets = [
        "/manage",
        "/edit",
        "/form",
        "/form/new",
        f"/form/{k['q']}/edit",
        "/documents/new",
        f"/documents/{k['s']}/edit",
        "/quiz/new",
        f"/quiz/{k['e']}/edit",
        "/notices/new",
    ]
    if which == "draft":
        # Same loader and checks as a published call, but a draft is hidden (404) from
        # everyone outside grants staff; the full list runs on the published call.
        gets = gets[:3]
    for path in gets:
        matrix.check(base + path, GRANTS)
    if which == "draft":
        return
    posts = [
        "/edit",
        "/form/new",
        f"/form/{k['q']}/edit",
        "/documents/new",
        f"/documents/{k['s']}/edit",
        "/quiz/new",
        f"/quiz/{k['e']}/edit",
        "/notices/new",
    ]
    for path in posts:  # empty posts: the form comes back with errors, nothing changes
        matrix.check(base + path, GRANTS, method="POST", data={})
    matrix.check(f"{base}/form/{k['q']}/move", GRANTS, method="POST", data={"direction": "up"})
    matrix.check(f"{base}/quiz/{k['e']}/move", GRANTS, method="POST", data={"direction": "up"})
    # A move that is not allowed from this status: refused after the permission check.
    matrix.check(f"{base}/status", GRANTS, method="POST", data={"to": "archived"})


def test_destructive_routes(matrix, archived_call):
    base = f"/calls/{archived_call.code}"
    k = ids(archived_call)
    for path in (
        f"/form/{k['q']}/delete",
        f"/documents/{k['s']}/delete",
        f"/quiz/{k['e']}/delete",
        f"/notices/{k['n']}/delete",
        f"/notices/{k['n']}/edit",
    ):
        matrix.check(base + path, GRANTS, method="POST", data={})
    matrix.check(f"{base}/notices/{k['n']}/edit", GRANTS)
    matrix.check(f"{base}/status", GRANTS, method="POST", data={"to": "published"})


def test_grants_manager_of_another_programme_gets_403(
    as_user, other_manager, programme, draft_call, published_call
):
    client = as_user(other_manager)
    assert client.get(f"/programmes/{programme.id}").status_code == 200  # may read
    assert client.get("/calls/CONV-2026-01").status_code == 200  # may read drafts
    k = ids(published_call)
    for method, path in [
        ("GET", f"/programmes/{programme.id}/edit"),
        ("GET", f"/programmes/{programme.id}/calls/new"),
        ("GET", "/calls/CONV-2026-02/manage"),
        ("GET", "/calls/CONV-2026-02/edit"),
        ("GET", "/calls/CONV-2026-02/form"),
        ("POST", "/calls/CONV-2026-02/status"),
        ("POST", f"/calls/CONV-2026-02/form/{k['q']}/delete"),
        ("POST", f"/calls/CONV-2026-02/documents/{k['s']}/delete"),
        ("POST", f"/calls/CONV-2026-02/quiz/{k['e']}/move"),
    ]:
        response = client.open(path, method=method, data={"csrf_token": _token(client)})
        assert response.status_code == 403, (method, path, response.status_code)


def test_wrong_child_ids_are_404(as_user, personas, draft_call, published_call):
    client = as_user(personas["admin"])
    k = ids(published_call)  # ids of another call's parts
    for path in (f"/form/{k['q']}/edit", f"/documents/{k['s']}/edit", f"/quiz/{k['e']}/edit"):
        assert client.get("/calls/CONV-2026-01" + path).status_code == 404


def _token(client):
    from tests.support.forms import csrf_token

    return csrf_token(client)
