"""Demo amendment (after the finance stage, which builds the active grants): one no-cost
extension of three months submitted by Justicia Cercana on "Mediación escolar en San Nicolás"
(CONV-2025-01-0904), waiting for the grants manager. Idempotent: skipped when that grant
already has an amendment. No audit entry, no e-mail, no commit (like the rest of the seed)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.applications.models import Application
from portal.awards.amendments.builders import build_amendment
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.core.db import db, now_utc

REFERENCE = "CONV-2025-01-0904"
SIGNATORY = "direccion@justiciacercana.example"


def seed_amendments(world) -> None:
    award = db.session.scalar(
        select(Award).join(Application).where(Application.reference == REFERENCE)
    )
    signatory = world.users.get(SIGNATORY)
    if award is None or signatory is None or award.end_date is None:
        return
    if db.session.scalar(select(Amendment.id).where(Amendment.award_id == award.id)):
        return
    new_end = _three_months_later(award.end_date)
    build_amendment(
        award,
        signatory,
        number=2,  # number 1 is the scope change in effect (``demo_signed``)
        changes={"end_date": [award.end_date.isoformat(), new_end.isoformat()]},
        justification=(
            "Las escuelas cerraron seis semanas por las lluvias: las sesiones de mediación "
            "pendientes se recorren al siguiente periodo escolar."
        ),
        requested_dt=now_utc() - timedelta(days=3),
        submitted_dt=now_utc() - timedelta(days=2),
    )
    world.created["amendment"] += 1


def _three_months_later(day):
    month = day.month + 3
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
