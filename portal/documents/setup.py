"""Wiring done when the documents blueprint is registered (no work at import time)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_login import current_user

from portal.documents.owners import DocumentOwner, register_builtin_owners, resolve
from portal.documents.rejections import human_size
from portal.documents.storage import get_storage
from portal.documents.types import BY_MIME


def init_app(app: Flask) -> None:
    register_builtin_owners()
    app.jinja_env.globals["document_listing"] = document_listing
    app.jinja_env.filters["filesize"] = human_size
    app.jinja_env.filters["document_type"] = lambda mime: (
        BY_MIME[mime].label if mime in BY_MIME else mime
    )
    _allow_direct_uploads(app)


def _allow_direct_uploads(app: Flask) -> None:
    """With S3 the browser posts to the bucket: its origin joins CSP connect-src/form-action.

    Building the backend also fails fast on a bad configuration (unknown backend, no bucket).
    """
    with app.app_context():
        storage = get_storage()
        origin = storage.origin() if storage.direct_upload else None
    if not origin:
        return
    extra = app.config.get("CSP_CONNECT_EXTRA", "").split()
    if origin not in extra:
        app.config["CSP_CONNECT_EXTRA"] = " ".join([*extra, origin])


@dataclass
class DocumentListing:
    """What ``templates/documents/_list.html`` shows for one owner."""

    owner: DocumentOwner
    entries: list
    can_upload: bool


def build_listing(owner: DocumentOwner) -> DocumentListing:
    from portal.documents.operations import listing

    return DocumentListing(owner, listing(owner), owner.can_upload_documents(current_user))


def document_listing(owner_type: str, owner_id: int) -> DocumentListing | None:
    """Template helper for other domains' pages; None when the user may not see them."""
    owner = resolve(owner_type, owner_id)
    if owner is None or not owner.can_view_documents(current_user):
        return None
    return build_listing(owner)
