"""Friendly names for time zones: "hora de Sonora" instead of ``America/Hermosillo``.

Mexico's zones are named as Mexicans say them (the official names of the Ley del Sistema de
Horario: zona centro, Pacífico, noroeste, sureste); other zones fall back to CLDR's
location name ("hora de Madrid"), then to the IANA key.
"""

from __future__ import annotations

from functools import lru_cache

from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

_MEXICO = {
    "America/Mexico_City": _l("Central Mexico time"),
    "America/Monterrey": _l("Central Mexico time"),
    "America/Merida": _l("Central Mexico time"),
    "America/Matamoros": _l("Central time (Matamoros)"),
    "America/Chihuahua": _l("Central Mexico time"),
    "America/Bahia_Banderas": _l("Central Mexico time"),
    "America/Ojinaga": _l("Central time (Ojinaga)"),
    "America/Hermosillo": _l("Sonora time"),
    "America/Mazatlan": _l("Mexican Pacific time"),
    "America/Tijuana": _l("Baja California time"),
    "America/Ciudad_Juarez": _l("Ciudad Juárez time"),
    "America/Cancun": _l("Quintana Roo time"),
    "UTC": _l("UTC"),
}


def zone_name(key: str) -> str:
    """The zone as a person would name it, in the active language."""
    if key in _MEXICO:
        return str(_MEXICO[key])
    locale = str(get_locale() or "es_MX")
    return _location(key, locale)


@lru_cache(maxsize=256)
def _location(key: str, locale: str) -> str:
    try:
        return get_timezone_location(key, locale=locale)
    except LookupError:
        return key
