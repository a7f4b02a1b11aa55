"""Signatory change and co-finance commitment change (issue 15): the choices, the refusals, the
effect (the organisation's designated signatory changes through the organisations domain;
commitments are added, reduced or withdrawn) and the warning when co-finance falls below the
call's rule (a warning, not a refusal); real form posts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards.amendments import kinds, operations
from portal.awards.amendments.models import Amendment
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from portal.organisations.models import Membership
from tests.awards.amendment_helpers import sign_as, sign_both
from tests.finance.helpers import active_award
from tests.support import factories
from tests.support.forms import csrf_token
from tests.support.matrix import login

D = Decimal


@pytest.fixture
def award(ctx, call, personas):
    return active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])


@pytest.fixture
def editor(ctx, personas):
    user = factories.make_user(name="Eva Editora")
    factories.add_member(personas["org_a"], user, "editor")
    return user


def approve(amendment, personas):
    operations.submit(amendment, amendment.requested_by)
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert amendment.status == "approved"


def take_effect(amendment, personas):
    """Approved, signed by the grantee's signatory (the applicant, org_a's owner) and
    countersigned: only then does the change apply."""
    approve(amendment, personas)
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"


def _signatory(org):
    return db.session.scalar(
        select(Membership).filter_by(organisation_id=org.id, is_signatory=True)
    )


# Signatory ---------------------------------------------------------------------------------
def test_signatory_change_takes_effect_through_the_organisation(award, personas, editor):
    assert _signatory(personas["org_a"]).user_id == personas["applicant"].id
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["signatory"],
        new_signatory=str(editor.id),
        justification="Nueva directora",
    )
    assert [c.new for c in kinds.describe(amendment)] == ["Eva Editora"]
    approve(amendment, personas)
    assert _signatory(personas["org_a"]).user_id == personas["applicant"].id  # not yet
    # The signatory in office signs the amendment that replaces them.
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert _signatory(personas["org_a"]).user_id == editor.id
    unit_of_work.commit()
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"organisation.signatory_set", "award.amended"} <= actions


@pytest.mark.parametrize("who", ["viewer", "outsider", "current", "nobody"])
def test_signatory_refusals(award, personas, who):
    user = factories.make_user(name="Vera Vista")
    if who == "viewer":
        factories.add_member(personas["org_a"], user, "viewer")
    value = {
        "viewer": str(user.id),
        "outsider": str(personas["other_applicant"].id),
        "current": str(personas["applicant"].id),
        "nobody": "",
    }[who]
    with pytest.raises(InputError) as refused:
        operations.create_draft(
            award,
            personas["applicant"],
            kinds=["signatory"],
            new_signatory=value,
            justification="x",
        )
    assert "new_signatory" in refused.value.errors


def test_a_signatory_who_became_a_viewer_is_refused_at_the_decision(award, personas, editor):
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["signatory"],
        new_signatory=str(editor.id),
        justification="Nueva directora",
    )
    operations.submit(amendment, personas["applicant"])
    membership = db.session.scalar(select(Membership).filter_by(user_id=editor.id))
    membership.role = "viewer"
    db.session.flush()
    with pytest.raises(InputError):
        operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert _signatory(personas["org_a"]).user_id == personas["applicant"].id


def test_a_signatory_who_became_a_viewer_is_refused_at_the_countersignature(
    award, personas, editor
):
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["signatory"],
        new_signatory=str(editor.id),
        justification="Nueva directora",
    )
    approve(amendment, personas)
    unit_of_work.commit()
    sign_as(amendment, personas["applicant"])
    membership = db.session.scalar(select(Membership).filter_by(user_id=editor.id))
    membership.role = "viewer"
    db.session.commit()
    with pytest.raises(InputError):
        sign_as(amendment, personas["grants_manager"])
    unit_of_work.discard()  # as the view does on a refusal
    assert amendment.status == "signed_by_grantee"
    assert _signatory(personas["org_a"]).user_id == personas["applicant"].id


def test_a_signatory_who_left_is_refused_at_the_countersignature(award, personas, editor):
    """Between the approval and the countersignature the chosen person left: a clear refusal,
    not a server error, and nothing changes."""
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["signatory"],
        new_signatory=str(editor.id),
        justification="Nueva directora",
    )
    approve(amendment, personas)
    unit_of_work.commit()
    sign_as(amendment, personas["applicant"])
    db.session.delete(db.session.scalar(select(Membership).filter_by(user_id=editor.id)))
    db.session.commit()
    with pytest.raises(InputError) as refused:
        sign_as(amendment, personas["grants_manager"])
    assert "no longer a member" in str(refused.value.errors[""][0])
    unit_of_work.discard()
    assert amendment.status == "signed_by_grantee"
    assert _signatory(personas["org_a"]).user_id == personas["applicant"].id


def test_signatory_form_lists_owners_and_editors_only(app, award, personas, editor):
    viewer = factories.make_user(name="Vera Vista")
    factories.add_member(personas["org_a"], viewer, "viewer")
    client = app.test_client()
    login(client, personas["applicant"].email)
    url = f"/awards/{award.id}/amendments/new"
    page = client.get(url).get_data(as_text=True)
    assert "Eva Editora" in page and "Vera Vista" not in page
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "kinds": "signatory",
            "new_signatory": str(editor.id),
            "justification": "Nueva directora",
        },
    )
    assert response.status_code == 302, response.data
    amendment = operations.open_amendment(award)
    assert amendment.changes["signatory_user_id"] == [personas["applicant"].id, editor.id]
    edit = client.get(f"/amendments/{amendment.id}/edit").get_data(as_text=True)
    assert f'value="{editor.id}" selected' in edit or f'selected value="{editor.id}"' in edit


# Co-finance --------------------------------------------------------------------------------
def _cofinance(award, user, **values):
    return operations.create_draft(award, user, kinds=["cofinance"], justification="x", **values)


def _add(award, user, amount="50000.00", counts_as="cost_share"):
    return _cofinance(
        award,
        user,
        cofinance_action="add",
        cofinance_contributor="Fundación Norte",
        cofinance_amount=D(amount),
        cofinance_nature="cash",
        cofinance_counts_as=counts_as,
    )


def test_add_a_cofinancier(award, personas):
    before = len(award.commitments)
    amendment = _add(award, personas["applicant"])
    approve(amendment, personas)
    assert len(award.commitments) == before  # nothing changes before both signatures
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert len(award.commitments) == before + 1
    added = award.commitments[-1]
    assert (added.contributor_name, added.amount, added.counts_as) == (
        "Fundación Norte",
        D("50000.00"),
        "cost_share",
    )


def test_reduce_and_withdraw(award, personas):
    take_effect(_add(award, personas["applicant"], amount="80000.00"), personas)
    commitment = award.commitments[-1]
    assert commitment.amount == D("80000.00")
    reduce = _cofinance(
        award,
        personas["applicant"],
        cofinance_action="reduce",
        cofinance_commitment=str(commitment.id),
        cofinance_amount=D("30000.00"),
    )
    take_effect(reduce, personas)
    assert commitment.amount == D("30000.00")
    withdraw = _cofinance(
        award,
        personas["applicant"],
        cofinance_action="withdraw",
        cofinance_commitment=str(commitment.id),
    )
    assert kinds.describe(withdraw)[0].new == "Withdrawn"
    take_effect(withdraw, personas)
    assert commitment not in award.commitments


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "cofinance_action"),
        ({"cofinance_action": "reduce"}, "cofinance_commitment"),
        ({"cofinance_action": "add", "cofinance_nature": "cash"}, "cofinance_contributor"),
        (
            {
                "cofinance_action": "add",
                "cofinance_contributor": "X",
                "cofinance_amount": D("10.00"),
                "cofinance_nature": "in_kind",
                "cofinance_counts_as": "cost_share",
            },
            "cofinance_valuation",
        ),
    ],
)
def test_cofinance_refusals(award, personas, values, field):
    with pytest.raises(InputError) as refused:
        _cofinance(award, personas["applicant"], **values)
    assert field in refused.value.errors


def test_reduce_must_reduce(award, personas):
    take_effect(_add(award, personas["applicant"], amount="80000.00"), personas)
    commitment = award.commitments[-1]
    assert commitment.amount == D("80000.00")
    with pytest.raises(InputError) as refused:
        _cofinance(
            award,
            personas["applicant"],
            cofinance_action="reduce",
            cofinance_commitment=str(commitment.id),
            cofinance_amount=D("90000.00"),
        )
    assert "cofinance_amount" in refused.value.errors


def test_a_shortfall_is_a_warning_not_a_refusal(app, award, personas):
    call = award.application.call
    call.cofinance_min_pct = D("20.00")
    for c in list(award.commitments):
        award.commitments.remove(c)
    db.session.flush()
    take_effect(_add(award, personas["applicant"], amount="100000.00"), personas)
    # 100,000 of 400,000 total: 25 % ≥ 20 %. Reducing to 50,000: 50/350 = 14.28 %.
    reduce = _cofinance(
        award,
        personas["applicant"],
        cofinance_action="reduce",
        cofinance_commitment=str(award.commitments[-1].id),
        cofinance_amount=D("50000.00"),
    )
    warnings = kinds.warnings(reduce)
    assert len(warnings) == 1 and "14.28" in warnings[0] and "20" in warnings[0]
    operations.submit(reduce, personas["applicant"])
    db.session.commit()
    client = app.test_client()
    login(client, personas["grants_manager"].email)
    page = client.get(f"/amendments/{reduce.id}").get_data(as_text=True)
    assert page.count("data-amendment-warning") == 1 and "14.28" in page
    assert "Record the decision" in page
    reduce = db.session.get(Amendment, reduce.id)  # the page's request ended the session
    award = reduce.award
    operations.decide(reduce, personas["grants_manager"], decision="approve")  # staff decide
    assert reduce.status == "approved"
    sign_both(reduce, personas["applicant"], personas["grants_manager"])
    assert reduce.status == "in_effect"
    assert award.commitments[-1].amount == D("50000.00")
    # Adding leverage does not help the share.
    assert kinds.warnings(_add(award, personas["applicant"], counts_as="leverage"))


def test_cofinance_form_post(app, award, personas):
    client = app.test_client()
    login(client, personas["applicant"].email)
    url = f"/awards/{award.id}/amendments/new"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "kinds": "cofinance",
            "cofinance_action": "add",
            "cofinance_contributor": "Fundación Norte",
            "cofinance_amount": "25,000.00",
            "cofinance_nature": "cash",
            "cofinance_counts_as": "cost_share",
            "justification": "Nuevo cofinanciador",
        },
    )
    assert response.status_code == 302, response.data
    amendment = operations.open_amendment(award)
    assert amendment.changes["cofinance"][1]["amount"] == "25000.00"
    refused = client.post(
        f"/amendments/{amendment.id}/edit",
        data={
            "csrf_token": csrf_token(client, f"/amendments/{amendment.id}/edit"),
            "kinds": "cofinance",
            "cofinance_action": "reduce",
            "justification": "x",
        },
    )
    assert refused.status_code == 422
    assert "Choose the commitment that changes" in refused.get_data(as_text=True)
