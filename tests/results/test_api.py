"""``GET /api/v1/results`` and ``/api/v1/awards/<id>/results``: the grant's indicators with
baseline, targets and actuals, valid against the documented schema, only for grants the
token's user may see."""

from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker

from portal.api import openapi
from portal.api.operations import create_token
from portal.core.db import db
from portal.results import actuals

STAFF = {"grants_manager", "finance_officer", "admin"}
LOGGED_IN = {"applicant", "other_applicant", "reviewer"} | STAFF


def _get(app, user, url):
    _, token = create_token(user, name="t", days=30)
    db.session.commit()
    return app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})


def _validate(body: dict, operation: str) -> None:
    doc = openapi.document()
    path = next(p for p, item in doc["paths"].items() if item["get"]["operationId"] == operation)
    schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    root = {**schema["schema"], "components": doc["components"]}
    Draft202012Validator(root, format_checker=FormatChecker()).validate(body)


def test_results_of_a_grant(app, award, reports, chosen, personas):
    first, _second, _ = reports
    count_item, _ = chosen
    actuals.record_actual(
        first,
        count_item,
        personas["applicant"],
        {"value": "90", "b-sex-women": "90", "b-state-19": "90"},
    )
    db.session.commit()
    response = _get(app, personas["applicant"], "/api/v1/results")
    assert response.status_code == 200
    body = response.get_json()
    _validate(body, "results")
    count = next(r for r in body["data"] if r["indicator_code"] == "IND-01")
    assert count["measure"] == "count" and count["baseline_value"] == "0.00"
    assert [p["target"] for p in count["periods"]] == ["100.00", "150.00"]
    assert count["periods"][0]["actual"] == "90.00"
    assert count["periods"][0]["actual_status"] == "reported"
    assert {
        (b["dimension"], b["category"], b["value"]) for b in count["periods"][0]["breakdown"]
    } == {
        ("sex", "women", "90.00"),
        ("state", "19", "90.00"),
    }
    assert count["periods"][1]["actual"] is None
    one = _get(app, personas["finance_officer"], f"/api/v1/awards/{award.id}/results")
    _validate(one.get_json(), "award_results")
    assert len(one.get_json()["data"]) == 2
    # Another organisation sees nothing of it.
    other = _get(app, personas["other_applicant"], "/api/v1/results").get_json()
    assert other["data"] == []


def test_access(matrix, award, chosen):
    token = {"auth": "token"}
    matrix.check("/api/v1/results", LOGGED_IN, **token)
    matrix.check(f"/api/v1/awards/{award.id}/results", STAFF | {"applicant"}, **token)
