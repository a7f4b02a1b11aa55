"""The outbox page: read e-mails in development, filter by status, retry pending ones."""

from __future__ import annotations

from portal.core.db import db
from portal.mail.models import OutboxMessage
from portal.mail.operations import READY_KEY, email_user
from tests.support.forms import post_form


def _queue(user, status="pending") -> OutboxMessage:
    message = email_user("roles_granted", user, roles=[], granted_by=user, link="http://x/")
    message.status = status
    db.session.commit()
    # Committed outside a request: left for "retry" / "mail send", not for the next request.
    db.session.info.pop(READY_KEY, None)
    return message


def test_list_and_filter_by_status(admin_client, personas):
    _queue(personas["reviewer"], "pending")
    _queue(personas["grants_manager"], "failed")
    page = admin_client.get("/admin/outbox").get_data(as_text=True)
    assert personas["reviewer"].email in page and personas["grants_manager"].email in page
    assert "New roles on Cofinancia" in page
    page = admin_client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert personas["grants_manager"].email in page
    assert personas["reviewer"].email not in page
    assert admin_client.get("/admin/outbox?status=bogus").status_code == 200


def test_detail_shows_full_text_when_no_mail_server(admin_client, personas):
    message = _queue(personas["reviewer"])
    page = admin_client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Rita Revisora" in page
    assert "You will find them the next time you log in" in page
    assert f"/audit/?object_type=email&amp;object_id={message.id}" in page


def test_detail_hides_text_when_mail_is_really_sent(app, admin_client, personas, monkeypatch):
    """With a mail server the outbox is no way to read other people's password links."""
    message = _queue(personas["reviewer"])
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    page = admin_client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "You will find them the next time you log in" not in page
    assert "only shown when no mail server is configured" in page


def test_retry_pending_delivers_them(admin_client, personas):
    message = _queue(personas["reviewer"])
    failed = _queue(personas["grants_manager"], "failed")
    response = post_form(
        admin_client, "/admin/outbox/retry", form_url="/admin/outbox", follow_redirects=True
    )
    assert "1 pending message(s) processed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "logged"
    assert db.session.get(OutboxMessage, failed.id).status == "failed"


def test_outbox_list_statement_count_is_fixed(admin_client, personas, count_queries):
    _queue(personas["reviewer"])
    admin_client.get("/admin/outbox")
    with count_queries() as few:
        admin_client.get("/admin/outbox")
    for _ in range(30):
        _queue(personas["reviewer"])
    with count_queries() as many:
        admin_client.get("/admin/outbox")
    assert many.count == few.count


def test_a_logged_message_never_also_says_sent(admin_client, personas):
    """Without a mail server a message is logged, not sent: no "Sent" time next to it."""
    from portal.core.db import now_utc

    message = _queue(personas["reviewer"], "logged")
    message.sent_dt = now_utc()
    db.session.commit()
    page = admin_client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Logged (not sent)" in page and "Logged on" in page
    assert ">Sent</dt>" not in page
    listing = admin_client.get("/admin/outbox").get_data(as_text=True)
    row = listing[listing.index(personas["reviewer"].email) :]
    row = row[: row.index("</tr>")]
    assert "Logged (not sent)" in row and row.rstrip().endswith('<td class="small">—</td>')
