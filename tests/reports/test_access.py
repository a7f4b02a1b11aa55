"""Access matrix for every route of the reports blueprint: the grantee's people and the
programme's staff read a grant's reports; only the grantee drafts and submits; only the
programme's grants managers (and administrators) decide, edit the schedule and the call's
report questions; other organisations and reviewers see nothing (404)."""

from __future__ import annotations

from portal.core.db import db
from portal.reports import operations
from portal.reports.models import ReportQuestion
from tests.reports import helpers

STAFF = {"grants_manager", "finance_officer", "admin"}
READERS = STAFF | {"applicant"}
MANAGERS = {"grants_manager", "admin"}


def test_report_pages(ctx, matrix, reports, first, personas):
    r = first.id
    matrix.check(f"/grant-reports/{r}", READERS)
    matrix.check(f"/documents/grant_report/{r}/", READERS)
    matrix.check("/grant-reports/queue", MANAGERS)
    # Empty posts: the allowed personas see the page again with the messages.
    matrix.check(f"/grant-reports/{r}/submit", {"applicant"}, method="POST")
    matrix.check(f"/grant-reports/{r}/reply", {"applicant"} | MANAGERS, method="POST")
    matrix.check(f"/grant-reports/{r}/approve", MANAGERS, method="POST")  # not submitted
    matrix.check(f"/grant-reports/{r}/return", MANAGERS, method="POST")
    matrix.check(f"/grant-reports/{r}", {"applicant"}, method="POST")  # saves a draft


def test_schedule_routes(ctx, matrix, award, reports, first, personas):
    operations.save_answers(first, personas["applicant"], helpers.full_answers(first))
    db.session.commit()
    matrix.check(f"/grant-reports/grants/{award.id}/schedule", MANAGERS)
    matrix.check(f"/grant-reports/grants/{award.id}/schedule", MANAGERS, method="POST")
    matrix.check(f"/grant-reports/{first.id}/schedule", MANAGERS, method="POST")
    # A started report cannot be removed: refused (flashed) after the permission check.
    matrix.check(f"/grant-reports/{first.id}/remove", MANAGERS, method="POST")


def test_question_routes(ctx, matrix, call, personas):
    base = f"/grant-reports/calls/{call.code}/questions"
    spec = dict(
        call_id=call.id,
        report_kind="progress",
        key="meta",
        kind="short_text",
        label_es="Meta",
        label_en="Target",
    )
    question = ReportQuestion(**spec)
    db.session.add(question)
    db.session.commit()
    qid = question.id
    matrix.check(base, MANAGERS)
    matrix.check(f"{base}/new", MANAGERS)
    matrix.check(f"{base}/new", MANAGERS, method="POST")
    matrix.check(f"{base}/{qid}", MANAGERS)
    matrix.check(f"{base}/{qid}", MANAGERS, method="POST")

    def recreate(persona):
        """Each allowed persona deletes the question: put it back before each request."""
        if db.session.get(ReportQuestion, qid) is None:
            db.session.add(ReportQuestion(id=qid, **spec))
            db.session.commit()
        return {}

    matrix.check(f"{base}/{qid}/delete", MANAGERS, method="POST", data_for=recreate)


def test_reviewer_and_other_manager_see_nothing(ctx, first, personas, as_user):
    from tests.support.factories import make_user

    other_manager = make_user(name="Otro Gestor", roles=("grants_manager",))
    client = as_user(other_manager)
    assert client.get(f"/grant-reports/{first.id}").status_code == 404
    assert client.get(f"/grant-reports/grants/{first.award_id}/schedule").status_code == 404
    queue = client.get("/grant-reports/queue")
    assert queue.status_code == 200 and f"/grant-reports/{first.id}" not in queue.get_data(
        as_text=True
    )
