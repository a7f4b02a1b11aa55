"""The API's shapes are defined once (``portal.api.shapes``): the document's component schemas
are generated from the models, every operation answers with its model, and what the API sends
is valid for that model and unchanged by a round trip through it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import get_args

import pytest
from pydantic import BaseModel, ValidationError

from portal.api import errors, openapi, shapes
from portal.api.shapes import envelopes, objects, wire

PREFIX = "/api/v1"


def _doc() -> dict:
    return openapi.document()


def _components() -> dict:
    return _doc()["components"]["schemas"]


def _models_inside(model: type[BaseModel], seen: set) -> set:
    """``model`` and every model its fields contain (lists and nullables included)."""
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        for kind in (field.annotation, *_flatten(field.annotation)):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                _models_inside(kind, seen)
    return seen


def _flatten(annotation) -> list:
    found = []
    for arg in get_args(annotation):
        found += [arg, *_flatten(arg)]
    return found


def test_every_response_model_is_a_component_generated_from_it():
    documented = set()
    for model in shapes.DOCUMENTED:
        _models_inside(model, documented)
    assert envelopes.Error in documented
    assert set(shapes.RESPONSES.values()) <= documented
    for model in documented:
        generated = model.model_json_schema(ref_template=shapes.REF_TEMPLATE, mode="serialization")
        generated.pop("$defs", None)
        component = _components()[model.__name__]
        assert component["additionalProperties"] is False, model
        assert set(component["properties"]) == set(model.model_fields), model
        assert component["properties"] == {
            name: {k: v for k, v in schema.items() if k != "title"}
            for name, schema in generated["properties"].items()
        }, model
    # Nothing in the components that no model put there (but the enums inside the models).
    extra = set(_components()) - {m.__name__ for m in documented}
    assert all("enum" in _components()[name] for name in extra), extra


def test_every_reference_in_the_document_resolves():
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    components = _doc()["components"]
    found = set(refs(_doc()))
    assert found
    for ref in found:
        _, _, section, name = ref.split("/")
        assert name in components[section], ref


def test_every_operation_answers_with_its_model():
    operations = {item["get"]["operationId"]: item["get"] for item in _doc()["paths"].values()}
    assert set(operations) - {"openapi"} == set(shapes.RESPONSES)
    for operation_id, model in shapes.RESPONSES.items():
        body = operations[operation_id]["responses"]["200"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{model.__name__}"}
    for name in ("Unauthorized", "BadRequest", "NotFound", "TooManyRequests"):
        body = _doc()["components"]["responses"][name]["content"]["application/json"]
        assert body["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_schemas_say_how_values_are_written():
    schemas = _components()
    amount = schemas["Milestone"]["properties"]["amount"]
    assert (amount["type"], amount["pattern"]) == ("string", r"^-?[0-9]+\.[0-9]{2}$")
    assert "never a float" in amount["description"]
    budget = schemas["Call"]["properties"]["budget"]["anyOf"]
    assert budget[0]["pattern"] == amount["pattern"] and budget[1] == {"type": "null"}
    instant = schemas["Disbursement"]["properties"]["recorded_dt"]
    assert (instant["type"], instant["format"]) == ("string", "date-time")
    assert instant["pattern"].endswith("Z$")
    day = schemas["Disbursement"]["properties"]["paid_on"]
    assert (day["type"], day["format"]) == ("string", "date")
    assert schemas["AwardStatus"]["enum"] == [
        "pending_approval",
        "approved",
        "issued",
        "signed_by_grantee",
        "active",
        "rejected",
        "closed",
    ]
    assert schemas["Kind"]["enum"] == ["payment", "advance", "reversal", "refund"]
    assert schemas["Commitment"]["properties"]["nature"]["enum"] == ["cash", "in_kind"]
    assert schemas["Call"]["properties"]["currency"]["enum"] == ["MXN", "USD"]


def test_the_error_codes_are_the_messages():
    assert set(get_args(envelopes.ErrorCode)) == set(errors.MESSAGES)


def _url(path: str, world) -> str:
    return PREFIX + path.replace("{call_id}", str(world["call"].id)).replace(
        "{award_id}", str(world["award_a"].id)
    )


@pytest.mark.parametrize("persona", ["applicant", "finance_officer", "grants_manager"])
def test_each_answer_validates_against_its_model(world, api, personas, persona):
    client = api(personas[persona])
    checked = set()
    for path, item in _doc()["paths"].items():
        operation_id = item["get"]["operationId"]
        if operation_id == "openapi":
            continue
        model = shapes.RESPONSES[operation_id]
        paged = "meta" in model.model_fields  # a second page: links.prev and links.next set
        for query in ("", "?per_page=1&page=2") if paged else ("",):
            response = client.get(_url(path, world) + query)
            assert response.status_code == 200, (path, response.get_data(as_text=True))
            body = response.get_json()
            parsed = model.model_validate(body)
            # What was sent is exactly what the model writes: nothing added, lost or reformatted.
            assert shapes.dump(parsed) == body, path
            if "meta" in body and body["data"]:
                checked.add(operation_id)
    assert checked >= {"calls", "awards"}
    if persona == "finance_officer":  # reads every ledger: no list was validated empty
        assert checked == {op for op, m in shapes.RESPONSES.items() if "meta" in m.model_fields}


def test_each_error_validates_against_the_error_model(world, api, app, personas):
    client = api(personas["applicant"])
    responses = [
        app.test_client().get(f"{PREFIX}/awards"),
        client.get(f"{PREFIX}/awards/{world['award_b'].id}"),
        client.get(f"{PREFIX}/disbursements?since=yesterday"),
        client.get(f"{PREFIX}/disbursements?foo=1"),
        app.test_client().post(f"{PREFIX}/me"),
    ]
    for response in responses:
        body = response.get_json()
        assert shapes.dump(envelopes.Error.model_validate(body)) == body
    assert "parameter" not in responses[0].get_json()["error"]  # absent, not null
    assert responses[3].get_json()["error"]["parameter"] == "foo"


def test_the_models_refuse_what_the_document_refuses(world, api, personas):
    row = api(personas["finance_officer"]).get(f"{PREFIX}/disbursements").get_json()["data"][0]
    objects.Disbursement.model_validate(row)
    for changed in (
        {"clabe": "032180000118359719"},  # an undocumented field
        {"amount": 100000.0},  # a float amount
        {"amount": "100000.5"},  # one place
        {"recorded_dt": "2027-03-05T10:00:00+00:00"},  # not written in UTC with Z
        {"paid_on": "2027-W10-1"},
        {"kind": "gift"},
        {"currency": "EUR"},
        {"id": 0},
    ):
        with pytest.raises(ValidationError):
            objects.Disbursement.model_validate({**row, **changed})


def test_python_values_become_their_wire_text():
    shape = objects.Milestone(
        id=1,
        position=0,
        deliverable="Informe",
        due_date=date(2027, 3, 1),
        amount=Decimal("150000.005"),
        currency="MXN",
        status="planned",
    )
    assert shapes.dump(shape) == {
        "id": 1,
        "position": 0,
        "deliverable": "Informe",
        "due_date": "2027-03-01",
        "amount": "150000.01",
        "currency": "MXN",
        "status": "planned",
    }
    sonora = timezone(timedelta(hours=-7))
    token = objects.MeToken(
        id=1,
        name="x",
        prefix="cfp_ab",
        created_dt=datetime(2027, 3, 1, 17, 0, tzinfo=sonora),
        expires_dt=datetime(2027, 6, 1, tzinfo=UTC),
    )
    assert (token.created_dt, token.expires_dt) == ("2027-03-02T00:00:00Z", "2027-06-01T00:00:00Z")
    for value in (datetime(2027, 3, 1), "2027-03-01T00:00:00"):  # naive: no zone, refused
        with pytest.raises(ValidationError):
            objects.MeToken(**{**token.model_dump(), "created_dt": value})
    for amount in (Decimal("NaN"), Decimal("Infinity"), 150000.0, 150000):
        with pytest.raises(ValidationError):
            objects.Milestone(**{**shape.model_dump(), "amount": amount})
    assert wire.Shape.model_config["extra"] == "forbid"
