"""Access matrix for the home page, the dashboard and the language switch."""

from tests.support.matrix import LOGGED_IN, PERSONAS


def test_home_is_public(matrix):
    matrix.check("/", allowed=PERSONAS)


def test_dashboard_needs_a_login(matrix):
    matrix.check("/dashboard", allowed=LOGGED_IN)


def test_language_switch_is_open_to_everyone(matrix):
    matrix.check("/language", allowed=PERSONAS, method="POST", data={"lang": "en", "next": "/"})


def test_dashboard_shows_each_role_its_own_shortcuts(matrix):
    shortcuts = {
        "applicant": "/finance/mine",
        "reviewer": "/reviews/",
        "grants_manager": "/programmes/",
        "finance_officer": "/finance/",
        "admin": "/admin/users",
    }
    for persona, own in shortcuts.items():
        page = matrix.client(persona).get("/dashboard").get_data(as_text=True)
        section = page.split('id="shortcuts-heading"', 1)[1].split("</section>", 1)[0]
        assert f'href="{own}"' in section, persona
        for other, href in shortcuts.items():
            if other != persona:
                assert f'href="{href}"' not in section, f"{persona} sees the {other} shortcut"


def test_a_new_user_is_told_what_will_appear(matrix):
    page = matrix.client("reviewer").get("/dashboard").get_data(as_text=True)
    assert "Nothing is waiting for you right now." in page
    assert "Applications assigned to you for review will appear here" in page


def test_language_switch_ignores_a_foreign_next(client):
    from tests.support.forms import post_form

    response = post_form(client, "/language", {"lang": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
