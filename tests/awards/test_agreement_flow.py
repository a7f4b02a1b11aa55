"""The core path: award → terms and schedule → agreement PDF → signatory signs → staff
countersign → signed PDF (checked by its extracted text) → /verify/<hash>."""

from __future__ import annotations

import re

from portal.awards.models import Agreement, Award
from portal.core.db import db
from tests.awards import helpers
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form


def _issue(client, award_id):
    return post_form(client, f"/awards/{award_id}/issue", {}, form_url=f"/awards/{award_id}")


def _sign(client, agreement_id, name, password=DEFAULT_PASSWORD, accept="y"):
    data = {"typed_name": name, "password": password}
    if accept:
        data["accept"] = accept
    url = f"/agreements/{agreement_id}/sign"
    return post_form(client, url, data, form_url=url)


def test_award_to_signed_agreement(ctx, application, personas, as_user, outbox):
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager)
    award_id = award.id
    staff = as_user(manager)
    response = _issue(staff, award_id)
    assert response.status_code == 302, response.data

    agreement = db.session.query(Agreement).filter_by(award_id=award_id).one()
    assert agreement.number == f"{application.reference}-A1"
    assert agreement.document_id and agreement.file_sha256
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert "Org A A.C." in text
    assert "María López" in text
    assert "MXN 300,000.00 (trescientos mil pesos 00/100 M.N.)" in text
    assert "Plan de trabajo aprobado" in text
    assert "Municipio de Monterrey" in text
    assert agreement.content_hash in text

    # The signatory (owner of organisation A) signs, with name accents/case relaxed.
    grantee = as_user(personas["applicant"])
    response = _sign(grantee, agreement.id, "ana aplicante")
    assert response.status_code == 302, response.data
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == "signed_by_grantee"

    response = _sign(staff, agreement.id, "Gabriel Gestor")
    assert response.status_code == 302, response.data
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == "active" and agreement.frozen
    assert db.session.get(Award, award_id).status == "active"
    signed = helpers.stored_bytes(agreement.signed_document_id)
    signed_text = helpers.flat_text(signed)
    assert "Ana Aplicante" in signed_text and "Gabriel Gestor" in signed_text
    assert "trescientos mil pesos" in signed_text
    assert agreement.signed_content_hash in signed_text
    signature = agreement.signature("grantee")
    assert signature.ip_address and signature.content_hash == agreement.content_hash

    # Public verification: content hash, file hash, signed file; a tampered file does not.
    from hashlib import sha256

    for digest in (
        agreement.content_hash,
        agreement.file_sha256,
        agreement.signed_file_sha256,
        sha256(signed).hexdigest(),
    ):
        page = ctx_client(ctx).get(f"/verify/{digest}")
        assert page.status_code == 200
        assert agreement.number.encode() in page.data
        shown = re.sub(rb"[0-9a-f]{64}", b"", page.data)  # a hex digest may contain "300"
        assert b"Org A" not in shown and b"300" not in shown
    tampered = sha256(signed + b"%tampered").hexdigest()
    page = ctx_client(ctx).get(f"/verify/{tampered}")
    assert page.status_code == 404 and agreement.number.encode() not in page.data
    assert any("A1" in m.subject for m in outbox())


def ctx_client(_ctx):
    from flask import current_app

    return current_app.test_client()
