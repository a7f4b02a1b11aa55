"""Public verification of agreements and amendments: ``/verify/<hash>`` (no login).

Accepts the content hash printed in a PDF's footer, the signed content hash, or the SHA-256
of a stored PDF file, of an agreement or of an amendment document. Says only whether the portal
issued it, the agreement number, version and status, and the grant's chain of versions
(``portal.awards.amendments.chain``: agreement, amendments, which is current, each verified):
nothing personal (no names, amounts or organisation)."""

from __future__ import annotations

import re

from flask import redirect, render_template, request, url_for
from sqlalchemy import or_, select

from portal.awards.forms import VerifyForm
from portal.awards.models import Agreement
from portal.awards.views import bp
from portal.core.db import db

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def find(digest: str) -> tuple[Agreement | None, str | None]:
    """The agreement with this hash and what the hash identifies."""
    if not HEX64.match(digest):
        return None, None
    agreement = db.session.scalar(
        select(Agreement)
        .where(
            or_(
                Agreement.content_hash == digest,
                Agreement.file_sha256 == digest,
                Agreement.signed_content_hash == digest,
                Agreement.signed_file_sha256 == digest,
            )
        )
        .limit(1)
    )
    if agreement is None:
        return None, None
    kind = {
        agreement.content_hash: "content",
        agreement.file_sha256: "file",
        agreement.signed_content_hash: "signed_content",
        agreement.signed_file_sha256: "signed_file",
    }.get(digest)
    return agreement, kind


@bp.get("/verify")
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("hash") and form.validate():
        return redirect(url_for("awards.verify", digest=form.hash.data.strip().lower()))
    return render_template(
        "awards/verify.html", form=form, digest=None, agreement=None, amendment=None, links=[]
    )


@bp.get("/verify/<digest>")
def verify(digest: str):
    from flask_babel import get_locale

    from portal.awards.amendments import chain

    digest = digest.strip().lower()
    agreement, kind = find(digest)
    amendment = None
    if agreement is None and HEX64.match(digest):
        amendment, kind = chain.find(digest)
    award = agreement.award if agreement else amendment.amendment.award if amendment else None
    language = "en" if str(get_locale() or "es").startswith("en") else "es"
    form = VerifyForm(data={"hash": digest})
    return render_template(
        "awards/verify.html",
        form=form,
        digest=digest,
        agreement=agreement,
        amendment=amendment,
        kind=kind,
        links=chain.chain_of(award, language) if award else [],
    ), (200 if agreement or amendment else 404)
