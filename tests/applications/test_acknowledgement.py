"""The acknowledgement PDF: what it lists, and that applicant text stays text."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from portal.applications import acknowledgement, operations
from portal.core.db import db
from tests.applications import helpers

HOSTILE = '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd">'


def test_applicant_text_is_escaped_and_nothing_is_fetched(app, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    answers = dict(helpers.COMPLETE_ANSWERS, summary=HOSTILE)
    helpers.fill(
        app, application, personas["applicant"], answers=answers, title="<script>alert(1)</script>"
    )
    submitted = helpers.submit(app, application, personas["applicant"])
    with helpers.request_context(app):
        loaded = operations.load_full(submitted.id)
        documents = operations.current_documents(loaded)
        from portal.pdf.render import render_html

        html = render_html(
            "acknowledgement.html", language="en", **acknowledgement.context(loaded, documents)
        )
        assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
        assert "<script>" not in html
        document = acknowledgement.generate(loaded, personas["applicant"])  # accepted as a PDF
        db.session.commit()
        pdf = acknowledgement.render(loaded, documents, "en")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.attachments == {}
    assert b"root:" not in pdf
    assert 'file:///etc/passwd">' in text.replace("\n", " ")
    assert "<script>alert(1)</script>" in text
    assert document.is_clean and document.slot == "acknowledgement"


def test_lists_answers_budget_sources_documents_and_times(app, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    letter = helpers.upload(
        app, application, personas["applicant"], slot_key="workplan", name="plan-v2.pdf"
    )
    submitted = helpers.submit(app, application, personas["applicant"])
    with helpers.request_context(app):
        loaded = operations.load_full(submitted.id)
        pdf = acknowledgement.render(loaded, operations.current_documents(loaded), "es")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert submitted.reference in text
    assert "Mediación comunitaria" in text and "250" in text
    for amount in ("300,000.00", "100,000.00", "400,000.00"):  # requested, cost share, total
        assert amount in flat, amount
    assert "25 %" in flat or "25.00 %" in flat
    assert "La propia organización" in flat
    assert letter.sha256 in re.sub(r"\s+", "", text)
    assert "plan-v2.pdf" in flat
    assert "(UTC)" in text and ("(hora del centro)" in text or "(Central Mexico time)" in text)


def test_download_generates_a_missing_acknowledgement(app, as_user, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    submitted = helpers.submit(app, application, personas["applicant"])  # no PDF yet
    with helpers.request_context(app):
        assert acknowledgement.existing(operations.load_full(submitted.id)) is None
    client = as_user(personas["applicant"])
    first = client.get(f"/applications/{submitted.id}/acknowledgement")
    second = client.get(f"/applications/{submitted.id}/acknowledgement")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data  # stored once, served again
    assert first.data.startswith(b"%PDF")
