def test_home_is_spanish_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="es">' in page.get_data(as_text=True)


def test_lang_query_switches_to_english(client):
    page = client.get("/?lang=en")
    assert '<html lang="en">' in page.get_data(as_text=True)
