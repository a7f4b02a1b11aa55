"""Access matrix for the audit log: staff only (grants managers, finance officers, admins)."""

from tests.support.matrix import STAFF


def test_audit_log_is_for_staff(matrix):
    matrix.check("/audit/", STAFF)
    matrix.check("/audit/?object_type=user&object_id=1&action=user.login&page=2", STAFF)
    matrix.check("/audit/?date_from=2026-03-02&date_to=2026-03-01", STAFF)


def test_only_administrators_check_the_chain_on_demand(matrix):
    matrix.check("/audit/verify", {"admin"}, method="POST")
