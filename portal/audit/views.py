"""STUB: replaced by the audit browsing implementation."""

from flask import Blueprint, abort

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
def index():
    abort(501)
