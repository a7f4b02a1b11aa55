"""Sign-in throttling without lock-outs (issue 17, portal/accounts/throttle.py), and the limits
of the e-mail forms. The shared test app has limits off, so these tests build their own app
with RATELIMIT_ENABLED on. Time is moved with a fake clock, never slept."""

from __future__ import annotations

import os

import limits.storage.memory
import pytest

from portal import create_app
from portal.accounts import throttle
from tests.accounts.helpers import normalised_body, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import csrf_token

WRONG = "wrong password, surely"
GENEROUS = "1000 per minute"


class FakeClock:
    """Stands in for ``time`` in the limiter's memory storage and for the throttle's clock."""

    def __init__(self, now: float = 1_900_000_000.0):
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(throttle, "_now", fake.time)
    return fake


@pytest.fixture
def limited_app(database_url, connection, restore_limiter):
    def _build(**settings):
        config = {
            "DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_LIMIT_PER_IP": GENEROUS,
            "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": GENEROUS,
            "EMAIL_FORM_LIMIT_PER_ADDRESS": GENEROUS,
            "LOGIN_SLOWDOWN_AFTER": 1000,
            "MAIL_SERVER": "",
            "REDIS_URL": "",
        }
        config.update(settings)
        app = create_app("testing", config)
        restore_limiter.reset()
        return app

    return _build


