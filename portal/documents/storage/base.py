"""The storage interface shared by the local-disk and S3 backends."""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask import Response

CHUNK = 64 * 1024
_KEY = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*/[0-9a-f]{32}$")


class StorageError(Exception):
    """A storage operation failed (backend unreachable, misconfigured...)."""


class ObjectChanged(StorageError):  # noqa: N818
    """The object was replaced after it was verified; it must not be promoted."""


class TooLarge(StorageError):  # noqa: N818 - reads as a condition
    """The stream went past the allowed number of bytes; nothing was kept."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime


def check_key(key: str) -> str:
    """Keys are always generated (``<prefix>/<uuid4 hex>``); anything else is a bug."""
    if not _KEY.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class HashingReader:
    """Wraps a binary stream: counts and hashes what is read, refuses to go past ``limit``."""

    def __init__(self, stream: BinaryIO, limit: int | None = None) -> None:
        self.stream = stream
        self.limit = limit
        self.size = 0
        self.hash = hashlib.sha256()

    def read(self, n: int = CHUNK) -> bytes:
        data = self.stream.read(CHUNK if n is None or n < 0 else n)
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise TooLarge(self.size)
        self.hash.update(data)
        return data

    @property
    def sha256(self) -> str:
        return self.hash.hexdigest()


class Storage(ABC):
    """Objects addressed by generated keys.

    ``direct_upload`` backends hand the browser a signed form (``upload_form``) and never see
    the bytes; the others receive them through ``save``.
    """

    name: str
    direct_upload: bool = False

    @abstractmethod
    def save(self, key: str, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[int, str]:
        """Store the stream in chunks; return (size, sha256). Raises ``TooLarge``."""

    @abstractmethod
    def open(self, key: str) -> AbstractContextManager[tuple[BinaryIO, str | None]]:
        """(seekable file with the object's bytes, version token for ``promote``)."""

    @abstractmethod
    def iter_chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes in chunks (for checksums)."""

    @abstractmethod
    def info(self, key: str) -> ObjectInfo | None:
        """Size and modification time, or None if the object does not exist."""

    @abstractmethod
    def promote(
        self, source: str, target: str, content_type: str, *, if_match: str | None = None
    ) -> None:
        """Move a verified quarantine object to its final key.

        ``if_match`` is the token ``open`` gave: if the object changed since, raise
        ``ObjectChanged`` instead of promoting bytes nobody verified.
        """

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; no error if it is already gone."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Objects whose key starts with ``prefix``."""

    @abstractmethod
    def download(self, key: str, *, filename: str, content_type: str) -> Response:
        """A response that delivers the object as an attachment."""

    def upload_form(
        self, key: str, *, content_type: str, max_bytes: int, redirect_url: str | None = None
    ) -> dict:
        """URL and fields of a signed browser upload (direct-upload backends only)."""
        raise NotImplementedError

    def origin(self) -> str | None:
        """The browser-visible origin that receives direct uploads (for the CSP)."""
        return None

    def checksum(self, key: str) -> tuple[int, str]:
        digest = hashlib.sha256()
        size = 0
        for chunk in self.iter_chunks(key):
            size += len(chunk)
            digest.update(chunk)
        return size, digest.hexdigest()
