"""Memory while a 100 MB file goes through the local backend's upload path.

Runs the real route (``POST /documents/organisation/<id>/other/upload``, multipart, as the
form without JavaScript sends it) in-process through Flask's test client, then the finalize
checks (SHA-256, type sniffing, PDF structure) and the move out of quarantine. Werkzeug spools
file parts above 500 KB to a temporary file and the storage copies in 64 KiB chunks, so the
peak should stay near the idle process. A control step that reads the same file into memory
shows what a non-flat path looks like.

    python -m bench documents_memory            # 100 MB
    python -m bench.documents_memory --size-mb 20
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

MIB = 1024 * 1024
FLAT_MARGIN_MIB = 16  # allowed growth of the RSS peak over idle for "flat"


def _make_pdf(path: Path, size: int) -> None:
    """A structurally valid PDF padded with a comment stream to ``size`` bytes, in chunks."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    tail = b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    filler = (b"% padding " + b"x" * 53 + b"\n") * 1024  # 64 KiB of PDF comments
    with open(path, "wb") as out:
        out.write(head)
        remaining = size - len(head) - len(tail)
        while remaining > 0:
            piece = filler[: min(len(filler), remaining)]
            out.write(piece)
            remaining -= len(piece)
        out.write(tail)


def _rss_peak_mib() -> float:
    """VmHWM (resettable on Linux) or, failing that, ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_rss_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Phase:
    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self):
        self.resettable = _reset_rss_peak()
        tracemalloc.reset_peak()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        self.traced_peak = tracemalloc.get_traced_memory()[1] / MIB
        self.rss_peak = _rss_peak_mib()


def _app(workdir: Path, size: int):
    from portal import create_app
    from portal.core.db import db
    from portal.core.migrate import upgrade

    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app(
        "testing",
        {
            "DATABASE_URL": url,
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": str(workdir / "storage"),
            "UPLOAD_MAX_BYTES": size + MIB,
            "MAX_CONTENT_LENGTH": size + 2 * MIB,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        },
    )
    with app.app_context():
        upgrade(url)
        db.engine.dispose()
    return app


def _member(app) -> tuple[int, str]:
    from portal.accounts import sessions
    from portal.accounts.models import User
    from portal.core.db import db
    from portal.organisations.models import Membership, Organisation

    with app.app_context():
        user = User(email="bench@example.org", full_name="Bench", password_hash=None)
        org = Organisation(
            kind="cso",
            legal_name="Banco de Pruebas A.C.",
            rfc="BPR010101AB1",
            state_code="09",
            municipality="Cuauhtémoc",
            address="Calle 1",
            legal_rep_name="Ana",
        )
        db.session.add_all([user, org])
        db.session.flush()
        db.session.add(Membership(organisation_id=org.id, user_id=user.id, role="owner"))
        db.session.commit()
        _, key = sessions.create(user)  # a server-side session (issue 17)
        db.session.commit()
        ids = org.id, f"{user.id}:{key}"
        db.session.remove()
        return ids


def _upload(client, org_id: int, path: Path, name: str):
    with open(path, "rb") as f:
        return client.post(
            f"/documents/organisation/{org_id}/other/upload",
            data={"file": (f, name, "application/pdf")},
            headers={"Accept": "application/json"},
        )


def run(size_mb: int) -> dict:
    size = size_mb * MIB
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as tmp:
        workdir = Path(tmp)
        app = _app(workdir, size)
        org_id, cookie_id = _member(app)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = cookie_id
            session["_fresh"] = True
        small, big = workdir / "small.pdf", workdir / "big.pdf"
        _make_pdf(small, 64 * 1024)
        _make_pdf(big, size)
        tracemalloc.start()
        assert _upload(client, org_id, small, "warm-up.pdf").status_code == 200  # imports, caches
        client.get(f"/documents/organisation/{org_id}/")  # compiles the templates
        with Phase("idle (one small request)") as idle:
            client.get(f"/documents/organisation/{org_id}/")
            time.sleep(0.2)
        with Phase(f"upload {size_mb} MB (local backend)") as upload:
            response = _upload(client, org_id, big, "big.pdf")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.get_json()["ok"], response.get_json()
        stored = sorted((workdir / "storage" / "documents").iterdir(), key=os.path.getsize)[-1]
        assert stored.stat().st_size == size
        with Phase(f"control: read {size_mb} MB into memory") as control:
            hashlib.sha256(big.read_bytes()).hexdigest()
        tracemalloc.stop()
    return {"phases": [idle, upload, control], "resettable": idle.resettable}


def report(result: dict) -> bool:
    idle, upload, _control = result["phases"]
    print(f"{'phase':42} {'peak RSS MiB':>13} {'tracemalloc peak MiB':>21} {'seconds':>8}")
    for phase in result["phases"]:
        print(
            f"{phase.name:42} {phase.rss_peak:13.1f} {phase.traced_peak:21.1f} {phase.seconds:8.2f}"
        )
    if not result["resettable"]:
        print("(RSS peak could not be reset: each figure is the process peak so far)")
    growth = upload.rss_peak - idle.rss_peak
    flat = growth < FLAT_MARGIN_MIB and upload.traced_peak < FLAT_MARGIN_MIB
    verdict = "flat" if flat else "NOT flat"
    print(
        f"upload RSS peak - idle RSS peak = {growth:.1f} MiB;"
        f" Python allocations peak {upload.traced_peak:.1f} MiB -> {verdict}"
        f" (margin {FLAT_MARGIN_MIB} MiB; the control step shows a non-flat path)"
    )
    return flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    args = parser.parse_args(argv)
    return 0 if report(run(args.size_mb)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
