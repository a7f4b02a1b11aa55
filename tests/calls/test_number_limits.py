"""Number and money questions get a smallest and largest answer in the form builder (issue 12):
whole numbers within the kind's ceiling, the minimum not above the maximum (an empty minimum
is 0), refused on the field of the real form; other kinds never keep limits."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.calls.form_models import FormQuestion
from portal.calls.models import Call
from portal.calls.rules import form_snapshot
from portal.core.db import db
from tests.calls.helpers import reload
from tests.support.field_errors import field_errors
from tests.support.forms import post_form

NEW = "/calls/CONV-2026-01/form/new"


def _question(key: str) -> FormQuestion | None:
    db.session.expire_all()
    return db.session.scalar(select(FormQuestion).filter_by(key=key))


def _data(kind="number", key="beneficiaries", **limits) -> dict:
    return {"key": key, "kind": kind, "label_es": "Personas", "label_en": "People", **limits}


def test_limits_are_checked_in_the_builder(as_user, personas, draft_call):
    client = as_user(personas["grants_manager"])
    refusals = [
        (
            {"min_value": "5", "max_value": "2"},
            "max_value",
            "The largest answer cannot be smaller than the smallest one (5).",
        ),
        (  # an empty minimum is 0: a negative maximum needs a negative minimum
            {"max_value": "-5"},
            "max_value",
            "The largest answer cannot be smaller than the smallest one (0).",
        ),
        (
            {"min_value": "1000000000"},
            "min_value",
            "Enter a whole number between -999,999,999 and 999,999,999.",
        ),
        (
            {"max_value": "-1000000000", "min_value": "-1000000001"},
            "min_value",
            "Enter a whole number between -999,999,999 and 999,999,999.",
        ),
        ({"min_value": "1.5"}, "min_value", "Not a valid integer value."),
    ]
    for limits, field, message in refusals:
        response = post_form(client, NEW, _data(**limits), form_url=NEW)
        assert response.status_code == 200, limits
        assert message in field_errors(response.get_data(as_text=True), field), limits
        assert _question("beneficiaries") is None
    data = _data(min_value="1", max_value="1000000")
    assert post_form(client, NEW, data, form_url=NEW).status_code == 302
    question = _question("beneficiaries")
    assert (question.min_value, question.max_value) == (1, 1_000_000)
    snapshot = form_snapshot(reload(Call, draft_call.id))
    entry = next(q for q in snapshot["questions"] if q["key"] == "beneficiaries")
    assert (entry["min"], entry["max"]) == (1, 1_000_000)
    builder = client.get("/calls/CONV-2026-01/form").get_data(as_text=True)
    assert "from 1 to 1,000,000" in builder
    edit = f"/calls/CONV-2026-01/form/{question.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="min_value"[^>]*value="1"', page)
    assert re.search(r'<input[^>]*id="max_value"[^>]*value="1000000"', page)


def test_money_limits_reach_the_money_columns_and_may_go_negative(as_user, personas, draft_call):
    client = as_user(personas["grants_manager"])
    too_large = _data(kind="money", key="own_funds", max_value="1000000000000")
    response = post_form(client, NEW, too_large, form_url=NEW)
    assert field_errors(response.get_data(as_text=True), "max_value") == [
        "Enter a whole number between -999,999,999,999 and 999,999,999,999."
    ]
    data = _data(kind="money", key="own_funds", min_value="-50000", max_value="999999999999")
    assert post_form(client, NEW, data, form_url=NEW).status_code == 302
    question = _question("own_funds")
    assert (question.min_value, question.max_value) == (-50_000, 999_999_999_999)
    builder = client.get("/calls/CONV-2026-01/form").get_data(as_text=True)
    assert "from -MXN\xa050,000.00 to MXN\xa0999,999,999,999.00" in builder


def test_empty_limits_mean_zero_to_the_ceiling_and_other_kinds_keep_none(
    as_user, personas, draft_call
):
    client = as_user(personas["grants_manager"])
    assert post_form(client, NEW, _data(), form_url=NEW).status_code == 302
    question = _question("beneficiaries")
    assert (question.min_value, question.max_value) == (None, None)
    builder = client.get("/calls/CONV-2026-01/form").get_data(as_text=True)
    assert "from 0 to 999,999,999" in builder
    text = _data(kind="short_text", key="team", min_value="3", max_value="9")
    assert post_form(client, NEW, text, form_url=NEW).status_code == 302
    question = _question("team")
    assert (question.min_value, question.max_value) == (None, None)
    snapshot = form_snapshot(reload(Call, draft_call.id))
    assert "min" not in next(q for q in snapshot["questions"] if q["key"] == "team")
