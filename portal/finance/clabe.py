"""CLABE (Mexican interbank account number) validation: 18 digits = bank (3) + plaza (3) +
account (11) + check digit. Check digit: weights 3, 7, 1 repeated over the first 17 digits,
sum of (digit × weight) mod 10, check = (10 − sum mod 10) mod 10. The bank prefix must be a
participant in Banxico's SPEI (the table below: the common institutions; extend as needed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BANKS: dict[str, str] = {
    "002": "BANAMEX",
    "006": "BANCOMEXT",
    "009": "BANOBRAS",
    "012": "BBVA MÉXICO",
    "014": "SANTANDER",
    "019": "BANJERCITO",
    "021": "HSBC",
    "030": "BAJÍO",
    "032": "IXE",
    "036": "INBURSA",
    "037": "INTERACCIONES",
    "042": "MIFEL",
    "044": "SCOTIABANK",
    "058": "BANREGIO",
    "059": "INVEX",
    "060": "BANSI",
    "062": "AFIRME",
    "072": "BANORTE",
    "106": "BANK OF AMERICA",
    "108": "MUFG",
    "110": "JP MORGAN",
    "112": "BMONEX",
    "113": "VE POR MAS",
    "127": "AZTECA",
    "128": "AUTOFIN",
    "129": "BARCLAYS",
    "130": "COMPARTAMOS",
    "132": "MULTIVA BANCO",
    "133": "ACTINVER",
    "135": "NAFIN",
    "136": "INTERCAM BANCO",
    "137": "BANCOPPEL",
    "138": "ABC CAPITAL",
    "140": "CONSUBANCO",
    "141": "VOLKSWAGEN",
    "143": "CIBANCO",
    "145": "BBASE",
    "147": "BANKAOOL",
    "148": "PAGATODO",
    "150": "INMOBILIARIO",
    "151": "DONDE",
    "152": "BANCREA",
    "154": "BANCO FINTERRA",
    "155": "ICBC",
    "156": "SABADELL",
    "157": "SHINHAN",
    "158": "MIZUHO BANK",
    "166": "BANCO DEL BIENESTAR",
    "168": "HIPOTECARIA FEDERAL",
    "600": "MONEXCB",
    "601": "GBM",
    "602": "MASARI",
    "605": "VALUE",
    "616": "FINAMEX",
    "617": "VALMEX",
    "620": "PROFUTURO",
    "630": "INTERCAM",
    "634": "FINCOMUN",
    "638": "NU MEXICO",
    "646": "STP",
    "652": "CREDICAPITAL",
    "653": "KUSPIT",
    "656": "UNAGRA",
    "659": "ASP INTEGRA OPC",
    "670": "LIBERTAD",
    "677": "CAJA POP MEXICA",
    "680": "CRISTOBAL COLON",
    "683": "CAJA TELEFONIST",
    "684": "TRANSFER",
    "685": "FONDO (FIRA)",
    "686": "INVERCAP",
    "689": "FOMPED",
    "699": "FONDEADORA",
    "706": "ARCUS",
    "710": "NVIO",
    "722": "MERCADO PAGO",
    "723": "CUENCA",
    "728": "SPIN BY OXXO",
}
WEIGHTS = (3, 7, 1)


def check_digit(first17: str) -> int:
    total = sum(int(d) * WEIGHTS[i % 3] % 10 for i, d in enumerate(first17))
    return (10 - total % 10) % 10


def problem(value: str) -> object | None:
    """Why ``value`` is not a valid CLABE (a translatable message), or None when it is."""
    clabe = (value or "").replace(" ", "")
    if len(clabe) != 18 or not clabe.isdigit():
        return _l("A CLABE has exactly 18 digits.")
    if check_digit(clabe[:17]) != int(clabe[17]):
        return _l("This CLABE's check digit is wrong: please check the number.")
    if clabe[:3] not in BANKS:
        return _l("This CLABE's bank code %(code)s is not a known bank.", code=clabe[:3])
    return None


def normalise(value: str) -> str:
    return (value or "").replace(" ", "")


def bank_name(value: str) -> str | None:
    return BANKS.get(normalise(value)[:3])
