"""Accepted file types and the per-slot upload policy that owning domains hand to us."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class FileType:
    key: str
    mime: str
    extensions: tuple[str, ...]
    label: object

    @property
    def extension(self) -> str:
        return self.extensions[0]


FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "application/pdf", (".pdf",), _l("PDF")),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            _l("Word (.docx)"),
        ),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            _l("Excel (.xlsx)"),
        ),
        FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), _l("JPEG image")),
        FileType("png", "image/png", (".png",), _l("PNG image")),
        FileType("csv", "text/csv", (".csv",), _l("CSV")),
    )
}
BY_MIME: dict[str, FileType] = {t.mime: t for t in FILE_TYPES.values()}
DEFAULT_TYPES: tuple[str, ...] = ("pdf", "docx", "xlsx", "jpeg", "png", "csv")


@dataclass(frozen=True)
class DocumentSlot:
    """Where a document goes on its owner and what may go there.

    ``key`` is a stable readable identifier stored on every record ("commitment_letter");
    ``max_bytes`` of ``None`` means the portal-wide ``UPLOAD_MAX_BYTES``.
    """

    key: str
    label: object
    types: tuple[str, ...] = DEFAULT_TYPES
    max_bytes: int | None = None
    mandatory: bool = False
    help: object = None

    def __post_init__(self) -> None:
        unknown = set(self.types) - set(FILE_TYPES)
        if unknown:
            raise ValueError(f"unknown file types {sorted(unknown)} in slot {self.key!r}")

    @property
    def limit(self) -> int:
        configured = current_app.config["UPLOAD_MAX_BYTES"]
        return min(self.max_bytes, configured) if self.max_bytes else configured

    @property
    def file_types(self) -> list[FileType]:
        return [FILE_TYPES[k] for k in self.types]

    @property
    def accept(self) -> str:
        """Value for the file input's ``accept`` attribute (a hint only; never trusted)."""
        return ",".join(ext for t in self.file_types for ext in t.extensions)

    def allows(self, mime: str) -> bool:
        found = BY_MIME.get(mime)
        return found is not None and found.key in self.types
