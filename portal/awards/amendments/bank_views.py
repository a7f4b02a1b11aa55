"""A finance officer verifies a grant's new bank account (set by a bank account change): the
hold on its payments lifts. Whoever may not see the grant gets 404; those who see it but are
not finance officers, 403."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import step_up
from portal.awards.amendments import bank_accounts
from portal.awards.permissions import is_finance
from portal.awards.views import bp, visible_award
from portal.core.views import require, run_action


@bp.post("/awards/<int:award_id>/bank-account/verify")
@login_required
def verify_bank_account(award_id: int):
    award = visible_award(award_id)
    require(is_finance(current_user))
    # Step-up (issue 17): verifying a new CLABE makes it the account payments go to.
    back = url_for("finance.grant", award_id=award.id)
    if refusal := step_up.confirm_first(back=back):
        return refusal
    account = bank_accounts.account_of(award.id)
    if account is None or not account.is_held:
        # A second click, or another officer verified it first.
        flash(_("This grant's bank account is not waiting for verification."), "info")
    else:
        run_action(
            bank_accounts.verify,
            account,
            current_user,
            message=_("The new bank account was verified: payments on this grant resume."),
        )
    return redirect(url_for("finance.grant", award_id=award.id) + "#bank-account")
