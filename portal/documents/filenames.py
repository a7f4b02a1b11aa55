"""User-supplied file names: cleaned for display, never used to build a storage key."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from portal.documents.types import BY_MIME

MAX_NAME = 200
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")


def sanitise(name: str | None) -> str:
    """The last path component, NFC-normalised, without control or reserved characters.

    Accents stay (Spanish names); the result is display-only and may be empty.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _FORBIDDEN.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" ._")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 10:
            name = stem[: MAX_NAME - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


def download_name(name: str, content_type: str, fallback: str = "document") -> str:
    """The name to offer on download: its extension always matches the detected type."""
    name = sanitise(name) or fallback
    file_type = BY_MIME.get(content_type)
    if file_type is None:
        return name
    if not name.lower().endswith(file_type.extensions):
        name = f"{name}{file_type.extension}"
    return name


def ascii_fallback(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", folded).strip(" ._")
    return folded or "document"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact UTF-8 name (RFC 5987/6266)."""
    return (
        f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
