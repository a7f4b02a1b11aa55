"""STUB: replaced by the accounts implementation."""

from flask import Blueprint, abort

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    abort(501)


@bp.post("/logout")
def logout():
    abort(501)


@bp.route("/register", methods=["GET", "POST"])
def register():
    abort(501)


@bp.get("/account")
def profile():
    abort(501)
