"""Step-up (issue 17): inviting an external expert to a panel gives the reviewer role (or adds
it to an existing account), so it asks for the second factor again when its proof is old. A
stale proof sends the grants manager to confirm and back to the panel page and changes nothing;
a fresh one invites as before."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.reviews.models import PanelMember
from tests.admin.helpers import reload_user, user_by_email
from tests.support.forms import csrf_token
from tests.support.matrix import login
from tests.support.step_up import step_up  # noqa: F401


def test_inviting_an_expert(client, ctx, call, personas, step_up):  # noqa: F811
    from portal.core.db import db

    login(client, personas["grants_manager"].email)
    page = f"/calls/{call.code}/panel"
    data = {"full_name": "Experta Externa", "email": "experta@example.org", "locale": "en"}
    data["csrf_token"] = csrf_token(client, page)

    step_up.stale()
    before = step_up.audit_count()
    step_up.assert_asked(client.post(f"{page}/invite", data=data), page)
    assert user_by_email("experta@example.org") is None
    existing = {**data, "email": personas["applicant"].email}  # would gain the reviewer role
    step_up.assert_asked(client.post(f"{page}/invite", data=existing), page)
    assert reload_user(personas["applicant"].id).roles == {"applicant"}
    assert step_up.audit_count() == before
    assert db.session.scalar(select(PanelMember.id)) is None

    step_up.fresh()
    assert client.post(f"{page}/invite", data=data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "experta@example.org"))
    assert user is not None and "reviewer" in {r.value for r in user.roles}


def test_whoever_does_not_manage_the_call_is_refused_not_asked(
    client,
    ctx,
    call,
    personas,
    step_up,  # noqa: F811
):
    login(client, personas["finance_officer"].email)
    token = csrf_token(client, "/account")
    step_up.stale()
    response = client.post(f"/calls/{call.code}/panel/invite", data={"csrf_token": token})
    assert response.status_code in (403, 404)
