"""Results indicators: the catalogue, an award's indicators (baseline and targets), actuals
with their breakdown (a count's breakdown adds up to its total), staff's review and the
report's submission check and section."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.errors import InputError
from portal.reports import extensions
from portal.results import actuals, operations
from portal.results.models import Indicator, IndicatorActual
from tests.results.conftest import COUNT, submit
from tests.support.forms import post_form

D = Decimal
GOOD = {
    "value": "10",
    "b-sex-women": "6",
    "b-sex-men": "4",
    "b-state-19": "7",
    "b-state-26": "3",
}


# Catalogue ---------------------------------------------------------------------------------
def test_staff_add_an_indicator_through_the_form(as_user, programme, personas):
    client = as_user(personas["grants_manager"])
    url = f"/results/programmes/{programme.id}/indicators/new"
    data = {k: v for k, v in COUNT.items() if k != "disaggregations"}
    data["disaggregations"] = ["sex", "age_group"]
    response = post_form(client, url, data, form_url=url)
    assert response.status_code == 302
    indicator = db.session.query(Indicator).filter_by(programme_id=programme.id).one()
    assert indicator.code == "IND-01" and indicator.disaggregations == ["sex", "age_group"]
    assert db.session.query(AuditEntry).filter_by(action="indicator.created").count() == 1
    page = client.get(f"/results/programmes/{programme.id}/indicators").get_data(as_text=True)
    assert "People who received free legal advice" in page


def test_a_duplicate_code_is_refused_and_nothing_changes(as_user, programme, indicators, personas):
    client = as_user(personas["grants_manager"])
    url = f"/results/programmes/{programme.id}/indicators/new"
    data = {k: v for k, v in COUNT.items() if k != "disaggregations"}
    data["code"] = "ind-01"
    response = post_form(client, url, data, form_url=url)
    assert response.status_code == 200
    assert "already uses this code" in response.get_data(as_text=True)
    assert db.session.query(Indicator).count() == 2


def test_edit_and_deactivate(as_user, programme, indicators, personas):
    count, _ = indicators
    client = as_user(personas["grants_manager"])
    url = f"/results/indicators/{count.id}/edit"
    data = {k: v for k, v in COUNT.items() if k != "disaggregations"}
    data["name_en"] = "People given free legal advice"
    data["disaggregations"] = ["sex"]
    assert post_form(client, url, data, form_url=url).status_code == 302
    db.session.expire_all()
    count = db.session.get(Indicator, count.id)
    assert count.name_en == "People given free legal advice"
    assert count.disaggregations == ["sex"]
    post_form(client, f"/results/indicators/{count.id}/active", {"active": "0"}, form_url=url)
    db.session.expire_all()
    assert db.session.get(Indicator, count.id).active is False


def test_missing_bilingual_fields_are_refused(ctx, programme, personas):
    with pytest.raises(InputError) as refused:
        operations.create_indicator(
            programme, personas["admin"], {**COUNT, "name_en": " ", "measure": "ratio"}
        )
    assert set(refused.value.errors) == {"name_en", "measure"}


# Award indicators ---------------------------------------------------------------------------
def test_targets_are_set_per_progress_report_only(ctx, award, reports, chosen):
    first, second, financial = reports
    count_item, percent_item = chosen
    assert [r.id for r in operations.result_reports(award.id)] == [first.id, second.id]
    assert count_item.target_for(first.id).value == D("100")
    assert count_item.target_for(second.id).value == D("150")
    assert count_item.target_for(financial.id) is None
    assert percent_item.target_for(second.id) is None


def test_a_percentage_target_above_100_is_refused(ctx, award, reports, chosen, personas):
    first, *_ = reports
    _, percent_item = chosen
    with pytest.raises(InputError) as refused:
        operations.update_award_indicator(
            percent_item,
            personas["grants_manager"],
            {"baseline_value": "40", "baseline_year": 2026, "targets": {first.id: "120"}},
        )
    assert f"target-{first.id}" in refused.value.errors


def test_staff_choose_an_indicator_through_the_form(as_user, award, reports, indicators, personas):
    first, second, _ = reports
    count, _ = indicators
    client = as_user(personas["grants_manager"])
    url = f"/results/grants/{award.id}/indicators"
    data = {
        "indicator_id": str(count.id),
        "baseline_value": "12",
        "baseline_year": "2026",
        f"target-{first.id}": "50",
        f"target-{second.id}": "abc",
    }
    response = post_form(client, url, data, form_url=url)
    assert response.status_code == 200
    assert "Enter a number such as 120 or 87.5." in response.get_data(as_text=True)
    assert operations.award_indicators(award.id) == []
    data[f"target-{second.id}"] = "75"
    assert post_form(client, url, data, form_url=url).status_code == 302
    (item,) = operations.award_indicators(award.id)
    assert item.baseline_value == D("12") and item.target_for(second.id).value == D("75")
    page = client.get(f"/finance/grants/{award.id}").get_data(as_text=True)
    assert "Results indicators" in page and "Edit indicators" in page


def test_an_indicator_of_another_programme_is_refused(app, ctx, award, reports, personas):
    from tests.calls.helpers import make_programme

    other = make_programme(app)
    foreign = operations.create_indicator(other, personas["admin"], COUNT)
    with pytest.raises(InputError):
        operations.add_award_indicator(award, personas["admin"], foreign.id, {"targets": {}})


# Actuals ------------------------------------------------------------------------------------
def test_a_count_whose_breakdown_does_not_add_up_is_refused_in_spanish(
    as_user, award, reports, chosen, personas
):
    first, *_ = reports
    count_item, _ = chosen
    client = as_user(personas["applicant"])
    client.get("/?lang=es")
    url = f"/results/reports/{first.id}/indicators/{count_item.id}"
    data = {
        f"ai{count_item.id}-value": "10",
        "b-sex-women": "6",
        "b-sex-men": "3",
        "b-state-19": "10",
    }
    response = post_form(client, url, data, form_url=f"/results/reports/{first.id}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "suman 9, no el total de 10" in page
    assert db.session.query(IndicatorActual).count() == 0


def test_the_grantee_records_a_value_with_its_breakdown(as_user, award, reports, chosen, personas):
    first, *_ = reports
    count_item, _ = chosen
    client = as_user(personas["applicant"])
    url = f"/results/reports/{first.id}/indicators/{count_item.id}"
    data = {f"ai{count_item.id}-value": "10", f"ai{count_item.id}-evidence_note": "Listas"}
    data.update({k: v for k, v in GOOD.items() if k != "value"})
    response = post_form(client, url, data, form_url=f"/results/reports/{first.id}")
    assert response.status_code == 302
    db.session.expire_all()
    actual = db.session.query(IndicatorActual).one()
    assert actual.value == D("10") and actual.status == "reported"
    assert actual.breakdown_of("sex") == {"women": D("6"), "men": D("4")}
    assert actual.breakdown_of("state") == {"19": D("7"), "26": D("3")}


def test_values_are_checked(ctx, reports, chosen, personas):
    first, *_ = reports
    count_item, percent_item = chosen
    user = personas["applicant"]
    for bad in ("-1", "1e3", "NaN", "2.5", ""):
        with pytest.raises(InputError):
            actuals.record_actual(first, count_item, user, {**GOOD, "value": bad})
    with pytest.raises(InputError):
        actuals.record_actual(first, percent_item, user, {"value": "100.5"})
    actual = actuals.record_actual(first, percent_item, user, {"value": "62.5", "b-state-19": "70"})
    assert actual.value == D("62.5") and actual.breakdown_of("state") == {"19": D("70")}


def test_a_submitted_report_cannot_be_changed(ctx, reports, chosen, personas):
    first, *_ = reports
    count_item, _ = chosen
    submit(first, personas["applicant"])
    with pytest.raises(InputError):
        actuals.record_actual(first, count_item, personas["applicant"], GOOD)


def test_nothing_changes_on_a_closed_grant(ctx, reports, chosen, personas):
    first, *_ = reports
    count_item, _ = chosen
    first.award.status = "closed"  # closing itself is tested in tests/closeout
    attempts = (
        lambda: actuals.record_actual(first, count_item, personas["applicant"], GOOD),
        lambda: operations.update_award_indicator(count_item, personas["grants_manager"], {}),
        lambda: operations.remove_award_indicator(count_item, personas["grants_manager"]),
    )
    for attempt in attempts:
        with pytest.raises(InputError) as refused:
            attempt()
        assert "closed" in refused.value.messages()[0]
    assert not count_item.actuals


def test_submission_is_blocked_until_every_indicator_has_its_value(ctx, reports, chosen, personas):
    first, _second, financial = reports
    count_item, percent_item = chosen
    user = personas["applicant"]
    with force_locale("en"):
        problems = extensions.submission_problems(first)
        assert len(problems) == 2
        actuals.record_actual(first, count_item, user, GOOD)
        assert len(extensions.submission_problems(first)) == 1
        actuals.record_actual(first, percent_item, user, {"value": "55"})
        assert extensions.submission_problems(first) == []
        assert actuals.submission_problems(financial) == []  # no indicators asked there
        (section,) = extensions.sections(first, user)
    assert "2 of 2 entered" in section.summary and section.complete
    assert section.url == f"/results/reports/{first.id}"


def test_staff_verify_and_question(as_user, reports, chosen, personas):
    first, *_ = reports
    count_item, percent_item = chosen
    user = personas["applicant"]
    a = actuals.record_actual(first, count_item, user, GOOD)
    b = actuals.record_actual(first, percent_item, user, {"value": "55"})
    with pytest.raises(InputError):  # not under review yet
        actuals.verify_actual(a, personas["grants_manager"])
    submit(first, user)
    db.session.commit()
    client = as_user(personas["grants_manager"])
    page = f"/results/reports/{first.id}"
    assert post_form(client, f"/results/actuals/{a.id}/verify", form_url=page).status_code == 302
    empty = {f"q{percent_item.id}-comment": " "}
    post_form(client, f"/results/actuals/{b.id}/question", empty, form_url=page)
    db.session.expire_all()
    a, b = db.session.get(IndicatorActual, a.id), db.session.get(IndicatorActual, b.id)
    assert a.status == "verified" and b.status == "reported"
    comment = {f"q{percent_item.id}-comment": "El denominador no coincide con el registro."}
    post_form(client, f"/results/actuals/{b.id}/question", comment, form_url=page)
    db.session.expire_all()
    b = db.session.get(IndicatorActual, b.id)
    assert b.status == "questioned" and b.reviewed_by_id == personas["grants_manager"].id
    actions = {
        e.action for e in db.session.query(AuditEntry).filter_by(object_type="indicator_actual")
    }
    assert {"indicator_actual.verified", "indicator_actual.questioned"} <= actions
    # Returned, the grantee must correct the questioned value before submitting again.
    first = db.session.get(type(first), first.id)
    percent_item = b.award_indicator
    first.status = "returned"
    first.decided_by_id = personas["grants_manager"].id
    from portal.core.db import now_utc

    first.decided_dt = now_utc()
    db.session.flush()
    with force_locale("en"):
        assert any("questioned" in p for p in extensions.submission_problems(first))
        actuals.record_actual(first, percent_item, user, {"value": "50"})
        assert extensions.submission_problems(first) == []


def test_database_refuses_a_percentage_above_100(ctx, reports, chosen):
    from sqlalchemy.exc import IntegrityError

    first, *_ = reports
    _, percent_item = chosen
    db.session.add(
        IndicatorActual(
            award_indicator_id=percent_item.id,
            report_id=first.id,
            value=D("101"),
            measure="percentage",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_indicator_without_values_can_be_removed(as_user, award, chosen, personas):
    _, percent_item = chosen
    client = as_user(personas["grants_manager"])
    url = f"/results/grant-indicators/{percent_item.id}/remove"
    form_url = f"/results/grants/{award.id}/indicators"
    assert post_form(client, url, form_url=form_url).status_code == 302
    assert [i.indicator.code for i in operations.award_indicators(award.id)] == ["IND-01"]


def test_evidence_document_of_a_value(as_user, matrix, reports, chosen, personas):
    import io

    from flask import current_app
    from werkzeug.datastructures import FileStorage

    from portal.documents import operations as documents
    from portal.results.documents import EVIDENCE, actual_owner
    from tests.documents import samples

    first, *_ = reports
    count_item, _ = chosen
    actual = actuals.record_actual(first, count_item, personas["applicant"], GOOD)
    db.session.commit()
    owner = actual_owner(actual)
    assert owner.can_upload_documents(personas["applicant"])
    assert not owner.can_upload_documents(personas["grants_manager"])
    assert not owner.can_view_documents(personas["other_applicant"])
    with current_app.test_request_context():
        outcome = documents.upload_file(
            owner,
            EVIDENCE,
            personas["applicant"],
            FileStorage(io.BytesIO(samples.pdf("Lista")), filename="lista.pdf"),
        )
    assert outcome.ok, outcome.message
    db.session.commit()
    page = as_user(personas["applicant"]).get(f"/results/reports/{first.id}")
    assert "Evidence document: uploaded" in " ".join(page.get_data(as_text=True).split())
    matrix.check(
        f"/documents/indicator_actual/{actual.id}/",
        {"applicant", "grants_manager", "finance_officer", "admin"},
    )
