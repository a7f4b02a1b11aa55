"""Read-only JSON API (``/api/v1``) for finance systems, with personal access tokens.

A token acts as the user who created it, with that user's CURRENT roles and memberships: every
resource is filtered by the same permission rules as the pages (``portal.awards.permissions``,
``portal.finance.permissions``, ``Call.can_view``). The OpenAPI document is served at
``/api/v1/openapi.json``.
"""
