"""The restricted URL fetcher: data: URIs and the portal's own asset files only."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader

from config import ROOT
from portal.pdf.fetcher import RefusedURLError, allowed_path, make_fetcher
from portal.pdf.render import html_to_pdf

STATIC_CSS = (ROOT / "static" / "css" / "portal.css").as_uri()
BASE_CSS = (ROOT / "pdf_templates" / "base.css").as_uri()
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_files_inside_static_and_pdf_templates_are_allowed():
    assert allowed_path(STATIC_CSS) == ROOT / "static" / "css" / "portal.css"
    assert allowed_path(BASE_CSS).name == "base.css"
    response = make_fetcher().fetch(BASE_CSS)
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        (ROOT / "static" / ".." / "config" / "__init__.py").as_uri(),
        (ROOT / "static").as_uri() + "/%2e%2e/wsgi.py",
        "file://evil.example/etc/passwd",
        "https://example.org/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.org/x",
        "javascript:alert(1)",
        "relative/path.css",
    ],
)
def test_everything_else_is_refused(url):
    fetcher = make_fetcher()
    with pytest.raises((RefusedURLError, ValueError)):
        fetcher.fetch(url)


def test_a_symlink_out_of_an_allowed_directory_is_refused(tmp_path):
    root = tmp_path / "assets"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    os.symlink("/etc/passwd", root / "passwd.css")
    assert allowed_path((root / "ok.css").as_uri(), roots=(root,)).name == "ok.css"
    with pytest.raises(RefusedURLError):
        allowed_path((root / "passwd.css").as_uri(), roots=(root,))


def test_data_uris_are_allowed():
    assert make_fetcher().fetch(PIXEL).read().startswith(b"\x89PNG")


def test_hostile_markup_loads_nothing_and_attaches_nothing():
    html = f"""<html><head>
      <link rel="stylesheet" href="https://example.org/evil.css">
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="stylesheet" href="{BASE_CSS}">
    </head><body>
      <p>Hola</p>
      <img src="file:///etc/passwd"> <img src="https://example.org/track.png">
      <img src="{PIXEL}">
      <a rel="attachment" href="file:///etc/hostname">x</a>
    </body></html>"""
    fetcher = make_fetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert set(fetcher.refused) >= {
        "https://example.org/evil.css",
        "file:///etc/passwd",
        "https://example.org/track.png",
    }
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"root:" not in pdf
    assert "Hola" in reader.pages[0].extract_text()
