"""The awards domain's state machines (portal/core/state_machine.py)."""

from __future__ import annotations

from portal.core.state_machine import StateMachine

# A milestone moves with its payment request (finance asks through
# portal.awards.milestone_moves.move_milestone): evidence submitted, approved or returned,
# paid, and back to approved when a reversal uncovers it.
MILESTONE = StateMachine(
    "milestone",
    states=("planned", "submitted", "approved", "paid"),
    rows=[
        ("planned", "submit", "submitted", "the grantee, with a payment request"),
        ("submitted", "approve", "approved", "grants manager (deliverable approved)"),
        ("submitted", "return", "planned", "grants manager (changes requested or rejected)"),
        ("approved", "pay", "paid", "finance (payment covers the approved amount)"),
        ("paid", "unpay", "approved", "finance (a reversal uncovers it)"),
    ],
)

# An award is proposed pending a second approval (above the threshold) or approved at once;
# an issued agreement waits for the grantee's signature, then the programme's countersignature.
# Changing the terms of an issued, unsigned award withdraws its agreement (back to approved);
# a new version may be issued while nobody has signed.
AWARD = StateMachine(
    "award",
    states=(
        "pending_approval",
        "approved",
        "issued",
        "signed_by_grantee",
        "active",
        "rejected",
        "closed",
    ),
    rows=[
        ("pending_approval", "approve", "approved", "a second grants manager", "award.approved"),
        (
            "pending_approval",
            "reject",
            "rejected",
            "a second grants manager",
            "award.approval_refused",
        ),
        (("approved", "issued"), "issue", "issued", "grants manager (issues an agreement)"),
        ("issued", "reopen", "approved", "grants manager (terms changed after issue)"),
        ("issued", "sign", "signed_by_grantee", "the grantee's signatory"),
        (
            "signed_by_grantee",
            "activate",
            "active",
            "grants manager (countersigns)",
            "award.activated",
        ),
        # Closeout (portal/closeout): the checklist complete, a grants manager closes the grant
        # (its records become read-only); an administrator may reopen it, with a reason.
        (
            "active",
            "close",
            "closed",
            "grants manager (closeout checklist complete)",
            "award.closed",
        ),
        ("closed", "reopen", "active", "administrator (with a reason)", "award.reopened"),
    ],
)

# An agreement is created issued; the grantee's signatory signs, a grants manager countersigns
# (it is then in force). A later version supersedes it; changed terms withdraw it unsigned.
AGREEMENT = StateMachine(
    "agreement",
    states=("issued", "signed_by_grantee", "active", "superseded"),
    rows=[
        ("issued", "sign", "signed_by_grantee", "the grantee's signatory", "agreement.signed"),
        ("signed_by_grantee", "countersign", "active", "grants manager", "agreement.signed"),
        (
            ("issued", "signed_by_grantee", "active"),
            "supersede",
            "superseded",
            "grants manager (issues a new version)",
        ),
        (
            "issued",
            "withdraw",
            "superseded",
            "grants manager (terms changed)",
            "agreement.withdrawn",
        ),
    ],
)

# An amendment (portal/awards/amendments) is drafted by the grantee's owner or signatory, or
# started by a grants manager; whoever drafted it submits it (again, after a return for
# changes) or withdraws it; the programme's grants managers approve, return or reject it.
# Approval produces the amendment document: the grantee's signatory signs it, a grants manager
# of the programme countersigns, and only then does the change take effect ("in_effect").
AMENDMENT = StateMachine(
    "amendment",
    states=(
        "draft",
        "submitted",
        "changes_requested",
        "approved",
        "pending_second_approval",
        "signed_by_grantee",
        "in_effect",
        "rejected",
        "withdrawn",
    ),
    rows=[
        (
            ("draft", "changes_requested"),
            "submit",
            "submitted",
            "the grantee's owner or signatory, or the grants manager who started it",
            "amendment.submitted",
        ),
        (
            "submitted",
            "request_changes",
            "changes_requested",
            "grants manager (with comments)",
            "amendment.changes_requested",
        ),
        (
            "submitted",
            "approve",
            "approved",
            "grants manager of the programme (the amendment document is produced)",
            "amendment.approved",
        ),
        (
            "approved",
            "sign",
            "signed_by_grantee",
            "the grantee's signatory",
            "amendment.signed",
        ),
        (
            "signed_by_grantee",
            "countersign",
            "in_effect",
            "grants manager of the programme (the change takes effect)",
            "amendment.countersigned",
        ),
        ("submitted", "reject", "rejected", "grants manager (with reasons)", "amendment.rejected"),
        (
            ("draft", "changes_requested"),
            "withdraw",
            "withdrawn",
            "whoever may submit it",
            "amendment.withdrawn",
        ),
        # An amount increase above the second-approval threshold (kinds/amount.py): the first
        # grants manager's approval waits for another manager's.
        (
            "submitted",
            "approve_first",
            "pending_second_approval",
            "grants manager of the programme (an increase above the threshold)",
            "amendment.first_approved",
        ),
        (
            "pending_second_approval",
            "approve",
            "approved",
            "another grants manager of the programme (the amendment document is produced)",
            "amendment.approved",
        ),
        (
            "pending_second_approval",
            "reject",
            "rejected",
            "another grants manager (with reasons)",
            "amendment.rejected",
        ),
        (
            "pending_second_approval",
            "request_changes",
            "changes_requested",
            "another grants manager (with comments)",
            "amendment.changes_requested",
        ),
        # A budget realignment within the free threshold (kinds/realignment.py): a notification
        # that takes effect when acknowledged, without a document or signatures.
        (
            "submitted",
            "acknowledge",
            "in_effect",
            "grants manager of the programme (a realignment within the threshold)",
            "amendment.acknowledged",
        ),
    ],
)

# A grant's bank account (issue 15, bank account change): a new account takes effect held;
# payments wait until a finance officer verifies it.
BANK_ACCOUNT = StateMachine(
    "bank_account",
    states=("held", "verified"),
    rows=[
        (
            ("held", "verified"),
            "change",
            "held",
            "an approved bank account change taking effect",
            "bank_account.changed",
        ),
        ("held", "verify", "verified", "finance officer", "bank_account.verified"),
    ],
)
