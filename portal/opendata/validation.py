"""Validation of the open-data files against the published schemas in ``schemas/`` (used by the
command before it writes a file, and by the tests). Loaded lazily, once per process; nothing is
fetched from the network."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMAS = Path(__file__).parent / "schemas"
IATI_XSD = SCHEMAS / "iati-2.03" / "iati-activities-schema.xsd"
GIVING360_SCHEMA = SCHEMAS / "360giving" / "360-giving-schema.json"


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@lru_cache(maxsize=1)
def iati_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(IATI_XSD), _parser()))


def iati_errors(data: bytes) -> list[str]:
    """Schema errors of an IATI activity file (empty list: valid)."""
    from lxml import etree

    schema = iati_schema()
    document = etree.fromstring(data, _parser())
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@lru_cache(maxsize=1)
def giving360_validator():
    """The grant schema's own draft (4) with format checking: without it the draft-4
    ``oneOf: [{format: date-time}, {pattern: YYYY-MM-DD}]`` of the dates cannot be decided."""
    from jsonschema.validators import validator_for

    schema = json.loads(GIVING360_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def giving360_errors(data: bytes) -> list[str]:
    """Errors of a 360Giving package: ``grants`` must be a non-empty list and every grant must
    validate against the grant schema."""
    package = json.loads(data)
    grants = package.get("grants") if isinstance(package, dict) else None
    if not isinstance(grants, list) or not grants:
        return ["grants: a non-empty list of grants is required"]
    validator = giving360_validator()
    errors = []
    for index, grant in enumerate(grants):
        for error in validator.iter_errors(grant):
            where = "/".join(str(p) for p in error.absolute_path)
            errors.append(f"grants/{index}/{where}: {error.message}")
    return errors
