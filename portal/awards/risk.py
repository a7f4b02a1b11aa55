"""Pre-award risk assessment: a checklist gives low, medium or high risk, and the level
proposes conditions that staff may copy into the award's special conditions.

Rule (simple and published in the form's help): any unsatisfactory exclusion check, or two
or more unsatisfactory items, is high risk; one unsatisfactory item or two or more items with
concerns is medium; otherwise low.
"""

from __future__ import annotations

from portal.awards.constants import RISK_ANSWERS, RISK_CONDITIONS, RISK_ITEMS, RiskLevel

CONDITIONS_BY_LEVEL = {
    RiskLevel.LOW: [],
    RiskLevel.MEDIUM: ["smaller_tranches", "quarterly_reports"],
    RiskLevel.HIGH: ["smaller_tranches", "frequent_reports", "no_advance"],
}


def level_of(answers: dict) -> str:
    values = [answers.get(key) for key in RISK_ITEMS]
    bad = values.count("unsatisfactory")
    partial = values.count("partial")
    if answers.get("exclusion") == "unsatisfactory" or bad >= 2:
        return RiskLevel.HIGH.value
    if bad == 1 or partial >= 2:
        return RiskLevel.MEDIUM.value
    return RiskLevel.LOW.value


def conditions_for(level: str) -> list[str]:
    return list(CONDITIONS_BY_LEVEL[level])


def condition_texts(keys) -> list[str]:
    return [str(RISK_CONDITIONS[k]) for k in keys if k in RISK_CONDITIONS]


def valid_answers(answers: dict) -> bool:
    return all(answers.get(k) in RISK_ANSWERS for k in RISK_ITEMS)
