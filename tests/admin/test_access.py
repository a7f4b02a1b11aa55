"""Access matrix for every administration route: administrators only."""

from sqlalchemy import select

from portal.core.db import db
from portal.mail.models import OutboxMessage
from portal.mail.operations import queue_email
from tests.support.factories import make_user

ADMIN = {"admin"}


def _message_id() -> int:
    message = queue_email("roles_granted", to="x@example.org", user=None, roles=[], granted_by=None)
    db.session.commit()
    return message.id


def test_user_pages(matrix, personas):
    target = make_user(name="Target", roles=("reviewer",))
    matrix.check("/admin/users", ADMIN)
    matrix.check("/admin/users?q=target&role=reviewer&status=active&page=2", ADMIN)
    matrix.check(f"/admin/users/{target.id}", ADMIN)
    matrix.check("/admin/users/invite", ADMIN)


def test_invite_post(matrix):
    data = {"full_name": "Nueva Persona", "email": "nueva@example.org", "roles": ["reviewer"]}
    data["locale"] = "es"
    matrix.check("/admin/users/invite", ADMIN, method="POST", data=data)


def test_user_actions(matrix):
    target = make_user(name="Target", roles=("reviewer",))
    inactive = make_user(name="Inactive", active=False)
    invited = make_user(name="Invited", password=None, verified=False, roles=("reviewer",))
    matrix.check(
        f"/admin/users/{target.id}/roles",
        ADMIN,
        method="POST",
        data={"roles": ["reviewer", "grants_manager"]},
    )
    matrix.check(f"/admin/users/{target.id}/deactivate", ADMIN, method="POST")
    matrix.check(f"/admin/users/{inactive.id}/reactivate", ADMIN, method="POST")
    matrix.check(f"/admin/users/{invited.id}/resend-invitation", ADMIN, method="POST")


def test_outbox_pages(matrix):
    message_id = _message_id()
    matrix.check("/admin/outbox", ADMIN)
    matrix.check("/admin/outbox?status=pending", ADMIN)
    matrix.check(f"/admin/outbox/{message_id}", ADMIN)
    matrix.check("/admin/outbox/retry", ADMIN, method="POST")
    assert db.session.scalar(select(OutboxMessage.status).filter_by(id=message_id)) == "logged"


def test_missing_objects_are_404(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert admin_client.get("/admin/outbox/999999").status_code == 404
