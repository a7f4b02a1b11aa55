"""What every view does the same way: run an operation for a form or a button, and refuse.

A view loads its object, checks the permission on it, and hands the posted form to
:func:`run`. The operation validates, changes state, writes the audit entry and flushes; it
never commits: the request's unit of work commits once at its end (portal/core/unit_of_work.py).
A refusal (``InputError``) is rolled back at once and shown on the form (:func:`run`) or
flashed (:func:`run_action`, for buttons without fields).
"""

from __future__ import annotations

from flask import abort, flash

from portal.core import unit_of_work
from portal.core.errors import InputError
from portal.core.forms import apply_errors


def run(form, operation, *args, message: str | None = None, **kwargs):
    """Run ``operation(*args, **kwargs)``; flash ``message`` on success, or put its refusal on
    ``form``. Returns the operation's result (``True`` when it returns nothing) or ``None``."""
    try:
        result = operation(*args, **kwargs)
    except InputError as refused:
        unit_of_work.discard()
        apply_errors(form, refused.errors)
        return None
    if message:
        flash(message, "success")
    return result if result is not None else True


def run_action(operation, *args, message: str | None = None, **kwargs):
    """For buttons: the same, flashing the refusal instead of showing it on a form."""
    try:
        result = operation(*args, **kwargs)
    except InputError as refused:
        unit_of_work.discard()
        flash_errors(refused)
        return None
    if message:
        flash(message, "success")
    return result if result is not None else True


def flash_errors(refused: InputError) -> None:
    for text in refused.messages():
        flash(str(text), "danger")  # a lazy message would be stored (and shown) as Markup


def require(allowed: bool) -> None:
    """403 unless ``allowed`` (the per-object permission the view has just checked)."""
    if not allowed:
        abort(403)
