"""Issue 18: the finance index pages its two lists (payment requests waiting, ``?queue=``;
grants in force, ``?page=``), each page link keeping the other list's page."""

from __future__ import annotations

import re
from decimal import Decimal

from portal.core.db import db
from portal.finance import operations as ops
from portal.finance import views
from tests.finance import helpers


def _waiting(grant, personas) -> None:
    request = ops.create_request(
        grant,
        personas["applicant"],
        milestone_id=grant.milestones[0].id,
        narrative="Plan entregado",
        amount=Decimal("1000.00"),
    )
    ops.submit_request(
        request, personas["applicant"], certified=True, typed_name=personas["applicant"].full_name
    )
    db.session.commit()


def _grants(html: str) -> list[str]:
    return re.findall(r'href="/finance/grants/(\d+)"', html)


def _requests(html: str) -> list[str]:
    return re.findall(r'href="/finance/requests/(\d+)"', html)


def test_both_lists_are_paged_and_links_keep_the_other_page(
    call, award, personas, as_user, monkeypatch
):
    grants = [award]
    for i in range(2):
        grants.append(
            helpers.active_award(
                call,
                personas["org_a"],
                personas["applicant"],
                personas["grants_manager"],
                amount="100000.00",
                title=f"Otra {i}",
            )
        )
    for grant in grants:
        _waiting(grant, personas)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for persona in ("finance_officer", "grants_manager"):
        client = as_user(personas[persona])
        first = client.get("/finance/").get_data(as_text=True)
        second = client.get("/finance/?page=2&queue=2").get_data(as_text=True)
        assert len(_grants(first)) == 2 and len(_grants(second)) == 1, persona
        assert len(_requests(first)) == 2 and len(_requests(second)) == 1, persona
        assert sorted(_grants(first) + _grants(second)) == sorted(str(g.id) for g in grants)
        assert len(set(_requests(first) + _requests(second))) == 3
        # Each list's links move its own page and keep the other's.
        assert 'href="/finance/?queue=2&amp;page=2"' in client.get("/finance/?queue=2").get_data(
            as_text=True
        )
        assert 'href="/finance/?page=2&amp;queue=1"' in second
        assert 'href="/finance/?page=1&amp;queue=2"' in second
        # Junk or a page past the end shows a real page.
        assert len(_grants(client.get("/finance/?page=99&queue=x").get_data(as_text=True))) == 1
