"""Wiring done when the reviews blueprint is registered (no work at import time): template
globals for the call page's rubric box and the applicant's link to the evaluation summary."""

from __future__ import annotations

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
    """A score or total for display: up to ``places`` decimals, "—" when missing."""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    if value is None:
        return "—"
    pattern = "#,##0." + "#" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=str(get_locale() or "es_MX"))


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
