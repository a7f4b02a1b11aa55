"""Vocabularies of the calls domain: statuses, instruments, question kinds, document types.

Each vocabulary is a ``LabelledEnum`` (portal/core/enums.py): the stored value with its lazily
translated label, so the same names serve the database CHECK constraints, the forms and the
templates.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class CallStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CLOSED = "closed", _l("Closed")
    ARCHIVED = "archived", _l("Archived")


# Statuses in which the public (and applicants) can see a call.
PUBLIC_STATUSES = (CallStatus.PUBLISHED, CallStatus.CLOSED, CallStatus.ARCHIVED)


class Instrument(LabelledEnum):
    """Award instruments; the stored value is also the suffix of the ``offers_*`` columns."""

    FIXED_AMOUNT = "fixed_amount", _l("Fixed amount award with milestones")
    COST_REIMBURSABLE = "cost_reimbursable", _l("Cost-reimbursable grant")
    IN_KIND = "in_kind", _l("In-kind grant")


class QuestionKind(LabelledEnum):
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    NUMBER = "number", _l("Number")
    MONEY = "money", _l("Amount of money")
    DATE = "date", _l("Date")
    SINGLE_CHOICE = "single_choice", _l("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _l("Multiple choice")
    YES_NO = "yes_no", _l("Yes / no")
    DOCUMENT = "document", _l("Document")

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


SHORT_TEXT_MAX_CHARS = 500
LONG_TEXT_MAX_CHARS = 20000
# Answers to number and money questions lie between the question's minimum and maximum; when
# staff leave them empty, between 0 (no negatives) and these ceilings: a count beyond 999
# million is a typing error, and an amount cannot exceed the money columns (Numeric(14, 2)).
NUMBER_CEILING = Decimal("999999999")
MONEY_CEILING = Decimal("999999999999.99")


class QuizKind(LabelledEnum):
    """The question kinds an eligibility quiz may use (same values and labels)."""

    YES_NO = "yes_no", QuestionKind.YES_NO.label
    SINGLE_CHOICE = "single_choice", QuestionKind.SINGLE_CHOICE.label


class YesNo(LabelledEnum):
    """The stored answer of a yes/no question."""

    YES = "yes", _l("Yes")
    NO = "no", _l("No")


YES, NO = YesNo.YES.value, YesNo.NO.value


class NoticeKind(LabelledEnum):
    ANNOUNCEMENT = "announcement", _l("Announcement")
    FAQ = "faq", _l("Frequently asked question")


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
# The whole rule in words (help text of the field and message of a refused code).
CALL_CODE_RULE = _l(
    "Use 2 to 5 parts joined by hyphens, such as CONV-2026-01, in capital letters (A–Z) and "
    "digits: the first part starts with a letter and has 2 to 12 characters, each other part "
    "has 1 to 8 characters; at most 30 characters in all."
)

# Stable keys of questions, options and document slots: lower-case slug.
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEY_MAX = 40
