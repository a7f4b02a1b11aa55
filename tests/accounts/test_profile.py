"""The profile page and ``update_preferences`` (used by the language switcher)."""

from __future__ import annotations

import pytest

from portal.accounts import operations as ops
from tests.accounts.helpers import audit, reload, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form


def log_in(client, email):
    return post_form(
        client, "/login", {"email": email, "password": DEFAULT_PASSWORD}, form_url="/login"
    )


@pytest.fixture
def user(make_user):
    return make_user(unique_email("marta"), name="Marta Ruiz", locale="en")


def save(client, **overrides):
    data = {"full_name": "Marta Ruiz", "locale": "en", "timezone": "America/Mexico_City"}
    data.update(overrides)
    return post_form(client, "/account", data, form_url="/account")


def test_profile_page_shows_the_account_and_security_links(client, user):
    log_in(client, user.email)
    page = client.get("/account").get_data(as_text=True)
    assert user.email in page
    assert 'action="/account/password"' not in page  # a link, not a form
    assert 'href="/account/password"' in page
    assert 'action="/account/logout-everywhere"' in page
    for zone in ("America/Hermosillo", "America/Tijuana", "America/Cancun", "UTC"):
        assert f'value="{zone}"' in page
    for field_id in ("full_name", "locale", "timezone"):
        assert f'<label class="form-label" for="{field_id}">' in page


def test_profile_update_is_saved_and_audited_with_a_diff(client, user):
    log_in(client, user.email)
    response = save(client, full_name="  Marta  Ruiz López ", timezone="America/Hermosillo")
    assert response.status_code == 302
    fresh = reload(user)
    assert (fresh.full_name, fresh.timezone) == ("Marta Ruiz López", "America/Hermosillo")
    [entry] = audit("user.profile_updated", user.id)
    assert entry.changes == {
        "full_name": ["Marta Ruiz", "Marta Ruiz López"],
        "timezone": ["America/Mexico_City", "America/Hermosillo"],
    }
    assert entry.user_id == user.id


def test_switching_language_in_the_profile_changes_the_pages(client, user):
    log_in(client, user.email)
    save(client, locale="es")
    assert reload(user).locale == "es"
    assert '<html lang="es">' in client.get("/account").get_data(as_text=True)


def test_saving_without_changes_writes_no_audit_entry(client, user):
    log_in(client, user.email)
    save(client)
    assert audit("user.profile_updated", user.id) == []


@pytest.mark.parametrize(
    "overrides",
    [{"timezone": "Mars/Olympus_Mons"}, {"locale": "fr"}, {"full_name": "  "}],
)
def test_bad_profile_input_changes_nothing(client, user, overrides):
    log_in(client, user.email)
    response = save(client, **overrides)
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    fresh = reload(user)
    assert (fresh.full_name, fresh.locale, fresh.timezone) == (
        "Marta Ruiz",
        "en",
        "America/Mexico_City",
    )
    assert audit("user.profile_updated", user.id) == []


def test_language_switcher_saves_the_preference(client, user):
    log_in(client, user.email)
    response = post_form(client, "/language", {"lang": "es", "next": "/account"}, form_url="/")
    assert response.status_code == 302
    assert reload(user).locale == "es"
    [entry] = audit("user.profile_updated", user.id)
    assert entry.changes == {"locale": ["en", "es"]}


def test_update_preferences_validates(app, user):
    with app.test_request_context():
        account = reload(user)
        with pytest.raises(ops.AccountError):
            ops.update_preferences(account, locale="fr")
        with pytest.raises(ops.AccountError):
            ops.update_preferences(account, timezone="Nowhere/Special")
        assert ops.update_preferences(account) == {}
        assert ops.update_preferences(account, timezone="America/Merida") == {
            "timezone": ["America/Mexico_City", "America/Merida"]
        }
        assert account.timezone == "America/Merida"
