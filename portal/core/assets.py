"""Static files: content-hashed names, gzip copies and a year-long cache (issue 18).

**Build step** (``python -m portal.core.assets``, run by ``make run``, ``make test``,
``make test-browser`` and so by ``.ci/run``): copies ``static/`` to ``build/static/`` (git
ignored), adds beside each file a copy whose name carries a hash of its content
(``css/portal.3f2a1b9c0d1e.css``), gzips what compresses well (``.gz`` beside it) and writes
``build/static-manifest.json`` (``{"css/portal.css": "css/portal.3f2a1b9c0d1e.css"}``).
Hashing and compressing at build time, not at start-up or per request: a worker starts with no
work and ``gunicorn`` never compresses.

**Serving**: once the app has a build (``STATIC_BUILD_DIR``), ``url_for('static',
filename=...)`` gives the hashed name, and WhiteNoise answers ``/static/`` before Flask does
(no session, no hooks): hashed names with ``Cache-Control: max-age=31536000, public,
immutable``, plain names with a short cache (``STATIC_MAX_AGE``), the ``.gz`` copy to browsers
that accept gzip (``Vary: Accept-Encoding``), and the portal's security headers on all of them.
The manifest is read and the files are indexed on first use, once per process. A name not in
the build falls through to Flask's own static route (a missing file is still a 404). Without a
build (a bare checkout, most test apps) everything works as before, plain names from Flask.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sys
import threading
from pathlib import Path

from flask import Flask

from config import ROOT

log = logging.getLogger("portal.assets")
MANIFEST_NAME = "static-manifest.json"  # beside the served folder, so it is not served
_EXTENSION = "static_assets"
YEAR = 365 * 24 * 3600


# Build ------------------------------------------------------------------------------------


def fingerprinted(relative: str, content: bytes) -> str:
    """``css/portal.css`` → ``css/portal.<12 hex of SHA-256>.css``."""
    path = Path(relative)
    digest = hashlib.sha256(content).hexdigest()[:12]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def build(source: Path, target: Path) -> dict[str, str]:
    """Build ``target`` (the served folder) from ``source``; returns the manifest it wrote."""
    from whitenoise.compress import Compressor

    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    manifest: dict[str, str] = {}
    compressor = Compressor(use_brotli=False, quiet=True)
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = file.relative_to(source).as_posix()
        content = file.read_bytes()
        hashed = fingerprinted(relative, content)
        manifest[relative] = hashed
        for name in (relative, hashed):
            out = staging / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(content)
            if compressor.should_compress(name):
                compressor.compress(str(out))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    manifest_path(target).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return manifest


def manifest_path(served: Path) -> Path:
    return served.parent / MANIFEST_NAME


# Serving ----------------------------------------------------------------------------------


class Assets:
    """One app's build: its manifest and its WhiteNoise, both made on first use."""

    def __init__(self, app: Flask, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.inner = app.wsgi_app  # what WhiteNoise passes the other requests on to
        self._lock = threading.Lock()
        self._ready = False
        self.manifest: dict[str, str] = {}
        self.server = None  # the WhiteNoise application, when there is a build

    def load(self) -> Assets:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self._load()
                    self._ready = True
        return self

    def _load(self) -> None:
        try:
            manifest = json.loads(manifest_path(self.folder).read_text(encoding="utf-8"))
        except FileNotFoundError:
            log.warning("no static build at %s: plain names, served by Flask", self.folder)
            return
        from whitenoise import WhiteNoise

        class _YearLong(WhiteNoise):
            FOREVER = YEAR  # WhiteNoise's own is ten years; a year is the usual ceiling

        prefix = (self.app.static_url_path or "/static").strip("/") + "/"
        hashed = {f"/{prefix}{name}" for name in manifest.values()}
        server = _YearLong(
            self.inner,
            max_age=self.app.config.get("STATIC_MAX_AGE", 300),
            allow_all_origins=False,
            add_headers_function=self._add_security_headers,
            immutable_file_test=lambda path, url: url in hashed,
        )
        server.add_files(str(self.folder), prefix=prefix)
        self.manifest, self.server = manifest, server

    def _add_security_headers(self, headers, path: str, url: str) -> None:
        from portal.core.security import security_headers

        config = self.app.config
        wanted = security_headers(
            config.get("CSP_CONNECT_EXTRA", ""), bool(config.get("SESSION_COOKIE_SECURE"))
        )
        for name, value in wanted:
            headers[name] = value

    def url_defaults(self, endpoint: str, values: dict) -> None:
        """``url_for('static', filename=...)`` names the fingerprinted copy when there is one."""
        if endpoint == "static" and "filename" in values:
            values["filename"] = self.load().manifest.get(values["filename"], values["filename"])


class _StaticFirst:
    """WSGI middleware: the build's files are answered by WhiteNoise, the rest by the app."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets

    def __call__(self, environ, start_response):
        assets = self.assets.load()
        return (assets.server or assets.inner)(environ, start_response)


def init_app(app: Flask) -> None:
    folder = app.config.get("STATIC_BUILD_DIR")
    if not folder:
        return
    assets = app.extensions[_EXTENSION] = Assets(app, Path(folder))
    app.url_defaults(assets.url_defaults)
    app.wsgi_app = _StaticFirst(assets)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ROOT / "static"
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "static"
    manifest = build(source, target)
    print(f"{len(manifest)} static files fingerprinted and compressed into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
