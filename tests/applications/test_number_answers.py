"""Number and money answers stay between the question's limits (issue 12): when staff set none,
from 0 (no negatives) to 999,999,999 (numbers) or MXN 999,999,999,999.99 (amounts). A refused
answer shows on its field and nothing is saved; the submission checks the same limits again."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.calls.form_models import FormQuestion
from portal.core.db import db
from tests.applications import helpers
from tests.support.field_errors import field_errors
from tests.support.forms import post_form


def text(response) -> str:
    return response.get_data(as_text=True)


def _post_answers(client, application_id: int, **answers):
    url = f"/applications/{application_id}/edit"
    page = text(client.get(url))
    version = re.search(r'name="version_id"[^>]*value="(\d+)"', page).group(1)
    data = {"version_id": version, "title": "Mi proyecto", **answers}
    return post_form(client, url, data, form_url=url)


def _limit(call, key: str, low, high) -> None:
    """Staff limits on the call's live form (what a draft answers)."""
    question = db.session.scalar(select(FormQuestion).filter_by(call_id=call.id, key=key))
    question.min_value, question.max_value = low, high
    db.session.commit()


def test_without_limits_negatives_and_absurd_sizes_are_refused(as_user, personas, draft):
    client = as_user(personas["applicant"])
    number = "Enter a number between 0 and 999,999,999."
    amount = "Enter an amount between MXN\xa00.00 and MXN\xa0999,999,999,999.99."
    for answers, field, message in (
        ({"q_beneficiaries": "-5"}, "q_beneficiaries", number),
        ({"q_beneficiaries": "1000000000"}, "q_beneficiaries", number),
        ({"q_beneficiaries": "-0.5"}, "q_beneficiaries", number),
        ({"q_own_funds": "-1.00"}, "q_own_funds", amount),
    ):
        response = _post_answers(client, draft.id, **answers)
        assert response.status_code == 200, answers
        assert field_errors(text(response), field) == [message], answers
        saved = helpers.reload(draft.id)
        assert saved.answers == {} and saved.version_id == 1
    response = _post_answers(client, draft.id, q_beneficiaries="999999999", q_own_funds="0")
    assert response.status_code == 302
    saved = helpers.reload(draft.id).answers
    assert (saved["beneficiaries"], saved["own_funds"]) == ("999999999", "0.00")


def test_staff_limits_apply_and_a_negative_minimum_allows_negatives(as_user, personas, call, draft):
    _limit(call, "beneficiaries", 1, 1_000_000)
    _limit(call, "own_funds", -50_000, 100_000)
    client = as_user(personas["applicant"])
    for value in ("0", "1000001"):
        response = _post_answers(client, draft.id, q_beneficiaries=value)
        assert field_errors(text(response), "q_beneficiaries") == [
            "Enter a number between 1 and 1,000,000."
        ]
    response = _post_answers(client, draft.id, q_own_funds="-50,000.01")
    assert field_errors(text(response), "q_own_funds") == [
        "Enter an amount between -MXN\xa050,000.00 and MXN\xa0100,000.00."
    ]
    assert helpers.reload(draft.id).answers == {}
    response = _post_answers(client, draft.id, q_beneficiaries="1000000", q_own_funds="-50,000.00")
    assert response.status_code == 302
    saved = helpers.reload(draft.id).answers
    assert (saved["beneficiaries"], saved["own_funds"]) == ("1000000", "-50000.00")


def test_submission_checks_the_limits_again(app, as_user, personas, call, ready):
    """An answer saved before the limits existed, or before staff tightened them, is refused
    at submission with the same limits, and the application stays a draft."""
    client = as_user(personas["applicant"])
    helpers.fill(
        app, ready, personas["applicant"], {**helpers.COMPLETE_ANSWERS, "beneficiaries": "-5"}
    )
    url = f"/applications/{ready.id}/submit"
    checklist = text(client.get(url))
    message = "Answer “People served” with a number between 0 and 999,999,999."
    assert f'href="/applications/{ready.id}/edit#q_beneficiaries">{message}</a>' in checklist
    response = post_form(client, url, {"confirm": "y"}, form_url=url)
    assert response.status_code == 422 and message in text(response)
    assert helpers.reload(ready.id).status == "draft"

    helpers.fill(app, ready, personas["applicant"])  # beneficiaries: 250
    _limit(call, "beneficiaries", 500, None)
    response = post_form(client, url, {"confirm": "y"}, form_url=url)
    assert "Answer “People served” with a number between 500 and 999,999,999." in text(response)
    assert helpers.reload(ready.id).status == "draft"
    _limit(call, "beneficiaries", 1, 1_000_000)
    assert post_form(client, url, {"confirm": "y"}, form_url=url).status_code == 302
    assert helpers.reload(ready.id).status == "submitted"
