"""The fuzz test's decisions, each with its reason: who fuzzes what, what a refused request may
write, which endpoints are not fuzzed, and the baseline values the heuristics cannot guess."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from portal.demo.data import ACCOUNTS, DEMO_PASSWORD

# The personas (demo accounts), in the order that decides who fuzzes a form that several of
# them reach: the first one fuzzes it with every hostile value; the others only check that
# its baseline works. Applicants first (their forms are the public face), then staff; the
# administrator last, so it fuzzes only the forms no other role reaches.
PERSONAS: dict[str, str | None] = {
    "applicant": "direccion@justiciacercana.example",  # owner and signatory, organisation A
    "other_applicant": "direccion@mediasonora.example",  # owner, organisation B (ineligible)
    "reviewer": "revisor2@cofinancia.example",  # panel member with a draft review
    "grants_manager": "gestor@cofinancia.example",
    "finance_officer": "finanzas@cofinancia.example",
    "admin": "admin@cofinancia.example",
    "anonymous": None,
}

NEW_PASSWORD = "Otra-Clave-Muy-Segura-2027"


def today() -> date:
    """Today where the portal's dates are checked (not the machine's UTC date)."""
    return datetime.now(ZoneInfo("America/Mexico_City")).date()


# Endpoints never requested by the crawler: they render PDFs (~0.5 s each) and show no form.
# Their URLs are still recorded, so their path segments and query parameters are fuzzed.
NO_FETCH = frozenset(
    {
        "applications.acknowledgement",
        "awards.agreement_pdf",
        "awards.amendment_pdf",
        "awards.decline_letter",
        "closeout.letter",
    }
)

# Query parameters the crawler drops from links: the language switch shows the same page (the
# parameter itself is fuzzed on the home page, see EXTRA_PARAMS).
CRAWL_IGNORED_PARAMS = frozenset({"lang"})

# Tables a REFUSED request may legitimately write, per endpoint ("*": every endpoint), each
# with the reason read in the code. Keep it minimal: anything else a refused request leaves
# behind fails the test.
ALLOWED_WRITES: dict[tuple[str, str], str] = {
    ("accounts.login", "audit_entries"): "a failed log-in is audited (user.login_failed, "
    "accounts.operations._record_failure) and committed by the view before it re-renders",
    ("*", "user_sessions"): "a signed-in request stamps its session's last_seen_dt at most once "
    "every SESSION_TOUCH_SECONDS (portal/accounts/sessions.touch, a recorded read committed "
    "whatever the answer); the fuzz run outlasts that interval",
    ("accounts.confirm_identity", "audit_entries"): "a wrong password or code is audited "
    "(user.identity_confirmation_failed, factor_operations.record_failed_code) and kept",
    ("accounts.login_verify", "audit_entries"): "a wrong second-factor code is audited "
    "(user.login_second_factor_failed) and kept, as a failed log-in is",
}


def allowed_tables(endpoint: str) -> frozenset[str]:
    return _ALLOWED.get(endpoint, frozenset()) | _ALLOWED.get("*", frozenset())


_ALLOWED: dict[str, frozenset[str]] = {}
for (_endpoint, _table), _reason in ALLOWED_WRITES.items():
    _ALLOWED[_endpoint] = _ALLOWED.get(_endpoint, frozenset()) | {_table}

# POST endpoints of the URL map that no persona's form reaches, with the reason. The test
# fails when an endpoint is missing from every form and not listed here, and when a listed
# endpoint is reached after all (the exemption is stale).
EXEMPT: dict[str, str] = {
    "accounts.revoke_other_sessions": 'its button shows on "Your sessions" only while the user'
    " has another session open; the fuzz world signs each persona in once (tested in"
    " tests/accounts/test_server_sessions.py)",
    "admin.revoke_user_token": "its button shows on the admin user page only beside a working"
    " API token, and the fuzz world creates none (tested in tests/admin/test_user_sessions.py)",
    "documents.intent": "no HTML form: the JavaScript uploader posts JSON to it, and only with"
    " the S3 storage backend (direct uploads); the tests' local storage answers 404",
    "documents.finalize": "only after a direct upload to S3: its form is on the page S3 sends"
    " the browser back to, for a pending upload, which the local storage never leaves behind",
    "awards.clause_defaults": "its button (no field but the CSRF token) shows only while no"
    " standard clause is stored, and the clause edit form, fuzzed, needs them stored",
    "awards.regenerate_agreement": "its button (no field but the CSRF token) shows only for an"
    " agreement whose PDF render failed or is stuck; every demo agreement has its PDFs",
    "awards.regenerate_amendment": "its button (no field but the CSRF token) shows only for an"
    " amendment document whose PDF render failed or is stuck; the world's are all stored",
    "admin.retry_job": "its button (no field but the CSRF token) shows only for a job in RQ's"
    " failed-job registry; the fuzz pass runs jobs inline (no queue, nothing fails there)",
    # Passkeys (issue 17): static/js/passkeys.js posts JSON to these, between two WebAuthn
    # ceremony steps; tests/accounts/test_passkeys.py sends them forged and malformed answers.
    **{
        f"accounts.{name}": "no HTML form: the passkey script posts JSON to it"
        for name in (
            "passkey_register_options",
            "passkey_register",
            "passkey_second_step_options",
            "passkey_second_step",
            "passkey_confirm_options",
            "passkey_confirm",
            "passkey_login_options",
            "passkey_login",
        )
    },
    "accounts.passkey_rename": "its form shows only next to a stored passkey; the demo accounts"
    " have none (tests/accounts/test_passkeys.py posts bad names)",
    "accounts.passkey_remove": "its button shows only next to a stored passkey; the demo"
    " accounts have none",
    "accounts.login_verify": "the sign-in's second step exists only half-way through signing in"
    " to an account with a second factor; the personas are signed in and the demo accounts have"
    " none (tests/accounts/test_login_second_step.py sends bad codes)",
    "accounts.totp_remove": "its button (no field but the CSRF token) shows only to a user with an"
    " authenticator app; the demo accounts have none",
    "accounts.recovery_codes_regenerate": "its button (no field but the CSRF token) shows only to"
    " a user with a second factor; the demo accounts have none",
    "admin.reset_second_factor": "its form (a confirmation box) shows only for a user with a second"
    " factor; the demo accounts have none (tests/admin/test_factor_reset.py covers bad input)",
}

# Baseline values the field heuristics cannot guess, per endpoint (a list for several values).
# The aim: a baseline the portal accepts, so that each hostile value is the only thing wrong
# with its request and reaches as far into the code as it can.
BASELINE: dict[str, dict[str, str | list[str]]] = {
    # eligible answers to the call's quiz (the first radio option of each is not)
    "applications.apply": {"e_legal_entity": "yes", "e_elected_office": "no"},
    "calls.quiz_new": {"ineligible_answers": "no"},
    "calls.question_new": {"show_if_key": ""},  # a condition needs its expected answer too
    "calls.question_edit": {"show_if_key": ""},
    "calls.quiz_edit": {"ineligible_answers": "no"},
    # inside the terms of the award it is added to (see world_extras: 2027-02-01..2028-01-31)
    "awards.milestones": {"due_date": "2027-06-30", "amount": "1000.00"},
    # the demo already has today's USD/MXN rate
    "reporting.rates": {"rate_on": (today() - timedelta(days=3)).isoformat()},
    "accounts.login": {"email": "admin@cofinancia.example", "password": DEMO_PASSWORD},
    "accounts.change_password": {
        "current_password": DEMO_PASSWORD,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    },
    "accounts.register": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "accounts.reset_password": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
}


def persona_values(persona: str) -> dict[str, str]:
    """Fields whose value depends on who posts: the signature's typed name."""
    email = PERSONAS.get(persona)
    account = next((a for a in ACCOUNTS if a.email == email), None)
    return {"typed_name": account.full_name} if account else {}


# Files the baseline uploads instead of a one-page PDF.
BASELINE_FILES: dict[str, tuple[bytes, str]] = {
    "finance.attach_cfdi": (
        b"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"
  xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="4.0"
  Fecha="2026-11-02T10:15:00" Total="1160.00" Moneda="MXN">
  <cfdi:Emisor Rfc="AAA010101AAA" Nombre="Proveedor"/>
  <cfdi:Receptor Rfc="JCE150312LT4" Nombre="Justicia Cercana"/>
  <cfdi:Complemento><tfd:TimbreFiscalDigital Version="1.1"
    UUID="6F3E2A1B-1234-4ABC-9DEF-0123456789AB"/></cfdi:Complemento>
</cfdi:Comprobante>""",
        "factura.xml",
    ),
}

# Query parameters fuzzed on top of those seen in links and GET forms, those the page looked
# up in ``request.args`` while crawled (``page`` where a page reads it) and those its view names
# in its source. Keys every page reads (``lang``) are fuzzed on the home page only.
EXTRA_PARAMS: dict[str, frozenset[str]] = {
    "dashboard.home": frozenset({"lang"}),  # read on every request by portal.core.i18n
}
