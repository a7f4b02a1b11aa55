"""Wiring done when the awards blueprint is registered (no work at import time)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.awards import agreement, letters
    from portal.awards.amendments import document as amendment_document

    agreement.register()
    letters.register()
    from portal.awards.amendments import documents as amendment_documents

    amendment_documents.register()
    amendment_document.register()
    from portal.awards.constants import RiskLevel
    from portal.awards.risk import condition_texts

    app.jinja_env.globals.update(
        award_of_application=_award_of_application,
        visible_award_of=_visible_award_of,
        risk_level_label=RiskLevel.label_of,
        risk_condition_texts=condition_texts,
    )


def _award_of_application(application_id: int):
    from portal.awards.operations import award_of

    return award_of(application_id)


def _visible_award_of(application_id: int):
    """The application's award when the signed-in person may see it (None otherwise)."""
    from flask_login import current_user

    from portal.awards.permissions import can_view

    award = _award_of_application(application_id)
    return award if award is not None and can_view(award, current_user) else None
