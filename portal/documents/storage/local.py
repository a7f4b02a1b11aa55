"""Local-disk backend: objects are files under a root directory (``instance/storage``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import Response, send_file

from portal.documents.filenames import content_disposition
from portal.documents.storage.base import CHUNK, HashingReader, ObjectInfo, Storage, check_key


class LocalStorage(Storage):
    name = "local"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"key {key!r} escapes the storage root")
        return path

    def save(self, key: str, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[int, str]:
        """Copy in 64 KiB chunks to a temporary name, then rename: readers never see halves."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        reader = HashingReader(stream, max_bytes)
        try:
            with open(partial, "xb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
            os.replace(partial, path)
        finally:
            with suppress(FileNotFoundError):
                partial.unlink()
        return reader.size, reader.sha256

    @contextmanager
    def open(self, key: str) -> Iterator[tuple[BinaryIO, str | None]]:
        """Quarantine files are written only by the portal itself: no version token needed."""
        with open(self._path(key), "rb") as f:
            yield f, None

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        with open(self._path(key), "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def info(self, key: str) -> ObjectInfo | None:
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            return None
        return ObjectInfo(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def promote(
        self, source: str, target: str, content_type: str, *, if_match: str | None = None
    ) -> None:
        destination = self._path(target)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._path(source), destination)

    def delete(self, key: str) -> None:
        with suppress(FileNotFoundError):
            self._path(key).unlink()

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        folder = self.root / prefix.strip("/")
        if not folder.is_dir():
            return
        for entry in os.scandir(folder):
            if entry.is_file() and not entry.name.startswith("."):
                st = entry.stat()
                key = f"{prefix.strip('/')}/{entry.name}"
                yield ObjectInfo(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def download(self, key: str, *, filename: str, content_type: str) -> Response:
        """Streamed from disk (``send_file`` reads in blocks) as an attachment."""
        response = send_file(
            self._path(key),
            mimetype=content_type,
            as_attachment=True,
            download_name=filename,
            conditional=False,
            etag=False,
            max_age=0,
        )
        response.headers["Content-Disposition"] = content_disposition(filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response
