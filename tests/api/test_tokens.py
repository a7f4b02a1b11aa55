"""Personal access tokens: created on the account page (secret shown once, only its hash
stored), listed, revoked (audited), expired by time, dead with a deactivated account; a token
acts with its user's current roles and memberships."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal.api import auth, operations, token_views, tokens
from portal.api.models import ApiToken
from portal.audit.models import AuditEntry
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.mail.models import OutboxMessage
from tests.api import helpers
from tests.support.forms import post_form
from tests.support.matrix import login

SECRET = re.compile(r'value="(cfp_[A-Za-z0-9_-]{43})"')


def fresh(obj):
    return db.session.get(type(obj), obj.id)


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def browser(app, personas):
    client = app.test_client()
    login(client, personas["applicant"].email)
    return client


def test_create_shows_the_secret_once_and_stores_only_its_hash(ctx, browser, personas, app):
    response = post_form(
        browser,
        "/account/tokens",
        {"name": "Contabilidad", "expires_in": "90"},
        form_url="/account/tokens",
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(response.get_data(as_text=True)).group(1)

    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == personas["applicant"].id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] and token.name == "Contabilidad"
    assert timedelta(days=90) - (token.expires_dt - token.created_dt) < timedelta(seconds=1)
    # The secret itself is nowhere in the database row nor in the audit trail.
    row = db.session.execute(text("SELECT * FROM api_tokens WHERE id = :id"), {"id": token.id})
    assert secret not in repr(row.one())
    [created] = _audit("api_token.created")
    assert created.user_id == personas["applicant"].id and created.object_id == str(token.id)
    assert secret not in repr(created.changes) and created.changes["prefix"] == token.prefix
    # The owner is told (a security e-mail), with the name and prefix, never the secret.
    [mail] = db.session.scalars(
        select(OutboxMessage).filter_by(
            recipient=personas["applicant"].email, template="api_token_created"
        )
    ).all()
    assert "Contabilidad" in mail.body_text and token.prefix in mail.body_text
    assert secret not in mail.body_text and "/account/tokens" in mail.body_text

    # Shown once: the list afterwards has the prefix, never the secret.
    page = browser.get("/account/tokens").get_data(as_text=True)
    assert token.prefix in page and secret not in page and "Contabilidad" in page

    # And it works.
    me = app.test_client().get("/api/v1/me", headers=helpers.bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["data"]["token"]["prefix"] == token.prefix


def test_create_refuses_bad_input(ctx, browser, personas):
    for data in ({"name": "", "expires_in": "90"}, {"name": "x", "expires_in": "7"}):
        response = post_form(browser, "/account/tokens", data, form_url="/account/tokens")
        assert response.status_code == 200
        assert "cfp_" not in response.get_data(as_text=True)
    # "No expiry" is not offered and not accepted.
    response = post_form(
        browser, "/account/tokens", {"name": "x", "expires_in": "0"}, form_url="/account/tokens"
    )
    assert "cfp_" not in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken.id)) is None
    with pytest.raises(InputError) as refused:
        operations.create_token(personas["applicant"], name="y" * 101, days=30)
    assert "name" in refused.value.errors


def test_active_tokens_are_limited(ctx, personas, monkeypatch):
    monkeypatch.setattr(operations, "MAX_ACTIVE_TOKENS", 2)
    user = personas["applicant"]
    first, _ = helpers.make_token(user)
    helpers.make_token(user)
    with pytest.raises(InputError):
        operations.create_token(user, name="third", days=30)
    operations.revoke_token(first, user)
    helpers.make_token(user, name="third")  # a revoked one no longer counts


def test_revoke(ctx, browser, app, personas):
    token, secret = helpers.make_token(personas["applicant"])
    api = app.test_client()
    assert api.get("/api/v1/me", headers=helpers.bearer(secret)).status_code == 200

    response = post_form(browser, f"/account/tokens/{token.id}/revoke", form_url="/account/tokens")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_dt is not None
    [revoked] = _audit("api_token.revoked")
    assert revoked.user_id == personas["applicant"].id and revoked.object_id == str(token.id)

    refused = api.get("/api/v1/me", headers=helpers.bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "token_revoked"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer ")
    # Revoking again changes nothing and writes no second audit entry.
    post_form(browser, f"/account/tokens/{token.id}/revoke", form_url="/account/tokens")
    assert len(_audit("api_token.revoked")) == 1
    assert "Revoked" in browser.get("/account/tokens").get_data(as_text=True)


def test_only_the_owner_revokes(ctx, app, personas):
    token, _ = helpers.make_token(personas["applicant"])
    for persona in ("other_applicant", "admin"):
        client = app.test_client()
        login(client, personas[persona].email)
        response = post_form(
            client, f"/account/tokens/{token.id}/revoke", form_url="/account/tokens"
        )
        assert response.status_code == 404
        assert token.prefix not in client.get("/account/tokens").get_data(as_text=True)
    assert db.session.get(ApiToken, token.id).revoked_dt is None


def test_expiry(ctx, app, personas, monkeypatch):
    _, secret = helpers.make_token(personas["applicant"], days=30)
    api = app.test_client()
    later = now_utc() + timedelta(days=30, seconds=1)
    assert api.get("/api/v1/me", headers=helpers.bearer(secret)).status_code == 200

    monkeypatch.setattr(auth, "now_utc", lambda: later)
    refused = api.get("/api/v1/me", headers=helpers.bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "token_expired"
    monkeypatch.setattr(token_views, "now_utc", lambda: later)
    browser = app.test_client()
    login(browser, personas["applicant"].email)
    assert "Expired" in browser.get("/account/tokens").get_data(as_text=True)


def test_deactivated_user(ctx, app, personas):
    user = personas["applicant"]
    _, secret = helpers.make_token(user)
    user.is_active = False
    db.session.commit()
    refused = app.test_client().get("/api/v1/me", headers=helpers.bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "account_inactive"
    user = fresh(user)  # each request ends the thread's session: reload before changing
    user.is_active = True
    db.session.commit()
    assert app.test_client().get("/api/v1/me", headers=helpers.bearer(secret)).status_code == 200


def test_token_follows_current_roles_and_memberships(world, api, personas):
    from portal.organisations.models import Membership

    user = personas["applicant"]
    client = api(user)
    a, b = world["award_a"].id, world["award_b"].id
    assert client.get(f"/api/v1/awards/{b}").status_code == 404
    user = fresh(user)
    user.set_roles(["applicant", "finance_officer"])
    db.session.commit()
    assert client.get(f"/api/v1/awards/{b}").status_code == 200
    assert client.get("/api/v1/me").get_json()["data"]["roles"] == ["applicant", "finance_officer"]
    user = fresh(user)
    user.set_roles(["applicant"])
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == user.id)))
    db.session.commit()
    assert client.get(f"/api/v1/awards/{a}").status_code == 404
    assert client.get("/api/v1/awards").get_json()["meta"]["total"] == 0


def test_last_used_is_written_at_most_once_a_minute(ctx, app, personas, monkeypatch, count_queries):
    token, secret = helpers.make_token(personas["applicant"])
    api = app.test_client()
    start = now_utc()
    monkeypatch.setattr(auth, "now_utc", lambda: start)
    api.get("/api/v1/me", headers=helpers.bearer(secret))
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_dt == start

    monkeypatch.setattr(auth, "now_utc", lambda: start + timedelta(seconds=59))
    with count_queries() as counter:
        api.get("/api/v1/me", headers=helpers.bearer(secret))
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_dt == start

    monkeypatch.setattr(auth, "now_utc", lambda: start + timedelta(seconds=61))
    api.get("/api/v1/me", headers=helpers.bearer(secret))
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_dt == start + timedelta(seconds=61)


def test_secrets_and_hashing():
    secret = tokens.generate()
    assert tokens.well_formed(secret) and len(secret) == 47
    assert tokens.generate() != secret
    assert tokens.hash_secret(secret) == hashlib.sha256(secret.encode()).hexdigest()
    for bad in ("", "cfp_", "cfp_short", secret + "x", "xyz_" + secret[4:], secret[:-1] + "!"):
        assert not tokens.well_formed(bad)
