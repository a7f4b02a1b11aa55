"""The kinds of change an amendment carries: one module each, in the order they are shown.

A kind module defines:

- ``KEY``: its ``ChangeKind`` value; ``TEMPLATE``: the form partial that renders its fields;
- ``Fields``: a mixin of form fields (names unique across kinds) added to the amendment form;
- ``validate(award, data, errors) -> dict``: from the form values ``data``, the entries it
  stores in ``Amendment.changes`` (``{"name": [old, new]}``, JSON), adding messages to
  ``errors`` (field name -> list) instead of raising;
- ``requested(changes) -> dict``: the form values those entries came from (to prefill the form
  and to check a draft again when it is submitted and decided);
- ``apply(amendment, award, user) -> dict``: change the award when the amendment takes
  effect; returns what changed, for the audit entry;
- ``describe(amendment) -> list[Change]``: what changes, from what to what, for the amendment
  page and the amendment document (``document.py`` renders it in each language of the
  agreement; a line about money also gives ``old_amount``/``new_amount``/``currency`` so the
  document writes the amounts in words);
- optionally ``needs_second_approval(amendment) -> bool``: the change must be approved by two
  grants managers (``portal.awards.amendments.second_approval``).

``validate`` receives the chosen kinds in ``data["kinds"]``, so a kind can read another
kind's values in the same amendment (the milestones re-sum to the new amount).

Optional hooks (a kind without them is skipped):

- ``prepare(form, award)``: fill choices that depend on the grant (e.g. its members);
- ``submitted(amendment, user)``: when the amendment is submitted, before its move: more
  checks (``InputError``) and follow-ups (e.g. e-mails);
- ``warnings(amendment) -> list[str]``: what the amendment page and the decision must point
  out without refusing (e.g. a co-finance share below the call's rule).

A new kind is a new module listed in ``KINDS``; nothing else in the package names a kind.
"""

from __future__ import annotations

from portal.awards.amendments.kinds import (
    amount,
    bank_account,
    cofinance,
    extension,
    milestones,
    realignment,
    scope,
    signatory,
)
from portal.awards.amendments.kinds.change import Change

# The amount is applied before the milestones (they re-sum to the new amount).
KINDS = {
    module.KEY: module
    for module in (
        extension,
        scope,
        amount,
        milestones,
        realignment,
        cofinance,
        bank_account,
        signatory,
    )
}
ENABLED_KINDS = tuple(KINDS)


def field_mixins() -> tuple:
    return tuple(module.Fields for module in KINDS.values())


def validate(award, kinds, data: dict, errors: dict) -> dict:
    changes: dict = {}
    data = data | {"kinds": list(kinds)}
    for key in kinds:
        changes |= KINDS[key].validate(award, data, errors)
    return changes


def requested(amendment) -> dict:
    data: dict = {}
    for key in amendment.kinds:
        if key in KINDS:
            data |= KINDS[key].requested(amendment.changes or {})
    return data


def apply(amendment, user) -> dict:
    changed: dict = {}
    for key in amendment.kinds:
        changed |= KINDS[key].apply(amendment, amendment.award, user)
    return changed


def describe(amendment) -> list[Change]:
    lines: list[Change] = []
    for key in amendment.kinds:
        if key in KINDS:
            lines += KINDS[key].describe(amendment)
    return lines


def needs_second_approval(amendment) -> bool:
    return any(
        getattr(KINDS[key], "needs_second_approval", lambda _amendment: False)(amendment)
        for key in amendment.kinds
        if key in KINDS
    )


def _hooks(name: str, kinds) -> list:
    return [h for k in kinds if (h := getattr(KINDS.get(k), name, None)) is not None]


def prepare(form, award) -> None:
    for hook in _hooks("prepare", KINDS):
        hook(form, award)


def submitted(amendment, user) -> None:
    for hook in _hooks("submitted", amendment.kinds):
        hook(amendment, user)


def warnings(amendment) -> list[str]:
    lines: list[str] = []
    for hook in _hooks("warnings", amendment.kinds):
        lines += hook(amendment)
    return lines
