"""The agreement reads as a Mexican legal document: long local dates in the programme's zone,
the grantee's full address, a two-column signature table that stays on one page, and a page
counter that fits on one line (checked on the extracted text and on WeasyPrint's layout)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from portal.awards import agreement as agreement_pdf
from portal.awards import operations
from portal.core import unit_of_work
from portal.core.db import db
from portal.pdf import dates
from tests.awards import helpers
from tests.pdf.layout import layout, pages_with

# 20:30 on 4 January 2027 in Mexico City: 5 January in UTC.
EVENING = datetime(2027, 1, 5, 2, 30, tzinfo=UTC)
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _issue(application, personas, monkeypatch, *, long_conditions=False):
    monkeypatch.setattr(dates, "now_utc", lambda: EVENING)
    conditions = "Informe final." + (" Condición adicional del programa." * 400)
    award = helpers.ready_award(
        application,
        personas["grants_manager"],
        conditions=conditions if long_conditions else "Informe final.",
    )
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()  # renders inline after the commit
    return agreement


def _address(organisation, **values):
    from portal.organisations.models import Organisation

    organisation = db.session.get(Organisation, organisation.id)
    defaults = {
        "address": "Av. Constitución 1520 Ote., Centro",
        "municipality": "Monterrey",
        "state_code": "19",
        "postal_code": "64000",
    }
    for key, value in {**defaults, **values}.items():
        setattr(organisation, key, value)
    db.session.commit()


def test_dates_are_long_local_and_in_the_programme_zone(ctx, application, personas, monkeypatch):
    agreement = _issue(application, personas, monkeypatch)
    assert agreement.content["issued_date"] == "2027-01-04"  # not the UTC day (the 5th)
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert "4 de enero de 2027" in text  # the issue date
    assert "1 de febrero de 2027" in text and "31 de enero de 2028" in text  # the term
    assert "1 de marzo de 2027" in text and "15 de enero de 2028" in text  # the milestones
    assert not ISO_DATE.findall(text.replace(agreement.content_hash, ""))


def test_the_grantees_full_address(ctx, application, personas, monkeypatch):
    _address(personas["org_a"])
    agreement = _issue(application, personas, monkeypatch)
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    street = text.index("Av. Constitución 1520 Ote., Centro, Monterrey, Nuevo León, ")
    assert "64000" in text[street : street + 120]
    grantee = agreement.content["grantee"]
    assert (grantee["municipality"], grantee["state"], grantee["postal_code"]) == (
        "Monterrey",
        "Nuevo León",
        "64000",
    )


def test_a_missing_part_of_the_address_is_left_out(ctx, application, personas, monkeypatch):
    _address(personas["org_a"], postal_code=None, municipality="")
    agreement = _issue(application, personas, monkeypatch)
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert "Av. Constitución 1520 Ote., Centro, Nuevo León." in text
    grantee = text[text.index("II. Declara LA ORGANIZACIÓN") : text.index("III. Declaran")]
    assert ", ," not in grantee and "Postcode" not in grantee and "C.P." not in grantee


def test_an_agreement_issued_before_the_address_parts_were_stored(ctx, application, personas):
    """Older agreements' content has only the street: it still renders."""
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    for key in ("municipality", "state", "postal_code"):
        del agreement.content["grantee"][key]
    assert "Av. Constitución 100" in helpers.flat_text(agreement_pdf.render(agreement))


def test_signature_table_and_page_counter(ctx, application, personas, monkeypatch):
    """Two parties side by side, each with name, position, organisation, date and signature
    line; the table never splits, even when the clauses push it to a page boundary."""
    agreement = _issue(application, personas, monkeypatch, long_conditions=True)
    html = agreement_pdf.html_of(agreement)
    pages = layout(html)
    assert len(pages) >= 2
    assert len(pages_with(pages, "signature-table")) == 1
    assert pages_with(pages, "signature-table") == pages_with(pages, "signature-line")
    assert html.count('class="signature-line"') == 2
    for number, page in enumerate(pages, start=1):
        counter = page.margins["@top-right"]
        assert len(counter) == 1, counter  # on one line
        assert re.fullmatch(rf"(Página|Page) {number} (de|of) {len(pages)}", counter[0])
        assert page.margins["@top-left"] == [agreement.number]
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    signatures = text[text.rindex("María López") - 400 :]
    for label in ("Name", "Nombre"), ("Position", "Cargo"), ("Date", "Fecha"):
        assert any(word in signatures for word in label), label
    assert "Org A A.C." in signatures


def test_signed_agreement_dates_each_signature(ctx, application, personas, as_user):
    from portal.awards.models import Agreement
    from tests.awards.test_agreement_flow import _issue as issue_by_post
    from tests.awards.test_agreement_flow import _sign

    award = helpers.ready_award(application, personas["grants_manager"])
    staff = as_user(personas["grants_manager"])
    issue_by_post(staff, award.id)
    agreement = db.session.query(Agreement).filter_by(award_id=award.id).one()
    _sign(as_user(personas["applicant"]), agreement.id, "Ana Aplicante")
    _sign(staff, agreement.id, "Gabriel Gestor")
    agreement = db.session.get(Agreement, agreement.id)
    text = helpers.flat_text(helpers.stored_bytes(agreement.signed_document_id))
    for signature in agreement.signatures:
        assert dates.long_date(signature.signed_dt, "es_MX") in text
    assert "Ana Aplicante" in text and "Gabriel Gestor" in text
    html = agreement_pdf.html_of(agreement, signed=True)
    assert len(pages_with(layout(html), "signature-table")) == 1


def test_bilingual_agreement_dates_in_both_languages(ctx, application, personas, monkeypatch):
    application.call.programme.bilingual_agreement = True
    db.session.commit()
    agreement = _issue(application, personas, monkeypatch)
    assert agreement.language == "bilingual"
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert "4 de enero de 2027" in text and "January 4, 2027" in text
    assert "1 de febrero de 2027" in text and "February 1, 2027" in text
    html = agreement_pdf.html_of(agreement)
    assert html.count('class="signature-table"') == 1  # printed once, not per language


def test_decline_letter_is_dated_long_in_the_programme_zone(ctx, call, personas, monkeypatch):
    from portal.awards import letters

    monkeypatch.setattr(dates, "now_utc", lambda: EVENING)
    application = helpers.recommended_application(
        call, personas["org_a"], personas["applicant"], status="not_recommended"
    )
    text = helpers.flat_text(letters.render(application, "es"))
    assert "4 de enero de 2027" in text and not ISO_DATE.findall(text)
    assert "January 4, 2027" in helpers.flat_text(letters.render(application, "en"))
