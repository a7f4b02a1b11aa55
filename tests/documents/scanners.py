"""Scanners configured by dotted path in the tests (``DOCUMENT_SCANNER``)."""


def refuse_eicar(fileobj, *, content_type, size, sha256):
    return "EICAR test signature" if b"EICAR" in fileobj.read() else None


def broken(fileobj, **facts):
    raise ConnectionError("clamd is not running")
