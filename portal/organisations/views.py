"""STUB: replaced by the organisations implementation."""

from flask import Blueprint, abort

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.get("/")
def mine():
    abort(501)


@bp.route("/switch", methods=["GET", "POST"])
def switch():
    abort(501)
