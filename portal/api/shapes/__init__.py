"""The API's shapes, defined once as pydantic models: the views build their answers with them
and ``component_schemas()`` turns them into the OpenAPI document's ``components.schemas``.

- ``wire``: the value types (money, dates, instants, ids, currencies) as their JSON text;
- ``objects``: calls, awards, ledger rows, contributions, the token's user;
- ``envelopes``: one object, a page of them, and the error.
"""

from __future__ import annotations

from functools import cache

from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from portal.api.shapes.envelopes import RESPONSES, Error
from portal.api.shapes.wire import Shape

REF_TEMPLATE = "#/components/schemas/{model}"


class _ComponentSchema(GenerateJsonSchema):
    """Pydantic's JSON Schema (2020-12, as OpenAPI 3.1 uses), without a ``title`` on every
    property (the property's name says it)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


# The models the document names (the objects they contain come with them).
DOCUMENTED: tuple[type[Shape], ...] = (Error, *dict.fromkeys(RESPONSES.values()))


@cache
def component_schemas() -> dict:
    """``components.schemas``: every documented model and every model or enum inside one,
    referenced as ``#/components/schemas/<Name>``. What the views send (``mode="json"``) is
    what is documented (``mode="serialization"``)."""
    _, top = models_json_schema(
        [(model, "serialization") for model in DOCUMENTED],
        ref_template=REF_TEMPLATE,
        schema_generator=_ComponentSchema,
    )
    schemas = dict(sorted(top["$defs"].items()))
    for schema in schemas.values():
        if "enum" in schema:
            # The portal's enums (AwardStatus...) list their values; their docstrings are notes
            # for the portal's developers, not for the API's readers.
            schema.pop("description", None)
    return schemas


def dump(shape: Shape) -> dict:
    """The JSON-ready body of ``shape``; absent optional fields (an error's parameter) are left
    out rather than null."""
    return shape.model_dump(mode="json", exclude_none=isinstance(shape, Error))


__all__ = ["DOCUMENTED", "REF_TEMPLATE", "RESPONSES", "Shape", "component_schemas", "dump"]
