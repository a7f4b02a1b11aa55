"""Issue 18: the progress and screening pages count in the database and show a page at a time;
the figures are the ones the pages always showed."""

from __future__ import annotations

import re

import pytest

from tests.reviews import helpers
from tests.support.forms import csrf_token
from tests.support.matrix import login


def _cells(page: str, first_cell: str) -> list[str]:
    """The cells of the table row that starts with ``first_cell``."""
    row = re.search(rf"<tr>\s*<td>{re.escape(first_cell)}</td>(.*?)</tr>", page, re.S)
    assert row, first_cell
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


@pytest.fixture
def evaluation(ctx, call, applications, rubric, panel, personas, second_reviewer):
    """Rita: a1 submitted, a2 undeclared; Sergio: a1 draft, a2 recused; and an application
    no longer under review whose assignment and review the page leaves out."""
    a1, a2 = applications["a1"], applications["a2"]
    rita, sergio = personas["reviewer"], second_reviewer
    helpers.add_review(helpers.assign(a1, rita), rubric, ["4", "4", "4"])
    helpers.assign(a2, rita)
    helpers.add_review(helpers.assign(a1, sergio), rubric, ["3", "3", "3"], submitted=False)
    helpers.assign(a2, sergio, conflict=True)
    decided = helpers.make_application(
        call, personas["org_a"], personas["applicant"], status="recommended", title="Ya decidida"
    )
    helpers.add_review(helpers.assign(decided, rita), rubric, ["5", "5", "5"])
    return applications


def test_progress_counts(client, call, evaluation, panel, personas):
    login(client, personas["grants_manager"].email)
    page = client.get(f"/calls/{call.code}/progress").get_data(as_text=True)
    # Assigned, not declared, drafts, submitted, pending, recused.
    assert [c.strip() for c in _cells(page, "Rita Revisora")] == ["2", "1", "0", "1", "1", "0"]
    assert [c.strip() for c in _cells(page, "Sergio Segundo")] == ["1", "0", "1", "0", "1", "1"]
    assert "Ya decidida" not in page
    expected = panel.reviewers_per_application  # 2
    a1, a2 = evaluation["a1"], evaluation["a2"]
    first = _cells(page, f"{a1.reference} · {a1.title}")
    assert [c.strip() for c in first[:2]] == [f"1 / {expected}", "1"]
    assert "missing" not in first[2] and "recused" not in first[2]
    second = _cells(page, f"{a2.reference} · {a2.title}")
    assert [c.strip() for c in second[:2]] == [f"0 / {expected}", "0"]
    assert "1 reviewer(s) missing" in second[2] and "1 recused" in second[2]


def test_progress_pages_applications(client, call, evaluation, personas, monkeypatch):
    from portal.reviews import progress

    monkeypatch.setattr(progress, "PER_PAGE", 1)
    login(client, personas["grants_manager"].email)
    a1, a2 = evaluation["a1"], evaluation["a2"]
    url = f"/calls/{call.code}/progress"
    first = client.get(url).get_data(as_text=True)
    assert a1.title in first and a2.title not in first
    assert "Page 1 of 2" in first and f'href="{url}?page=2"' in first
    assert "Sergio Segundo" in first  # every reviewer on every page
    for asked in ("2", "99"):  # past the end: the last page
        later = client.get(f"{url}?page={asked}").get_data(as_text=True)
        assert a2.title in later and a1.title not in later and "Page 2 of 2" in later
    assert a1.title in client.get(f"{url}?page=junk").get_data(as_text=True)


def test_progress_without_applications(client, call, personas):
    login(client, personas["grants_manager"].email)
    page = client.get(f"/calls/{call.code}/progress").get_data(as_text=True)
    assert "No assignments yet." in page and "No application is under review yet." in page


def test_screening_queues_page_separately(client, call, applications, personas, monkeypatch):
    from portal.reviews import screening

    monkeypatch.setattr(screening, "PER_PAGE", 1)
    b2 = helpers.make_application(
        call, personas["org_b"], personas["other_applicant"], status="submitted", title="Otra"
    )
    login(client, personas["grants_manager"].email)
    a1, a2, b1 = applications["a1"], applications["a2"], applications["b1"]
    url = f"/calls/{call.code}/screening"
    first = client.get(url).get_data(as_text=True)
    assert f"Screen {b1.reference}" in first and f"Screen {b2.reference}" not in first
    assert a1.title in first and a2.title not in first
    assert first.count("Page 1 of 2") == 2
    assert f'href="{url}?page=2#waiting"' in first and f'href="{url}?done_page=2#done"' in first
    both = client.get(f"{url}?page=2&done_page=2").get_data(as_text=True)
    assert f"Screen {b2.reference}" in both and f"Screen {b1.reference}" not in both
    assert a2.title in both and a1.title not in both
    # Moving one queue keeps the other one's page.
    assert f'href="{url}?page=1&amp;done_page=2#waiting"' in both
    assert f'href="{url}?page=2&amp;done_page=1#done"' in both
    waiting_only = client.get(f"{url}?done_page=9").get_data(as_text=True)
    assert f"Screen {b1.reference}" in waiting_only and a2.title in waiting_only


def test_assignments_page_pages_applications(client, call, evaluation, personas, monkeypatch):
    """Issue 18: the assignments page shows one page of applications; assigning from a later
    page comes back to that page."""
    from portal.reviews import staff_views

    monkeypatch.setattr(staff_views, "PER_PAGE", 1)
    login(client, personas["grants_manager"].email)
    a1, a2 = evaluation["a1"], evaluation["a2"]
    url = f"/calls/{call.code}/assignments"
    first = client.get(url).get_data(as_text=True)
    assert a1.title in first and a2.title not in first
    assert "Page 1 of 2" in first and f'href="{url}?page=2"' in first
    assert "Ya decidida" not in first
    later = client.get(f"{url}?page=2").get_data(as_text=True)
    assert a2.title in later and a1.title not in later
    # Both reviewers are on a2 already (one recused): a third member is needed to add one.
    assert "Rita Revisora" in later and "Sergio Segundo" in later
    response = client.post(
        f"{url}/{a2.id}",
        data={"reviewer_id": personas["reviewer"].id, "csrf_token": csrf_token(client, url)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url}?page=2#app-{a2.id}")
