"""Administrators invite staff and reviewers; an existing e-mail gets the roles instead."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from portal.accounts.tokens import load_reset_token
from portal.core.urls import external_url
from tests.admin.helpers import audit_entries, reload_user, user_by_email
from tests.support.factories import make_user
from tests.support.forms import post_form
from tests.support.matrix import login

FORM = "/admin/users/invite"
LINK = re.compile(r"https?://\S+/reset-password/(\S+)")


def invite(client, follow_redirects=False, **overrides):
    data = {
        "full_name": "  Rosa Revisora Externa ",
        "email": " Rosa.Externa@Example.org ",
        "roles": ["reviewer"],
        "locale": "en",
    }
    data.update(overrides)
    return post_form(client, FORM, data, form_url=FORM, follow_redirects=follow_redirects)


def test_form_has_labels_for_every_field(admin_client):
    page = admin_client.get(FORM).get_data(as_text=True)
    for field in ("full_name", "email", "locale"):
        assert f'for="{field}"' in page
    assert '<legend class="form-label fs-6 mb-1">Roles</legend>' in page
    assert 'value="applicant"' not in page  # applicants register themselves


def test_invitation_creates_account_without_password_and_emails_link(
    admin_client, personas, outbox
):
    response = invite(admin_client, roles=["reviewer", "grants_manager"])
    user = user_by_email("rosa.externa@example.org")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{user.id}")
    assert user.full_name == "Rosa Revisora Externa"
    assert user.password_hash is None
    assert user.email_verified_dt is None
    assert user.is_active
    assert user.locale == "en"
    assert user.roles == {"reviewer", "grants_manager"}

    [message] = outbox("rosa.externa@example.org")
    assert message.template == "staff_invitation"
    assert message.locale == "en"
    assert message.recipient_user_id == user.id
    assert "/reset-password/" in message.body_text
    assert "Adela Admin" in message.body_text
    token = LINK.search(message.body_text).group(1)
    assert load_reset_token(token).id == user.id  # the link lets them set a password
    assert message.body_text.count("http://localhost/reset-password/") == 1

    [entry] = audit_entries("user.invited", user.id)
    assert entry.user_id == personas["admin"].id
    assert entry.changes["roles"] == [None, ["grants_manager", "reviewer"]]
    assert entry.changes["email"] == [None, "rosa.externa@example.org"]


def test_link_ignores_a_forged_host_header():
    """Links in e-mails use BASE_URL: a forged Host header must not steer the token."""
    with current_app.test_request_context("/", headers={"Host": "evil.example"}):
        url = external_url("accounts.reset_password", token="abc")
    assert url == "http://localhost/reset-password/abc"


def test_spanish_invitation_is_rendered_in_spanish(admin_client, personas, outbox):
    invite(admin_client, email="sofia@example.org", locale="es")
    [message] = outbox("sofia@example.org")
    assert message.locale == "es"
    user = user_by_email("sofia@example.org")
    assert user.locale == "es"


def test_existing_email_gets_the_roles_instead(admin_client, personas, outbox):
    existing = personas["reviewer"]
    response = invite(
        admin_client,
        email=existing.email.upper(),
        roles=["reviewer", "finance_officer"],
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "already has an account" in page
    assert "Finance officer" in page
    user = reload_user(existing.id)
    assert user.roles == {"reviewer", "finance_officer"}
    assert user.full_name == "Rita Revisora"  # not overwritten
    assert user.password_hash is not None
    [entry] = audit_entries("user.roles_changed", existing.id)
    assert entry.changes == {"roles": [["reviewer"], ["finance_officer", "reviewer"]]}
    assert audit_entries("user.invited", existing.id) == []
    [message] = outbox(existing.email)
    assert message.template == "roles_granted"
    assert "Finance officer" in message.body_text
    assert "/reset-password/" not in message.body_text


def test_existing_email_with_the_same_roles_changes_nothing(admin_client, personas, outbox):
    existing = personas["reviewer"]
    page = invite(admin_client, email=existing.email, follow_redirects=True)
    assert "already has an account with these roles" in page.get_data(as_text=True)
    assert audit_entries("user.roles_changed", existing.id) == []
    assert outbox(existing.email) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"email": ""}, "This field is required."),
        ({"full_name": "   "}, "This field is required."),
        ({"roles": []}, "Choose at least one role."),
        ({"roles": ["applicant"]}, "not a valid choice"),
        ({"locale": "fr"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_explained_and_creates_nothing(
    admin_client, personas, outbox, overrides, message
):
    before = (len(outbox()), len(audit_entries("user.invited")))
    response = invite(admin_client, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_by_email("rosa.externa@example.org") is None
    assert (len(outbox()), len(audit_entries("user.invited"))) == before


def test_missing_csrf_token_changes_nothing(admin_client, personas):
    data = {"full_name": "X", "email": "x@example.org", "roles": ["reviewer"], "locale": "es"}
    response = admin_client.post(FORM, data=data)
    assert response.status_code == 400
    assert user_by_email("x@example.org") is None


def test_resend_invitation(admin_client, personas, outbox):
    invited = make_user("late@example.org", password=None, verified=False, roles=("reviewer",))
    url = f"/admin/users/{invited.id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert "Send a new invitation" in page
    assert post_form(admin_client, f"{url}/resend-invitation", form_url=url).status_code == 302
    [message] = outbox("late@example.org")
    assert "/reset-password/" in message.body_text
    assert len(audit_entries("user.invitation_resent", invited.id)) == 1


def test_resend_refused_once_a_password_is_set(admin_client, personas, outbox):
    target = personas["reviewer"]
    url = f"/admin/users/{target.id}"
    response = post_form(
        admin_client, f"{url}/resend-invitation", form_url=url, follow_redirects=True
    )
    assert "already set a password" in response.get_data(as_text=True)
    assert outbox(target.email) == []


def test_simultaneous_registration_of_the_address_is_handled(
    admin_client, personas, outbox, monkeypatch
):
    """Another request creates the account between our check and our insert."""
    from portal.admin import operations

    existing = personas["reviewer"]
    monkeypatch.setattr(operations, "find_user", lambda email: None)
    response = invite(admin_client, email=existing.email)
    assert response.status_code == 409
    assert "was just created" in response.get_data(as_text=True)
    assert reload_user(existing.id).roles == {"reviewer"}
    assert outbox(existing.email) == []


def test_invited_manager_sets_a_password_and_logs_in(app, admin_client, personas, outbox):
    invite(admin_client, email="gema@example.org", roles=["grants_manager"])
    [message] = outbox("gema@example.org")
    path = re.sub(r"^https?://[^/]+", "", LINK.search(message.body_text).group(0))

    newcomer = app.test_client()
    password = "a long passphrase nobody guesses 7"
    response = post_form(newcomer, path, {"password": password, "confirm": password}, form_url=path)
    assert response.status_code == 302
    user = user_by_email("gema@example.org")
    assert user.password_hash is not None
    assert user.email_verified_dt is not None  # following the link proved the address
    login(newcomer, "gema@example.org", password)
    assert newcomer.get("/audit/").status_code == 200
    assert newcomer.get(path).status_code == 400  # the link worked once
