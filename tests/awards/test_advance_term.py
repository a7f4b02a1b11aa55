"""Advances are an explicit term of a fixed amount award: the grants manager sets a limit in the
terms (empty: no advance), the agreement says it, accepted "no advance" risk conditions clear
it and refuse it, and bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.awards import operations
from portal.awards.models import Agreement, Award
from portal.core.db import db
from portal.core.errors import InputError
from tests.awards import helpers
from tests.support.forms import post_form

D = Decimal


def _terms(award, **changes) -> dict:
    values = {
        "instrument": "fixed_amount",
        "amount": award.amount,
        "start_date": award.start_date,
        "end_date": award.end_date,
        "special_conditions": award.special_conditions,
    }
    return {**values, **changes}


def test_the_terms_form_sets_and_clears_the_limit(ctx, application, personas, as_user):
    award = helpers.ready_award(application, personas["grants_manager"])
    client = as_user(personas["grants_manager"])
    url = f"/awards/{award.id}/terms"
    data = {
        "instrument": "fixed_amount",
        "amount": "300000.00",
        "start_date": "2027-02-01",
        "end_date": "2028-01-31",
        "special_conditions": "Informe final.",
    }
    for bad, message in (
        ("300000.01", b"cannot exceed the amount of the award"),
        ("-5", b"greater than zero"),
        ("muchos", b""),
    ):
        response = post_form(client, url, {**data, "advance_limit": bad}, form_url=url)
        assert response.status_code == 422 and message in response.data, bad
        assert db.session.get(Award, award.id).advance_limit is None
    response = post_form(client, url, {**data, "advance_limit": "60000.00"}, form_url=url)
    assert response.status_code == 302
    assert db.session.get(Award, award.id).advance_limit == D("60000.00")
    page = client.get(f"/awards/{award.id}").get_data(as_text=True)
    term = page[page.find("data-term") :][:200]
    assert "Allowed up to" in term and "60,000.00" in term, term
    response = post_form(client, url, {**data, "advance_limit": ""}, form_url=url)
    assert response.status_code == 302
    assert db.session.get(Award, award.id).advance_limit is None


def test_only_fixed_amount_awards_take_advances(ctx, application, personas):
    award = helpers.ready_award(application, personas["grants_manager"])
    with pytest.raises(InputError) as refused:
        operations.update_terms(
            award,
            personas["grants_manager"],
            **_terms(award, instrument="cost_reimbursable", advance_limit=D("1000.00")),
        )
    assert "fixed amount" in str(refused.value.errors["advance_limit"][0])


def test_accepted_no_advance_condition_clears_and_refuses_the_limit(ctx, application, personas):
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager)
    operations.update_terms(award, manager, **_terms(award, advance_limit=D("50000.00")))
    poor = {k: "unsatisfactory" for k in helpers.RISK_KEYS}
    operations.assess_risk(award, manager, poor, "Riesgo alto")
    assert "no_advance" in operations.risk_of(award).proposed_conditions
    operations.accept_risk_conditions(award, manager)
    assert award.advance_limit is None
    with pytest.raises(InputError) as refused:
        operations.update_terms(award, manager, **_terms(award, advance_limit=D("1000.00")))
    assert "exclude advances" in str(refused.value.errors["advance_limit"][0])


def test_the_agreement_states_the_advance(ctx, application, personas, as_user):
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager)
    operations.update_terms(award, manager, **_terms(award, advance_limit=D("60000.00")))
    db.session.commit()
    client = as_user(manager)
    post_form(client, f"/awards/{award.id}/issue", {}, form_url=f"/awards/{award.id}")
    agreement = db.session.query(Agreement).filter_by(award_id=award.id).one()
    assert agreement.content["advance_limit"] == "60000.00"
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert "MXN 60,000.00" in text and "sesenta mil pesos" in text.lower()
