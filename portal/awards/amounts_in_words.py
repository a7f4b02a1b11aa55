"""Amounts in words, as Mexican agreements write them next to the figures.

Spanish: "MXN 150,000.00 (ciento cincuenta mil pesos 00/100 M.N.)",
"USD 2,500.50 (dos mil quinientos dólares 50/100 USD)".
English: "MXN 150,000.00 (one hundred and fifty thousand pesos 00/100)".
num2words gives the integer part; the currency word and the "cents/100" suffix are ours.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY_WORDS = {
    "es": {"MXN": ("peso", "pesos", "M.N."), "USD": ("dólar", "dólares", "USD")},
    "en": {"MXN": ("peso", "pesos", "M.N."), "USD": ("dollar", "dollars", "USD")},
}


def figures(amount: Decimal, currency: str) -> str:
    """'MXN 150,000.00' (fixed format: the agreement is a legal text, not a locale display)."""
    return f"{currency} {Decimal(amount).quantize(Decimal('0.01')):,.2f}"


def words(amount: Decimal, currency: str, language: str = "es") -> str:
    """'ciento cincuenta mil pesos 00/100 M.N.'"""
    from num2words import num2words

    language = "en" if language == "en" else "es"
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole = int(value)
    cents = int((value - whole) * 100)
    text = num2words(whole, lang=language)
    if language == "es":
        text = _apocope(text)
        if whole % 1_000_000 == 0 and whole:
            text += " de"  # "un millón de pesos", "dos millones de pesos"
    singular, plural, suffix = CURRENCY_WORDS[language].get(currency, (currency, currency, ""))
    unit = singular if whole == 1 else plural
    if language == "en":
        return f"{text} {unit} {cents:02d}/100"
    return f"{text} {unit} {cents:02d}/100 {suffix}".strip()


def in_figures_and_words(amount: Decimal, currency: str, language: str = "es") -> str:
    return f"{figures(amount, currency)} ({words(amount, currency, language)})"


# What can follow num2words' "uno"/"veintiuno" inside a number: a multiplier ("veintiún mil",
# "ciento un millones"); at the end, the currency noun that we append ("un millón un pesos").
# num2words (0.5.14) shortens only "un millón" itself.
_MULTIPLIERS = frozenset({"mil", "millón", "millones", "billón", "billones"})
_APOCOPE = {"uno": "un", "veintiuno": "veintiún"}


def _apocope(text: str) -> str:
    """Spanish shortens "uno" to "un" ("veintiuno" to "veintiún") before *mil*, *millón*,
    *millones* and a masculine noun, also inside compounds: "veintiún mil", "treinta y un mil",
    "ciento un mil", "veintiún mil millones", "doscientos un pesos". Here the number is always
    followed by the currency noun, so a final "uno" shortens as well."""
    tokens = text.split()
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token in _APOCOPE and (following is None or following in _MULTIPLIERS):
            tokens[i] = _APOCOPE[token]
    return " ".join(tokens)
