"""Hostile input found by QA: ids beyond the database's integer range, control characters in
a token's name, an account number typed into a bank reference. Each gets a clear answer and
changes nothing; none is a server error."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import func, select

from portal.api import operations
from portal.api.models import ApiToken
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import operations as finance_ops
from tests.api import helpers
from tests.finance import helpers as finance_helpers
from tests.finance.helpers import CLABE
from tests.support.forms import post_form
from tests.support.matrix import login

HUGE = "99999999999999999999"  # beyond SQLite's 64-bit INTEGER
JUST_OVER = str(2**31)  # beyond PostgreSQL's integer


@pytest.mark.parametrize("number", [HUGE, JUST_OVER])
@pytest.mark.parametrize(
    "path",
    ["/awards/{n}", "/calls/{n}", "/awards/{n}/disbursements", "/awards/{n}/cofinance"],
)
def test_ids_beyond_the_integer_range_are_not_found(ctx, app, personas, path, number):
    _, secret = helpers.make_token(personas["finance_officer"])
    response = app.test_client().get(
        "/api/v1" + path.format(n=number), headers=helpers.bearer(secret)
    )
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_huge_id_matches_no_route_even_without_a_token(ctx, app):
    """The bounded ``int`` converter refuses it at routing: a JSON 404 that names nothing."""
    response = app.test_client().get(f"/api/v1/awards/{HUGE}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", [HUGE, JUST_OVER])
def test_revoking_a_token_id_beyond_the_range_is_not_found(ctx, app, personas, number):
    token, _ = helpers.make_token(personas["applicant"])
    client = app.test_client()
    login(client, personas["applicant"].email)
    response = post_form(client, f"/account/tokens/{number}/revoke", form_url="/account/tokens")
    assert response.status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_dt is None


@pytest.mark.parametrize("name", ["Contabilidad\x00", "Conta\nbilidad", "Conta\tbilidad"])
def test_token_name_with_control_characters_is_refused(ctx, app, personas, name):
    with pytest.raises(InputError) as refused:
        operations.create_token(personas["applicant"], name=name, days=30)
    assert "control characters" in str(refused.value.errors["name"][0])

    client = app.test_client()
    login(client, personas["applicant"].email)
    response = post_form(
        client, "/account/tokens", {"name": name, "expires_in": "30"}, form_url="/account/tokens"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "cfp_" not in html
    # The form field refuses it before the operation runs (portal/core/fields.py).
    control = next(c for c in name if not c.isprintable())
    assert f"This text contained a control character (U+{ord(control):04X})" in html
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_clabe_typed_into_the_bank_reference_is_masked(world, api, personas):
    award = world["award_a"]
    officer, manager = personas["finance_officer"], personas["grants_manager"]
    request = finance_helpers.approved_request(
        award, personas["applicant"], manager, officer, milestone=award.milestones[1]
    )
    entry = dataclasses.replace(
        finance_helpers.entry(str(request.amount), "qa-clabe-in-reference"),
        bank_reference=f"SPEI 991 a la cuenta {CLABE}",
    )
    paid, _ = finance_ops.pay_request(request, officer, entry)
    db.session.commit()

    for persona in ("applicant", "grants_manager", "finance_officer"):
        client = api(personas[persona])
        for url in (
            "/api/v1/disbursements?per_page=200",
            f"/api/v1/awards/{award.id}/disbursements",
        ):
            text = client.get(url).get_data(as_text=True)
            assert CLABE not in text, (persona, url)
            [row] = [r for r in json.loads(text)["data"] if r["id"] == paid.id]
            assert row["bank_reference"] == "SPEI 991 a la cuenta ••••"
            assert row["clabe_last4"] == CLABE[-4:]
