"""The fixed vocabulary of audited actions. Add new actions here, grouped by domain."""

from __future__ import annotations

ACTIONS: frozenset[str] = frozenset(
    {
        # accounts
        "user.registered",
        "user.email_verified",
        "user.login",
        "user.login_failed",
        "user.logout",
        "user.logout_everywhere",
        "user.password_changed",
        "user.password_reset_requested",
        "user.password_reset",
        "user.password_rehashed",
        "user.profile_updated",
        "user.invited",
        "user.invitation_resent",
        "user.roles_changed",
        "user.deactivated",
        "user.reactivated",
        # organisations
        "organisation.created",
        "organisation.updated",
        "organisation.duplicate_rfc_attempt",
        "organisation.member_invited",
        "organisation.invitation_revoked",
        "organisation.member_joined",
        "organisation.member_role_changed",
        "organisation.member_removed",
        "organisation.signatory_set",
        # programmes and calls
        "programme.created",
        "programme.updated",
        "call.created",
        "call.updated",
        "call.published",
        "call.closed",
        "call.archived",
        "call.form_version_created",
        "call.question_added",
        "call.question_updated",
        "call.question_removed",
        "call.question_moved",
        "call.slot_added",
        "call.slot_updated",
        "call.slot_removed",
        "call.quiz_question_added",
        "call.quiz_question_updated",
        "call.quiz_question_removed",
        "call.quiz_question_moved",
        "call.notice_added",
        "call.notice_updated",
        "call.notice_removed",
        # mail
        "mail.sent",
        "mail.failed",
        # documents
        "document.uploaded",
        "document.rejected",
        "document.downloaded",
        "document.deleted",
    }
)