def attempt(client, email, password=WRONG, ip="10.0.0.1"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def english_client(app):
    client = app.test_client()
    client.get("/?lang=en")
    return client


def retry_after(response) -> int:
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    return int(response.headers["Retry-After"])


# --- account + address: the attacker's address is stopped, the user's is not ------------


def test_attacker_is_limited_while_the_user_signs_in_from_another_address(
    limited_app, make_user, clock
):
    app = limited_app(LOGIN_LIMIT_PER_ACCOUNT_AND_IP="5 per minute; 30 per hour")
    user = make_user(unique_email("target"), locale="en")
    attacker = english_client(app)
    for _ in range(5):
        assert attempt(attacker, user.email, ip="203.0.113.9").status_code == 200

    # The attacker's address is refused at once, even with the right password...
    refused = attempt(attacker, user.email, DEFAULT_PASSWORD, ip="203.0.113.9")
    assert 1 <= retry_after(refused) <= 60
    # ...and the real user, from home, signs in at once with the right password.
    home = english_client(app)
    assert attempt(home, user.email, DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 302
    assert home.get("/account").status_code == 200
    # The attacker is still refused; a minute later they may try again.
    assert attempt(attacker, user.email, ip="203.0.113.9").status_code == 429
    clock.advance(61)
    assert attempt(attacker, user.email, ip="203.0.113.9").status_code == 200


def test_only_failures_count_and_a_success_clears_them(limited_app, make_user, clock):
    app = limited_app(LOGIN_LIMIT_PER_ACCOUNT_AND_IP="3 per minute")
    user = make_user(unique_email("typo"), locale="en")
    client = english_client(app)
    assert attempt(client, user.email).status_code == 200
    assert attempt(client, user.email).status_code == 200
    assert attempt(client, user.email, DEFAULT_PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    # The counter started again: three more failures before the address is refused.
    for _ in range(3):
        assert attempt(client, user.email).status_code == 200
    assert attempt(client, user.email).status_code == 429
    # Another account from the same address is not affected.
    other = make_user(unique_email("other"), locale="en")
    assert attempt(client, other.email, DEFAULT_PASSWORD).status_code == 302


def test_account_and_address_limit_answers_the_same_for_known_and_unknown(
    limited_app, make_user, clock
):
    app = limited_app(LOGIN_LIMIT_PER_ACCOUNT_AND_IP="3 per minute")
    known = make_user(unique_email("target"), locale="en")
    ghost = unique_email("ghost")
    client = english_client(app)
    for _ in range(3):
        assert attempt(client, known.email).status_code == 200
        assert attempt(client, ghost).status_code == 200

    blocked_known = attempt(client, known.email.upper(), DEFAULT_PASSWORD)  # even the right one
    blocked_ghost = attempt(client, ghost)
    assert retry_after(blocked_known) == retry_after(blocked_ghost)
    assert normalised_body(blocked_known) == normalised_body(blocked_ghost)


# --- account alone: growing delays, never a lock ---------------------------------------


def test_spraying_one_account_from_many_addresses_brings_growing_delays(
    limited_app, make_user, clock
):
    app = limited_app(LOGIN_SLOWDOWN_AFTER=3, LOGIN_SLOWDOWN_DELAY=2, LOGIN_SLOWDOWN_MAX_DELAY=8)
    user = make_user(unique_email("sprayed"), locale="en")
    attacker = english_client(app)
    addresses = (f"203.0.113.{n}" for n in range(1, 200))

    for _ in range(3):  # up to the threshold: no delay at all
        assert attempt(attacker, user.email, ip=next(addresses)).status_code == 200
    waits = []
    for _ in range(5):
        assert attempt(attacker, user.email, ip=next(addresses)).status_code == 200  # checked
        refused = attempt(attacker, user.email, ip=next(addresses))
        waits.append(retry_after(refused))
        # Nothing is checked while waiting: not even the right password...
        assert (
            attempt(attacker, user.email, DEFAULT_PASSWORD, ip=next(addresses)).status_code == 429
        )
        clock.advance(waits[-1])
    assert waits == [2, 4, 8, 8, 8]  # doubling, capped

    # ...but it is never a lock: once the wait is over, the right password works.
    home = english_client(app)
    assert attempt(home, user.email, DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 302


def test_a_known_device_is_spared_the_account_slowdown(limited_app, make_user, clock):
    app = limited_app(LOGIN_SLOWDOWN_AFTER=2, LOGIN_SLOWDOWN_DELAY=60)
    user = make_user(unique_email("owner"), locale="en")
    laptop = english_client(app)
    assert attempt(laptop, user.email, DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 302
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/account")})
    assert laptop.get_cookie("cofinancia_device") is not None

    attacker = english_client(app)
    for n in range(3):
        assert attempt(attacker, user.email, ip=f"203.0.113.{n}").status_code == 200
    assert retry_after(attempt(attacker, user.email, DEFAULT_PASSWORD, ip="203.0.113.50")) == 60
    # A new browser of the user waits like everyone else...
    phone = english_client(app)
    assert attempt(phone, user.email, DEFAULT_PASSWORD, ip="198.51.100.8").status_code == 429
    # ...the laptop that signed in before does not.
    assert attempt(laptop, user.email, DEFAULT_PASSWORD, ip="198.51.100.9").status_code == 302
    assert laptop.get("/account").status_code == 200


def test_the_slowdown_answers_the_same_for_known_and_unknown(limited_app, make_user, clock):
    app = limited_app(LOGIN_SLOWDOWN_AFTER=2, LOGIN_SLOWDOWN_DELAY=30)
    known = make_user(unique_email("target"), locale="en")
    ghost = unique_email("ghost")
    client = english_client(app)
    answers = {}
    for email in (known.email, ghost):
        for n in range(3):
            assert attempt(client, email, ip=f"203.0.113.{n}").status_code == 200
        answers[email] = attempt(client, email, ip="203.0.113.99")
    assert retry_after(answers[known.email]) == retry_after(answers[ghost]) == 30
    assert normalised_body(answers[known.email]) == normalised_body(answers[ghost])


def test_delays_double_from_the_first_up_to_the_cap(limited_app):
    app = limited_app(LOGIN_SLOWDOWN_AFTER=20, LOGIN_SLOWDOWN_DELAY=2, LOGIN_SLOWDOWN_MAX_DELAY=300)
    with app.app_context():
        assert [throttle.delay_after(n) for n in (1, 20, 21, 22, 23, 28, 29, 10_000)] == [
            0,
            0,
            2,
            4,
            8,
            256,
            300,
            300,
        ]


# --- per address, and the other forms --------------------------------------------------


def test_per_ip_limit(limited_app):
    app = limited_app(LOGIN_LIMIT_PER_IP="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert attempt(client, unique_email("spray"), ip="10.9.9.9").status_code == 200
    refused = attempt(client, unique_email("spray"), ip="10.9.9.9")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert attempt(client, unique_email("spray"), ip="10.9.9.10").status_code == 200


def test_email_forms_are_limited_per_typed_address(limited_app, make_user, outbox):
    app = limited_app(EMAIL_FORM_LIMIT_PER_ADDRESS="2 per minute")
    user = make_user(unique_email("reset"), locale="en")
    client = app.test_client()

    def forgot(email, ip):
        token = csrf_token(client, "/forgot-password")
        return client.post(
            "/forgot-password",
            data={"email": email, "csrf_token": token},
            environ_base={"REMOTE_ADDR": ip},
        )

    assert forgot(user.email, "10.0.0.1").status_code == 302
    assert forgot(user.email.upper(), "10.0.0.2").status_code == 302
    refused = forgot(user.email, "10.0.0.3")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert forgot(unique_email("ghost"), "10.0.0.3").status_code == 302
    assert [m.template for m in outbox(user.email)] == ["reset_password"] * 2


def test_get_is_never_limited(limited_app):
    app = limited_app(
        LOGIN_LIMIT_PER_IP="1 per minute",
        LOGIN_LIMIT_PER_ACCOUNT_AND_IP="1 per minute",
        EMAIL_FORM_LIMIT_PER_ADDRESS="1 per minute",
    )
    client = app.test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200
        assert client.get("/forgot-password").status_code == 200


def test_shared_test_app_stays_unlimited_after_a_limited_app_existed(
    limited_app, client, make_user
):
    limited_app(
        LOGIN_LIMIT_PER_IP="1 per minute",
        LOGIN_LIMIT_PER_ACCOUNT_AND_IP="1 per minute",
        LOGIN_SLOWDOWN_AFTER=1,
    )
    known = make_user(unique_email("free"))
    for _ in range(4):
        assert attempt(client, known.email).status_code == 200
    assert attempt(client, known.email, DEFAULT_PASSWORD).status_code == 302


# --- on Redis (shared by several web instances) ----------------------------------------

REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to throttle on a real Redis")
def test_the_throttle_works_on_redis(limited_app, make_user):
    app = limited_app(
        RATELIMIT_STORAGE_URI=REDIS,
        LOGIN_LIMIT_PER_ACCOUNT_AND_IP="2 per minute",
        LOGIN_SLOWDOWN_AFTER=3,
        LOGIN_SLOWDOWN_DELAY=20,
        LOGIN_SLOWDOWN_MAX_DELAY=80,
    )
    assert type(throttle.limiter.storage).__name__ == "RedisStorage"
    user = make_user(unique_email("redis"), locale="en")
    laptop, attacker, home = english_client(app), english_client(app), english_client(app)
    assert attempt(laptop, user.email, DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 302

    assert attempt(attacker, user.email, ip="203.0.113.1").status_code == 200
    assert attempt(attacker, user.email, ip="203.0.113.1").status_code == 200
    assert 1 <= retry_after(attempt(attacker, user.email, ip="203.0.113.1")) <= 60
    assert attempt(attacker, user.email, ip="203.0.113.2").status_code == 200  # third failure
    assert attempt(attacker, user.email, ip="203.0.113.3").status_code == 200  # past: waits
    assert 15 <= retry_after(attempt(attacker, user.email, ip="203.0.113.4")) <= 20
    # The wait is a key that expires on its own; end it early to see the next one double.
    _, wait_key = throttle._slowdown_keys(throttle._digest(user.email))
    throttle.limiter.storage.clear(wait_key)
    assert attempt(attacker, user.email, ip="203.0.113.5").status_code == 200
    assert 35 <= retry_after(attempt(attacker, user.email, ip="203.0.113.6")) <= 40
    assert attempt(home, user.email, DEFAULT_PASSWORD, ip="198.51.100.8").status_code == 429
    # The laptop is a known device: it signs in all the same.
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/account")})
    assert attempt(laptop, user.email, DEFAULT_PASSWORD, ip="198.51.100.9").status_code == 302
