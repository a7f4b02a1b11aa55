"""Step-up (issue 17) on the awards side: signing an agreement, signing an amendment and
verifying a grant's new CLABE ask for the second factor again when its proof is old. A stale
proof sends the user to confirm and back to the form's page, and changes nothing (no
signature, no audit entry); a fresh one works as before."""

from __future__ import annotations

from portal.awards import operations as award_operations
from portal.awards.amendments import bank_accounts, document
from portal.awards.amendments import operations as amendment_operations
from portal.awards.models import Agreement
from portal.core import unit_of_work
from portal.core.db import db
from tests.awards import helpers
from tests.awards.test_amendment_bank_account import draft, in_effect, upload_letter
from tests.finance.helpers import active_award
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import csrf_token
from tests.support.step_up import step_up  # noqa: F401


def _sign_form(client, url, user):
    """The signature form as the browser posts it (token read from the page first)."""
    data = {"typed_name": user.full_name, "accept": "y", "password": DEFAULT_PASSWORD}
    return data | {"csrf_token": csrf_token(client, url)}


def test_signing_an_agreement(ctx, application, personas, as_user, step_up):  # noqa: F811
    manager, signatory = personas["grants_manager"], personas["applicant"]
    award = helpers.ready_award(application, manager)
    agreement = award_operations.issue_agreement(award, manager)
    unit_of_work.commit()
    url = f"/agreements/{agreement.id}/sign"
    grantee = as_user(signatory)
    assert "confirm it is you before signing" not in grantee.get(url).get_data(as_text=True)

    step_up.stale()
    page = grantee.get(url)
    assert page.status_code == 200  # the page itself is not guarded, it warns
    assert "confirm it is you before signing" in page.get_data(as_text=True)
    data = _sign_form(grantee, url, signatory)
    before = step_up.audit_count()
    step_up.assert_asked(grantee.post(url, data=data), url)
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == "issued" and agreement.signature("grantee") is None
    assert step_up.audit_count() == before

    step_up.fresh()
    response = grantee.post(url, data=_sign_form(grantee, url, signatory))
    assert response.status_code == 302 and "/confirm" not in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).status == "signed_by_grantee"


def test_whoever_may_not_sign_is_still_refused_not_asked(
    ctx,
    application,
    personas,
    as_user,
    step_up,  # noqa: F811
):
    """Step-up comes after the permission checks: a stale outsider gets 404, not a redirect."""
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = award_operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()
    url = f"/agreements/{agreement.id}/sign"
    outsider = as_user(personas["other_applicant"])
    token = csrf_token(outsider, "/account")
    step_up.stale()
    assert outsider.post(url, data={"csrf_token": token}).status_code == 404
    officer = as_user(personas["finance_officer"])  # sees the grant, does not sign
    response = officer.post(url, data={"csrf_token": csrf_token(officer, "/account")})
    assert response.status_code == 303 and "/confirm" not in response.headers["Location"]


def test_signing_an_amendment(ctx, call, personas, as_user, step_up):  # noqa: F811
    signatory, manager = personas["applicant"], personas["grants_manager"]
    award = active_award(call, personas["org_a"], signatory, manager)
    amendment = draft(award, signatory)
    upload_letter(amendment, signatory)
    amendment_operations.submit(amendment, signatory)
    amendment_operations.decide(amendment, manager, decision="approve")
    unit_of_work.commit()  # renders the document to sign
    url = f"/amendments/{amendment.id}/sign"
    grantee = as_user(signatory)

    step_up.stale()
    assert "confirm it is you before signing" in grantee.get(url).get_data(as_text=True)
    data = _sign_form(grantee, url, signatory)
    before = step_up.audit_count()
    step_up.assert_asked(grantee.post(url, data=data), url)
    db.session.expire_all()
    version = document.version_of(amendment)
    assert amendment.status == "approved" and not version.signatures
    assert step_up.audit_count() == before

    step_up.fresh()
    response = grantee.post(url, data=_sign_form(grantee, url, signatory))
    assert response.status_code == 302 and "/confirm" not in response.headers["Location"]
    db.session.expire_all()
    amendment = db.session.get(type(amendment), amendment.id)
    assert amendment.status == "signed_by_grantee"


def test_verifying_a_new_clabe(ctx, call, personas, as_user, step_up):  # noqa: F811
    award = active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])
    in_effect(award, personas)
    db.session.commit()
    grant_page = f"/finance/grants/{award.id}"
    url = f"/awards/{award.id}/bank-account/verify"
    officer = as_user(personas["finance_officer"])
    token = csrf_token(officer, grant_page)

    step_up.stale()
    before = step_up.audit_count()
    step_up.assert_asked(officer.post(url, data={"csrf_token": token}), grant_page)
    db.session.expire_all()
    assert bank_accounts.account_of(award.id).status == "held"
    assert step_up.audit_count() == before
    # Whoever may not verify is refused as before, not asked to confirm.
    manager = as_user(personas["grants_manager"])
    manager_token = csrf_token(manager, "/account")
    assert manager.post(url, data={"csrf_token": manager_token}).status_code == 403

    step_up.fresh()
    response = officer.post(url, data={"csrf_token": token})
    assert response.status_code == 302 and "/confirm" not in response.headers["Location"]
    db.session.expire_all()
    assert bank_accounts.account_of(award.id).status == "verified"
