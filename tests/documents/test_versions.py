"""Version numbering when two uploads to the same slot race."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from portal.core.db import db
from portal.documents import operations
from portal.documents.owners import load_organisation
from tests.documents import samples


def _upload(owner, user, text: str):
    file = FileStorage(io.BytesIO(samples.pdf(text)), filename=f"{text}.pdf")
    return operations.upload_file(owner, owner.document_slot("other"), user, file)


def test_a_taken_version_number_is_retried(app, personas, monkeypatch):
    """The first read of max(version) is stale, as if another upload committed meanwhile: the
    unique constraint refuses the number, the savepoint rolls back and the next number wins."""
    with app.test_request_context():
        owner = load_organisation(personas["org_a"].id)
        assert _upload(owner, personas["applicant"], "uno").document.version == 1
        real_scalar = db.session.scalar
        stale_reads = []

        def scalar(statement, *args, **kwargs):
            if "max(documents.version)" in str(statement) and not stale_reads:
                stale_reads.append(statement)
                return None
            return real_scalar(statement, *args, **kwargs)

        monkeypatch.setattr(db.session, "scalar", scalar)
        second = _upload(owner, personas["applicant"], "dos")
        assert stale_reads
        assert second.ok
        assert second.document.version == 2
        db.session.commit()
