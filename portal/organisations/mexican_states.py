"""The 32 Mexican states: INEGI code, ISO 3166-2 code, name and usual IANA time zone."""

from __future__ import annotations

from typing import NamedTuple


class State(NamedTuple):
    inegi: str
    iso: str
    name: str
    timezone: str


STATES: tuple[State, ...] = (
    State("01", "MX-AGU", "Aguascalientes", "America/Mexico_City"),
    State("02", "MX-BCN", "Baja California", "America/Tijuana"),
    State("03", "MX-BCS", "Baja California Sur", "America/Mazatlan"),
    State("04", "MX-CAM", "Campeche", "America/Merida"),
    State("05", "MX-COA", "Coahuila de Zaragoza", "America/Monterrey"),
    State("06", "MX-COL", "Colima", "America/Mexico_City"),
    State("07", "MX-CHP", "Chiapas", "America/Mexico_City"),
    State("08", "MX-CHH", "Chihuahua", "America/Chihuahua"),
    State("09", "MX-CMX", "Ciudad de México", "America/Mexico_City"),
    State("10", "MX-DUR", "Durango", "America/Monterrey"),
    State("11", "MX-GUA", "Guanajuato", "America/Mexico_City"),
    State("12", "MX-GRO", "Guerrero", "America/Mexico_City"),
    State("13", "MX-HID", "Hidalgo", "America/Mexico_City"),
    State("14", "MX-JAL", "Jalisco", "America/Mexico_City"),
    State("15", "MX-MEX", "Estado de México", "America/Mexico_City"),
    State("16", "MX-MIC", "Michoacán de Ocampo", "America/Mexico_City"),
    State("17", "MX-MOR", "Morelos", "America/Mexico_City"),
    State("18", "MX-NAY", "Nayarit", "America/Mazatlan"),
    State("19", "MX-NLE", "Nuevo León", "America/Monterrey"),
    State("20", "MX-OAX", "Oaxaca", "America/Mexico_City"),
    State("21", "MX-PUE", "Puebla", "America/Mexico_City"),
    State("22", "MX-QUE", "Querétaro", "America/Mexico_City"),
    State("23", "MX-ROO", "Quintana Roo", "America/Cancun"),
    State("24", "MX-SLP", "San Luis Potosí", "America/Mexico_City"),
    State("25", "MX-SIN", "Sinaloa", "America/Mazatlan"),
    State("26", "MX-SON", "Sonora", "America/Hermosillo"),
    State("27", "MX-TAB", "Tabasco", "America/Mexico_City"),
    State("28", "MX-TAM", "Tamaulipas", "America/Monterrey"),
    State("29", "MX-TLA", "Tlaxcala", "America/Mexico_City"),
    State("30", "MX-VER", "Veracruz de Ignacio de la Llave", "America/Mexico_City"),
    State("31", "MX-YUC", "Yucatán", "America/Merida"),
    State("32", "MX-ZAC", "Zacatecas", "America/Mexico_City"),
)

BY_INEGI = {s.inegi: s for s in STATES}
BY_ISO = {s.iso: s for s in STATES}
STATE_CHOICES = [(s.inegi, s.name) for s in STATES]
INEGI_CODES = tuple(BY_INEGI)


def state_name(inegi: str | None) -> str:
    state = BY_INEGI.get(inegi or "")
    return state.name if state else "—"
