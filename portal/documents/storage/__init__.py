"""Pick the storage backend from configuration (``STORAGE_BACKEND=local|s3``)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from portal.documents.storage.base import ObjectInfo, Storage, StorageError, TooLarge

BACKENDS = ("local", "s3")

__all__ = ["BACKENDS", "ObjectInfo", "Storage", "StorageError", "TooLarge", "get_storage"]


def get_storage(name: str | None = None) -> Storage:
    """The backend ``name`` (default: the configured one), built once per settings."""
    config = current_app.config
    name = name or config["STORAGE_BACKEND"]
    if name not in BACKENDS:
        raise StorageError(f"unknown STORAGE_BACKEND {name!r}; use one of {BACKENDS}")
    settings = _settings(name, config)
    cache = current_app.extensions.setdefault("documents_storage", {})
    if settings not in cache:
        cache[settings] = _build(name, config)
    return cache[settings]


def local_root(config) -> Path:
    root = config.get("STORAGE_LOCAL_ROOT") or str(Path(current_app.instance_path) / "storage")
    return Path(root)


def _settings(name: str, config) -> tuple:
    if name == "local":
        return (name, str(local_root(config)))
    return (
        name,
        config.get("S3_BUCKET"),
        config.get("S3_ENDPOINT_URL"),
        config.get("S3_REGION"),
        config.get("S3_KMS_KEY_ID"),
        config.get("DOCUMENT_UPLOAD_EXPIRY"),
        config.get("DOCUMENT_DOWNLOAD_EXPIRY"),
    )


def _build(name: str, config) -> Storage:
    if name == "local":
        from portal.documents.storage.local import LocalStorage

        return LocalStorage(local_root(config))
    from portal.documents.storage.s3 import S3Storage

    return S3Storage(
        config.get("S3_BUCKET", ""),
        endpoint_url=config.get("S3_ENDPOINT_URL"),
        region=config.get("S3_REGION"),
        kms_key_id=config.get("S3_KMS_KEY_ID"),
        upload_expiry=config.get("DOCUMENT_UPLOAD_EXPIRY", 600),
        download_expiry=config.get("DOCUMENT_DOWNLOAD_EXPIRY", 300),
    )
