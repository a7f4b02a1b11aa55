"""The acknowledgement of receipt: a PDF listing the submitted answers, the budget (each
category's lines followed by their subtotal), each document with its SHA-256 (the
application's own and the organisation's profile documents) and the submission time (in the
call's zone and in UTC).

It is generated right after the submission is committed (as a background job when Redis is
configured, inline otherwise), stored through the documents capability (owner type
``application``, slot ``acknowledgement``), and generated on demand if a download finds none.
"""

from __future__ import annotations

import io
import logging

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.applications.answers import display_answer
from portal.applications.budget import totals_of
from portal.applications.constants import ACKNOWLEDGEMENT_SLOT, BudgetCategory
from portal.applications.documents import ACKNOWLEDGEMENT, application_owner
from portal.applications.validation import text_of
from portal.calls.rules import visible_questions
from portal.core import unit_of_work
from portal.core.db import db, now_utc
from portal.core.i18n import locale_for
from portal.documents.operations import latest, receive_upload, start_upload

log = logging.getLogger("portal.applications")


def existing(application):
    return latest("application", application.id, ACKNOWLEDGEMENT_SLOT)


def context(application, documents: dict) -> dict:
    """Everything the template shows, as plain values (the template does no queries)."""
    snapshot = application.snapshot()
    answers = application.answers or {}
    questions = [
        {
            "key": q["key"],
            "label": text_of(q["label"]),
            "answer": display_answer(q, answers.get(q["key"]), application.currency),
        }
        for q in visible_questions(snapshot, answers)
        if q["kind"] != "document"
    ]
    slot_labels = {s["key"]: text_of(s["label"]) for s in snapshot["document_slots"]}
    for source in application.sources:
        slot_labels[source.letter_slot] = _(
            "Commitment letter: %(name)s", name=source.contributor_name
        )
    files = [
        {"slot": slot_labels.get(key, key), "document": doc}
        for key, doc in sorted(documents.items())
        if key != ACKNOWLEDGEMENT_SLOT
    ]
    totals = totals_of(application)
    categories = [
        (c.label, *totals.by_category[c.value]) for c in BudgetCategory if c in totals.by_category
    ]
    groups = [
        {
            "label": label,
            "lines": [line for line in application.lines if line.category == category],
            "requested": requested,
            "cofinance": cofinance,
        }
        for category, (label, requested, cofinance) in zip(
            (c.value for c in BudgetCategory if c in totals.by_category), categories, strict=True
        )
    ]
    return {
        "application": application,
        "call": application.call,
        "organisation": application.organisation,
        "questions": questions,
        "files": files,
        "lines": application.lines,
        "sources": application.sources,
        "totals": totals,
        "categories": categories,
        "groups": groups,
        "generated_dt": now_utc(),
    }


def organisation_files(application) -> list[dict]:
    """The current version of each of the organisation's profile documents (articles of
    incorporation, tax status certificate...), as the template lists them."""
    from portal.documents.operations import available_documents
    from portal.documents.owners import ORGANISATION_SLOTS

    current: dict = {}
    for document in available_documents("organisation", application.organisation_id):
        current.setdefault(document.slot, document)  # newest version first
    labels = {slot.key: slot.label for slot in ORGANISATION_SLOTS}
    order = {slot.key: i for i, slot in enumerate(ORGANISATION_SLOTS)}
    return [
        {"slot": str(labels.get(key, key)), "document": document}
        for key, document in sorted(current.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    ]


def render(application, documents: dict, language: str = "es") -> bytes:
    from portal.pdf.render import render_pdf

    with force_locale(locale_for(language)):
        return render_pdf(
            "acknowledgement.html",
            language=language,
            organisation_files=organisation_files(application),
            **context(application, documents),
        )


def generate(application, user):
    """Render and store the acknowledgement (flushes; the caller commits)."""
    from portal.applications.operations import current_documents
    from portal.audit.operations import record

    documents = current_documents(application)
    pdf = render(application, documents, getattr(user, "locale", "es"))
    owner = application_owner(application)
    name = f"{application.reference}-{_('acknowledgement')}.pdf"
    document = start_upload(owner, ACKNOWLEDGEMENT, user, filename=name)
    outcome = receive_upload(document, ACKNOWLEDGEMENT, io.BytesIO(pdf))
    if not outcome.ok:
        raise RuntimeError(f"acknowledgement of {application!r} refused: {outcome.message}")
    record(
        "application.acknowledgement_generated",
        application,
        changes={"document_id": document.id, "sha256": document.sha256},
        organisation_id=application.organisation_id,
        user=user,
    )
    return document


def ensure(application_id: int):
    """The acknowledgement of a submitted application, generated if missing (flushes: the
    download's recorded read or the job commits it)."""
    from portal.accounts.models import User
    from portal.applications.operations import load_full

    application = load_full(application_id)
    if application is None or not application.was_submitted:
        return None
    found = existing(application)
    if found is not None:
        return found
    user = db.session.get(User, application.submitted_by_id)
    return generate(application, user)


def generate_job(application_id: int) -> None:
    """Entry point after the submission is committed (RQ job, or inline after the request's
    commit): its own unit of work. Problems are logged, not raised: the download generates the
    PDF again if it is missing."""
    try:
        ensure(application_id)
        unit_of_work.commit()
    except Exception:
        unit_of_work.discard()
        log.exception("acknowledgement of application %s failed", application_id)
