"""Issuing the agreement: a new version (an amendment when one exists) of an approved award
whose terms, risk assessment and schedule are complete. Signing is in ``portal.awards.signing``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.audit.operations import record
from portal.awards import notifications
from portal.awards.models import Agreement, Award
from portal.awards.operations.milestones import schedule_problems
from portal.awards.operations.queries import agreements_of, risk_of
from portal.awards.states import AGREEMENT, AWARD
from portal.core.db import db, now_utc
from portal.core.errors import InputError


def issue_problems(award: Award) -> list[str]:
    problems = []
    if not AWARD.can(award, "issue"):
        problems.append(_("Only an approved award, not yet signed, gets a new agreement."))
    if not award.start_date or not award.end_date:
        problems.append(_("Enter the start and end dates in the terms."))
    if risk_of(award) is None:
        problems.append(_("Complete the pre-award risk assessment."))
    return problems + schedule_problems(award)


def agreement_language(programme, actor) -> str:
    return "bilingual" if programme.bilingual_agreement else "es"


def issue_agreement(award: Award, actor) -> Agreement:
    """A new version (an amendment when one exists): earlier versions are superseded but kept,
    with their stored PDFs. The PDF is rendered once the unit of work commits."""
    from portal.awards.agreement import canonical_json, content_of, schedule_render, sha256_hex
    from portal.pdf.dates import programme_today

    problems = issue_problems(award)
    if problems:
        raise InputError({"": problems})
    version = (
        db.session.scalar(select(func.max(Agreement.version)).where(Agreement.award_id == award.id))
        or 0
    ) + 1
    for earlier in agreements_of(award):
        if AGREEMENT.can(earlier, "supersede"):
            AGREEMENT.move(earlier, "supersede")
    number = f"{award.application.reference}-A{version}"
    language = agreement_language(award.application.call.programme, actor)
    content = content_of(award, number, version, language, programme_today())
    agreement = Agreement(
        award_id=award.id,
        number=number,
        version=version,
        status="issued",
        language=language,
        content=content,
        content_hash=sha256_hex(canonical_json(content)),
        issued_by_id=actor.id,
        issued_dt=now_utc(),
    )
    db.session.add(agreement)
    AWARD.move(award, "issue")
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "agreement.issued",
        agreement,
        changes={"number": number, "version": version, "content_hash": agreement.content_hash},
        organisation_id=award.organisation_id,
    )
    schedule_render(agreement)
    notifications.notify_agreement_issued(award, agreement)
    return agreement
