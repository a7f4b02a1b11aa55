"""Blueprint ``api``: the read-only JSON API at ``/api/v1`` (GET only).

Every endpoint but the OpenAPI document needs ``Authorization: Bearer <token>`` (see
``auth.py``); the session cookie is ignored. A resource the token's user may not see is a 404,
exactly as on the pages, so the API never reveals that another organisation's grant exists.
CSRF protection is off for this blueprint: it has no state-changing method and ignores cookies.
"""

from __future__ import annotations

from flask import Blueprint, g, request, url_for
from werkzeug.exceptions import HTTPException

from portal.api import auth, errors, openapi, queries, shapes
from portal.api import serializers as s
from portal.api.errors import ApiError, json_response
from portal.api.params import DEFAULT_PER_PAGE, PAGING, Params
from portal.api.shapes import envelopes as e
from portal.awards import permissions as award_permissions
from portal.awards.constants import MONEY_STATUSES, AwardStatus
from portal.awards.models import Award
from portal.core.db import db, now_utc
from portal.extensions import csrf, limiter
from portal.finance import figures as finance_figures
from portal.finance import permissions as finance_permissions
from portal.finance.constants import ContributionStatus

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
limiter.limit(auth.rate_limit, key_func=auth.rate_limit_key, exempt_when=auth.limits_off)(bp)
limiter.limit(
    auth.failed_auth_limit,
    key_func=auth.address_key,
    deduct_when=auth.refused,
    exempt_when=auth.limits_off,
)(bp)

bp.register_error_handler(ApiError, errors.error_response)
bp.register_error_handler(HTTPException, errors.http_error)
bp.register_error_handler(Exception, errors.server_error)

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


@bp.before_app_request
def _json_routing_errors():
    """Unknown paths and methods under /api/v1 never reach the blueprint: answer in JSON."""
    failure = request.routing_exception
    if failure is None or not isinstance(failure, HTTPException) or (failure.code or 0) < 400:
        return None
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        return errors.http_error(failure)
    return None


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    g.api_user = auth.authenticate()
    return None


def user():
    return g.api_user


# Helpers --------------------------------------------------------------------------------------
def listing(shape: type[shapes.Shape], page: queries.Page, data: list, endpoint: str, **values):
    """The ``shape`` answer (a list model): ``data`` with the page's ``meta`` and relative
    ``links`` (filters kept)."""
    args = {k: v for k, v in request.args.items() if k not in PAGING}
    if page.per_page != DEFAULT_PER_PAGE:
        args["per_page"] = page.per_page

    def link(number: int) -> str:
        return url_for(endpoint, **values, **args, page=number)

    meta = e.PageMeta(page=page.number, per_page=page.per_page, total=page.total, pages=page.pages)
    links = e.PageLinks(
        self=link(page.number),
        next=link(page.number + 1) if page.has_next else None,
        prev=link(min(page.number - 1, page.pages)) if page.has_prev else None,
    )
    return json_response(shapes.dump(shape(data=data, meta=meta, links=links)))


def not_found():
    return ApiError(404, "not_found")


def _award_figures(awards: list) -> dict:
    active = [a.id for a in awards if a.status in MONEY_STATUSES]
    return finance_figures.grant_figures(active) if active else {}


def load_award(award_id: int) -> Award:
    """The award if the token's user may see it (the award page's rule); 404 otherwise."""
    award = db.session.get(Award, award_id)
    if award is None or not award_permissions.can_view(award, user()):
        raise not_found()
    return award


def load_grant(award_id: int) -> Award:
    """The award if the user may read its money (the finance page's rule: active grants)."""
    award = load_award(award_id)
    if not finance_permissions.can_view(award, user()):
        raise not_found()
    return award


# Endpoints --------------------------------------------------------------------------------------
@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    """The OpenAPI 3.1 document of this API (public: it describes, it holds no data)."""
    return json_response(openapi.document())


@bp.get("/me")
def me():
    Params()
    me = s.me_shape(user(), g.api_token, queries.memberships(user()))
    return json_response(shapes.dump(e.MeItem(data=me)))


