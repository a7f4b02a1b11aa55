"""Browsing and filtering the audit log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.core.db import db
from tests.audit.helpers import add_entry
from tests.support.forms import post_form
from tests.support.matrix import login


@pytest.fixture
def staff_client(client, personas):
    """A grants manager working from Sonora (UTC-7 all year)."""
    manager = personas["grants_manager"]
    manager.timezone = "America/Hermosillo"
    db.session.commit()
    login(client, manager.email)
    return client


def _rows(page: str) -> list[int]:
    """Entry ids in the order shown."""
    return [int(n) for n in re.findall(r'<tr id="entry-(\d+)">', page)]


def test_row_shows_time_actor_organisation_changes_ip_and_request(staff_client, personas):
    org = personas["org_a"]
    entry = add_entry(
        "organisation.updated",
        object_type="organisation",
        object_id=org.id,
        user=personas["applicant"],
        organisation_id=org.id,
        changes={"legal_name": ["Org A", "Org A A.C."], "website": "https://a.example"},
        when=datetime(2026, 3, 1, 5, 30, tzinfo=UTC),
        ip="203.0.113.9",
        request_id="req-1234567890",
    )
    page = staff_client.get("/audit/").get_data(as_text=True)
    row = page[page.index(f'<tr id="entry-{entry.id}">') :]
    row = row[: row.index("</tr>")]
    assert "Feb 28, 2026, 10:30:00\u202fPM (Sonora time)" in row
    assert "Ana Aplicante" in row and personas["applicant"].email in row
    assert "Org A A.C." in row
    assert "organisation.updated" in row
    assert f"/audit/?object_type=organisation&amp;object_id={org.id}" in row
    assert (
        "<del" in row
        and '>Org A</del> → <ins class="text-decoration-none fw-semibold">Org A A.C.</ins>' in row
    )
    assert "https://a.example" in row
    assert "203.0.113.9" in row and "req-1234567890" in row


def test_entries_written_by_requests_carry_ip_and_request_id(app, personas, client):
    admin_client = app.test_client()
    login(admin_client, personas["admin"].email)
    target = personas["reviewer"]
    url = f"/admin/users/{target.id}"
    post_form(admin_client, f"{url}/roles", {"roles": ["reviewer", "admin"]}, form_url=url)
    page = admin_client.get(f"/audit/?object_type=user&object_id={target.id}").get_data(
        as_text=True
    )
    assert "user.roles_changed" in page
    assert "127.0.0.1" in page
    assert re.search(r'title="Request id">[0-9a-f]{32}<', page)
    assert "Adela Admin" in page


def test_newest_first(staff_client):
    ids = [add_entry(object_id=n).id for n in range(3)]
    assert _rows(staff_client.get("/audit/?object_type=user").get_data(as_text=True))[:3] == [
        *reversed(ids)
    ]


def test_filter_by_object(staff_client):
    mine = add_entry(object_type="organisation", object_id=7)
    add_entry(object_type="organisation", object_id=8)
    add_entry(object_type="user", object_id=7)
    page = staff_client.get("/audit/?object_type=organisation&object_id=7").get_data(as_text=True)
    assert _rows(page) == [mine.id]


def test_filter_by_action(staff_client):
    mine = add_entry("user.deactivated", object_id=991)
    add_entry("user.reactivated", object_id=991)
    page = staff_client.get("/audit/?action=user.deactivated&object_id=991").get_data(as_text=True)
    assert _rows(page) == [mine.id]


def test_filter_by_user(staff_client, personas):
    rita = add_entry(user=personas["reviewer"], object_id=992)
    add_entry(user=personas["applicant"], object_id=992)
    add_entry(object_id=992)  # the system
    exact = staff_client.get(f"/audit/?object_id=992&user={personas['reviewer'].email.upper()}")
    assert _rows(exact.get_data(as_text=True)) == [rita.id]
    partial = staff_client.get("/audit/?object_id=992&user=revisora")
    assert _rows(partial.get_data(as_text=True)) == [rita.id]


def test_filter_by_organisation(staff_client, personas):
    org_a, org_b = personas["org_a"], personas["org_b"]
    a = add_entry(organisation_id=org_a.id, object_id=993)
    add_entry(organisation_id=org_b.id, object_id=993)
    for value in (str(org_a.id), org_a.rfc.lower(), "org a a.c"):
        page = staff_client.get("/audit/", query_string={"object_id": 993, "organisation": value})
        assert _rows(page.get_data(as_text=True)) == [a.id], value


def test_date_range_is_read_in_the_viewers_zone(staff_client):
    # 2026-03-01 06:30 UTC is still 28 February in Sonora (UTC-7); 07:30 UTC is 1 March.
    late = add_entry(object_id=994, when=datetime(2026, 3, 1, 6, 30, tzinfo=UTC))
    early = add_entry(object_id=994, when=datetime(2026, 3, 1, 7, 30, tzinfo=UTC))
    day_after = add_entry(object_id=994, when=datetime(2026, 3, 2, 7, 30, tzinfo=UTC))

    def shown(query: str) -> list[int]:
        return _rows(staff_client.get(f"/audit/?object_id=994&{query}").get_data(as_text=True))

    assert shown("date_from=2026-03-01&date_to=2026-03-01") == [early.id]
    assert shown("date_to=2026-02-28") == [late.id]
    assert shown("date_from=2026-03-02") == [day_after.id]
    assert shown("date_from=2026-02-28") == [day_after.id, early.id, late.id]


def test_bad_filters_are_explained(staff_client):
    add_entry(object_id=995)
    response = staff_client.get("/audit/?date_from=2026-03-02&date_to=2026-03-01")
    page = response.get_data(as_text=True)
    assert "The end date is before the start date." in page
    assert _rows(page) == []
    page = staff_client.get("/audit/?date_from=yesterday").get_data(as_text=True)
    assert "Not a valid date value." in page
    page = staff_client.get("/audit/?action=no.such").get_data(as_text=True)
    assert "Not a valid choice" in page


def test_per_object_links(staff_client, personas):
    entry = add_entry(user=personas["reviewer"], organisation_id=personas["org_a"].id)
    page = staff_client.get("/audit/").get_data(as_text=True)
    assert f"/audit/?object_type=user&amp;object_id={entry.object_id}" in page
    assert f"/audit/?user={personas['reviewer'].email}" in page.replace("%40", "@")
    assert f"/audit/?organisation={personas['org_a'].id}" in page
    assert "/audit/?action=user.profile_updated" in page


def test_fixed_number_of_statements_and_pagination(staff_client, personas, count_queries):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(3):
        add_entry(user=personas["reviewer"], organisation_id=personas["org_a"].id, object_id=n)
    staff_client.get("/audit/")
    with count_queries() as few:
        assert staff_client.get("/audit/").status_code == 200
    users = [personas[p] for p in ("applicant", "other_applicant", "reviewer", "admin")]
    orgs = [personas["org_a"].id, personas["org_b"].id, None]
    for n in range(120):
        add_entry(
            user=users[n % 4],
            organisation_id=orgs[n % 3],
            object_id=1000 + n,
            changes={"n": [n, n + 1]},
            when=start + timedelta(minutes=n),
        )
    with count_queries() as many:
        page = staff_client.get("/audit/").get_data(as_text=True)
    assert many.count == few.count
    assert len(_rows(page)) == 50
    assert "Page 1 of" in page
    second = _rows(staff_client.get("/audit/?page=2").get_data(as_text=True))
    assert len(second) == 50 and not set(second) & set(_rows(page))
