"""The pre-award risk assessment and the conditions it proposes."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.audit.operations import record
from portal.awards import risk as checklist
from portal.awards.models import Award, RiskAssessment
from portal.awards.operations.queries import risk_of
from portal.awards.operations.terms import require_editable
from portal.core.db import db, now_utc
from portal.core.errors import InputError


def assess_risk(award: Award, actor, answers: dict, notes: str) -> RiskAssessment:
    require_editable(award)
    if not checklist.valid_answers(answers):
        raise InputError({"": [_("Answer every item of the checklist.")]})
    level = checklist.level_of(answers)
    assessment = risk_of(award) or RiskAssessment(award_id=award.id)
    assessment.answers = dict(answers)
    assessment.level = level
    assessment.proposed_conditions = checklist.conditions_for(level)
    assessment.conditions_accepted = False
    assessment.notes = (notes or "").strip()
    assessment.assessed_by_id = actor.id
    assessment.assessed_dt = now_utc()
    db.session.add(assessment)
    db.session.flush()
    record(
        "award.risk_assessed",
        award,
        changes={"answers": answers, "level": level},
        organisation_id=award.organisation_id,
    )
    return assessment


def accept_risk_conditions(award: Award, actor) -> None:
    """Append the proposed conditions to the special conditions (once)."""
    require_editable(award)
    assessment = risk_of(award)
    if assessment is None or not assessment.proposed_conditions:
        raise InputError({"": [_("The risk assessment proposes no conditions.")]})
    if assessment.conditions_accepted:
        raise InputError({"": [_("The proposed conditions were already added.")]})
    texts = checklist.condition_texts(assessment.proposed_conditions)
    current = (award.special_conditions or "").strip()
    award.special_conditions = "\n".join([current, *texts] if current else texts)
    if "no_advance" in assessment.proposed_conditions:
        award.advance_limit = None
    assessment.conditions_accepted = True
    db.session.flush()
    record(
        "award.risk_conditions_accepted",
        award,
        changes={"conditions": assessment.proposed_conditions},
        organisation_id=award.organisation_id,
    )
