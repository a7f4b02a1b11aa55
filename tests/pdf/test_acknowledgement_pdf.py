"""The acknowledgement PDF: each budget category's lines followed by its subtotal (one style),
and the organisation's profile documents listed with the application's own."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from portal.applications import acknowledgement, operations
from portal.core.db import db
from portal.documents.operations import upload_file
from portal.documents.owners import ORGANISATION_SLOTS, load_organisation
from portal.pdf.render import render_html
from tests.applications import helpers
from tests.awards.helpers import pdf_text
from tests.documents import samples

D = Decimal
# Two categories, their lines interleaved by position.
LINES = [
    {"category": "personnel", "description": "Mediadores", "requested": D("200000.00"),
     "cofinance": D("80000.00")},
    {"category": "travel", "description": "Traslados", "requested": D("50000.00"),
     "cofinance": D("0")},
    {"category": "personnel", "description": "Coordinación", "requested": D("50000.00"),
     "cofinance": D("20000.00")},
]  # fmt: skip


def _submitted(app, call, personas, *, lines=LINES):
    user = personas["applicant"]
    application = helpers.start(app, call, personas["org_a"], user)
    helpers.fill(app, application, user, lines=lines)
    helpers.upload(app, application, user)  # the call's mandatory work plan
    return helpers.submit(app, application, user)


def _org_document(app, personas, slot_key="articles_of_incorporation", name="acta.pdf"):
    with helpers.request_context(app):
        owner = load_organisation(personas["org_a"].id)
        slot = next(s for s in ORGANISATION_SLOTS if s.key == slot_key)
        stream = FileStorage(
            io.BytesIO(samples.pdf("Acta")), filename=name, content_type="application/pdf"
        )
        outcome = upload_file(owner, slot, personas["applicant"], stream)
        assert outcome.ok, outcome.message
        db.session.commit()
        return outcome.document


def _render(app, submitted, language="en"):
    with helpers.request_context(app):
        loaded = operations.load_full(submitted.id)
        documents = operations.current_documents(loaded)
        pdf = acknowledgement.render(loaded, documents, language)
        html = render_html(
            "acknowledgement.html",
            language=language,
            organisation_files=acknowledgement.organisation_files(loaded),
            **acknowledgement.context(loaded, documents),
        )
    return " ".join(pdf_text(pdf).split()), html


def test_each_subtotal_follows_its_categorys_lines(app, personas, call):
    text, html = _render(app, _submitted(app, call, personas))
    order = [
        "Mediadores",
        "Coordinación",
        "Subtotal: Personnel MXN 250,000.00 MXN 100,000.00",
        "Traslados",
        "Subtotal: Travel MXN 50,000.00 MXN 0.00",
        "Total MXN 300,000.00 MXN 100,000.00",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions), text
    rows = re.findall(r'<tr class="([^"]*)"><td colspan="2">Subtotal', html)
    assert rows == ["subtotal", "subtotal"]  # one style for every subtotal


def test_organisation_documents_are_listed(app, personas, call):
    document = _org_document(app, personas)
    text, _html = _render(app, _submitted(app, call, personas))
    assert "Articles of incorporation" in text and "acta.pdf" in text
    assert document.sha256 in text.replace(" ", "")


def test_both_kinds_of_documents_and_the_newest_version(app, personas, call):
    _org_document(app, personas, name="acta-2019.pdf")
    newest = _org_document(app, personas, name="acta-2024.pdf")
    text, _html = _render(app, _submitted(app, call, personas))
    assert "Documents of the application" in text and "plan.pdf" in text
    assert "Documents of the organisation" in text
    assert "acta-2024.pdf" in text and "acta-2019.pdf" not in text
    assert newest.sha256 in text.replace(" ", "")


def test_page_counter_in_spanish_or_english(app, personas, call):
    from tests.pdf.layout import layout

    _text, html = _render(app, _submitted(app, call, personas))
    pages = layout(html)
    for number, page in enumerate(pages, start=1):
        assert page.margins["@bottom-right"] == [f"Page {number} of {len(pages)}"]
