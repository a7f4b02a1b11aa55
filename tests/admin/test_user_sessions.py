"""Administrators end a user's sessions and API tokens from the user page (issue 17): one by
one or all together, audited, and the user is told by e-mail."""

from __future__ import annotations

import re

import pytest

from portal.api.operations import create_token
from portal.core.db import db
from tests.accounts.helpers import live_sessions
from tests.admin.helpers import audit_entries, english
from tests.support.factories import make_user
from tests.support.forms import post_form
from tests.support.matrix import login

ADMIN = {"admin"}


@pytest.fixture
def target(personas):
    return make_user(name="Tomás Objetivo", roles=("finance_officer",))


@pytest.fixture
def signed_in(app, target):
    """``target`` on two browsers and with one API token; returns (browsers, rows, secret)."""
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        login(browser, target.email)
    _, secret = create_token(target, name="Contabilidad", days=30)
    db.session.commit()
    rows = sorted(live_sessions(target), key=lambda r: r.id)
    return browsers, rows, secret


def api_status(app, secret: str) -> int:
    return (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        .status_code
    )


def test_user_page_lists_sessions_and_tokens(admin_client, target, signed_in):
    english(admin_client)
    _, rows, _ = signed_in
    page = admin_client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    for row in rows:
        assert f'id="session-{row.id}"' in page
        assert f"/admin/users/{target.id}/sessions/{row.id}/revoke" in page
    assert "Contabilidad" in page
    assert re.search(rf"/admin/users/{target.id}/tokens/\d+/revoke", page)
    assert f"/admin/users/{target.id}/revoke-access" in page


def test_admin_ends_one_session(app, admin_client, target, signed_in, outbox):
    (first, second), (row, _), secret = signed_in
    url = f"/admin/users/{target.id}"
    response = post_form(admin_client, f"{url}/sessions/{row.id}/revoke", form_url=url)
    assert response.status_code == 302
    assert first.get("/dashboard").status_code == 302
    assert second.get("/dashboard").status_code == 200
    assert api_status(app, secret) == 200
    [entry] = audit_entries("user_session.revoked", row.id)
    assert entry.changes == {"reason": "admin", "owner_id": target.id}
    [message] = [m for m in outbox(target.email) if m.template == "sessions_revoked_by_admin"]
    assert message.template == "sessions_revoked_by_admin"
    assert "1 session" in message.body_text
    assert "API token" not in message.body_text


def test_admin_revokes_one_token(app, admin_client, target, signed_in, outbox):
    (first, _), _, secret = signed_in
    from portal.api.tokens import lookup

    token = lookup(secret)
    url = f"/admin/users/{target.id}"
    response = post_form(admin_client, f"{url}/tokens/{token.id}/revoke", form_url=url)
    assert response.status_code == 302
    assert api_status(app, secret) == 401
    assert first.get("/dashboard").status_code == 200
    [entry] = audit_entries("api_token.revoked", token.id)
    assert entry.user_id != target.id  # the administrator did it
    [message] = [m for m in outbox(target.email) if m.template == "sessions_revoked_by_admin"]
    assert "1 API token" in message.body_text
    # Again: already revoked, no second e-mail.
    post_form(admin_client, f"{url}/tokens/{token.id}/revoke", form_url=url)
    assert len([m for m in outbox(target.email) if m.template == "sessions_revoked_by_admin"]) == 1


def test_admin_ends_all_sessions_and_tokens(app, admin_client, personas, target, signed_in, outbox):
    browsers, rows, secret = signed_in
    _, second_secret = create_token(target, name="Tesorería", days=90)
    db.session.commit()
    url = f"/admin/users/{target.id}"
    response = post_form(admin_client, f"{url}/revoke-access", form_url=url)
    assert response.status_code == 302
    for browser in browsers:
        assert browser.get("/dashboard").status_code == 302
    assert api_status(app, secret) == 401
    assert api_status(app, second_secret) == 401
    assert live_sessions(target) == []
    [entry] = audit_entries("user_session.revoked", target.id)
    assert entry.changes == {"reason": "admin", "session_ids": [r.id for r in rows]}
    assert entry.user_id == personas["admin"].id
    assert len(audit_entries("api_token.revoked")) == 2
    [message] = [m for m in outbox(target.email) if m.template == "sessions_revoked_by_admin"]
    assert "2 sessions" in message.body_text and "2 API tokens" in message.body_text
    assert "/account/sessions" in message.body_text
    # The administrator is still signed in; nothing left the second time.
    response = post_form(admin_client, f"{url}/revoke-access", form_url=url, follow_redirects=True)
    assert "had no session or API token to end" in response.get_data(as_text=True)
    assert len([m for m in outbox(target.email) if m.template == "sessions_revoked_by_admin"]) == 1


def test_session_or_token_of_another_user_is_a_404(admin_client, personas, target, signed_in):
    _, (row, _), secret = signed_in
    from portal.api.tokens import lookup

    token = lookup(secret)
    other = personas["reviewer"]
    url = f"/admin/users/{other.id}"
    assert (
        post_form(admin_client, f"{url}/sessions/{row.id}/revoke", form_url=url).status_code == 404
    )
    assert (
        post_form(admin_client, f"{url}/tokens/{token.id}/revoke", form_url=url).status_code == 404
    )
    assert (
        post_form(admin_client, "/admin/users/999999/revoke-access", form_url=url).status_code
        == 404
    )
    assert len(live_sessions(target)) == 2
    assert audit_entries("user_session.revoked") == []


def test_email_goes_out_in_the_users_language(app, admin_client, personas, outbox):
    spanish = make_user(name="Sara Española", locale="es")
    login(app.test_client(), spanish.email)
    url = f"/admin/users/{spanish.id}"
    post_form(admin_client, f"{url}/revoke-access", form_url=url)
    [message] = outbox(spanish.email)
    assert message.locale == "es"
    assert "/account/sessions" in message.body_text


def test_access_matrix(app, matrix, target, signed_in):
    _, (row, _), secret = signed_in
    from portal.api.tokens import lookup

    token = lookup(secret)
    base = f"/admin/users/{target.id}"
    matrix.check(f"{base}/sessions/{row.id}/revoke", ADMIN, method="POST")
    matrix.check(f"{base}/tokens/{token.id}/revoke", ADMIN, method="POST")
    matrix.check(f"{base}/revoke-access", ADMIN, method="POST")
    assert live_sessions(target) == []
