"""Building blocks of the OpenAPI schemas: references, nullable, objects, enums, ids, money."""

from __future__ import annotations

from portal.api.params import MAX_ID


# Schema helpers ---------------------------------------------------------------------------------
def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(description: str, properties: dict) -> dict:
    """A closed object: every property always present (possibly null), nothing else."""
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def enum(values, description: str = "") -> dict:
    schema = {
        "type": "string",
        "enum": [str(v.value) if hasattr(v, "value") else v for v in values],
    }
    if description:
        schema["description"] = description
    return schema


def text(description: str = "") -> dict:
    return {"type": "string", **({"description": description} if description else {})}


ID = {"type": "integer", "minimum": 1}
# An id in a path or a query: larger ones match no route or are refused (portal.core.converters).
ID_PARAM = {**ID, "maximum": MAX_ID}
MONEY = {
    "type": "string",
    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
    "description": "Exact decimal amount as a string with two places; read it with a decimal "
    "type, never a float. Always next to its currency.",
    "examples": ["150000.00"],
}
CURRENCY = {"type": "string", "enum": ["MXN", "USD"], "description": "ISO 4217 code."}
DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
INSTANT = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$",
    "description": "An instant in UTC (ISO 8601 with Z).",
}
BILINGUAL = obj("The same text in Spanish and English.", {"es": text(), "en": text()})
