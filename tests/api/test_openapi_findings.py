"""Plain regression tests for what running schemathesis against the OpenAPI document found
(tests/api/test_openapi_fuzz.py): the document and the API must agree on which requests are
valid, and every refusal under /api/v1 is the documented JSON error."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from portal.api import openapi

PREFIX = "/api/v1"


def _doc() -> dict:
    return openapi.document()


def _resolve(item: dict) -> dict:
    if "$ref" in item:
        _, _, section, name = item["$ref"].split("/")
        return _doc()["components"][section][name]
    return item


def _integer_query_parameters():
    for path, item in sorted(_doc()["paths"].items()):
        for param in map(_resolve, item["get"].get("parameters", [])):
            if param["in"] == "query" and param["schema"].get("type") == "integer":
                yield path, param["name"], param["schema"]


def _url(path: str, world) -> str:
    return PREFIX + path.replace("{call_id}", str(world["call"].id)).replace(
        "{award_id}", str(world["award_a"].id)
    )


def test_every_integer_query_parameter_documents_the_bounds_it_enforces(world, api, personas):
    """``page`` had no maximum in the document, yet 2147483648 was a 400: a request valid by
    the document was refused. Each documented bound is accepted, one past it refused."""
    client = api(personas["finance_officer"])
    checked = set()
    for path, name, schema in _integer_query_parameters():
        low, high = schema["minimum"], schema["maximum"]  # a KeyError is the old bug
        for value in (low, high):
            response = client.get(f"{_url(path, world)}?{name}={value}")
            assert response.status_code == 200, (path, name, value, response.get_json())
        for value in (low - 1, high + 1):
            error = client.get(f"{_url(path, world)}?{name}={value}").get_json()["error"]
            assert (error["code"], error["parameter"]) == ("invalid_parameter", name), path
        checked.add(name)
    assert checked == {"page", "per_page", "award", "after_id"}


@pytest.mark.parametrize("since", ["2027-W10-1", "20270301T0", "2027-03-01 12:00", "2027-060"])
def test_since_is_only_the_documented_date_form(world, api, personas, since):
    """``date.fromisoformat`` read an ISO week date (2027-W10-1) and even "20270301T0" as a
    date, although the document (and the message) say YYYY-MM-DD."""
    client = api(personas["finance_officer"])
    for url in ("/disbursements", f"/awards/{world['award_a'].id}/disbursements"):
        response = client.get(f"{PREFIX}{url}", query_string={"since": since})
        assert response.status_code == 400, (url, since, response.get_json())
        error = response.get_json()["error"]
        assert (error["code"], error["parameter"]) == ("invalid_parameter", "since")
    answered = client.get(f"{PREFIX}/disbursements?since=2027-03-06").get_json()
    assert [row["paid_on"] for row in answered["data"]] == ["2027-03-06"]


def _error_schema(operation: dict, status: str) -> Draft202012Validator:
    response = _resolve(operation["responses"][status])
    schema = response["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": _doc()["components"]})


def test_every_operation_documents_its_refusals():
    """400 and 429 everywhere (the document itself included: a NUL byte in any query parameter
    is refused before the view runs, and the rate limit covers the whole blueprint), 401 where a
    token is needed, 404 where an id is in the path; all with the Error schema."""
    error = {"$ref": "#/components/schemas/Error"}
    for path, item in _doc()["paths"].items():
        operation = item["get"]
        expected = {"200", "400", "429"}
        if operation.get("security") != []:
            expected.add("401")
        if "{" in path:
            expected.add("404")
        assert set(operation["responses"]) == expected, path
        for status in expected - {"200"}:
            response = _resolve(operation["responses"][status])
            assert response["content"]["application/json"]["schema"] == error, (path, status)


def test_a_nul_byte_in_a_query_parameter_is_the_documented_400(world, api, personas):
    """Every operation, the public document included, refuses it as JSON in the Error shape
    (never a database error: PostgreSQL refuses NUL in text)."""
    client = api(personas["finance_officer"])
    for path, item in sorted(_doc()["paths"].items()):
        for query in ({"q": "a\x00b"}, {"a\x00": "1"}):
            response = client.get(_url(path, world), query_string=query)
            assert response.status_code == 400, (path, query, response.get_data(as_text=True))
            assert response.mimetype == "application/json"
            body = response.get_json()
            _error_schema(item["get"], "400").validate(body)
            assert body["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize(
    "url", ["/awards/99999999999/cofinance?status=%00", "/nowhere?x=%00", "/aw%00ards"]
)
def test_refusals_under_the_api_are_json_even_when_no_route_matches(ctx, app, url):
    """The NUL guard used to refuse before the API's routing-error hook ran, so a path under
    /api/v1 that matched no route got the HTML error page (an undocumented content type)."""
    response = app.test_client().get(PREFIX + url)
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    error = {"$ref": "#/components/schemas/Error", "components": _doc()["components"]}
    Draft202012Validator(error).validate(response.get_json())
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")
