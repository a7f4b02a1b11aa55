"""Server-side sessions (issue 17): every cookie names a ``user_sessions`` row, checked on every
request; logging out or revoking the row refuses the cookie at once, copies included. "Your
sessions" lists and ends them."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts import session_auth, sessions
from portal.accounts.session_display import describe_agent, describe_place, parse_agent
from portal.accounts.session_models import UserSession
from portal.core.db import db, now_utc
from tests.accounts.helpers import audit, english, live_sessions, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import csrf_token, post_form
from tests.support.matrix import LOGGED_IN

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def log_in(client, email, agent: str | None = None, address: str = "127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    headers = {"User-Agent": agent} if agent else {}
    return client.post(
        "/login",
        data={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
        headers=headers,
        environ_base=environ,
    )


def stored_row(row_id: int) -> UserSession:
    db.session.expire_all()
    return db.session.get(UserSession, row_id)


@pytest.fixture
def user(make_user):
    return make_user(unique_email("sofia"), locale="en")


@pytest.fixture
def browsers(app, user):
    """The user signed in on a laptop (Firefox) and a phone (Safari on an iPhone)."""
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        english(client)
    assert log_in(laptop, user.email, FIREFOX).status_code == 302
    assert log_in(phone, user.email, IPHONE, address="189.203.10.20").status_code == 302
    laptop_row, phone_row = sorted(live_sessions(user), key=lambda r: r.id)
    return laptop, phone, laptop_row, phone_row


# --- the row behind the cookie -----------------------------------------------------------


def test_sign_in_creates_a_row_storing_only_the_keys_hash(app, client, user):
    log_in(client, user.email, FIREFOX)
    [row] = live_sessions(user)
    assert len(row.key_hash) == 64
    with client.session_transaction() as cookie:
        user_id, _, key = cookie["_user_id"].partition(":")
    assert int(user_id) == user.id
    assert row.key_hash == sessions.hash_key(key) != key
    assert row.method == "password"
    assert row.user_agent == FIREFOX
    assert row.ip_address == "127.0.0.1"
    assert row.revoked_dt is None
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    assert abs((row.expires_dt - row.created_dt) - lifetime) < timedelta(seconds=1)


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, user):
    log_in(client, user.email)
    stolen = client.get_cookie("cofinancia_session").value
    thief = app.test_client()
    thief.set_cookie("cofinancia_session", stolen, domain="localhost")
    assert thief.get("/account").status_code == 200
    [row] = live_sessions(user)

    assert post_form(client, "/logout", {}, form_url="/account").status_code == 302
    assert stored_row(row.id).revoked_reason == "logout"
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_expired_row_is_refused(client, user):
    log_in(client, user.email)
    [row] = live_sessions(user)
    row.created_dt = now_utc() - timedelta(hours=13)
    row.expires_dt = now_utc() - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_a_cookie_of_the_old_format_or_a_made_up_key_is_refused(app, user):
    old_format = f"{user.id}:{secrets.token_urlsafe(24)}"  # id + a users.session_token-like key
    for value in (old_format, f"{user.id}:made-up", "x:y", ""):
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = value
        assert client.get("/account").status_code == 302, value


def test_another_users_key_does_not_open_their_session(app, client, user, make_user):
    other = make_user(unique_email("otro"), locale="en")
    log_in(client, other.email)
    with client.session_transaction() as cookie:
        _, _, key = cookie["_user_id"].partition(":")
    forged = app.test_client()
    with forged.session_transaction() as cookie:
        cookie["_user_id"] = f"{user.id}:{key}"  # the other user's key under this user's id
    assert forged.get("/account").status_code == 302


def test_signing_in_again_in_the_same_browser_ends_its_previous_session(app, client, user):
    log_in(client, user.email)
    [first] = live_sessions(user)
    post_form(client, "/logout", {}, form_url="/account")
    log_in(client, user.email)
    [second] = live_sessions(user)
    assert second.id != first.id


def test_last_seen_is_written_at_most_once_per_touch_interval(app, client, user, count_queries):
    log_in(client, user.email)
    client.get("/account")  # the first page after the sign-in
    [row] = live_sessions(user)
    signed_in = row.last_seen_dt

    def updates(counter):
        return [s for s in counter.statements if s.lstrip().upper().startswith("UPDATE USER_SESS")]

    with count_queries() as counter:
        for _ in range(5):
            assert client.get("/account").status_code == 200
    assert updates(counter) == []
    assert stored_row(row.id).last_seen_dt == signed_in

    # Six minutes later (SESSION_TOUCH_SECONDS = 300): one write, committed by the GET.
    stored = stored_row(row.id)
    stored.last_seen_dt = signed_in - timedelta(minutes=6)
    db.session.commit()
    with count_queries() as counter:
        for _ in range(3):
            assert client.get("/account").status_code == 200
    assert len(updates(counter)) == 1
    assert stored_row(row.id).last_seen_dt > signed_in - timedelta(seconds=1)


def test_touch_is_a_conditional_update(app, user):
    """Two requests that both read an old stamp write it once: the second UPDATE matches no row."""
    with app.test_request_context("/"):
        row, _ = sessions.create(user)
        row.last_seen_dt = now_utc() - timedelta(minutes=10)
        db.session.flush()
        now = now_utc()
        assert sessions.touch(row, now)
        assert not sessions.touch(row, now + timedelta(seconds=1))  # stamped: too recent
        db.session.rollback()


def test_a_get_that_touches_the_session_commits_that_write(app, user):
    """The unit of work rolls back writes made by a GET unless it records the read."""
    from flask import g

    with app.test_request_context("/account", method="GET"):
        row, key = sessions.create(user)
        assert session_auth.load_user(f"{user.id}:{key}") == user
        assert not g.get("unit_of_work_records_read")  # just created: nothing to write
        row.last_seen_dt = now_utc() - timedelta(minutes=6)
        db.session.flush()
        assert session_auth.load_user(f"{user.id}:{key}") == user
        assert g.get("unit_of_work_records_read") is True
        assert g.user_session is row


def test_factor_interface_reads_and_writes_the_current_row(app, user):
    with app.test_request_context("/"):
        session_auth.start_session(user, factor_verified=False)
        # Without a second factor, the password just given is the proof: the clock starts.
        assert session_auth.factor_verified_at() is not None
        session_auth.confirm_factor()
        stamp = session_auth.factor_verified_at()
        assert stamp is not None and stamp.tzinfo is not None
        first = session_auth.current_session()
        assert first.factor_dt == stamp and first.user_id == user.id
        # Signing in again in this browser: a new row, the previous one ends.
        session_auth.start_session(user, method="passkey", factor_verified=True)
        row = session_auth.current_session()
        assert row.id != first.id
        assert row.method == "passkey" and row.factor_dt is not None
        assert first.revoked_reason == "renewed"


# --- "Your sessions" -----------------------------------------------------------------------


def test_sessions_page_lists_each_session_with_device_place_and_this_device(browsers):
    laptop, phone, laptop_row, phone_row = browsers
    page = laptop.get("/account/sessions").get_data(as_text=True)
    mine = re.search(rf'<tr id="session-{laptop_row.id}">.*?</tr>', page, re.S).group(0)
    theirs = re.search(rf'<tr id="session-{phone_row.id}">.*?</tr>', page, re.S).group(0)
    assert "Firefox 128 on Windows 10" in mine and "This device" in mine
    assert "This computer or local network" in mine
    assert "Mobile Safari 17 on iOS 17" in theirs and "This device" not in theirs
    assert "189.203.10.20" in theirs
    assert "Password" in theirs
    assert page.index(f"session-{laptop_row.id}") < page.index(f"session-{phone_row.id}")
    # The phone sees the same two, with its own marked.
    page = phone.get("/account/sessions").get_data(as_text=True)
    theirs = re.search(rf'<tr id="session-{phone_row.id}">.*?</tr>', page, re.S).group(0)
    assert "This device" in theirs


def test_sessions_page_is_linked_from_the_profile_and_the_account_menu(client, user):
    log_in(client, user.email)
    page = client.get("/account").get_data(as_text=True)
    assert page.count('href="/account/sessions"') >= 2  # the menu and the Security column


def test_revoking_a_session_on_one_browser_signs_the_other_out(browsers, user):
    laptop, phone, _, phone_row = browsers
    url = f"/account/sessions/{phone_row.id}/revoke"
    response = post_form(laptop, url, form_url="/account/sessions")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/account/sessions"
    )
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    assert stored_row(phone_row.id).revoked_reason == "user"
    [entry] = audit("user_session.revoked", phone_row.id)
    assert entry.object_type == "user_session"
    assert entry.user_id == user.id
    assert entry.changes == {"reason": "user", "owner_id": user.id}
    # Again: already ended, nothing more happens.
    response = post_form(laptop, url, form_url="/account/sessions", follow_redirects=True)
    assert "That session had already ended." in response.get_data(as_text=True)
    assert len(audit("user_session.revoked", phone_row.id)) == 1


def test_revoking_this_browsers_session_logs_it_out(browsers):
    laptop, phone, laptop_row, _ = browsers
    response = post_form(
        laptop, f"/account/sessions/{laptop_row.id}/revoke", form_url="/account/sessions"
    )
    assert response.headers["Location"].endswith("/login")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    assert stored_row(laptop_row.id).revoked_dt is not None


def test_revoke_others_keeps_this_one_and_gives_it_a_new_key(app, browsers, user):
    laptop, phone, laptop_row, phone_row = browsers
    stolen = laptop.get_cookie("cofinancia_session").value
    response = post_form(
        laptop,
        "/account/sessions/revoke-others",
        form_url="/account/sessions",
        follow_redirects=True,
    )
    assert "1 other session has ended." in response.get_data(as_text=True)
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    [kept] = live_sessions(user)
    assert kept.id not in (laptop_row.id, phone_row.id)
    assert kept.created_dt == laptop_row.created_dt  # still signed in since then
    [entry] = audit("user_session.revoked", user.id)
    assert entry.changes == {"reason": "others", "session_ids": [phone_row.id]}
    # A copy of this browser's cookie taken before is refused too.
    thief = app.test_client()
    thief.set_cookie("cofinancia_session", stolen, domain="localhost")
    assert thief.get("/account").status_code == 302


def test_revoke_others_alone_says_so(client, user):
    english(client)
    log_in(client, user.email)
    response = post_form(
        client,
        "/account/sessions/revoke-others",
        form_url="/account/sessions",
        follow_redirects=True,
    )
    assert "There were no other sessions to end." in response.get_data(as_text=True)
    assert audit("user_session.revoked", user.id) == []
    assert len(live_sessions(user)) == 1


def test_another_users_session_id_is_a_404_and_changes_nothing(app, browsers, make_user):
    _, phone, _, phone_row = browsers
    stranger = make_user(unique_email("extrana"), locale="en")
    other = app.test_client()
    log_in(other, stranger.email)
    url = f"/account/sessions/{phone_row.id}/revoke"
    assert post_form(other, url, form_url="/account/sessions").status_code == 404
    assert post_form(other, "/account/sessions/999999/revoke", form_url="/").status_code == 404
    assert stored_row(phone_row.id).revoked_dt is None
    assert phone.get("/account").status_code == 200


def test_revoking_needs_csrf(browsers):
    laptop, phone, _, phone_row = browsers
    assert laptop.post(f"/account/sessions/{phone_row.id}/revoke").status_code == 400
    assert laptop.post("/account/sessions/revoke-others").status_code == 400
    assert phone.get("/account").status_code == 200


def test_access_matrix_for_the_sessions_pages(app, matrix, personas):
    matrix.check("/account/sessions", allowed=LOGGED_IN)
    matrix.check("/account/sessions/revoke-others", allowed=LOGGED_IN, method="POST")
    # A second session of the applicant's: only the applicant may end it (others: 404).
    spare = app.test_client()
    log_in(spare, personas["applicant"].email)
    spare_row = max(live_sessions(personas["applicant"]), key=lambda r: r.id)
    matrix.check(f"/account/sessions/{spare_row.id}/revoke", allowed={"applicant"}, method="POST")


# --- device and place ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX, "Firefox 128 on Windows 10"),
        (IPHONE, "Mobile Safari 17 on iOS 17"),
        (CHROME_MAC, "Chrome 131 on Mac OS X 10"),
        ("", "Unknown browser"),
        ("??? (something unheard of)", "Unknown browser"),
    ],
)
def test_describe_agent(app, agent, expected):
    with app.test_request_context("/?lang=en"):
        assert describe_agent(agent) == expected


def test_parse_agent_keeps_browser_and_system_apart():
    agent = parse_agent(FIREFOX)
    assert (agent.browser, agent.system) == ("Firefox 128", "Windows 10")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", "This computer or local network"),
        ("::1", "This computer or local network"),
        ("10.1.2.3", "This computer or local network"),
        ("192.168.0.7", "This computer or local network"),
        ("189.203.10.20", "189.203.10.20"),
        ("", "Unknown address"),
        ("not an address", "not an address"),
    ],
)
def test_describe_place_without_a_geoip_database(app, address, expected):
    with app.test_request_context("/?lang=en"):
        assert describe_place(address) == expected


class FakeReader:
    def get(self, address):
        if address == "189.203.10.20":
            return {
                "city": {"names": {"en": "Guadalajara", "es": "Guadalajara"}},
                "country": {"names": {"en": "Mexico", "es": "México"}},
            }
        return None


def test_describe_place_with_a_geoip_database(app, monkeypatch):
    from portal.accounts import session_display

    monkeypatch.setitem(app.config, "GEOIP_DATABASE", "/srv/geo/GeoLite2-City.mmdb")
    monkeypatch.setattr(session_display, "_reader", lambda path: FakeReader())
    with app.test_request_context("/?lang=en"):
        assert describe_place("189.203.10.20") == "Guadalajara, Mexico (189.203.10.20)"
        assert describe_place("8.8.8.8") == "8.8.8.8"
    with app.test_request_context("/?lang=es"):
        assert describe_place("189.203.10.20") == "Guadalajara, México (189.203.10.20)"


def test_an_unreadable_geoip_database_only_shows_addresses(app, tmp_path, monkeypatch):
    from portal.accounts import session_display

    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    monkeypatch.setitem(app.config, "GEOIP_DATABASE", str(broken))
    session_display._reader.cache_clear()
    with app.test_request_context("/?lang=en"):
        assert describe_place("189.203.10.20") == "189.203.10.20"
    session_display._reader.cache_clear()


def test_prune_deletes_only_sessions_that_ended_long_ago(app, user):
    """``flask sessions prune``: rows expired or revoked more than --keep-days ago go; live rows
    and recently ended ones stay (the audit trail keeps the history)."""
    now = now_utc()
    with app.test_request_context("/"):
        live, _ = sessions.create(user)
        old_expired, _ = sessions.create(user)
        old_revoked, _ = sessions.create(user)
        recent_revoked, _ = sessions.create(user)
        old_expired.created_dt = now - timedelta(days=200)
        old_expired.expires_dt = now - timedelta(days=100)
        old_revoked.revoked_dt = now - timedelta(days=95)
        recent_revoked.revoked_dt = now - timedelta(days=5)
        db.session.commit()
        ids = {r.id for r in (live, old_expired, old_revoked, recent_revoked)}

    result = app.test_cli_runner().invoke(args=["sessions", "prune", "--keep-days", "90"])
    assert result.exit_code == 0, result.output
    assert "2 ended session(s) deleted." in result.output
    left = set(db.session.scalars(select(UserSession.id).where(UserSession.id.in_(ids))))
    assert left == {live.id, recent_revoked.id}
