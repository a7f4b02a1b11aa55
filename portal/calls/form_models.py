"""The parts of a call that applicants answer: application form questions, document slots,
the eligibility quiz, and the frozen snapshots of each form version.

Every row has a stable, readable ``key`` (unique per call, frozen once the call has been
published) so that answers stored against a snapshot stay readable in exports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.calls.constants import (
    DOCUMENT_TYPES,
    LONG_TEXT_MAX_CHARS,
    MAX_DOCUMENT_MB,
    NO,
    YES,
    QuestionKind,
    QuizKind,
)
from portal.calls.models import Call
from portal.core.db import Base, now_utc

_KINDS_SQL = ", ".join(f"'{k.value}'" for k in QuestionKind)
_QUIZ_KINDS_SQL = ", ".join(f"'{k.value}'" for k in QuizKind)


class FormQuestion(Base):
    """One question of a call's application form."""

    __tablename__ = "call_questions"
    __table_args__ = (
        UniqueConstraint("call_id", "key"),
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="kind_known"),
        CheckConstraint(
            f"max_chars IS NULL OR (max_chars >= 1 AND max_chars <= {LONG_TEXT_MAX_CHARS})",
            name="max_chars_range",
        ),
        CheckConstraint("kind != 'long_text' OR max_chars IS NOT NULL", name="long_text_limited"),
        CheckConstraint(
            "(kind = 'document' AND document_slot_key IS NOT NULL)"
            " OR (kind != 'document' AND document_slot_key IS NULL)",
            name="document_iff_slot",
        ),
        CheckConstraint(
            "(show_if_key IS NULL AND show_if_value IS NULL)"
            " OR (show_if_key IS NOT NULL AND show_if_value IS NOT NULL AND show_if_key != key)",
            name="show_if_complete",
        ),
        CheckConstraint(
            "kind IN ('number', 'money') OR (min_value IS NULL AND max_value IS NULL)",
            name="limits_only_for_numbers",
        ),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
            name="min_not_above_max",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    label_es: Mapped[str] = mapped_column(String(500))
    label_en: Mapped[str] = mapped_column(String(500))
    help_es: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    max_chars: Mapped[int | None]
    # Number and money kinds: the smallest and largest answer accepted (whole numbers; NULL:
    # 0 and the kind's ceiling, see ``rules.number_bounds``).
    min_value: Mapped[int | None] = mapped_column(BigInteger)
    max_value: Mapped[int | None] = mapped_column(BigInteger)
    # Choice kinds: [{"key": "...", "es": "...", "en": "..."}, ...]
    options: Mapped[list] = mapped_column(JSON, default=list)
    document_slot_key: Mapped[str | None] = mapped_column(String(40))
    # Show only if the question ``show_if_key`` was answered ``show_if_value``.
    show_if_key: Mapped[str | None] = mapped_column(String(40))
    show_if_value: Mapped[str | None] = mapped_column(String(40))

    call: Mapped[Call] = relationship(back_populates="questions")

    audit_type = "call_question"

    @property
    def kind_enum(self) -> QuestionKind:
        return QuestionKind(self.kind)

    def answer_keys(self) -> list[str]:
        """The answers a condition may test for (yes/no, or option keys)."""
        if self.kind == QuestionKind.YES_NO:
            return [YES, NO]
        return [o["key"] for o in self.options]

    def audit_fields(self) -> dict:
        return {
            name: getattr(self, name)
            for name in (
                "key",
                "kind",
                "label_es",
                "label_en",
                "help_es",
                "help_en",
                "required",
                "position",
                "max_chars",
                "min_value",
                "max_value",
                "options",
                "document_slot_key",
                "show_if_key",
                "show_if_value",
            )
        }


class CallDocumentSlot(Base):
    """A document the applicant uploads: which file types, how large, whether mandatory.

    ``upload_slot()`` hands it to the documents domain, which checks ``allowed_types`` (keys of
    ``DOCUMENT_TYPES``, the same as the documents domain's ``FILE_TYPES``) and ``max_bytes``
    when it finalises an upload into this slot.
    """

    __tablename__ = "call_document_slots"
    __table_args__ = (
        UniqueConstraint("call_id", "key"),
        CheckConstraint(
            f"max_size_mb >= 1 AND max_size_mb <= {MAX_DOCUMENT_MB}", name="max_size_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label_es: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    allowed_types: Mapped[list] = mapped_column(JSON, default=list)
    max_size_mb: Mapped[int] = mapped_column(default=10)
    mandatory: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[Call] = relationship(back_populates="document_slots")

    audit_type = "call_document_slot"

    @property
    def max_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024

    def content_types(self) -> list[str]:
        return [mime for t in self.allowed_types for mime in DOCUMENT_TYPES[t][1]]

    def upload_slot(self):
        """This slot as the documents domain's ``DocumentSlot`` (label in the reader's language)."""
        from flask_babel import LazyString

        from portal.core.i18n import localized
        from portal.documents.types import DocumentSlot

        return DocumentSlot(
            key=self.key,
            label=LazyString(lambda: localized(self, "label")),
            types=tuple(self.allowed_types),
            max_bytes=self.max_bytes,
            mandatory=self.mandatory,
        )

    def type_labels(self) -> list[str]:
        return [DOCUMENT_TYPES[t][0] for t in self.allowed_types if t in DOCUMENT_TYPES]

    def audit_fields(self) -> dict:
        return {
            "key": self.key,
            "label_es": self.label_es,
            "label_en": self.label_en,
            "allowed_types": self.allowed_types,
            "max_size_mb": self.max_size_mb,
            "mandatory": self.mandatory,
        }


class EligibilityQuestion(Base):
    """A quiz question; answering one of ``ineligible_answers`` makes the applicant ineligible."""

    __tablename__ = "call_eligibility_questions"
    __table_args__ = (
        UniqueConstraint("call_id", "key"),
        CheckConstraint(f"kind IN ({_QUIZ_KINDS_SQL})", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default=QuizKind.YES_NO.value)
    label_es: Mapped[str] = mapped_column(String(500))
    label_en: Mapped[str] = mapped_column(String(500))
    # single_choice: [{"key", "es", "en"}]; yes_no: empty (the answers are "yes" / "no").
    options: Mapped[list] = mapped_column(JSON, default=list)
    ineligible_answers: Mapped[list] = mapped_column(JSON, default=list)
    reason_es: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[Call] = relationship(back_populates="quiz_questions")

    audit_type = "call_eligibility_question"

    @property
    def kind_enum(self) -> QuizKind:
        return QuizKind(self.kind)

    def answer_keys(self) -> list[str]:
        if self.kind == QuizKind.YES_NO:
            return [YES, NO]
        return [o["key"] for o in self.options]

    def audit_fields(self) -> dict:
        return {
            name: getattr(self, name)
            for name in (
                "key",
                "kind",
                "label_es",
                "label_en",
                "options",
                "ineligible_answers",
                "reason_es",
                "reason_en",
                "position",
            )
        }


class FormVersion(Base):
    """The frozen snapshot of a call's form as applicants saw it from ``created_dt`` on."""

    __tablename__ = "call_form_versions"
    __table_args__ = (
        UniqueConstraint("call_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    audit_type = "call_form_version"
