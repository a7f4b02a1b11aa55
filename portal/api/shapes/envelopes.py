"""What wraps the objects: one (``{"data": …}``), a page of them (``data``, ``meta``, ``links``)
and every error (``{"error": …}``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, create_model
from pydantic.json_schema import SkipJsonSchema

from portal.api.params import MAX_PER_PAGE
from portal.api.shapes.objects import Award, Call, Contribution, Disbursement, Me, Result
from portal.api.shapes.wire import Id, Shape

ErrorCode = Literal[
    "missing_token",
    "invalid_token",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "not_found",
    "invalid_parameter",
    "unknown_parameter",
    "method_not_allowed",
    "rate_limited",
    "server_error",
    "http_error",
]


class ErrorDetail(Shape):
    """What went wrong."""

    code: ErrorCode = Field(description="Stable machine-readable code (English).")
    message: str = Field(
        description="For people: English, or Spanish when Accept-Language prefers it."
    )
    # Absent (not null) unless a query parameter was refused: dump with exclude_none.
    parameter: str | SkipJsonSchema[None] = Field(
        default=None,
        description="The query parameter that was refused (400 only).",
        json_schema_extra=lambda schema: schema.pop("default", None),
    )


class Error(Shape):
    """Every error has this shape."""

    error: ErrorDetail


class PageMeta(Shape):
    """Position of this page in the whole list."""

    page: Id
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE, strict=True)]
    total: Annotated[int, Field(ge=0, strict=True)] = Field(description="Items in all pages.")
    pages: Id


class PageLinks(Shape):
    """Links (relative to the server's origin) keeping the filters of the request."""

    self: str
    next: str | None = Field(description="null on the last page.")
    prev: str | None = Field(description="null on the first page.")


def _list_of(model: type[Shape]) -> type[Shape]:
    return create_model(
        f"{model.__name__}List",
        __base__=Shape,
        __doc__=f"A page of {model.__name__} objects.",
        __module__=__name__,
        data=(list[model], ...),
        meta=(PageMeta, ...),
        links=(PageLinks, ...),
    )


def _one(model: type[Shape]) -> type[Shape]:
    return create_model(
        f"{model.__name__}Item",
        __base__=Shape,
        __doc__=f"One {model.__name__}.",
        __module__=__name__,
        data=(model, ...),
    )


CallList, AwardList = _list_of(Call), _list_of(Award)
DisbursementList, ContributionList = _list_of(Disbursement), _list_of(Contribution)
ResultList = _list_of(Result)
CallItem, AwardItem, MeItem = _one(Call), _one(Award), _one(Me)

# The body of each operation's 200 answer, by operationId (the document itself excepted).
RESPONSES: dict[str, type[Shape]] = {
    "me": MeItem,
    "calls": CallList,
    "call": CallItem,
    "awards": AwardList,
    "award": AwardItem,
    "award_disbursements": DisbursementList,
    "award_cofinance": ContributionList,
    "disbursements": DisbursementList,
    "cofinance": ContributionList,
    "results": ResultList,
    "award_results": ResultList,
}
