"""An application context for factories and direct calls that does not leak into requests.

Flask reuses an already pushed application context of the *same* app for a test-client
request, so ``g`` (and Flask-Login's cached user) would be shared by every request of the
test. A twin app built from the same configuration gives factories, operations and CLI
commands the context they need, while each client request still gets a fresh context of
the real app.
"""

from __future__ import annotations

from contextlib import contextmanager

from portal import create_app

_twins: dict[int, object] = {}


def twins() -> list:
    """The twin applications made so far (their engines are disposed at the end)."""
    return list(_twins.values())


def twin_of(app):
    if id(app) not in _twins:
        twin = create_app("testing", {})
        twin.config = app.config  # one configuration: monkeypatching either changes both
        _twins[id(app)] = twin
    return _twins[id(app)]


@contextmanager
def factory_context(app):
    with twin_of(app).app_context():
        yield
