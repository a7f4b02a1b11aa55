"""Per-request overhead (issue 18): a visitor's page opens no session and touches no database;
the visitor's home page is rendered once per language but still follows language and messages."""

from __future__ import annotations

from sqlalchemy import event

from portal import create_app
from portal.core.db import db
from tests.support import factories
from tests.support.forms import post_form


def test_a_visitors_home_page_sets_no_cookie_and_touches_no_database():
    app = create_app("testing", {"DATABASE_URL": "sqlite://"})  # not even migrated
    web = app.test_client()
    with app.app_context():
        engine = db.engine
    checkouts = []
    event.listen(engine, "checkout", lambda *args: checkouts.append(args))
    for url in ("/", "/", "/no-such-page"):  # (?lang= stores a choice: a cookie)
        response = web.get(url)
        assert response.status_code in (200, 404), url
        assert "Set-Cookie" not in response.headers, url
    assert checkouts == []


def test_the_visitors_language_switch_is_the_bar_s_own_link(client):
    html = client.get("/calls/?page=1").get_data(as_text=True)
    footer = html.split("<footer", 1)[1]
    assert 'name="csrf_token"' not in footer
    assert '<form method="get" action="/calls/"' in footer
    assert '<input type="hidden" name="page" value="1">' in footer
    english = client.get("/calls/?page=1&lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)  # remembered


def test_the_cached_home_page_follows_the_language_and_the_messages(app, client, connection):
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in app.test_client().get("/").get_data(as_text=True)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor")]
    assert "A message for this visitor" in client.get("/").get_data(as_text=True)
    assert "A message for this visitor" not in client.get("/").get_data(as_text=True)
    user = factories.make_user(name="Vera Visitante")
    db.session.commit()
    post_form(client, "/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    signed_in = client.get("/").get_data(as_text=True)
    assert "Vera Visitante" in signed_in
    assert signed_in.count('name="csrf_token"') == 2  # the log-out and the language forms
