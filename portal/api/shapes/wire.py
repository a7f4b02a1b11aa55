"""The value types of the API's JSON, each one the wire form AND its schema.

Each type is a string with a pattern: what the JSON carries, what ``model_validate`` accepts
and what the OpenAPI document says are the same thing. Python values are converted on the way
in (a ``Decimal`` amount, an aware ``datetime``, a ``date``); a float amount, an instant with an
offset other than ``Z`` or a date in another form is refused, by the models and by the schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from portal.core.db import quantize_money


def _one_line_description(schema: dict) -> None:
    """Docstrings are wrapped at 100 columns; their description is one paragraph."""
    if "description" in schema:
        schema["description"] = " ".join(schema["description"].split())


class Shape(BaseModel):
    """A closed object: every field always present (possibly null), nothing else
    (``additionalProperties: false``), so an undocumented field (say, a whole CLABE) fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_one_line_description)


# Converters: Python values to their wire text; text is checked by the pattern as it is. ---------
def _decimal_text(places: int):
    step = Decimal(1).scaleb(-places)

    def convert(value):
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError("not a finite amount")
            return format(value.quantize(step), "f")
        return value

    return convert


def _money_text(value):
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite amount")
        return format(quantize_money(value), "f")
    return value


def _instant_text(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: give an aware one")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def _day_text(value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


# Types ------------------------------------------------------------------------------------------
# The constraints come before the converter: pydantic then puts them on the string itself, so
# they appear in the schema of both modes (after the converter, validation-mode schemas lose them).
Id = Annotated[int, Field(ge=1, strict=True)]

Money = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]+\.[0-9]{2}$",
        description="Exact decimal amount as a string with two places; read it with a decimal "
        "type, never a float. Always next to its currency.",
        examples=["150000.00"],
    ),
    BeforeValidator(_money_text),
]

Percent = Annotated[
    str,
    Field(pattern=r"^[0-9]+\.[0-9]{2}$", description="A percentage with two places."),
    BeforeValidator(_decimal_text(2)),
]

Figure = Annotated[
    str,
    Field(
        pattern=r"^[0-9]+\.[0-9]{2}$",
        description="An indicator value (a count, a percentage 0-100 or an average) as an exact "
        "decimal string with two places.",
        examples=["120.00"],
    ),
    BeforeValidator(_decimal_text(2)),
]

Rate = Annotated[
    str,
    Field(
        pattern=r"^[0-9]+\.[0-9]{6}$",
        description="Rate from currency to award_currency, when they differ (six places).",
    ),
    BeforeValidator(_decimal_text(6)),
]

Day = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        json_schema_extra={"format": "date"},
        description="A calendar date, YYYY-MM-DD.",
    ),
    BeforeValidator(_day_text),
]

Instant = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$",
        json_schema_extra={"format": "date-time"},
        description="An instant in UTC (ISO 8601 with Z).",
    ),
    BeforeValidator(_instant_text),
]

Currency = Annotated[Literal["MXN", "USD"], Field(description="ISO 4217 code.")]
Nature = Literal["cash", "in_kind"]
CountsAs = Literal["cost_share", "leverage"]


class Bilingual(Shape):
    """The same text in Spanish and English."""

    es: str
    en: str
