"""The home page's account-security group (issue 17): programme staff without a second factor
are asked to set one up; whoever is running out of recovery codes is asked to make new ones;
applicants and reviewers without a factor are not nagged (a new reviewer's home page says that
nothing is waiting: tests/foundation/test_dashboard_access.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.factor_models import RecoveryCode
from portal.core.db import db, now_utc
from tests.accounts.factor_helpers import code, give_totp, sign_in_with_code
from tests.support.factories import make_user
from tests.support.matrix import login


def _home(client) -> str:
    response = client.get("/dashboard?lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_staff_without_a_second_factor_are_asked_to_set_one_up(app, ctx):
    manager = make_user(roles=("grants_manager",))
    client = app.test_client()
    login(client, manager.email)
    page = _home(client)
    assert "Set up a second factor" in page
    assert 'href="/account/security"' in page


@pytest.mark.parametrize("roles", [("applicant",), ("reviewer",)])
def test_applicants_and_reviewers_are_not_asked(app, ctx, roles):
    person = make_user(roles=roles)
    client = app.test_client()
    login(client, person.email)
    page = _home(client)
    assert "Set up a second factor" not in page
    assert "Make new recovery codes" not in page


def test_running_out_of_recovery_codes_is_a_task(app, ctx):
    reviewer = make_user(roles=("reviewer",))
    secret, _ = give_totp(app, reviewer)
    client = app.test_client()
    assert sign_in_with_code(client, reviewer.email, code(secret)).status_code == 302
    page = _home(client)
    assert "Set up a second factor" not in page and "Make new recovery codes" not in page

    for row in db.session.scalars(select(RecoveryCode).filter_by(user_id=reviewer.id)).all()[:8]:
        row.used_dt = now_utc()
    db.session.commit()
    page = _home(client)
    assert "Make new recovery codes" in page
    assert "2 recovery codes left." in page


def test_a_passkey_without_recovery_codes_asks_for_them(app, ctx):
    """A first factor that is a passkey comes without recovery codes: the home page says to
    make them (the security page has the button)."""
    from tests.accounts.passkey_helpers import add_passkey

    manager = make_user(roles=("grants_manager",))
    client = app.test_client()
    login(client, manager.email)  # signed in before the key exists: no second step
    add_passkey(manager)
    page = _home(client)
    assert "Set up a second factor" not in page
    assert "Make new recovery codes" in page and "0 recovery codes left." in page
