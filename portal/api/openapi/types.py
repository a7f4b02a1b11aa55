"""Building blocks of the hand-written parts of the document (paths and their parameters).

Every response body schema comes from the models in ``portal.api.shapes``; the parameters'
value types reuse them where they are the same thing (a date in a query is a ``Day``).
"""

from __future__ import annotations

from pydantic import TypeAdapter

from portal.api.params import MAX_ID
from portal.api.shapes import REF_TEMPLATE
from portal.api.shapes.wire import Day


def ref(name: str) -> dict:
    return {"$ref": REF_TEMPLATE.format(model=name)}


def enum(values, description: str = "") -> dict:
    schema = {
        "type": "string",
        "enum": [str(v.value) if hasattr(v, "value") else v for v in values],
    }
    if description:
        schema["description"] = description
    return schema


# An id in a path or a query: larger ones match no route or are refused (portal.core.converters).
ID_PARAM = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = TypeAdapter(Day).json_schema()
