"""Wiring done when the reviews blueprint is registered (no work at import time): template
globals for the call page's rubric box and the applicant's link to the evaluation summary."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_login import current_user


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        call_rubric=call_rubric,
        can_manage_reviews_of=can_manage_reviews_of,
        evaluation_available=evaluation_available,
    )
    app.jinja_env.filters["score"] = format_score


def format_score(value, places: int = 2) -> str:
    """A score or total for display: rounded half-up to ``places`` decimals without trailing
    zeros ("3.5", "78", "1,234.25"); "—" when missing.

    Plain Python formatting instead of Babel: the ranking page formats tens of thousands of
    numbers, and both portal locales (es_MX and en) write "1,234.5" alike.
    """
    if value is None:
        return "—"
    step = Decimal(1).scaleb(-places)
    text = format(Decimal(value).quantize(step, rounding=ROUND_HALF_UP), ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def call_rubric(call):
    """The call's rubric (criteria loaded) for the public call page, or None."""
    from portal.reviews.operations import rubric_of

    rubric = rubric_of(call)
    return rubric if rubric is not None and rubric.criteria else None


def can_manage_reviews_of(call) -> bool:
    from portal.reviews.permissions import can_manage_reviews

    return can_manage_reviews(call, current_user)


def evaluation_available(application) -> bool:
    """Whether the current user may read this application's evaluation summary."""
    from portal.reviews.permissions import can_read_feedback

    return current_user.is_authenticated and can_read_feedback(application, current_user)
