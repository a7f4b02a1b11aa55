"""IATI 2.03 ``<result>`` elements: every indicator of a published grant with its baseline,
its targets and the values of approved reports, valid against the shipped schema."""

from __future__ import annotations

from lxml import etree

from portal.core.db import db, now_utc
from portal.opendata import grants, iati, validation
from portal.reporting.filters import ReportFilter
from portal.results import actuals
from tests.results.conftest import submit


def test_results_are_published_and_the_file_validates(ctx, award, reports, chosen, personas):
    first, second, _ = reports
    count_item, percent_item = chosen
    user = personas["applicant"]
    actuals.record_actual(
        first,
        count_item,
        user,
        {"value": "90", "b-sex-women": "50", "b-sex-men": "40", "b-state-19": "90"},
    )
    actuals.record_actual(first, percent_item, user, {"value": "62.5"})
    submit(first, user)
    actuals.question_actual(
        percent_item.actual_for(first.id), personas["grants_manager"], "Revise el cálculo"
    )
    first.status = "approved"
    first.decided_by_id, first.decided_dt = personas["grants_manager"].id, now_utc()
    db.session.commit()

    data = iati.build(grants.load(ReportFilter(), personas["admin"], db.session))
    assert validation.iati_errors(data) == []
    (activity,) = etree.fromstring(data).findall("iati-activity")
    results = activity.findall("result")
    assert [r.get("type") for r in results] == ["1", "2"]
    count = results[0].find("indicator")
    assert count.get("measure") == "1" and count.get("ascending") == "1"
    assert count.find("title/narrative").text.startswith("Personas que recibieron")
    assert count.find("baseline").attrib == {"year": "2026", "value": "0"}
    periods = count.findall("period")
    assert [p.find("period-end").get("iso-date") for p in periods] == [
        first.period_end.isoformat(),
        second.period_end.isoformat(),
    ]
    assert periods[0].find("target").get("value") == "100"
    published = [(a.get("value"), a.find("dimension")) for a in periods[0].findall("actual")]
    assert published[0] == ("90", None)
    assert {(v, d.get("name"), d.get("value")) for v, d in published[1:]} == {
        ("50", "sex", "female"),
        ("40", "sex", "male"),
        ("90", "state", "Nuevo León"),
    }
    assert periods[1].find("actual") is None  # not reported yet
    percent = results[1].find("indicator")
    assert percent.get("measure") == "2"
    # The questioned value is not published; the target is.
    (period,) = percent.findall("period")
    assert period.find("target").get("value") == "60" and period.find("actual") is None
