"""Static files (issue 18): fingerprinted names with a year-long immutable cache, gzip copies,
the portal's security headers; every static file a template names exists."""

from __future__ import annotations

import json
import re

import pytest

from config import ROOT
from portal import create_app
from portal.core import assets
from tests.conftest import BufferedClient

TEMPLATE_DIRS = [ROOT / "templates", ROOT / "pdf_templates"]
STATIC_REF = re.compile(r"""url_for\(\s*['"]static['"]\s*,\s*filename\s*=\s*['"]([^'"]+)['"]""")
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assets") / "static"
    manifest = assets.build(ROOT / "static", folder)
    return folder, manifest


@pytest.fixture(scope="module")
def static_app(built):
    folder, _ = built
    app = create_app("testing", {"DATABASE_URL": "sqlite://", "STATIC_BUILD_DIR": str(folder)})
    app.test_client_class = BufferedClient  # files read whole and closed, as a server does
    return app


@pytest.fixture
def web(static_app):
    return static_app.test_client()


def test_every_static_file_a_template_names_exists():
    named = {
        (path, name)
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for name in STATIC_REF.findall(path.read_text(encoding="utf-8"))
    }
    assert named, "the scan found no static reference at all: the pattern is out of date"
    missing = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path, name in named
        if not (ROOT / "static" / name).is_file()
    )
    assert missing == []


def test_build_names_each_file_by_its_content(built):
    folder, manifest = built
    assert manifest["css/portal.css"] != "css/portal.css"
    for plain, hashed in manifest.items():
        content = (ROOT / "static" / plain).read_bytes()
        assert hashed == assets.fingerprinted(plain, content)
        assert (folder / hashed).read_bytes() == content
        assert (folder / plain).read_bytes() == content
    assert json.loads(assets.manifest_path(folder).read_text()) == manifest
    assert not (folder / assets.MANIFEST_NAME).exists()  # the manifest is not served


def test_pages_link_fingerprinted_names_that_are_served_for_a_year(web, built):
    _, manifest = built
    html = web.get("/").get_data(as_text=True)
    linked = LINKED.findall(html)
    assert "/static/" + manifest["vendor/bootstrap/bootstrap.min.css"] in linked
    assert "/static/" + manifest["css/portal.css"] in linked
    for url in linked:
        response = web.get(url)
        assert response.status_code == 200, url
        cache = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert {"public", "immutable", "max-age=31536000"} <= cache, url
        assert "Set-Cookie" not in response.headers


def test_gzip_is_served_to_browsers_that_accept_it(web, built):
    _, manifest = built
    url = "/static/" + manifest["vendor/bootstrap/bootstrap.min.css"]
    plain = web.get(url)
    zipped = web.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) < int(plain.headers["Content-Length"]) / 4
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert plain.data == (ROOT / "static" / "vendor/bootstrap/bootstrap.min.css").read_bytes()


def test_plain_names_still_work_with_a_short_cache(web):
    response = web.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response.data == (ROOT / "static" / "css/portal.css").read_bytes()
    cache = response.headers["Cache-Control"]
    assert "immutable" not in cache
    assert "max-age=300" in cache


def test_static_files_carry_the_security_headers(web, built):
    _, manifest = built
    for url in ("/static/css/portal.css", "/static/" + manifest["js/autosave.js"]):
        headers = web.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize(
    "url",
    ["/static/css/missing.css", "/static/css/portal.000000000000.css", "/static/../config/x.py"],
)
def test_a_missing_file_is_still_a_404(web, url):
    assert web.get(url).status_code == 404


def test_without_a_build_plain_names_are_served_by_flask(tmp_path):
    app = create_app(
        "testing", {"DATABASE_URL": "sqlite://", "STATIC_BUILD_DIR": str(tmp_path / "none")}
    )
    app.test_client_class = BufferedClient
    web = app.test_client()
    assert 'href="/static/css/portal.css"' in web.get("/").get_data(as_text=True)
    assert web.get("/static/css/portal.css").status_code == 200
