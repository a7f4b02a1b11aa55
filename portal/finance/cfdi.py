"""Reading a CFDI 4.0 electronic invoice (XML) from an untrusted upload.

lxml with a hardened parser: no entity resolution, no DTD loading, no network, no huge trees,
and a size limit before parsing. Only the fields the programme needs are read: the UUID of the
TimbreFiscalDigital complement, issuer and receiver RFC, total, currency and date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from lxml import etree

MAX_BYTES = 512 * 1024
CFDI_NS = ("http://www.sat.gob.mx/cfd/4", "http://www.sat.gob.mx/cfd/3")
TFD_NS = "http://www.sat.gob.mx/TimbreFiscalDigital"
# CFDI dates carry no zone: they are the issuer's local time; central Mexico is the convention.
CFDI_ZONE = ZoneInfo("America/Mexico_City")


class CfdiError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ParsedCfdi:
    uuid: str
    issuer_rfc: str
    receiver_rfc: str
    total: Decimal
    currency: str
    issued_dt: datetime
    xml: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )


def parse(data: bytes) -> ParsedCfdi:
    if len(data) > MAX_BYTES:
        raise CfdiError(_l("The CFDI file is too large (at most 512 KB)."))
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise CfdiError(_l("The CFDI file may not declare a DOCTYPE or entities."))
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise CfdiError(_l("The file is not well-formed XML.")) from exc
    if etree.QName(root).localname != "Comprobante" or etree.QName(root).namespace not in CFDI_NS:
        raise CfdiError(_l("The file is not a CFDI (no cfdi:Comprobante element)."))
    ns = etree.QName(root).namespace
    return ParsedCfdi(
        uuid=_uuid(root),
        issuer_rfc=_rfc(root, ns, "Emisor"),
        receiver_rfc=_rfc(root, ns, "Receptor"),
        total=_total(root),
        currency=(root.get("Moneda") or "").upper(),
        issued_dt=_date(root),
        xml=data.decode("utf-8", errors="replace"),
    )


def _uuid(root) -> str:
    stamp = root.find(f".//{{{TFD_NS}}}TimbreFiscalDigital")
    value = (stamp.get("UUID") if stamp is not None else "") or ""
    if len(value) != 36 or value.count("-") != 4:
        raise CfdiError(_l("The CFDI has no valid tax stamp (TimbreFiscalDigital UUID)."))
    return value.upper()


def _rfc(root, ns: str, element: str) -> str:
    node = root.find(f"{{{ns}}}{element}")
    value = (node.get("Rfc") if node is not None else "") or ""
    if not 12 <= len(value) <= 13:
        raise CfdiError(_l("The CFDI has no valid %(party)s RFC.", party=element))
    return value.upper()


def _total(root) -> Decimal:
    try:
        value = Decimal(root.get("Total") or "")
    except InvalidOperation as exc:
        raise CfdiError(_l("The CFDI has no valid total.")) from exc
    if value <= 0:
        raise CfdiError(_l("The CFDI has no valid total."))
    return value.quantize(Decimal("0.01"))


def _date(root) -> datetime:
    try:
        local = datetime.fromisoformat(root.get("Fecha") or "")
    except ValueError as exc:
        raise CfdiError(_l("The CFDI has no valid date.")) from exc
    if local.tzinfo is None:
        local = local.replace(tzinfo=CFDI_ZONE)
    return local.astimezone(ZoneInfo("UTC"))
