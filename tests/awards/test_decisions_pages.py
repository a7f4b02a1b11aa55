"""Issue 18: the award decisions list pages a call's submitted applications (``?page=``, by
number); each row keeps its rank, award and actions. The ranks themselves
(``ranking_read.positions``) are checked against the whole ranking in
``tests/reviews/test_score_summaries.py``."""

from __future__ import annotations

import re

from portal.awards import decision_views
from tests.awards import helpers


def test_decisions_are_paged_by_number(call, personas, as_user, monkeypatch):
    made = [
        helpers.recommended_application(call, personas["org_a"], personas["applicant"])
        for _ in range(3)
    ]
    monkeypatch.setattr(decision_views, "PER_PAGE", 2)
    client = as_user(personas["grants_manager"])
    url = f"/awards/calls/{call.code}"
    first = client.get(url).get_data(as_text=True)
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    decide = r'href="/awards/applications/(\d+)/decide"'
    assert re.findall(decide, first) == [str(a.id) for a in made[:2]]
    assert re.findall(decide, second) == [str(made[2].id)]
    assert f'href="{url}?page=2"' in first and f'href="{url}?page=1"' in second
    assert client.get(f"{url}?page=junk").get_data(as_text=True).count("/decide") == 2
