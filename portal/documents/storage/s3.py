"""S3 backend (AWS or any S3-compatible endpoint) through boto3.

Browsers upload straight to the bucket with a presigned POST restricted to one quarantine key,
a size range and a content type; the portal then verifies the object and copies it to its final
key. Downloads redirect to a presigned GET that lives at most five minutes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import Response, redirect

from portal.documents.filenames import content_disposition
from portal.documents.storage.base import (
    CHUNK,
    HashingReader,
    ObjectChanged,
    ObjectInfo,
    Storage,
    StorageError,
    check_key,
)

MAX_UPLOAD_EXPIRY = 600  # seconds a presigned POST may live
MAX_DOWNLOAD_EXPIRY = 300  # seconds a presigned GET may live
SPOOL_IN_MEMORY = 1024 * 1024  # verification copies larger objects to a temporary file


class S3Storage(Storage):
    name = "s3"
    direct_upload = True

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        kms_key_id: str | None = None,
        upload_expiry: int = MAX_UPLOAD_EXPIRY,
        download_expiry: int = MAX_DOWNLOAD_EXPIRY,
    ) -> None:
        if not bucket:
            raise StorageError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        self.bucket = bucket
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self.kms_key_id = kms_key_id or None
        self.upload_expiry = max(1, min(int(upload_expiry), MAX_UPLOAD_EXPIRY))
        self.download_expiry = max(1, min(int(download_expiry), MAX_DOWNLOAD_EXPIRY))
        self._client = None

    @property
    def client(self):
        """Created on first use (no network until then); credentials from boto3's chain."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                signature_version="s3v4",
                # botocore >= 1.36 adds CRC checksums that many S3-compatible servers refuse.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
            )
            self._client = boto3.client(
                "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
            )
        return self._client

    # Encryption -----------------------------------------------------------------------
    def _sse_args(self) -> dict:
        if not self.kms_key_id:
            return {}
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id}

    def _sse_fields(self) -> dict:
        if not self.kms_key_id:
            return {}
        return {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": self.kms_key_id,
        }

    # Storage interface ------------------------------------------------------------------
    def save(self, key: str, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[int, str]:
        reader = HashingReader(stream, max_bytes)
        self.client.upload_fileobj(
            reader, self.bucket, check_key(key), ExtraArgs=self._sse_args() or None
        )
        return reader.size, reader.sha256

    @contextmanager
    def open(self, key: str) -> Iterator[tuple[BinaryIO, str | None]]:
        """Stream the object into a spooled temporary file (memory stays bounded).

        The ETag is the version token: the presigned POST stays valid for minutes, so the
        quarantine object could be replaced between this read and ``promote``.
        """
        response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        body = response["Body"]
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
            try:
                for chunk in body.iter_chunks(CHUNK):
                    spool.write(chunk)
            finally:
                body.close()
            spool.seek(0)
            yield spool, response.get("ETag")

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def info(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return ObjectInfo(key, head["ContentLength"], head["LastModified"])

    def promote(
        self, source: str, target: str, content_type: str, *, if_match: str | None = None
    ) -> None:
        """Server-side copy with the detected content type, then drop the quarantine object."""
        from botocore.exceptions import ClientError

        extra = {"CopySourceIfMatch": if_match} if if_match else {}
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=check_key(target),
                CopySource={"Bucket": self.bucket, "Key": check_key(source)},
                ContentType=content_type,
                MetadataDirective="REPLACE",
                **extra,
                **self._sse_args(),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                raise ObjectChanged(source) from error
            raise
        self.delete(source)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield ObjectInfo(item["Key"], item["Size"], item["LastModified"])

    def download(self, key: str, *, filename: str, content_type: str) -> Response:
        url = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": check_key(key),
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=self.download_expiry,
        )
        response = redirect(url, 302)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    def upload_form(
        self, key: str, *, content_type: str, max_bytes: int, redirect_url: str | None = None
    ) -> dict:
        """A presigned POST for exactly ``key``, 1..max_bytes bytes of ``content_type``."""
        fields = {"Content-Type": content_type, **self._sse_fields()}
        conditions: list = [
            {"Content-Type": content_type},
            ["content-length-range", 1, int(max_bytes)],
        ]
        conditions += [{name: value} for name, value in self._sse_fields().items()]
        if redirect_url:
            fields["success_action_redirect"] = redirect_url
            conditions.append({"success_action_redirect": redirect_url})
        else:
            fields["success_action_status"] = "204"
            conditions.append({"success_action_status": "204"})
        return self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=check_key(key),
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=self.upload_expiry,
        )

    def origin(self) -> str | None:
        parts = urlsplit(self.client.meta.endpoint_url)
        return f"{parts.scheme}://{parts.netloc}"
