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
  document writes the amounts in words).

A new kind is a new module listed in ``KINDS``; nothing else in the package names a kind.
"""

from __future__ import annotations

from portal.awards.amendments.kinds import extension, scope
from portal.awards.amendments.kinds.change import Change

KINDS = {module.KEY: module for module in (extension, scope)}
ENABLED_KINDS = tuple(KINDS)


def field_mixins() -> tuple:
    return tuple(module.Fields for module in KINDS.values())


def validate(award, kinds, data: dict, errors: dict) -> dict:
    changes: dict = {}
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
