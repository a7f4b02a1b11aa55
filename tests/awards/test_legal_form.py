"""The agreement in Mexican legal form (issue 20), checked on the PDF's extracted text: a
proemio naming the parties (“EL PROGRAMA”, “LA ORGANIZACIÓN BENEFICIARIA”) and their
representatives, DECLARACIONES (I, II, III), CLÁUSULAS in ordinal words ending with the
jurisdiction clause, and the place and date of signing in words; the same structure in English;
the programme's party details come from the AGREEMENT_* settings and stay in the content."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from portal.awards import agreement as agreement_pdf
from portal.awards import operations
from portal.core import unit_of_work
from portal.core.db import db
from portal.organisations.models import Organisation
from portal.pdf import dates
from tests.awards import helpers
from tests.pdf.layout import overflowing

EVENING = datetime(2027, 1, 5, 2, 30, tzinfo=UTC)  # 4 January 2027, 20:30 in Mexico City


def _issue(application, personas, monkeypatch):
    monkeypatch.setattr(dates, "now_utc", lambda: EVENING)
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()  # renders inline after the commit
    return agreement


def _text(agreement) -> str:
    return helpers.flat_text(helpers.stored_bytes(agreement.document_id))


def _in_order(text: str, *parts: str) -> None:
    at = -1
    for part in parts:
        found = text.find(part, at + 1)
        assert found > at, f"{part!r} missing or out of order"
        at = found


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_spanish_agreement_reads_as_a_convenio(ctx, application, personas, monkeypatch):
    agreement = _issue(application, personas, monkeypatch)
    text = _text(agreement)
    _in_order(
        text,
        "CONVENIO DE SUBVENCIÓN que celebran, por una parte, Fundación Cofinancia para la "
        "Justicia, A.C., en lo sucesivo “EL PROGRAMA”, representado por Laura Garza Treviño, "
        "Directora Ejecutiva, y por la otra, Org A A.C., en lo sucesivo “LA ORGANIZACIÓN "
        "BENEFICIARIA”, representada por María López",
        "DECLARACIONES",
        "I. Declara EL PROGRAMA",
        "RFC) es FCJ150210ABA",
        "II. Declara LA ORGANIZACIÓN BENEFICIARIA",
        "III. Declaran las partes",
        "CLÁUSULAS",
        "PRIMERA. OBJETO.",
        "SEGUNDA. MONTO DE LA SUBVENCIÓN.",
        "TERCERA. MODALIDAD Y VIGENCIA.",
        "CUARTA. ENTREGABLES Y PAGOS.",
        "NOVENA. CONFIDENCIALIDAD Y PROTECCIÓN DE DATOS PERSONALES.",
        "DÉCIMA. ANTICORRUPCIÓN Y PREVENCIÓN DE FRAUDE.",
        "DÉCIMA PRIMERA. MODIFICACIONES.",
        "DÉCIMA SEGUNDA. TERMINACIÓN ANTICIPADA.",
        "DÉCIMA TERCERA. JURISDICCIÓN.",
        "Leído que fue el presente convenio y enteradas las partes de su contenido y alcance "
        "legal, lo firman en Monterrey, Nuevo León, a 4 de enero de 2027.",
    )
    # The award's own terms sit inside their clauses.
    amount = _between(text, "SEGUNDA. MONTO", "TERCERA.")
    assert "MXN 300,000.00 (trescientos mil pesos 00/100 M.N.)" in amount
    term = _between(text, "TERCERA. MODALIDAD", "CUARTA.")
    assert "vigente del 1 de febrero de 2027 al 31 de enero de 2028" in term
    payments = _between(text, "CUARTA. ENTREGABLES", "QUINTA.")
    assert "Plan de trabajo aprobado" in payments and "1 de marzo de 2027" in payments
    assert "Municipio de Monterrey" in _between(text, "SEXTA. COFINANCIAMIENTO", "SÉPTIMA.")
    assert "Informe final." in _between(text, "OCTAVA. CONDICIONES ESPECIALES", "NOVENA.")
    jurisdiction = text[text.index("DÉCIMA TERCERA. JURISDICCIÓN") :]
    assert "tribunales competentes de la ciudad de Monterrey, Nuevo León, renunciando" in (
        jurisdiction
    )
    assert "LFPDPPP" in text and "donación" not in text.lower()
    assert "{jurisdiction}" not in text


def test_english_version_has_the_same_structure(ctx, application, personas, monkeypatch):
    agreement = _issue(application, personas, monkeypatch)
    agreement.content = {**agreement.content, "language": "en"}  # rendered, not stored
    text = helpers.flat_text(agreement_pdf.render(agreement))
    _in_order(
        text,
        "GRANT AGREEMENT entered into by, on the one part, Fundación Cofinancia para la "
        "Justicia, A.C., hereinafter “THE PROGRAMME”, represented by Laura Garza Treviño",
        "hereinafter “THE GRANTEE”, represented by María López",
        "DECLARATIONS",
        "I. THE PROGRAMME declares",
        "II. THE GRANTEE declares",
        "III. The parties declare",
        "CLAUSES",
        "FIRST. PURPOSE.",
        "SECOND. AMOUNT OF THE GRANT.",
        "ELEVENTH. AMENDMENTS.",
        "THIRTEENTH. JURISDICTION.",
        "the parties sign it in Monterrey, Nuevo León, on January 4, 2027.",
    )
    assert "three hundred thousand pesos 00/100" in _between(text, "SECOND.", "THIRD.")
    db.session.rollback()


def test_bilingual_agreement_side_by_side(ctx, application, personas, monkeypatch):
    application.call.programme.bilingual_agreement = True
    db.session.commit()
    text = _text(_issue(application, personas, monkeypatch))
    for part in (
        "“EL PROGRAMA”",
        "“THE PROGRAMME”",
        "DECLARACIONES",
        "DECLARATIONS",
        "DÉCIMA TERCERA. JURISDICCIÓN",
        "THIRTEENTH. JURISDICTION",
        "lo firman en Monterrey, Nuevo León, a 4 de enero de 2027",
        "sign it in Monterrey, Nuevo León, on January 4, 2027",
    ):
        assert part in text, part


@pytest.mark.parametrize("donataria", [True, False])
def test_donataria_autorizada_only_when_the_record_says_so(
    ctx, application, personas, monkeypatch, donataria
):
    organisation = db.session.get(Organisation, personas["org_a"].id)
    organisation.is_donataria = donataria
    organisation.cluni = "JCE1503121901Z" if donataria else None
    db.session.commit()
    agreement = _issue(application, personas, monkeypatch)
    text = _text(agreement)
    assert ("(donataria autorizada)" in text) is donataria
    assert ("CLUNI JCE1503121901Z" in text) is donataria
    assert agreement.content["grantee"]["is_donataria"] is donataria


def test_party_details_come_from_settings_and_stay(ctx, app, application, personas, monkeypatch):
    monkeypatch.setitem(app.config, "AGREEMENT_SIGNING_PLACE", "Hermosillo, Sonora")
    monkeypatch.setitem(app.config, "AGREEMENT_JURISDICTION", "Hermosillo, Sonora")
    monkeypatch.setitem(app.config, "AGREEMENT_PROGRAMME_POWERS", "la escritura pública 4,512")
    agreement = _issue(application, personas, monkeypatch)
    text = _text(agreement)
    assert "lo firman en Hermosillo, Sonora, a 4 de enero de 2027" in text
    assert "tribunales competentes de la ciudad de Hermosillo, Sonora" in text
    assert "según consta en la escritura pública 4,512" in text
    # A later change of setting never alters an issued agreement.
    monkeypatch.setitem(app.config, "AGREEMENT_SIGNING_PLACE", "Oaxaca de Juárez, Oaxaca")
    again = helpers.flat_text(agreement_pdf.render(agreement))
    assert "Hermosillo, Sonora, a 4 de enero de 2027" in again and "Oaxaca" not in again


def test_without_a_signing_place_the_date_stands_alone(
    ctx, app, application, personas, monkeypatch
):
    monkeypatch.setitem(app.config, "AGREEMENT_SIGNING_PLACE", "")
    monkeypatch.setitem(app.config, "AGREEMENT_PROGRAMME_LEGAL_NAME", "")
    text = _text(_issue(application, personas, monkeypatch))
    assert "lo firman el 4 de enero de 2027." in text
    assert "por una parte, Fundación Ejemplo, en lo sucesivo “EL PROGRAMA”" in text  # the donor


def test_signed_agreement_is_dated_on_the_countersignature(ctx, application, personas):
    from portal.awards import signing
    from portal.awards.models import Agreement
    from tests.support.factories import DEFAULT_PASSWORD

    manager = personas["grants_manager"]
    agreement = operations.issue_agreement(helpers.ready_award(application, manager), manager)
    unit_of_work.commit()
    for user in (personas["applicant"], manager):
        agreement = db.session.get(Agreement, agreement.id)
        signing.sign(
            agreement, user, typed_name=user.full_name, accepted=True, password=DEFAULT_PASSWORD
        )
        unit_of_work.commit()
    agreement = db.session.get(Agreement, agreement.id)
    text = helpers.flat_text(helpers.stored_bytes(agreement.signed_document_id))
    last = agreement.signature("programme").signed_dt
    assert f"Monterrey, Nuevo León, a {dates.long_date(last, 'es_MX')}." in text


def test_an_agreement_issued_before_the_legal_form_keeps_its_layout(
    ctx, application, personas, monkeypatch
):
    agreement = _issue(application, personas, monkeypatch)
    content = {k: v for k, v in agreement.content.items() if k != "form"}
    content["programme"] = {k: content["programme"][k] for k in ("name_es", "name_en", "donor")}
    agreement.content = content
    text = helpers.flat_text(agreement_pdf.render(agreement))
    assert "Partes El programa Fondo de Justicia Cercana" in text
    assert "DECLARACIONES" not in text and "trescientos mil pesos" in text
    db.session.rollback()


def test_long_names_stay_inside_the_page(ctx, application, personas, monkeypatch):
    organisation = db.session.get(Organisation, personas["org_a"].id)
    organisation.legal_name = (
        "Centro Interdisciplinario de Investigación, Defensa y Promoción de los Derechos "
        "Humanos y el Acceso a la Justicia de las Comunidades Indígenas y Rurales del Noreste "
        "de México, Asociación Civil"
    )
    organisation.legal_rep_name = "María Guadalupe de los Ángeles Fernández-Villarreal y Garza"
    organisation.legal_rep_position = "Presidenta del Consejo Directivo y Apoderada General"
    organisation.address = "Calle" + "X" * 120  # an unbroken token
    db.session.commit()
    agreement = _issue(application, personas, monkeypatch)
    assert overflowing(agreement_pdf.html_of(agreement)) == []
    text = _text(agreement)
    assert "Noreste de México, Asociación Civil, en lo sucesivo “LA ORGANIZACIÓN" in text
    assert re.search(r"CalleX{20}", text)  # the unbroken token is printed, wrapped
