"""Vocabularies of results indicators: how a value is measured, which way is better, the
dimensions a value may be broken down by (and each dimension's categories), and the review
status of a reported value."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum
from portal.organisations.mexican_states import STATES


class Measure(LabelledEnum):
    """``count`` values add up (across grants, periods and categories); ``percentage`` (0–100)
    and ``average`` values do not: they are shown per grant and as a mean, clearly labelled."""

    COUNT = "count", _l("Count (adds up)")
    PERCENTAGE = "percentage", _l("Percentage (0–100)")
    AVERAGE = "average", _l("Average")

    @property
    def is_additive(self) -> bool:
        return self is Measure.COUNT


class Direction(LabelledEnum):
    INCREASE = "increase", _l("Higher is better")
    DECREASE = "decrease", _l("Lower is better")


class IndicatorLevel(LabelledEnum):
    """The results-chain level (IATI result type 1 output, 2 outcome)."""

    OUTPUT = "output", _l("Output")
    OUTCOME = "outcome", _l("Outcome")


class Dimension(LabelledEnum):
    SEX = "sex", _l("Sex")
    AGE_GROUP = "age_group", _l("Age group")
    STATE = "state", _l("State")
    INSTITUTION_TYPE = "institution_type", _l("Type of justice institution")


class ActualStatus(LabelledEnum):
    REPORTED = "reported", _l("Reported")
    VERIFIED = "verified", _l("Verified")
    QUESTIONED = "questioned", _l("Questioned")


class Sex(LabelledEnum):
    WOMEN = "women", _l("Women")
    MEN = "men", _l("Men")
    NON_BINARY = "non_binary", _l("Non-binary or other")
    NOT_STATED = "not_stated", _l("Not stated")


class AgeGroup(LabelledEnum):
    UNDER_18 = "0-17", _l("Under 18")
    FROM_18 = "18-29", _l("18 to 29")
    FROM_30 = "30-59", _l("30 to 59")
    FROM_60 = "60+", _l("60 and over")
    NOT_STATED = "not_stated", _l("Not stated")


class InstitutionType(LabelledEnum):
    PROSECUTION = "prosecution", _l("Prosecutor's office (fiscalía or procuraduría)")
    JUDICIARY = "judiciary", _l("Judiciary")
    PUBLIC_DEFENCE = "public_defence", _l("Public defender's office")
    ADR_CENTRE = "adr_centre", _l("Alternative dispute resolution centre")
    POLICE = "police", _l("Police")
    OTHER = "other", _l("Other")


_ENUMS = {
    Dimension.SEX: Sex,
    Dimension.AGE_GROUP: AgeGroup,
    Dimension.INSTITUTION_TYPE: InstitutionType,
}


def categories(dimension: str) -> list[tuple[str, object]]:
    """``(value, label)`` of the dimension's categories (states: INEGI code and name)."""
    if dimension == Dimension.STATE:
        return [(s.inegi, s.name) for s in STATES]
    return [(m.value, m.label) for m in _ENUMS[Dimension(dimension)]]


def category_label(dimension: str, value: str) -> str:
    return str(dict(categories(dimension)).get(value, value))
