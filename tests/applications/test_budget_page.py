"""The budget page: lines and co-finance sources in one no-JavaScript form, totals computed on
the server and copied onto the application for the staff list."""

from __future__ import annotations

from decimal import Decimal

from tests.applications import helpers
from tests.support.forms import post_form


def text(response) -> str:
    return response.get_data(as_text=True)


def line(i, category="", description="", requested="", cofinance="", id_="", remove=False):
    data = {
        f"lines-{i}-id": id_,
        f"lines-{i}-category": category,
        f"lines-{i}-description": description,
        f"lines-{i}-requested": requested,
        f"lines-{i}-cofinance": cofinance,
    }
    if remove:
        data[f"lines-{i}-remove"] = "y"
    return data


def source(i, name="", kind="", nature="cash", counts="cost_share", amount="", basis="", id_=""):
    return {
        f"sources-{i}-id": id_,
        f"sources-{i}-contributor_name": name,
        f"sources-{i}-contributor_type": kind,
        f"sources-{i}-nature": nature,
        f"sources-{i}-counts_as": counts,
        f"sources-{i}-amount": amount,
        f"sources-{i}-valuation_basis": basis,
    }


def post(client, application, version, *rows):
    url = f"/applications/{application.id}/budget"
    data = {"version_id": str(version)}
    for row in rows:
        data.update(row)
    return post_form(client, url, data, form_url=url)


def test_budget_saves_and_totals_are_denormalised(as_user, personas, draft):
    client = as_user(personas["applicant"])
    response = post(
        client,
        draft,
        1,
        line(0, "personnel", "Mediadores", "240,000.00", "40,000"),
        line(1, "equipment", "Salones", "0", "30000"),
        line(2),  # a blank row is ignored
        source(0, "Nosotros", "applicant", amount="40000"),
        source(
            1,
            "Municipio",
            "state_institution",
            "in_kind",
            amount="30000",
            basis="Renta justa de salones",
        ),
        source(2, "Fundación X", "other_donor", counts="leverage", amount="15000"),
    )
    assert response.status_code == 302, text(response)
    saved = helpers.reload(draft.id)
    assert [ln.description for ln in saved.lines] == ["Mediadores", "Salones"]
    assert saved.requested_total == Decimal("240000.00")
    assert saved.cost_share_total == Decimal("70000.00")
    assert saved.leverage_total == Decimal("15000.00")
    assert saved.cofinance_pct == Decimal("22.58")  # 70,000 ÷ 310,000
    page = text(client.get(f"/applications/{draft.id}/budget"))
    assert "MXN\xa0310,000.00" in page and "22.58%" in page
    assert "Commitment letter" in page  # the municipality's letter is asked for
    assert f'id="source-{saved.sources[1].id}"' in page


def test_row_problems_are_shown_per_field_and_nothing_is_saved(as_user, personas, draft):
    client = as_user(personas["applicant"])
    response = post(
        client,
        draft,
        1,
        line(0, "", "", "100", ""),
        line(1, "travel", "Viajes", "-5", ""),
        source(0, "Municipio", "state_institution", "in_kind", amount="1000"),
        source(1, "", "", amount="0"),
    )
    body = text(response)
    assert response.status_code == 422
    for message in (
        "Choose a category.",
        "Describe the item.",
        "The amount cannot be negative.",
        "Explain how the in-kind contribution is valued",
        "Name the contributor.",
        "Choose the type of contributor.",
        "Enter the committed amount (more than zero).",
    ):
        assert message in body, message
    saved = helpers.reload(draft.id)
    assert saved.lines == [] and saved.sources == [] and saved.version_id == 1


def test_rows_are_updated_and_removed_by_id(app, as_user, personas, draft):
    helpers.fill(app, draft, personas["applicant"])
    saved = helpers.reload(draft.id)
    first, second = saved.lines
    client = as_user(personas["applicant"])
    response = post(
        client,
        draft,
        saved.version_id,
        line(0, "personnel", "Mediadores", "260000", "100000", id_=str(first.id)),
        line(1, "travel", "Traslados", "50000", "0", id_=str(second.id), remove=True),
        source(0, "Nosotros", "applicant", amount="100000", id_=str(saved.sources[0].id)),
    )
    assert response.status_code == 302, text(response)
    saved = helpers.reload(draft.id)
    assert [(ln.id, ln.requested) for ln in saved.lines] == [(first.id, Decimal("260000.00"))]
    assert saved.requested_total == Decimal("260000.00")


def test_a_row_of_another_application_is_refused(app, as_user, personas, call, draft):
    other = helpers.start(app, call, personas["org_b"], personas["other_applicant"])
    helpers.fill(app, other, personas["other_applicant"])
    foreign = helpers.reload(other.id).lines[0].id
    client = as_user(personas["applicant"])
    response = post(client, draft, 1, line(0, "travel", "Robo", "1", "0", id_=str(foreign)))
    assert response.status_code == 422
    assert helpers.reload(other.id).lines[0].description == "Mediadores"


def test_a_stale_budget_save_changes_nothing(app, as_user, personas, draft):
    helpers.fill(app, draft, personas["applicant"])  # version moves on
    client = as_user(personas["applicant"])
    response = post(client, draft, 1, line(0, "other", "Tarde", "1", "0"))
    assert response.status_code == 409
    assert "Someone else saved this application" in text(response)
    assert "Tarde" not in [ln.description for ln in helpers.reload(draft.id).lines]


def test_letter_upload_button_saves_then_goes_to_the_letter_slot(app, as_user, personas, draft):
    sources = [dict(helpers.SOURCES[0], contributor_type="private_company")]
    helpers.fill(app, draft, personas["applicant"], sources=sources)
    saved = helpers.reload(draft.id)
    slot = saved.sources[0].letter_slot
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/budget"
    page = text(client.get(url))
    assert f'value="{slot}"' in page
    data = {
        "version_id": str(saved.version_id),
        "upload": slot,
        **line(0, "personnel", "Mediadores", "250000", "100000", id_=str(saved.lines[0].id)),
        **line(1, "travel", "Traslados", "50000", "0", id_=str(saved.lines[1].id)),
        **source(0, "Empresa", "private_company", amount="100000", id_=str(saved.sources[0].id)),
    }
    response = post_form(client, url, data, form_url=url)
    assert response.headers["Location"].endswith(f"/documents/application/{draft.id}/{slot}/upload")
    back = client.get(f"/applications/{draft.id}/uploaded")
    assert back.headers["Location"].endswith(f"/budget#source-{saved.sources[0].id}")
