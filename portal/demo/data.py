"""The demo cast: who exists after ``flask --app wsgi seed``.

Plain data, read by :mod:`portal.demo.seed` and listed in README.md (a test keeps the two in
step). Addresses use the reserved ``.example`` domain (RFC 2606): ``.test`` is refused by
e-mail validation, so such accounts could not log in or be invited through the forms.
"""

from __future__ import annotations

from typing import NamedTuple

# One password for every demo account; it passes the password policy (a test checks it).
DEMO_PASSWORD = "Cofinancia-Demo-2026"


class DemoAccount(NamedTuple):
    email: str
    full_name: str
    roles: tuple[str, ...]
    locale: str = "es"
    timezone: str = "America/Mexico_City"


class DemoMember(NamedTuple):
    email: str
    role: str  # owner / editor / viewer
    is_signatory: bool = False


class DemoOrganisation(NamedTuple):
    rfc: str  # check digit computed with stdnum.mx.rfc.calc_check_digit
    kind: str
    legal_name: str
    state_code: str  # INEGI
    municipality: str
    address: str
    postal_code: str
    website: str
    legal_rep_name: str
    legal_rep_position: str
    members: tuple[DemoMember, ...]
    cluni: str | None = None
    is_donataria: bool = False


HERMOSILLO = "America/Hermosillo"

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@cofinancia.example", "Alejandra Domínguez Ruiz", ("admin",)),
    DemoAccount("gestor@cofinancia.example", "Gabriel Estrada Morales", ("grants_manager",)),
    DemoAccount("finanzas@cofinancia.example", "Fernanda Nava Ibarra", ("finance_officer",)),
    DemoAccount("revisora1@cofinancia.example", "Rosa Isela Vázquez Lara", ("reviewer",)),
    DemoAccount("revisor2@cofinancia.example", "Daniel Harrington", ("reviewer",), locale="en"),
    DemoAccount("direccion@justiciacercana.example", "Lucía Garza Treviño", ("applicant",)),
    DemoAccount("proyectos@justiciacercana.example", "Marco Villarreal Salinas", ("applicant",)),
    DemoAccount(
        "direccion@mediasonora.example",
        "Héctor Molina Durazo",
        ("applicant",),
        timezone=HERMOSILLO,
    ),
    DemoAccount(
        "consulta@mediasonora.example",
        "Emily Carter",
        ("applicant",),
        locale="en",
        timezone=HERMOSILLO,
    ),
)

ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        rfc="JCE150312LT4",
        kind="cso",
        legal_name="Justicia Cercana, A.C.",
        state_code="19",
        municipality="Monterrey",
        address="Av. Constitución 1520 Ote., Centro",
        postal_code="64000",
        website="https://justiciacercana.example",
        legal_rep_name="Lucía Garza Treviño",
        legal_rep_position="Directora ejecutiva",
        cluni="JCE15031219019",
        is_donataria=True,
        members=(
            DemoMember("direccion@justiciacercana.example", "owner", is_signatory=True),
            DemoMember("proyectos@justiciacercana.example", "editor"),
        ),
    ),
    DemoOrganisation(
        rfc="MSD180620K7A",
        kind="company",
        legal_name="Mediación y Soluciones del Desierto, S.A. de C.V.",
        state_code="26",
        municipality="Hermosillo",
        address="Blvd. Luis Encinas Johnson 300, Col. Centro",
        postal_code="83000",
        website="https://mediasonora.example",
        legal_rep_name="Héctor Molina Durazo",
        legal_rep_position="Director general",
        members=(
            DemoMember("direccion@mediasonora.example", "owner", is_signatory=True),
            DemoMember("consulta@mediasonora.example", "viewer"),
        ),
    ),
)
