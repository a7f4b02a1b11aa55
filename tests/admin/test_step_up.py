"""Step-up (issue 17) on roles: changing a user's roles and inviting staff (which sets roles, or
adds them to an existing account) ask for the second factor again when its proof is old. A stale
proof sends the administrator to confirm and back to the form's page and changes nothing (roles,
accounts, audit trail); a fresh one works as before."""

from __future__ import annotations

from tests.admin.helpers import audit_entries, reload_user, user_by_email
from tests.support.forms import csrf_token
from tests.support.matrix import login
from tests.support.step_up import step_up  # noqa: F401

INVITE = "/admin/users/invite"


def test_changing_roles(admin_client, personas, step_up):  # noqa: F811
    target = personas["reviewer"]
    page = f"/admin/users/{target.id}"
    data = {"roles": ["reviewer", "admin"], "csrf_token": csrf_token(admin_client, page)}

    step_up.stale()
    before = step_up.audit_count()
    step_up.assert_asked(admin_client.post(f"{page}/roles", data=data), page)
    assert reload_user(target.id).roles == {"reviewer"}
    assert step_up.audit_count() == before and not audit_entries("user.roles_changed")

    step_up.fresh()
    response = admin_client.post(f"{page}/roles", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert reload_user(target.id).roles == {"reviewer", "admin"}
    assert audit_entries("user.roles_changed", target.id)


def test_inviting_staff(admin_client, personas, step_up):  # noqa: F811
    data = {
        "full_name": "Rosa Revisora Externa",
        "email": "rosa.externa@example.org",
        "roles": ["finance_officer"],
        "locale": "en",
        "csrf_token": csrf_token(admin_client, INVITE),
    }
    step_up.stale()
    assert admin_client.get(INVITE).status_code == 200  # the form itself is not guarded
    before = step_up.audit_count()
    step_up.assert_asked(admin_client.post(INVITE, data=data), INVITE)
    assert user_by_email("rosa.externa@example.org") is None
    # An existing account would get the roles: not before the administrator confirms.
    existing = {**data, "email": personas["reviewer"].email}
    step_up.assert_asked(admin_client.post(INVITE, data=existing), INVITE)
    assert reload_user(personas["reviewer"].id).roles == {"reviewer"}
    assert step_up.audit_count() == before

    step_up.fresh()
    assert admin_client.post(INVITE, data=data).status_code == 302
    assert user_by_email("rosa.externa@example.org").roles == {"finance_officer"}


def test_whoever_may_not_administer_is_refused_not_asked(app, personas, step_up):  # noqa: F811
    client = app.test_client()
    login(client, personas["grants_manager"].email)
    token = csrf_token(client, "/account")
    step_up.stale()
    page = f"/admin/users/{personas['reviewer'].id}"
    assert client.post(f"{page}/roles", data={"csrf_token": token}).status_code == 403
    assert client.post(INVITE, data={"csrf_token": token}).status_code == 403
    anonymous = app.test_client()
    response = anonymous.post(f"{page}/roles", data={"csrf_token": csrf_token(anonymous, "/login")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
