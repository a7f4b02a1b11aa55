"""Wiring done when the awards blueprint is registered (no work at import time)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.awards import agreement, letters

    agreement.register()
    letters.register()
    from portal.awards.constants import RISK_LEVEL_LABELS
    from portal.awards.risk import condition_texts

    app.jinja_env.globals.update(
        award_of_application=_award_of_application,
        risk_level_label=lambda level: RISK_LEVEL_LABELS.get(level, level),
        risk_condition_texts=condition_texts,
    )


def _award_of_application(application_id: int):
    from portal.awards.operations import award_of

    return award_of(application_id)
