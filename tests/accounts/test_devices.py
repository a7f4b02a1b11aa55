"""Known devices and the "sign-in from a new device" e-mail (portal/accounts/devices.py)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from portal.accounts import devices
from portal.accounts.session_models import KnownDevice
from portal.core.db import db
from tests.accounts.helpers import audit, english, link_in, reload, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import csrf_token, post_form

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def sign_in(client, email, *, agent=FIREFOX_WINDOWS, ip="198.51.100.7", password=DEFAULT_PASSWORD):
    return post_form(
        client,
        "/login",
        {"email": email, "password": password},
        form_url="/login",
        headers={"User-Agent": agent},
        environ_base={"REMOTE_ADDR": ip},
    )


def sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def device_cookie_header(response) -> str:
    [header] = [
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("cofinancia_device=")
    ]
    return header


def rows(user) -> list[KnownDevice]:
    db.session.expire_all()
    return db.session.scalars(select(KnownDevice).where(KnownDevice.user_id == user.id)).all()


def new_device_mails(outbox, user):
    return [m for m in outbox(user.email) if m.template == "new_device_sign_in"]


@pytest.fixture
def user(make_user):
    return make_user(unique_email("lucia"), locale="en")


def test_first_sign_in_records_the_device_without_an_email(client, user, outbox):
    english(client)
    response = sign_in(client, user.email)
    assert response.status_code == 302

    header = device_cookie_header(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert f"Max-Age={400 * 24 * 3600}" in header
    assert "Secure" not in header  # SESSION_COOKIE_SECURE is off in the tests
    token = client.get_cookie("cofinancia_device").value
    [device] = rows(user)
    assert device.key_hash == hashlib.sha256(token.encode()).hexdigest()  # only the digest
    assert token not in device.key_hash
    assert device.user_agent == FIREFOX_WINDOWS

    [entry] = audit("user.new_device", user.id)
    assert entry.user_id == user.id
    assert entry.changes == {"browser": "Firefox", "system": "Windows", "first_device": True}
    assert new_device_mails(outbox, user) == []  # the very first sign-in: nothing to report


def test_a_second_device_is_announced_by_email(app, client, user, outbox):
    english(client)
    assert sign_in(client, user.email).status_code == 302
    phone = app.test_client()
    assert sign_in(phone, user.email, agent=SAFARI_IPHONE, ip="203.0.113.77").status_code == 302

    assert len(rows(user)) == 2
    [mail] = new_device_mails(outbox, user)
    assert mail.subject == "A sign-in to your Cofinancia account from a new device"
    assert "Device: Mobile Safari on iOS, iPhone" in mail.body_text
    assert "Network (IP) address: 203.0.113.77" in mail.body_text
    assert "When: " in mail.body_text and "(" in mail.body_text  # the user's zone is named
    assert link_in(mail, "/account/password").startswith("http://localhost/")
    assert link_in(mail, "/account/sessions").startswith("http://localhost/")
    [_, second] = audit("user.new_device", user.id)
    assert second.changes["first_device"] is False


def test_a_known_device_signs_in_quietly(client, user, outbox):
    english(client)
    assert sign_in(client, user.email).status_code == 302
    first_seen = rows(user)[0].last_seen_dt
    sign_out(client)

    again = sign_in(client, user.email)
    assert again.status_code == 302
    assert not [h for h in again.headers.getlist("Set-Cookie") if "cofinancia_device" in h]
    [device] = rows(user)
    assert device.last_seen_dt >= first_seen
    assert len(audit("user.new_device", user.id)) == 1
    assert new_device_mails(outbox, user) == []


def test_one_browser_shared_by_two_accounts_keeps_its_cookie(client, make_user, user, outbox):
    english(client)
    assert sign_in(client, user.email).status_code == 302
    token = client.get_cookie("cofinancia_device").value
    sign_out(client)
    colleague = make_user(unique_email("marco"), locale="en")

    response = sign_in(client, colleague.email)
    assert response.status_code == 302
    assert client.get_cookie("cofinancia_device").value == token  # no new cookie
    [device] = rows(colleague)
    assert device.key_hash == rows(user)[0].key_hash
    assert new_device_mails(outbox, colleague) == []  # the colleague's first device


def test_a_forged_cookie_is_replaced(client, user, outbox):
    english(client)
    client.set_cookie("cofinancia_device", "not a token; <script>")
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert client.get_cookie("cofinancia_device").value != "not a token; <script>"
    assert len(rows(user)) == 1


def test_the_cookie_is_secure_when_the_session_cookie_is(app, client, user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert "Secure" in device_cookie_header(response)


def test_failed_sign_ins_record_no_device(client, user, outbox):
    english(client)
    assert sign_in(client, user.email, password="wrong password, surely").status_code == 200
    assert client.get_cookie("cofinancia_device") is None
    assert rows(user) == []


def test_is_known_device_is_per_account(app, client, make_user, user):
    assert sign_in(client, user.email).status_code == 302
    token = client.get_cookie("cofinancia_device").value
    other = make_user(unique_email("other"))
    headers = {"Cookie": f"cofinancia_device={token}"}
    with app.test_request_context("/login", headers=headers):
        assert devices.is_known_device(user.email.upper())
        assert not devices.is_known_device(other.email)
        assert not devices.is_known_device(unique_email("ghost"))
    with app.test_request_context("/login"):
        assert not devices.is_known_device(user.email)


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX_WINDOWS, ("Firefox", "Windows")),
        (SAFARI_IPHONE, ("Mobile Safari", "iOS, iPhone")),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/130.0.0.0 Safari/537.36",
            ("Chrome", "Mac OS X"),
        ),
        ("curl/8.5.0", ("curl", "")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_user_agents_in_plain_words(agent, expected):
    assert devices.describe_user_agent(agent) == expected


def test_an_unidentified_device_is_said_plainly(app, client, user, outbox):
    english(client)
    assert sign_in(client, user.email).status_code == 302
    other = app.test_client()
    assert sign_in(other, user.email, agent="").status_code == 302
    [mail] = new_device_mails(outbox, reload(user))
    assert "Device: not identified" in mail.body_text


def test_the_email_speaks_the_users_language(app, make_user, outbox):
    usuaria = make_user(unique_email("sofia"), locale="es")
    assert sign_in(app.test_client(), usuaria.email).status_code == 302
    assert sign_in(app.test_client(), usuaria.email, agent=SAFARI_IPHONE).status_code == 302
    [mail] = new_device_mails(outbox, usuaria)
    assert mail.locale == "es"
    assert link_in(mail, "/account/password") and link_in(mail, "/account/sessions")
