"""Every role's home page lists what is waiting for that person in the demo data, each task
links to a page that person can open, nobody sees another organisation's work, and the page
runs the same number of SQL statements however many tasks there are."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.applications.models import Application
from portal.core.db import db
from portal.demo.data import DEMO_PASSWORD
from portal.demo.seed import seed_all
from portal.finance.models import CofinanceContribution
from tests.support.matrix import login

# persona -> (group titles that must be there, texts that must not appear)
EXPECTED = {
    "direccion@justiciacercana.example": (
        ["Agreements to sign", "Milestone reports due", "Co-finance to report"],
        ["Mediación empresarial en Hermosillo"],
    ),
    "proyectos@justiciacercana.example": (
        ["Milestone reports due", "Co-finance to report"],
        ["Agreements to sign"],  # an editor, not the signatory
    ),
    "direccion@mediasonora.example": (
        ["Drafts to finish and submit", "Milestone reports due"],
        ["Asesoría jurídica gratuita en Apodaca", "CONV-2025-01-0901"],
    ),
    "revisor2@cofinancia.example": (["Reviews to score", "Due:"], []),  # the panel's date
    "revisora1@cofinancia.example": (["Consensus to record"], []),
    "gestor@cofinancia.example": (
        ["Consensus to record", "Deliverables to approve", "Overdue milestone reports"],
        [],
    ),
    "finanzas@cofinancia.example": (["Co-finance to verify"], []),
    "admin@cofinancia.example": (["Audit trail"], []),
}


SIGNATORY = "direccion@justiciacercana.example"


@pytest.fixture
def demo(ctx):
    seed_all()
    db.session.commit()


def _home(client, email: str) -> str:
    login(client, email, DEMO_PASSWORD)
    response = client.get("/dashboard?lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _task_links(page: str) -> list[str]:
    section = page.split('id="waiting-heading"', 1)[1].split('id="shortcuts-heading"', 1)[0]
    return re.findall(r'<a class="btn btn-sm btn-primary" href="([^"]+)"', section)


def test_each_persona_sees_its_tasks_and_can_open_them(demo, app):
    """One seed for every persona (seeding takes seconds)."""
    for email, (present, absent) in EXPECTED.items():
        client = app.test_client()
        page = _home(client, email)
        for title in present:
            assert title in page, f"{email}: no '{title}'"
        for text in absent:
            assert text not in page, f"{email} sees '{text}'"
        links = _task_links(page)
        assert links, email
        for url in links:
            response = client.get(url.split("#")[0])
            assert response.status_code == 200, (email, url, response.status_code)

    # The signatory reaches the signature form in one click from her home page.
    client = app.test_client()
    sign = [u for u in _task_links(_home(client, SIGNATORY)) if u.endswith("/sign")]
    assert len(sign) == 1
    assert 'name="typed_name"' in client.get(sign[0]).get_data(as_text=True)

    # A viewer has nothing to do: the empty state says what will appear and how to start.
    page = _home(app.test_client(), "consulta@mediasonora.example")
    assert "Nothing is waiting for you right now." in page
    assert "Find an open call and start an application" in page


def test_statements_do_not_grow_with_the_tasks(demo, app, count_queries):
    def statements(email: str) -> int:
        client = app.test_client()
        login(client, email, DEMO_PASSWORD)
        with count_queries() as counter:
            assert client.get("/dashboard").status_code == 200
        return counter.count

    applicant, finance = "direccion@mediasonora.example", "finanzas@cofinancia.example"
    before = statements(applicant), statements(finance)
    draft = db.session.scalar(select(Application).filter_by(status="draft"))
    contribution = db.session.scalar(select(CofinanceContribution).filter_by(status="reported"))
    for n in range(7):
        db.session.add(
            Application(
                call_id=draft.call_id,
                organisation_id=draft.organisation_id,
                created_by_id=draft.created_by_id,
                title=f"Otro borrador {n}",
                currency=draft.currency,
            )
        )
        db.session.add(
            CofinanceContribution(
                **{
                    c.key: getattr(contribution, c.key)
                    for c in CofinanceContribution.__table__.columns
                    if c.key != "id"
                }
            )
        )
    db.session.commit()
    after = statements(applicant), statements(finance)
    assert after == before
    page = _home(app.test_client(), applicant)
    assert "See all 8" in page


def test_my_grants_lists_every_state_with_the_next_step(demo, app):
    """The dead end of issue 14: the issued award is listed with "sign" for the signatory,
    and the awarded application links to its grant."""
    signatory = app.test_client()
    login(signatory, SIGNATORY, DEMO_PASSWORD)
    page = signatory.get("/finance/mine?lang=en").get_data(as_text=True)
    issued = page.split("CONV-2026-01-0002", 1)[1].split("</li>", 1)[0]
    assert "Agreement issued" in issued and "Review and sign the agreement" in issued
    assert "CONV-2025-01-0901" in page and "Disbursed" in page  # active grants too
    assert "Mediación comercial comunitaria en Hermosillo" not in page  # another organisation

    editor = app.test_client()
    login(editor, "proyectos@justiciacercana.example", DEMO_PASSWORD)
    page = editor.get("/finance/mine?lang=en").get_data(as_text=True)
    assert "signatory." in page and "Read the agreement" in page
    assert "Review and sign the agreement" not in page

    application = db.session.scalar(select(Application).filter_by(reference="CONV-2026-01-0002"))
    status = signatory.get(f"/applications/{application.id}?lang=en").get_data(as_text=True)
    assert "Open the grant and its agreement" in status
    other = app.test_client()
    login(other, "direccion@mediasonora.example", DEMO_PASSWORD)
    assert other.get(f"/applications/{application.id}").status_code == 404
