"""The CLABE bank catalogue comes from the maintained ``clabe`` package: banks that a hand-kept
table missed (Citi México 124, Hey Banco 167, KLAR 661) are accepted; unknown prefixes and
wrong check digits are still refused, with our (translated) messages."""

from __future__ import annotations

import clabe as clabe_package
import pytest

from portal.finance import clabe


def _with_check_digit(first17: str) -> str:
    """The CLABE algorithm, written out independently of the code under test."""
    weights = (3, 7, 1) * 6
    total = sum(int(d) * w % 10 for d, w in zip(first17, weights, strict=False))
    return first17 + str((10 - total % 10) % 10)


def _wrong_check_digit(number: str) -> str:
    return number[:17] + str((int(number[17]) + 1) % 10)


@pytest.mark.parametrize(
    ("body", "bank"),
    [
        ("12418000011835971", "Citi Mexico"),
        ("16718000011835971", "Hey Banco"),
        ("66118000011835971", "KLAR"),
        ("07258001111111111", "Banorte"),
    ],
)
def test_banks_of_the_package_are_accepted(body, bank):
    number = _with_check_digit(body)
    assert clabe_package.validate_clabe(number)  # the package agrees
    assert clabe.problem(number) is None
    assert clabe.bank_name(number) == bank
    assert "check digit" in str(clabe.problem(_wrong_check_digit(number)))


def test_the_worked_example_is_valid():
    assert _with_check_digit("03218000011835971") == "032180000118359719"
    assert clabe.problem("032180000118359719") is None
    assert clabe.problem("0321 8000 0118 3597 19") is None
    assert clabe.check_digit("03218000011835971") == 9


def test_unknown_bank_prefix_is_refused():
    number = _with_check_digit("99918000011835971")
    assert "999" not in clabe_package.BANKS
    message = str(clabe.problem(number))
    assert "bank code 999 is not a known bank" in message
    assert clabe.bank_name(number) is None


def test_wrong_check_digit_is_refused():
    assert "check digit" in str(clabe.problem("032180000118359718"))
    assert "check digit" in str(
        clabe.problem(_wrong_check_digit(_with_check_digit("1241800" * 2 + "123")))
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "12345",
        "03218000011835971X",
        "0321800001183597190",
        "０３２１８００００１１８３５９７１９",
    ],
)
def test_not_eighteen_digits(value):
    assert "18 digits" in str(clabe.problem(value))


def test_non_ascii_digits_are_refused_without_an_error():
    # str.isdigit() is true for these, and int("²") raises.
    assert "18 digits" in str(clabe.problem("03218000011835971²"))
    assert "18 digits" in str(clabe.problem("٠٣٢١٨٠٠٠٠١١٨٣٥٩٧١٩"))


def test_catalogue_is_the_packages():
    for code, banxico in clabe_package.BANKS.items():
        assert clabe.BANKS[code] == clabe_package.BANK_NAMES[banxico]
    # Prefixes accepted before the package was used and no longer listed by it stay accepted.
    assert set(clabe.BANKS) - set(clabe_package.BANKS) == set(clabe.LEGACY_BANKS)
    assert len(clabe.BANKS) > 90


def test_messages_are_ours_and_translated(app):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("es_MX"):
        assert str(clabe.problem("12345")) == "La CLABE tiene exactamente 18 dígitos."
        assert str(clabe.problem(_with_check_digit("99918000011835971"))) == (
            "El código de banco 999 de esta CLABE no corresponde a ningún banco conocido."
        )
        assert str(clabe.problem("032180000118359718")) == (
            "El dígito verificador de esta CLABE es incorrecto: verifique el número."
        )


def test_check_digit_agrees_with_the_package():
    for body in (
        "03218000011835971",
        "12400000000000000",
        "66199999999999999",
        "00000000000000000",
    ):
        assert str(clabe.check_digit(body)) == clabe_package.compute_control_digit(body)
        assert clabe.check_digit(body) == int(_with_check_digit(body)[17])
