"""Balanced automatic assignment: the pure planner, then the operation and its pages."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from portal.core.db import db
from portal.reviews.assignment import Existing, plan
from portal.reviews.models import Assignment
from tests.support import factories
from tests.support.forms import post_form

APPS = [(1, 100), (2, 100), (3, 200), (4, 300)]  # (application id, organisation id)


def test_each_application_gets_n_reviewers_and_the_load_is_even():
    result = plan(APPS, [10, 20, 30], [], {}, per_application=2)
    assert result.gaps == {}
    assert result.pairs == [(1, 10), (1, 20), (2, 30), (2, 10), (3, 20), (3, 30), (4, 10), (4, 20)]
    load = Counter(r for _a, r in result.pairs)
    assert max(load.values()) - min(load.values()) <= 1


def test_plan_is_deterministic():
    first = plan(APPS, [10, 20, 30], [], {}, per_application=2)
    assert plan(APPS, [10, 20, 30], [], {}, per_application=2) == first


def test_never_a_member_of_the_applicant_organisation():
    result = plan(APPS, [10, 20, 30], [], {10: {100}}, per_application=2)
    assert (1, 10) not in result.pairs and (2, 10) not in result.pairs
    assert all(len([p for p in result.pairs if p[0] == a]) == 2 for a, _org in APPS)


def test_never_a_reviewer_with_a_declared_conflict_and_gaps_are_reported():
    existing = [Existing(1, 10, active=False)]  # reviewer 10 recused on application 1
    result = plan(APPS, [10, 20], existing, {20: {100}}, per_application=2)
    # Application 1: 10 recused, 20 a member of the organisation → nobody left.
    assert [p for p in result.pairs if p[0] == 1] == []
    assert result.gaps[1] == 2
    assert (2, 10) in result.pairs and result.gaps[2] == 1


def test_rerun_fills_only_the_gaps():
    existing = [
        Existing(1, 10, True),
        Existing(1, 20, True),
        Existing(2, 30, True),
        Existing(2, 10, False),
    ]  # 10 recused on 2
    result = plan(APPS[:2], [10, 20, 30], existing, {}, per_application=2)
    # Application 1 is full; application 2 needs one more, not 10 (recused), least loaded of 20.
    assert result.pairs == [(2, 20)]


def test_recused_assignments_do_not_count_as_load():
    existing = [Existing(1, 10, False)]
    result = plan([(2, 100)], [10, 20], existing, {}, per_application=1)
    assert result.pairs == [(2, 10)]  # 10 has no active load; ties go to the lower id


# The operation, through the page -----------------------------------------------------------------
def test_auto_assign_through_the_page_and_rerun(
    client, ctx, call, applications, rubric, panel, personas, second_reviewer, outbox
):
    third = factories.make_user(name="Tere Tercera", roles=("reviewer",))
    from portal.reviews.models import PanelMember

    db.session.add(PanelMember(panel_id=panel.id, user_id=third.id))
    db.session.commit()
    from tests.support.matrix import login

    login(client, personas["grants_manager"].email)
    url = f"/calls/{call.code}/assignments/auto"
    response = post_form(client, url, {}, form_url=f"/calls/{call.code}/assignments")
    assert response.status_code == 302
    rows = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    # Two applications under review × 2 reviewers each; the submitted one is not assigned.
    assert len(rows) == 4
    assert {r.application_id for r in rows} == {applications["a1"].id, applications["a2"].id}
    load = Counter(r.reviewer_id for r in rows)
    assert max(load.values()) - min(load.values()) <= 1
    assert all(r.automatic for r in rows)
    # One e-mail per reviewer with new work.
    assert {m.recipient for m in outbox() if m.template == "review_assigned"} == {
        db.session.get(type(third), uid).email for uid in load
    }
    # Running it again assigns nothing.
    post_form(client, url, {}, form_url=f"/calls/{call.code}/assignments")
    assert len(db.session.scalars(select(Assignment)).all()) == 4


def test_manual_assign_refuses_a_member_of_the_applicant(
    client, ctx, call, applications, panel, personas
):
    from tests.support.matrix import login

    member = factories.make_user(name="Miembro Revisor", roles=("reviewer", "applicant"))
    factories.add_member(personas["org_a"], member)
    from portal.reviews.models import PanelMember

    db.session.add(PanelMember(panel_id=panel.id, user_id=member.id))
    db.session.commit()
    login(client, personas["grants_manager"].email)
    a1 = applications["a1"]
    page = f"/calls/{call.code}/assignments"
    response = post_form(
        client,
        f"{page}/{a1.id}",
        {"reviewer_id": member.id},
        form_url=page,
        follow_redirects=True,
    )
    assert "belongs to the applicant organisation" in response.get_data(as_text=True)
    assert db.session.scalars(select(Assignment)).all() == []
    # A panel member outside the organisation is assigned, and can be removed again.
    post_form(client, f"{page}/{a1.id}", {"reviewer_id": personas["reviewer"].id}, form_url=page)
    row = db.session.scalars(select(Assignment)).one()
    assert (row.application_id, row.reviewer_id, row.automatic) == (
        a1.id,
        personas["reviewer"].id,
        False,
    )
    post_form(client, f"{page}/remove/{row.id}", {}, form_url=page)
    assert db.session.scalars(select(Assignment)).all() == []


def test_progress_and_reminders(
    client, ctx, call, applications, rubric, panel, personas, second_reviewer, outbox
):
    from portal.audit.models import AuditEntry
    from tests.reviews import helpers

    a1, a2 = applications["a1"], applications["a2"]
    helpers.add_review(helpers.assign(a1, personas["reviewer"]), rubric, ["4", "4", "4"])
    helpers.assign(a2, personas["reviewer"])  # not declared yet: pending
    helpers.add_review(
        helpers.assign(a1, second_reviewer), rubric, ["3", "3", "3"], submitted=False
    )
    helpers.assign(a2, second_reviewer, conflict=True)  # recused: not pending
    from tests.support.matrix import login

    login(client, personas["grants_manager"].email)
    page = client.get(f"/calls/{call.code}/progress").get_data(as_text=True)
    assert "Rita Revisora" in page and "Sergio Segundo" in page
    assert "1 recused" in page
    url = f"/calls/{call.code}/progress/remind"
    response = post_form(
        client, url, {}, form_url=f"/calls/{call.code}/progress", follow_redirects=True
    )
    assert "Reminders sent to 2 reviewer(s)." in response.get_data(as_text=True)
    reminders = [m for m in outbox() if m.template == "review_reminder"]
    # Rita: a2 pending (a1 submitted); Sergio: a1 draft (a2 recused).
    assert sorted(m.recipient for m in reminders) == sorted(
        [personas["reviewer"].email, second_reviewer.email]
    )
    assert all("1 application(s)" in m.body_text or "1 solicitud" in m.body_text for m in reminders)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.reminders_sent"))
