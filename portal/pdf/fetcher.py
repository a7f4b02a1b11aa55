"""The only way a rendered PDF may load a resource (stylesheet, image, attachment).

WeasyPrint's default fetcher follows any URL: ``<img src="file:///etc/passwd">`` or
``<link rel="attachment" href="file:///...">`` in a template (or in text that reached one)
would read the server's files into the PDF, and ``http(s):`` would make the server fetch
arbitrary addresses. This fetcher allows ``data:`` URIs and ``file:`` URLs that resolve (after
following symlinks and ``..``) inside the allowed directories; everything else is refused, and
WeasyPrint simply leaves the resource out.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from config import ROOT

ALLOWED_DIRECTORIES = (ROOT / "static", ROOT / "pdf_templates")


class RefusedURLError(ValueError):
    """A resource the PDF renderer may not load."""


def allowed_path(url: str, roots=ALLOWED_DIRECTORIES) -> Path:
    """The local file a ``file:`` URL names, if it lies inside one of ``roots``."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURLError(url)
    try:
        path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise RefusedURLError(url) from None
    for root in roots:
        if path.is_file() and path.is_relative_to(Path(root).resolve()):
            return path
    raise RefusedURLError(url)


def make_fetcher(roots=ALLOWED_DIRECTORIES):
    """A WeasyPrint ``URLFetcher`` subclass instance restricted to ``roots`` (lazy import)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedURLFetcher(URLFetcher):
        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.refused = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            try:
                path = allowed_path(url, roots)
            except RefusedURLError:
                self.refused.append(url)
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return RestrictedURLFetcher()
