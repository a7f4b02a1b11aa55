"""Walk-through of passkeys with Chromium's virtual authenticator (the DevTools protocol's
WebAuthn domain): a fresh applicant logs in with a password, adds a passkey by its visible
labels, logs out, and logs in again with the passkey alone.

WebAuthn needs a valid RP id and an IP address is not one: the walk-through browses to
``localhost`` instead of ``127.0.0.1``.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser

PASSWORD = "una clave larga para la llave de acceso"


@pytest.fixture
def applicant(live_server):
    """A user of this test only (the demo accounts are shared by the other walk-throughs)."""
    from portal.core.db import db
    from tests.support.factories import make_user

    email = f"passkey.{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        make_user(email, password=PASSWORD, name="Paula Llaves", locale="es")
        db.session.remove()
    return email


@pytest.fixture
def authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield cdp, added["authenticatorId"]
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": added["authenticatorId"]})


def test_add_a_passkey_and_log_in_with_it(page, shot, es, live_server, applicant, authenticator):
    cdp, authenticator_id = authenticator
    base = live_server.url.replace("127.0.0.1", "localhost")

    page.goto(base + "/login")
    page.get_by_label(es("E-mail address")).fill(applicant)
    page.get_by_label(es("Password")).fill(PASSWORD)
    page.get_by_role("button", name=es("Log in"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboard"))

    page.goto(base + "/account")
    page.get_by_role("link", name=es("Passkeys and security keys")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Passkeys and security keys"))
    expect(page.get_by_text(es("You have no passkey yet."))).to_be_visible()
    shot(page, "no-passkey")

    page.get_by_label(es("Name of the new passkey")).fill("Laptop del trabajo")
    page.get_by_role("button", name=es("Add a passkey")).click()
    expect(page.get_by_text(es("Your passkey is added."))).to_be_visible()
    expect(page.get_by_role("cell", name="Laptop del trabajo", exact=True)).to_be_visible()
    shot(page, "passkey-added")

    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    [stored] = credentials["credentials"]
    assert stored["isResidentCredential"] is True

    nav = page.get_by_role("navigation").first
    nav.locator(".dropdown-toggle").click()  # the account menu
    nav.get_by_role("button", name=es("Log out")).click()
    expect(page.get_by_text(es("You have logged out."))).to_be_visible()
    page.goto(base + "/login")
    page.get_by_role("button", name=es("Sign in with a passkey")).click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    shot(page, "signed-in-with-passkey")

    with live_server.app.app_context():
        from portal.accounts.factor_models import WebAuthnCredential
        from portal.accounts.models import User
        from portal.audit.models import AuditEntry
        from portal.core.db import db

        user = db.session.scalar(select(User).where(User.email == applicant))
        [cred] = db.session.scalars(
            select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
        ).all()
        assert cred.name == "Laptop del trabajo"
        assert cred.discoverable is True
        assert cred.last_used_dt is not None
        logins = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "user.login", AuditEntry.object_id == str(user.id)
            )
        ).all()
        assert logins[-1].changes == {"method": "passkey", "factor": "passkey"}
        db.session.remove()
