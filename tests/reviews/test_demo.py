"""The demo stage for reviews (the last of ``portal.demo.seed.STAGES``)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.applications.models import Application
from portal.core.db import db
from portal.demo.seed import seed_all
from portal.reviews.models import (
    Assignment,
    Consensus,
    Panel,
    Review,
    Rubric,
    ScreeningDecision,
)


def test_demo_evaluation_is_complete_and_idempotent(ctx):
    seed_all()
    db.session.commit()
    rubric = db.session.scalars(select(Rubric)).one()
    assert (
        len(rubric.criteria) == 4
        and rubric.half_points
        and rubric.tie_criterion is rubric.criteria[0]
    )
    panel = db.session.scalars(select(Panel)).one()
    emails = sorted(m.user.email for m in panel.members)
    assert emails == ["revisor2@cofinancia.example", "revisora1@cofinancia.example"]
    assert panel.chair.email == "revisora1@cofinancia.example"
    statuses = {a.title: a.status for a in db.session.scalars(select(Application))}
    # The applications stage's submitted application is screened in and stays under review
    # with one submitted review and one draft.
    assert statuses["Mediación vecinal en colonias de Monterrey"] == "under_review"
    in_progress = db.session.scalar(
        select(Application).filter_by(title="Mediación vecinal en colonias de Monterrey")
    )
    reviews = db.session.scalars(
        select(Review).filter_by(application_id=in_progress.id).order_by(Review.id)
    ).all()
    assert [r.status for r in reviews] == ["submitted", "draft"]
    # 30×4 + 30×3.5 + 20×4 + 20×3 = 365
    assert reviews[0].points == 365
    # The one this stage adds heads the ranking with its consensus (the awards stage then
    # awards it): 30×4.5 + 30×4 + 20×4 + 20×4 = 415 of 500 → 83.
    agreed = db.session.scalar(
        select(Application).filter_by(title="Asesoría jurídica gratuita en Apodaca")
    )
    assert agreed.reference == "CONV-2026-01-0002"
    consensus = db.session.scalar(select(Consensus).filter_by(application_id=agreed.id))
    assert consensus.points == 415
    assert db.session.scalars(select(ScreeningDecision.outcome)).all() == ["pass", "pass"]
    counts = {
        m.__name__: db.session.scalar(select(func.count()).select_from(m))
        for m in (Rubric, Panel, Assignment, Review, ScreeningDecision, Application)
    }
    again = seed_all()
    db.session.commit()
    assert sum(again.created.values()) == 0
    assert {
        m.__name__: db.session.scalar(select(func.count()).select_from(m))
        for m in (Rubric, Panel, Assignment, Review, ScreeningDecision, Application)
    } == counts


def test_demo_pages_render(ctx, app):
    """The grants manager and both reviewers each have something to look at."""
    from portal.demo.data import DEMO_PASSWORD
    from tests.support.matrix import login

    seed_all()
    db.session.commit()
    call = "CONV-2026-01"
    manager = app.test_client()
    login(manager, "gestor@cofinancia.example", DEMO_PASSWORD)
    for url in (
        f"/calls/{call}/review",
        f"/calls/{call}/screening",
        f"/calls/{call}/ranking",
        f"/calls/{call}/progress",
        f"/calls/{call}/assignments",
        f"/calls/{call}",
    ):
        assert manager.get(url).status_code == 200, url
    reviewer = app.test_client()
    login(reviewer, "revisor2@cofinancia.example", DEMO_PASSWORD)
    assignment = db.session.scalar(
        select(Assignment)
        .join(Review, Review.assignment_id == Assignment.id)
        .where(Review.status == "draft")
    )
    page = reviewer.get(f"/reviews/assignments/{assignment.id}").get_data(as_text=True)
    assert "Justicia Cercana" not in page and "Save draft" in page
    chair = app.test_client()
    login(chair, "revisora1@cofinancia.example", DEMO_PASSWORD)
    page = chair.get("/reviews/").get_data(as_text=True)
    assert f"/calls/{call}/panel/applications" in page  # she chairs the panel
    assert chair.get(f"/calls/{call}/panel/applications").status_code == 200
    assert "Mediación vecinal en colonias de Monterrey" in reviewer.get("/reviews/").get_data(
        as_text=True
    )
    # The fully reviewed application was awarded by the next stage: its applicant reads the
    # evaluation summary.
    agreed = db.session.scalar(
        select(Application).filter_by(title="Asesoría jurídica gratuita en Apodaca")
    )
    applicant = app.test_client()
    login(applicant, "direccion@justiciacercana.example", DEMO_PASSWORD)
    page = applicant.get(f"/applications/{agreed.id}/evaluation").get_data(as_text=True)
    assert "articulación con la defensoría pública" in page
