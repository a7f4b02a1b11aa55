"""Small sample files built in memory: valid ones of every accepted type and hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf(text: str = "Carta compromiso", padding: int = 0) -> bytes:
    """A minimal one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() + b" " * padding
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def html_as_pdf() -> bytes:
    """HTML behind a PDF header: libmagic calls it a PDF; the structural check must not."""
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>x</title></head><body>hi</body></html>\n"


def _ooxml(main_part: str, main_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    folder = main_part.split("/")[0]
    content_types = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Types xmlns="{_CT_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        f'xmlns="{_RELS_NS}"><Relationship Id="rId1" Type="{_DOC_REL}" '
        f'Target="{main_part}"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr(
            main_part,
            f'<?xml version="1.0"?><w:document xmlns:w="urn:{folder}"><w:body>'
            "<w:p><w:r><w:t>Hola</w:t></w:r></w:p></w:body></w:document>",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def docx() -> bytes:
    return _ooxml("word/document.xml", DOCX_MAIN)


def docm() -> bytes:
    """A macro-enabled Word document (content type and vbaProject.bin)."""
    return _ooxml("word/document.xml", DOCM_MAIN, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})


def docx_with_vba() -> bytes:
    """Declares itself a plain .docx but carries a VBA project."""
    return _ooxml("word/document.xml", DOCX_MAIN, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Concepto", "Monto"])
    wb.active.append(["Papelería", 1234.5])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb(uncompressed: int = 64 * 1024 * 1024) -> bytes:
    """A .docx whose one extra part expands from ~64 KB to ``uncompressed`` bytes."""
    out = io.BytesIO()
    source = io.BytesIO(docx())
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            z.writestr(item, src.read(item))
        with z.open("word/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(uncompressed // len(chunk)):
                part.write(chunk)
    return out.getvalue()


def many_entries(count: int) -> bytes:
    out = io.BytesIO(docx())
    with zipfile.ZipFile(out, "a") as z:
        for n in range(count):
            z.writestr(f"word/media/e{n}.xml", b"")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hola")
    return out.getvalue()


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def csv() -> bytes:
    return "Concepto,Monto,Moneda\nPapelería,1234.50,MXN\nViáticos,800.00,MXN\n".encode()


def exe() -> bytes:
    return b"MZ\x90\x00" + b"\0" * 60 + b"PE\0\0" + b"\0" * 200


ALL_VALID = {
    "pdf": ("carta.pdf", pdf, "application/pdf"),
    "docx": (
        "informe.docx",
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "presupuesto.xlsx",
        xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "jpeg": ("foto.jpg", jpeg, "image/jpeg"),
    "png": ("logo.png", png, "image/png"),
    "csv": ("gastos.csv", csv, "text/csv"),
}
