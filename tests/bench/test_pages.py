"""The pure parts of ``python -m bench pages``: reading wrk's output, and the page table
against a small seeded world (every page answers 200 to its role through the login form).
The benchmark itself serves the portal with gunicorn and is run by hand (bench/README.md)."""

from __future__ import annotations

import pytest

from bench import _load, _scale, pages

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8100/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.05ms  20.00ms   85.00%
    Req/Sec     1.95k   200.00     2.50k    70.00%
  Latency Distribution
     50%  812.00us
     75%    2.50ms
     90%    3.20ms
     99%    1.53s
  38912 requests in 10.00s, 5.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   3890.12
Transfer/sec:    500.00KB
"""


def test_wrk_output_is_read():
    load = _load.parse_wrk(WRK_OUTPUT)
    assert load.requests_per_second == pytest.approx(3890.12)
    assert load.p50_ms == pytest.approx(0.812)
    assert load.p99_ms == pytest.approx(1530.0)
    assert load.requests == 38912
    assert load.errors == 8  # 5 non-2xx + 3 socket errors
    assert load.tool == "wrk"


def test_wrk_output_without_errors_or_latency_is_handled():
    clean = "\n".join(
        line for line in WRK_OUTPUT.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    assert _load.parse_wrk(clean).errors == 0
    with pytest.raises(ValueError):
        _load.parse_wrk("unable to connect to 127.0.0.1:8100 Connection refused")
    assert _load.to_ms("2m") == 120_000.0


def test_csrf_token_is_found_in_either_attribute_order():
    assert pages.csrf_token('<input id="csrf_token" name="csrf_token" value="abc.def">') == (
        "abc.def"
    )
    assert pages.csrf_token('<input value="xyz" type="hidden" name="csrf_token">') == "xyz"


def test_page_names_are_unique_and_targets_follow_the_issue():
    names = [page.name for page in pages.PAGES]
    assert len(names) == len(set(names))
    assert {p.target for p in pages.PAGES if p.url != "/"} == {pages.PAGE_TARGET}
    assert next(p for p in pages.PAGES if p.url == "/").target == pages.HOME_TARGET


def test_every_page_answers_its_role_in_a_seeded_world(app, connection):
    """The tiny scale of the same seed; each role signs in through the login form."""
    world = _scale.seed_world(connection, "tiny")
    assert world["counts"]["applications"] == sum(
        _scale.SCALES["tiny"][k] for k in ("evaluated", "grants", "others")
    )
    clients = {}
    for page, path in pages.page_urls(world):
        assert "{" not in path, path
        client = clients.get(page.role)
        if client is None:
            client = clients[page.role] = app.test_client()
            if page.role not in (None, "token"):
                form = client.get("/login").get_data(as_text=True)
                answer = client.post(
                    "/login",
                    data={
                        "csrf_token": pages.csrf_token(form),
                        "email": world["emails"][page.role],
                        "password": world["password"],
                    },
                )
                assert answer.status_code == 302, page.role
        headers = {"Authorization": f"Bearer {world['token']}"} if page.role == "token" else {}
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (page.name, path, response.status_code)
    for path in pages.EXPORTS:
        assert clients["finance_officer"].get(path).status_code == 200, path


def test_the_bare_ranking_sql_totals_equal_the_reviews_mean_points(connection):
    """The baseline SQL computes the ranking's figures: the total on 100 of the criterion
    means equals the mean of the reviews' weighted points on 100 (the weighting is linear)."""
    from decimal import Decimal

    from sqlalchemy import text

    world = _scale.seed_world(connection, "tiny")
    call_id = world["call_ids"][world["evaluation_code"]]
    rows = connection.execute(text(pages.RANKING_SQL), {"call_id": call_id}).all()
    totals = {row.application_id: Decimal(str(row.total)) for row in rows}
    assert len(rows) == len(totals) * _scale.CRITERIA
    points = connection.execute(
        text(
            "SELECT application_id, AVG(points) AS points FROM reviews"
            " WHERE call_id = :call_id AND status = 'submitted' GROUP BY application_id"
        ),
        {"call_id": call_id},
    ).all()
    assert len(points) == _scale.SCALES["tiny"]["evaluated"]
    maximum = connection.execute(
        text(
            "SELECT SUM(c.weight * c.max_score) FROM review_criteria c"
            " JOIN review_rubrics r ON r.id = c.rubric_id WHERE r.call_id = :call_id"
        ),
        {"call_id": call_id},
    ).scalar_one()
    for row in points:
        expected = Decimal(str(row.points)) * 100 / Decimal(str(maximum))
        assert totals[row.application_id] == pytest.approx(expected, abs=Decimal("0.01"))
