"""The OpenAPI document is valid, describes exactly the routes of the ``api`` blueprint, and
real responses (successes and errors) validate against the schemas it documents."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate

from portal.api import openapi

PREFIX = "/api/v1"


def _doc():
    return openapi.document()


def _validator(schema: dict) -> Draft202012Validator:
    root = {**schema, "components": _doc()["components"]}
    return Draft202012Validator(root, format_checker=FormatChecker())


def _resolve(item: dict) -> dict:
    if "$ref" in item:
        _, _, section, name = item["$ref"].split("/")
        return _doc()["components"][section][name]
    return item


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]


def _path_of(rule) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX) :])


def test_document_is_valid_openapi():
    validate(_doc())
    assert _doc()["openapi"] == "3.1.0"
    assert _doc()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_route_is_documented_and_every_path_is_a_route(app):
    rules = {_path_of(r): r for r in _api_rules(app)}
    paths = _doc()["paths"]
    assert set(rules) == set(paths)
    for path, rule in rules.items():
        assert rule.rule.startswith(PREFIX)
        assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}
        assert set(paths[path]) == {"get"}
        operation = paths[path]["get"]
        assert operation["operationId"] == rule.endpoint.removeprefix("api.")
        documented = (
            {p["name"] for p in map(_resolve, operation["parameters"]) if p["in"] == "path"}
            if "parameters" in operation
            else set()
        )
        assert documented == set(rule.arguments), path
        public = operation.get("security") == []
        assert public == (rule.endpoint == "api.openapi")
        if not public:
            assert "401" in operation["responses"]


def _example(param: dict, world) -> str:
    schema = param["schema"]
    if param["name"] == "award":
        return str(world["award_a"].id)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("format") == "date":
        return "2027-03-01"
    return str(schema.get("minimum", 1) or 1)


def _url(path: str, world) -> str:
    return PREFIX + path.replace("{call_id}", str(world["call"].id)).replace(
        "{award_id}", str(world["award_a"].id)
    )


@pytest.mark.parametrize("persona", ["applicant", "finance_officer", "grants_manager"])
def test_responses_match_the_documented_schemas(world, api, personas, persona):
    client = api(personas[persona])
    for path, item in _doc()["paths"].items():
        operation = item["get"]
        url = _url(path, world)
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True))
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        _validator(schema).validate(response.get_json())
        if path.endswith(("disbursements", "cofinance", "awards", "calls")):
            assert response.get_json()["data"], f"{url} is empty: nothing was validated"
        # Every documented query parameter is accepted with a valid value.
        for param in map(_resolve, operation.get("parameters", [])):
            if param["in"] == "query":
                answered = client.get(f"{url}?{param['name']}={_example(param, world)}")
                assert answered.status_code == 200, (url, param["name"], answered.get_json())
                _validator(schema).validate(answered.get_json())


def test_errors_match_the_error_schema(world, api, app, personas):
    error = _validator({"$ref": "#/components/schemas/Error"})
    client = api(personas["applicant"])
    b = world["award_b"].id
    responses = [
        app.test_client().get(f"{PREFIX}/awards"),
        client.get(f"{PREFIX}/awards/{b}"),
        client.get(f"{PREFIX}/disbursements?since=yesterday"),
        client.get(f"{PREFIX}/disbursements?foo=1"),
        client.get(f"{PREFIX}/nowhere"),
        app.test_client().post(f"{PREFIX}/me"),
    ]
    assert [r.status_code for r in responses] == [401, 404, 400, 400, 404, 405]
    for response in responses:
        error.validate(response.get_json())


def test_the_schemas_are_strict(world, api, personas):
    """A serializer adding an undocumented field (say, a full CLABE) fails validation."""
    from jsonschema import ValidationError

    schemas = _doc()["components"]["schemas"]
    for name in ("Call", "Award", "Disbursement", "Contribution", "Me", "Error"):
        assert schemas[name]["additionalProperties"] is False
    assert "clabe" not in schemas["Disbursement"]["properties"]
    row = api(personas["finance_officer"]).get(f"{PREFIX}/disbursements").get_json()["data"][0]
    validator = _validator({"$ref": "#/components/schemas/Disbursement"})
    validator.validate(row)
    with pytest.raises(ValidationError) as leaked:
        validator.validate({**row, "clabe": "032180000118359719"})
    assert leaked.value.validator == "additionalProperties"
    with pytest.raises(ValidationError):
        validator.validate({**row, "amount": 100000.0})  # a float amount is refused too
