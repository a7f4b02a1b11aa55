"""An administrator resets a user's second factor (lost phone): the authenticator app, the
recovery codes and the passkeys go, the sessions end, the user is told; audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts import session_auth
from portal.accounts.factor_models import RecoveryCode, TotpFactor, WebAuthnCredential
from portal.core.db import db
from tests.accounts.factor_helpers import give_totp
from tests.admin.helpers import audit_entries, english
from tests.support.forms import post_form


def _count(model, user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.user_id == user_id)
    )


def _reset_url(user) -> str:
    return f"/admin/users/{user.id}/reset-second-factor"


@pytest.fixture
def target(app, personas):
    manager = personas["grants_manager"]
    give_totp(app, manager)
    db.session.add(
        WebAuthnCredential(
            user_id=manager.id, credential_id="cred-1", public_key=b"key", name="YubiKey"
        )
    )
    db.session.commit()
    return manager


@pytest.fixture
def revoked(monkeypatch):
    """session_auth.revoke_sessions is an interface until the server-side sessions land."""
    calls = []

    def fake(user, *, reason, keep_current=False):
        calls.append((user.id, reason, keep_current))
        return 2

    monkeypatch.setattr(session_auth, "revoke_sessions", fake)
    return calls


def test_the_admin_page_shows_the_factors_and_the_button(admin_client, target):
    english(admin_client)
    page = admin_client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "Second factor" in page
    assert "1 passkey" in page and "10 recovery codes left" in page
    assert "Reset second factor" in page


def test_reset_removes_every_factor_and_ends_the_sessions(
    admin_client, target, personas, revoked, outbox
):
    english(admin_client)
    response = post_form(
        admin_client, _reset_url(target), {"confirm": "y"}, form_url=f"/admin/users/{target.id}"
    )
    assert response.headers["Location"].endswith(f"/admin/users/{target.id}")
    for model in (TotpFactor, RecoveryCode, WebAuthnCredential):
        assert _count(model, target.id) == 0, model
    assert revoked == [(target.id, "factor_reset", False)]
    [entry] = audit_entries("user.second_factor_reset", target.id)
    assert entry.user_id == personas["admin"].id
    assert entry.changes == {
        "totp": [True, False],
        "passkeys": [1, 0],
        "recovery_codes": [10, 0],
    }
    [mail] = [m for m in outbox(target.email) if m.template == "second_factor_reset"]
    assert "logged you out on every device" in mail.body_text
    page = admin_client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "is reset and their sessions have ended" in page


def test_without_the_tick_nothing_changes(admin_client, target, revoked, outbox):
    english(admin_client)
    response = post_form(admin_client, _reset_url(target), {}, form_url="/admin/users")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tick the box to confirm the reset: nothing was changed." in page
    assert _count(TotpFactor, target.id) == 1
    assert _count(WebAuthnCredential, target.id) == 1
    assert revoked == []
    assert audit_entries("user.second_factor_reset") == []


def test_an_admin_cannot_reset_their_own_factor(admin_client, personas, app, revoked):
    admin = personas["admin"]
    give_totp(app, admin)
    english(admin_client)
    page = admin_client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "You cannot reset your own second factor" in page
    response = post_form(
        admin_client,
        _reset_url(admin),
        {"confirm": "y"},
        form_url="/admin/users",
        follow_redirects=True,
    )
    assert "You cannot reset your own second factor" in response.get_data(as_text=True)
    assert _count(TotpFactor, admin.id) == 1
    assert revoked == []


def test_a_user_without_a_factor_has_nothing_to_reset(admin_client, personas, revoked):
    english(admin_client)
    response = post_form(
        admin_client,
        _reset_url(personas["applicant"]),
        {"confirm": "y"},
        form_url="/admin/users",
        follow_redirects=True,
    )
    assert "This person has no second factor to reset." in response.get_data(as_text=True)
    assert audit_entries("user.second_factor_reset") == []


def test_unknown_user_is_a_404(admin_client):
    response = post_form(admin_client, "/admin/users/999999/reset-second-factor", {"confirm": "y"})
    assert response.status_code == 404


def test_access_matrix(matrix, personas, revoked):
    # Only administrators; the applicant has no factor (a message, nothing changed).
    matrix.check(
        _reset_url(personas["applicant"]), allowed={"admin"}, method="POST", data={"confirm": "y"}
    )