@bp.get("/calls")
def calls():
    page_number, per_page = Params(*PAGING).paging()
    page = queries.calls(user(), page_number, per_page)
    now = now_utc()
    return listing(
        e.CallList, page, [s.call_shape(row.Call, now) for row in page.items], "api.calls"
    )


@bp.get("/calls/<int:call_id>")
def call(call_id: int):
    Params()
    found = queries.call(user(), call_id)
    if found is None:
        raise not_found()
    return json_response(shapes.dump(e.CallItem(data=s.call_shape(found, now_utc()))))


@bp.get("/awards")
def awards():
    params = Params(*PAGING, "status")
    page_number, per_page = params.paging()
    status = params.choice("status", [st.value for st in AwardStatus])
    page = queries.awards(user(), page_number, per_page, status=status)
    rows = page.items
    figures = _award_figures(rows)
    history = queries.amendments_by_award([row.id for row in rows])
    data = [
        s.award_shape(row, vars(row), figures.get(row.id), history.get(row.id, ())) for row in rows
    ]
    return listing(e.AwardList, page, data, "api.awards")


@bp.get("/awards/<int:award_id>")
def award(award_id: int):
    Params()
    found = load_award(award_id)
    figures = _award_figures([found]).get(found.id)
    history = queries.amendments_by_award([found.id]).get(found.id, ())
    shape = s.award_shape(found, s.award_info(found), figures, history)
    return json_response(shapes.dump(e.AwardItem(data=shape)))


def _path_values(award_id: int | None) -> dict:
    return {"award_id": award_id} if award_id else {}


def _disbursements(endpoint: str, award_id: int | None = None):
    params = Params(*PAGING, "since", "after_id", *(() if award_id else ("award",)))
    page_number, per_page = params.paging()
    award_filter = award_id if award_id else params.integer("award")
    page = queries.disbursements(
        user(),
        page_number,
        per_page,
        award_id=award_filter,
        since=params.day("since"),
        after_id=params.integer("after_id", minimum=0),
    )
    data = [s.disbursement_shape(row, row.reference) for row in page.items]
    return listing(e.DisbursementList, page, data, endpoint, **_path_values(award_id))


@bp.get("/disbursements")
def disbursements():
    return _disbursements("api.disbursements")


@bp.get("/awards/<int:award_id>/disbursements")
def award_disbursements(award_id: int):
    load_grant(award_id)
    return _disbursements("api.award_disbursements", award_id)


def _cofinance(endpoint: str, award_id: int | None = None):
    params = Params(*PAGING, "status", *(() if award_id else ("award",)))
    page_number, per_page = params.paging()
    page = queries.contributions(
        user(),
        page_number,
        per_page,
        award_id=award_id if award_id else params.integer("award"),
        status=params.choice("status", [st.value for st in ContributionStatus]),
    )
    data = [s.contribution_shape(row, row.reference) for row in page.items]
    return listing(e.ContributionList, page, data, endpoint, **_path_values(award_id))


@bp.get("/cofinance")
def cofinance():
    return _cofinance("api.cofinance")


@bp.get("/awards/<int:award_id>/cofinance")
def award_cofinance(award_id: int):
    load_grant(award_id)
    return _cofinance("api.award_cofinance", award_id)


def _results(endpoint: str, award_id: int | None = None):
    params = Params(*PAGING, *(() if award_id else ("award",)))
    page_number, per_page = params.paging()
    page = queries.results(
        user(),
        page_number,
        per_page,
        award_id=award_id if award_id else params.integer("award"),
    )
    data = [s.result_shape(row.AwardIndicator, row.reference) for row in page.items]
    return listing(e.ResultList, page, data, endpoint, **_path_values(award_id))


@bp.get("/results")
def results():
    return _results("api.results")


@bp.get("/awards/<int:award_id>/results")
def award_results(award_id: int):
    load_grant(award_id)
    return _results("api.award_results", award_id)
