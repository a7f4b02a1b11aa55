"""STUB: replaced by the admin implementation."""

from flask import Blueprint, abort

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
def users():
    abort(501)


@bp.get("/outbox")
def outbox():
    abort(501)
