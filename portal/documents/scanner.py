"""Pluggable malware scanner, chosen by dotted path in ``DOCUMENT_SCANNER``.

A scanner is a callable ``scanner(fileobj, *, content_type, size, sha256) -> str | None``:
return ``None`` when the file is acceptable, or a short reason (logged; the user sees a
generic translated message). Raising means the scan could not be done: the upload is refused
("try again later") rather than accepted unscanned. Example: ``DOCUMENT_SCANNER=
mypkg.clamav:scan`` for a function that streams ``fileobj`` to clamd's INSTREAM command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import BinaryIO

from flask import current_app
from werkzeug.utils import import_string

from portal.documents.rejections import Rejected

log = logging.getLogger(__name__)

Scanner = Callable[..., str | None]


def noop_scanner(fileobj: BinaryIO, **_facts) -> None:
    """The default: accept everything that passed verification."""
    return None


def configured_scanner() -> Scanner:
    path = current_app.config.get("DOCUMENT_SCANNER") or ""
    if not path:
        return noop_scanner
    cache = current_app.extensions.setdefault("documents_scanner", {})
    if path not in cache:
        cache[path] = import_string(path)
    return cache[path]


def scan(fileobj: BinaryIO, *, content_type: str, size: int, sha256: str) -> None:
    """Run the configured scanner; raise ``Rejected`` if it refuses or fails."""
    scanner = configured_scanner()
    fileobj.seek(0)
    try:
        reason = scanner(fileobj, content_type=content_type, size=size, sha256=sha256)
    except Exception:
        log.exception("document scanner %r failed", scanner)
        raise Rejected("scan_failed") from None
    if reason:
        log.warning("document scanner refused %s: %s", sha256, reason)
        raise Rejected("infected")
