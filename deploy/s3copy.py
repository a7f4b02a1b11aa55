"""Copy the documents bucket: bucket → folder, folder → bucket, or bucket → bucket.

    python -m deploy.s3copy s3://cofinancia-docs /srv/backups/x/storage
    python -m deploy.s3copy s3://cofinancia-docs s3://cofinancia-docs-backup
    python -m deploy.s3copy /srv/backups/x/storage s3://cofinancia-drill-2026

Incremental: an object whose destination already exists with the same size is skipped
(documents are written once under fresh keys and never changed in place). Nothing is ever
deleted at the destination. Uses the portal's settings (S3_ENDPOINT_URL, S3_REGION) and boto3's
credential chain; the awscli equivalent is ``aws s3 sync`` (``--endpoint-url`` for MinIO).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path


def client(**settings):
    """A client for the portal's S3 endpoint (``settings`` override boto3's arguments)."""
    import boto3
    from botocore.config import Config

    settings.setdefault("endpoint_url", os.environ.get("S3_ENDPOINT_URL") or None)
    settings.setdefault("region_name", os.environ.get("S3_REGION") or None)
    return boto3.client(
        "s3",
        **settings,
        config=Config(
            # botocore >= 1.36 adds CRC checksums that many S3-compatible servers refuse.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
        ),
    )


def bucket_of(location: str) -> str | None:
    return location.removeprefix("s3://").strip("/") if location.startswith("s3://") else None


def objects(s3, bucket: str) -> Iterator[tuple[str, int]]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            yield obj["Key"], obj["Size"]


def files(folder: Path) -> Iterator[tuple[str, int]]:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        yield path.relative_to(folder).as_posix(), path.stat().st_size


def safe_path(folder: Path, key: str) -> Path:
    """The file for ``key`` under ``folder``; refuses keys that would leave it."""
    path = (folder / key).resolve()
    if folder.resolve() not in path.parents:
        raise ValueError(f"refusing key outside the folder: {key!r}")
    return path


def copy(source: str, target: str, s3=None) -> int:
    """Copy every object or file from ``source`` to ``target``; returns how many were copied."""
    src_bucket, dst_bucket = bucket_of(source), bucket_of(target)
    if not (src_bucket or dst_bucket):
        raise ValueError("one side must be a bucket (s3://name); copy folders with rsync")
    if src_bucket and src_bucket == dst_bucket:
        raise ValueError("source and target are the same bucket")
    s3 = s3 or client()
    if dst_bucket:
        present = dict(objects(s3, dst_bucket))
    else:
        Path(target).mkdir(parents=True, exist_ok=True)
        present = dict(files(Path(target)))
    listing = objects(s3, src_bucket) if src_bucket else files(Path(source))
    copied = 0
    for key, size in listing:
        if present.get(key) == size:
            continue
        if src_bucket and dst_bucket:
            s3.copy({"Bucket": src_bucket, "Key": key}, dst_bucket, key)
        elif src_bucket:
            path = safe_path(Path(target), key)
            path.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(src_bucket, key, str(path))
        else:
            s3.upload_file(str(safe_path(Path(source), key)), dst_bucket, key)
        copied += 1
    return copied


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    copied = copy(*argv)
    print(f"{copied} object(s) copied from {argv[0]} to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
