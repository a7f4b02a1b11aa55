"""An e-mail names the request that wrote it: ``X-Request-ID`` (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.mail.models import OutboxMessage
from tests.support.factories import make_user
from tests.support.forms import csrf_token


def test_the_request_id_travels_with_the_e_mail(app, smtp_server, connection):
    user = make_user(name="Rita Request")
    db.session.commit()
    web = app.test_client()
    response = web.post(
        "/forgot-password",
        data={"email": user.email, "csrf_token": csrf_token(web, "/forgot-password")},
        headers={"X-Request-ID": "proxy-req.0042"},
    )
    assert response.status_code == 302
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    ).all()
    assert message.request_id == "proxy-req.0042"
    [sent] = [m for m in smtp_server.messages if m["To"] == user.email]
    assert sent["X-Request-ID"] == "proxy-req.0042"


def test_an_e_mail_written_outside_a_request_has_no_id(smtp_server):
    from portal.mail.operations import deliver_ready, email_user

    user = make_user(name="Carlos Cron")
    email_user("staff_invitation", user, link="http://x/", invited_by=user, expires_dt=None)
    db.session.commit()
    deliver_ready()
    [sent] = [m for m in smtp_server.messages if m["To"] == user.email]
    assert sent["X-Request-ID"] is None
