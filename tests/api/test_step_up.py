"""Step-up (issue 17): creating a personal access token (it acts as its owner) asks for the
second factor again when its proof is old. A stale proof sends the user to confirm and back to
the tokens page and creates nothing; a fresh one creates the token as before."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.api.models import ApiToken
from portal.core.db import db
from tests.support.forms import csrf_token
from tests.support.matrix import login
from tests.support.step_up import step_up  # noqa: F401

PAGE = "/account/tokens"


def _tokens() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_creating_a_token(app, ctx, personas, step_up):  # noqa: F811
    client = app.test_client()
    login(client, personas["applicant"].email)
    data = {"name": "Contabilidad", "expires_in": "90", "csrf_token": csrf_token(client, PAGE)}

    step_up.stale()
    assert client.get(PAGE).status_code == 200  # the list is not guarded
    before = step_up.audit_count()
    # The form posts from its own page: the browser's Referer brings the user back to it.
    response = client.post(PAGE, data=data, headers={"Referer": f"http://localhost{PAGE}"})
    step_up.assert_asked(response, PAGE)
    assert _tokens() == 0 and step_up.audit_count() == before
    assert "secret" not in response.get_data(as_text=True).lower()

    step_up.fresh()
    response = client.post(PAGE, data=data)
    assert response.status_code == 201
    assert _tokens() == 1


def test_anonymous_users_still_go_to_the_login_page(app, step_up):  # noqa: F811
    client = app.test_client()
    data = {"name": "x", "expires_in": "30", "csrf_token": csrf_token(client, "/login")}
    step_up.stale()
    response = client.post(PAGE, data=data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_proof_ages_with_the_clock(app, ctx, personas, step_up, monkeypatch):  # noqa: F811
    """STEP_UP_MAX_AGE = 300: a sign-in 299 s ago is recent enough, 301 s ago is not."""
    from datetime import timedelta

    from portal.accounts import step_up as step_up_module
    from portal.core.db import now_utc

    client = app.test_client()
    login(client, personas["applicant"].email)
    data = {"name": "Reloj", "expires_in": "30", "csrf_token": csrf_token(client, PAGE)}
    signed_in = now_utc()
    monkeypatch.setattr(step_up_module, "now_utc", lambda: signed_in + timedelta(seconds=301))
    step_up.assert_asked(client.post(PAGE, data=data), "/dashboard")  # no Referer: the home page
    assert _tokens() == 0
    monkeypatch.setattr(step_up_module, "now_utc", lambda: signed_in + timedelta(seconds=299))
    assert client.post(PAGE, data=data).status_code == 201
    assert _tokens() == 1
