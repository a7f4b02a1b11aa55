"""The OpenAPI 3.1 document of the API, built from Python data and served at
``/api/v1/openapi.json``.

The component schemas are generated from the pydantic models the views answer with
(``portal.api.shapes``), so what is sent and what is documented are one definition; the paths
and parameters are written by hand (``paths.py``). Kept in step with the code by
tests/api/test_openapi*.py: the document validates with openapi-spec-validator, every route of
the ``api`` blueprint is a path here (and the reverse, with the endpoint name as
``operationId``), and real responses validate against the component schemas and their models
(``additionalProperties: false``). The descriptions are developer documentation, in English.
"""

from __future__ import annotations

from functools import cache

from portal.api.openapi.paths import _parameters, _paths, _responses
from portal.api.shapes import component_schemas

VERSION = "1.0.0"


DESCRIPTION = """Read-only access to the Cofinancia portal's calls, awards, disbursement ledger
and co-finance, for finance systems and scripts.

Authenticate every request with a personal access token created on your account page
(*My account → API tokens*): `Authorization: Bearer cfp_…`. The token acts as you, with your
current roles and organisations: you read exactly what you can see in the portal. Session
cookies are ignored here.

Amounts are decimal strings with two places next to their ISO currency code; dates are
`YYYY-MM-DD`; instants are UTC (`…Z`). Lists are paged with `page` and `per_page` (at most
200) and give `meta.total` and `links.next`. Unknown or repeated query parameters are refused
(400), so a typo never returns an unfiltered list."""


@cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cofinancia API",
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "cfp_ personal access token",
                    "description": "A personal access token; only its SHA-256 hash is stored.",
                }
            },
            "schemas": component_schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
        },
    }
