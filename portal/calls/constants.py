"""Vocabularies of the calls domain: statuses, instruments, question kinds, document types.

Each vocabulary is a ``StrEnum`` (the stored value) with a lazily translated label, so the
same names serve the database CHECK constraints, the forms and the templates.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class CallStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CallStatus.DRAFT: _l("Draft"),
    CallStatus.PUBLISHED: _l("Published"),
    CallStatus.CLOSED: _l("Closed"),
    CallStatus.ARCHIVED: _l("Archived"),
}

# Statuses in which the public (and applicants) can see a call.
PUBLIC_STATUSES = (CallStatus.PUBLISHED, CallStatus.CLOSED, CallStatus.ARCHIVED)


class Instrument(StrEnum):
    """Award instruments; the stored value is also the suffix of the ``offers_*`` columns."""

    FIXED_AMOUNT = "fixed_amount"
    COST_REIMBURSABLE = "cost_reimbursable"
    IN_KIND = "in_kind"

    @property
    def label(self):
        return INSTRUMENT_LABELS[self]


INSTRUMENT_LABELS = {
    Instrument.FIXED_AMOUNT: _l("Fixed amount award with milestones"),
    Instrument.COST_REIMBURSABLE: _l("Cost-reimbursable grant"),
    Instrument.IN_KIND: _l("In-kind grant"),
}


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    DOCUMENT = "document"

    @property
    def label(self):
        return QUESTION_KIND_LABELS[self]

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)

    @property
    def has_limits(self) -> bool:
        """Kinds whose answer is a number between a minimum and a maximum."""
        return self in (QuestionKind.NUMBER, QuestionKind.MONEY)

    @property
    def can_be_condition(self) -> bool:
        """Kinds whose answer another question may depend on (show-only-if)."""
        return self in (
            QuestionKind.SINGLE_CHOICE,
            QuestionKind.MULTIPLE_CHOICE,
            QuestionKind.YES_NO,
        )


QUESTION_KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.MONEY: _l("Amount of money"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes / no"),
    QuestionKind.DOCUMENT: _l("Document"),
}

SHORT_TEXT_MAX_CHARS = 500
LONG_TEXT_MAX_CHARS = 20000
# Answers to number and money questions lie between the question's minimum and maximum; when
# staff leave them empty, between 0 (no negatives) and these ceilings: a count beyond 999
# million is a typing error, and an amount cannot exceed the money columns (Numeric(14, 2)).
NUMBER_CEILING = Decimal("999999999")
MONEY_CEILING = Decimal("999999999999.99")


class QuizKind(StrEnum):
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"

    @property
    def label(self):
        return QUESTION_KIND_LABELS[QuestionKind(self.value)]


YES, NO = "yes", "no"
YES_NO_LABELS = {YES: _l("Yes"), NO: _l("No")}


class NoticeKind(StrEnum):
    ANNOUNCEMENT = "announcement"
    FAQ = "faq"

    @property
    def label(self):
        return NOTICE_KIND_LABELS[self]


NOTICE_KIND_LABELS = {
    NoticeKind.ANNOUNCEMENT: _l("Announcement"),
    NoticeKind.FAQ: _l("Frequently asked question"),
}

# Document types a slot may allow: key -> (label, MIME types accepted by the documents domain).
DOCUMENT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("PDF", ("application/pdf",)),
    "docx": (
        "DOCX",
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ),
    "xlsx": ("XLSX", ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)),
    "jpeg": ("JPEG", ("image/jpeg",)),
    "png": ("PNG", ("image/png",)),
    "csv": ("CSV", ("text/csv", "text/plain")),
}
MAX_DOCUMENT_MB = 25

CURRENCIES = ("MXN", "USD")

# Mexican IANA zones (2022 onwards: most of Mexico has no DST; parts of the border follow the US).
MEXICAN_TIMEZONES: tuple[tuple[str, object], ...] = (
    ("America/Mexico_City", _l("Central (Mexico City), UTC−6")),
    ("America/Monterrey", _l("Central (Monterrey), UTC−6")),
    ("America/Merida", _l("Central (Mérida), UTC−6")),
    ("America/Bahia_Banderas", _l("Central (Bahía de Banderas), UTC−6")),
    ("America/Chihuahua", _l("Central (Chihuahua), UTC−6")),
    ("America/Cancun", _l("Southeast (Quintana Roo), UTC−5")),
    ("America/Mazatlan", _l("Pacific (Sinaloa, Nayarit, Baja California Sur), UTC−7")),
    ("America/Hermosillo", _l("Sonora, UTC−7")),
    ("America/Tijuana", _l("Northwest (Baja California), follows US daylight saving")),
    ("America/Ciudad_Juarez", _l("Ciudad Juárez, follows US daylight saving")),
    ("America/Ojinaga", _l("Ojinaga, follows US daylight saving")),
    ("America/Matamoros", _l("Northeast border, follows US daylight saving")),
)
DEFAULT_CALL_TIMEZONE = "America/Mexico_City"
TIMEZONE_NAMES = tuple(name for name, _ in MEXICAN_TIMEZONES)

# Call codes such as CONV-2026-01: upper-case letters and digits in 2 to 5 hyphenated groups,
# starting with a letter. They appear in URLs and in application reference numbers.
CALL_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,11}(?:-[A-Z0-9]{1,8}){1,4}$")
CALL_CODE_MAX = 30

# Stable keys of questions, options and document slots: lower-case slug.
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEY_MAX = 40

# Applicant types, keyed by ``portal.organisations.models.OrgKind`` values.
APPLICANT_KIND_LABELS = {
    "company": _l("Private company"),
    "cso": _l("Civil-society organisation"),
    "academic": _l("Academic institution"),
    "other": _l("Other"),
}
