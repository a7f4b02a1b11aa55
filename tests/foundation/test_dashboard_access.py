"""Access matrix for the home page, the dashboard and the language switch."""

from tests.support.matrix import LOGGED_IN, PERSONAS


def test_home_is_public(matrix):
    matrix.check("/", allowed=PERSONAS)


def test_dashboard_needs_a_login(matrix):
    matrix.check("/dashboard", allowed=LOGGED_IN)


def test_language_switch_is_open_to_everyone(matrix):
    matrix.check("/language", allowed=PERSONAS, method="POST", data={"lang": "en", "next": "/"})


def test_dashboard_shows_each_role_its_own_cards(matrix):
    cards = {
        "applicant": "Calls and applications",
        "reviewer": "My assignments",
        "grants_manager": "Programme management",
        "finance_officer": "Payment requests, disbursements",
        "admin": "Users, roles, invitations",
    }
    for persona, own in cards.items():
        page = matrix.client(persona).get("/dashboard").get_data(as_text=True)
        assert own in page, persona
        for other, text in cards.items():
            if other != persona:
                assert text not in page, f"{persona} sees the {other} card"


def test_language_switch_ignores_a_foreign_next(client):
    from tests.support.forms import post_form

    response = post_form(client, "/language", {"lang": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
