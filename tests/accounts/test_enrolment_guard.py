"""Forced enrolment: with MFA_REQUIRED_ROLES set, a grants manager without a second factor can
only set one up; an applicant is not forced."""

from __future__ import annotations

import pytest

from portal.accounts import enrolment_guard
from tests.accounts.factor_helpers import SETUP, code, enrol, give_totp, sign_in_with_code
from tests.accounts.helpers import english, unique_email
from tests.support.forms import csrf_token, post_form
from tests.support.matrix import login
from tests.support.proof import set_proof


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", "grants_manager,admin")


@pytest.fixture
def manager(make_user):
    return make_user(unique_email("gema"), roles=("grants_manager",), locale="en")


@pytest.mark.parametrize(
    "url", ["/dashboard", "/calls/", "/account", "/audit/", "/account/password"]
)
def test_every_page_sends_a_manager_without_a_factor_to_enrol(client, required, manager, url):
    english(client)
    login(client, manager.email)
    response = client.get(url)
    assert response.status_code == 302, url
    assert SETUP in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your role requires a second factor." in page


def test_forms_and_json_are_refused_with_a_message(client, required, manager):
    english(client)
    login(client, manager.email)
    token = csrf_token(client, SETUP)
    refused = client.post("/account", data={"full_name": "X", "csrf_token": token})
    assert refused.status_code == 403
    assert "Your role requires a second factor." in refused.get_data(as_text=True)
    as_json = client.get("/dashboard", headers={"Accept": "application/json"})
    assert as_json.status_code == 403
    assert as_json.get_json()["error"] == "second_factor_required"


def test_the_enrolment_pages_stay_open(client, required, manager):
    english(client)
    login(client, manager.email)
    for url in (SETUP, "/account/security", "/static/css/app.css"):
        response = client.get(url)
        assert response.status_code in (200, 404), url  # 404: no such static file is fine
        assert SETUP not in response.headers.get("Location", "")
    language = client.post(
        "/language", data={"lang": "es", "next": "/", "csrf_token": csrf_token(client, SETUP)}
    )
    assert language.status_code == 302 and SETUP not in language.headers["Location"]
    logout = client.post("/logout", data={"csrf_token": csrf_token(client, SETUP)})
    assert logout.status_code == 302 and SETUP not in logout.headers["Location"]


def test_enrolling_frees_the_manager(client, required, manager):
    english(client)
    login(client, manager.email)
    first = client.get("/calls/")
    assert SETUP in first.headers["Location"]
    _, codes, response = enrol(client)
    assert 'href="/calls/"' in response.get_data(as_text=True)  # continue where they were going
    assert client.get("/dashboard").status_code == 200
    assert client.get("/calls/").status_code == 200
    assert len(codes) == 10


def test_an_applicant_is_not_forced(client, required, make_user):
    applicant = make_user(unique_email("apli"), roles=("applicant",))
    english(client)
    login(client, applicant.email)
    assert client.get("/dashboard").status_code == 200


def test_nobody_is_forced_when_the_setting_is_empty(client, manager):
    english(client)
    login(client, manager.email)
    assert client.get("/dashboard").status_code == 200


def test_a_session_that_has_not_proven_the_factor_must_confirm(client, required, manager, app):
    secret, _ = give_totp(app, manager)
    english(client)
    assert sign_in_with_code(client, manager.email, code(secret)).status_code == 302
    assert client.get("/dashboard").status_code == 200
    set_proof(client, None)  # e.g. a role granted mid-session
    with client.session_transaction() as sess:
        sess.pop(enrolment_guard.DONE_KEY, None)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/account/confirm" in response.headers["Location"]
    confirmed = post_form(
        client,
        "/account/confirm?next=/dashboard",
        {"code": code(secret, 1), "next": "/dashboard"},
        form_url="/account/confirm",
    )
    assert confirmed.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200


def test_other_modules_can_open_an_endpoint(client, required, manager, monkeypatch):
    monkeypatch.setattr(
        enrolment_guard, "ALLOWED_ENDPOINTS", set(enrolment_guard.ALLOWED_ENDPOINTS)
    )
    english(client)
    login(client, manager.email)
    assert client.get("/calls/").status_code == 302
    enrolment_guard.allow_during_enrolment("calls.index")
    assert client.get("/calls/").status_code == 200
