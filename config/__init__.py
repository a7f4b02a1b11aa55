"""Configuration classes: development (embedded defaults), testing and production.

Every upper-case setting can be overridden by an environment variable of the same name;
the value is coerced to the type of the default (bool, int or str). ``PORTAL_ENV`` picks the
class (``development`` unless set).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY = ""
    DATABASE_URL = f"sqlite:///{INSTANCE / 'cofinancia.sqlite3'}"
    SQL_ECHO = False

    # Public base URL used in e-mails and PDFs (verification links).
    BASE_URL = "http://127.0.0.1:5000"

    # Sessions: bounded lifetime, HttpOnly, SameSite=Lax; Secure in production.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Server-side sessions (issue 17): a session's "last seen" is written at most once every
    # this many seconds (browsing stays read-only; the "Your sessions" page is this precise).
    SESSION_TOUCH_SECONDS = 300
    # Optional MaxMind-format city database (.mmdb, e.g. GeoLite2-City) used to show the
    # approximate place of a session's address on "Your sessions"; empty = addresses only.
    GEOIP_DATABASE = ""
    # The cookie is written only when the session changes (log in, language, CSRF secret), not
    # on every response: a static file answered after a log-in or a language switch would
    # otherwise set the older session again (seen as a switch that did not stick).
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "cofinancia_session"
    REMEMBER_COOKIE_DURATION = timedelta(days=1)

    # Uploads through the app are streamed; this bounds any single request body.
    MAX_CONTENT_LENGTH = 30 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    # i18n
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Mexico_City"
    LANGUAGES = ("es", "en")

    # Passwords (argon2id). OWASP floor: m=19 MiB, t=2, p=1.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1
    PASSWORD_MIN_LENGTH = 12

    # Token lifetimes (seconds).
    VERIFY_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    INVITE_TOKEN_MAX_AGE = 7 * 24 * 3600

    # Second factors (issue 17). Users with any of these roles (comma-separated role values)
    # must enrol an authenticator app or a passkey at their next sign-in; empty = optional for
    # all. The most sensitive actions (signing, approving payments, recording disbursements,
    # CLABE changes, API tokens, roles) ask for the factor again when the last proof in this
    # session is older than STEP_UP_MAX_AGE seconds.
    MFA_REQUIRED_ROLES = "admin,grants_manager,finance_officer,reviewer"
    STEP_UP_MAX_AGE = 300
    MFA_ISSUER = "Cofinancia"
    # Passkeys (WebAuthn). The relying party id is the portal's domain ("cofinancia.org") and
    # the origin its public URL ("https://cofinancia.org"); both empty = this request's host
    # and scheme. Set both in production so a forged Host header cannot change them.
    WEBAUTHN_RP_ID = ""
    WEBAUTHN_ORIGIN = ""

    # Rate limiting (Flask-Limiter). memory:// is per process; Redis when REDIS_URL is set (then
    # every counter below is shared by all web instances).
    REDIS_URL = ""
    RATELIMIT_ENABLED = True
    # Sign-in throttling never locks an account (portal/accounts/throttle.py, issue 17):
    # Every POST to the sign-in, registration and e-mail forms, per client address and form.
    LOGIN_LIMIT_PER_IP = "20 per minute; 200 per hour"
    # FAILED sign-ins per typed e-mail address (known or not) from one client address; a
    # successful sign-in clears them. Other addresses are not affected.
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = "5 per minute; 30 per hour"
    # Failed sign-ins per typed e-mail address from anywhere: once more than
    # LOGIN_SLOWDOWN_AFTER failed within LOGIN_SLOWDOWN_WINDOW seconds, each further failure
    # makes the next attempt wait (nothing is checked meanwhile; the answer is 429 with
    # Retry-After): LOGIN_SLOWDOWN_DELAY seconds, doubling at each failure up to
    # LOGIN_SLOWDOWN_MAX_DELAY. Browsers with a known-device cookie for the account are exempt.
    LOGIN_SLOWDOWN_AFTER = 20
    LOGIN_SLOWDOWN_WINDOW = 3600
    LOGIN_SLOWDOWN_DELAY = 2
    LOGIN_SLOWDOWN_MAX_DELAY = 300
    # POSTs per typed e-mail address to the forms that send e-mail (registration, forgotten
    # password, new confirmation link), and per user to the password change form. (It replaces
    # LOGIN_LIMIT_PER_ACCOUNT, which also locked sign-ins out.)
    EMAIL_FORM_LIMIT_PER_ADDRESS = "5 per minute; 30 per hour"

    # Mail: outbox table; sent over SMTP when MAIL_SERVER is set, else only logged.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "Cofinancia <no-reply@cofinancia.local>"

    # Documents (issue 3).
    STORAGE_BACKEND = "local"
    STORAGE_LOCAL_ROOT = str(INSTANCE / "storage")
    S3_BUCKET = ""
    S3_ENDPOINT_URL = ""
    S3_REGION = "us-east-1"
    S3_KMS_KEY_ID = ""
    UPLOAD_MAX_BYTES = 25 * 1024 * 1024
    # Dotted path of a scanner callable (see portal/documents/scanner.py); empty = none.
    DOCUMENT_SCANNER = ""
    DOCUMENT_PREFIX = "documents/"
    DOCUMENT_QUARANTINE_PREFIX = "quarantine/"
    DOCUMENT_QUARANTINE_HOURS = 24
    # ZIP-based Office files: refuse more parts or more expanded bytes than this.
    DOCUMENT_ZIP_MAX_ENTRIES = 1000
    DOCUMENT_ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
    # Lifetimes (seconds) of presigned S3 uploads and downloads (capped at 600 and 300).
    DOCUMENT_UPLOAD_EXPIRY = 600
    DOCUMENT_DOWNLOAD_EXPIRY = 300

    # Awards (issue 6): awards above this amount (in the programme's currency) need the
    # approval of a second grants manager.
    AWARD_SECOND_APPROVAL_THRESHOLD = 1_000_000

    # The programme as a party to agreements, amendments and closeout letters (issue 20: the
    # agreement in Mexican legal form, "en lo sucesivo «EL PROGRAMA»"). TO CONFIGURE: the values
    # below are the demo's. The legal name of the entity that signs (empty: the programme's
    # donor), its RFC (empty: not stated), its legal representative and position, the public
    # instrument granting the representative's powers (empty: a general statement), the address
    # for notices, the place of signing ("lo firman en Monterrey, Nuevo León, a …") and the city
    # whose courts hear disputes (the jurisdiction clause's {jurisdiction}).
    AGREEMENT_PROGRAMME_LEGAL_NAME = "Fundación Cofinancia para la Justicia, A.C."
    AGREEMENT_PROGRAMME_RFC = "FCJ150210ABA"
    AGREEMENT_PROGRAMME_REPRESENTATIVE = "Laura Garza Treviño"
    AGREEMENT_PROGRAMME_REPRESENTATIVE_POSITION = "Directora Ejecutiva"
    AGREEMENT_PROGRAMME_POWERS = ""
    AGREEMENT_PROGRAMME_ADDRESS = (
        "Av. Ignacio Morones Prieto 2110 Pte., Col. Nuevo Repueblo, C.P. 64700, "
        "Monterrey, Nuevo León"
    )
    AGREEMENT_SIGNING_PLACE = "Monterrey, Nuevo León"
    AGREEMENT_JURISDICTION = "Monterrey, Nuevo León"

    # Amendments (issue 15): a budget realignment moving at most this percentage of the award
    # (cumulative, over the grant's realignments) is a notification that staff acknowledge.
    AMENDMENT_REALIGNMENT_FREE_PCT = 10

    # Financial reports (issue 16): a budget category whose spending to date departs from its
    # approved budget by more than this percentage is flagged for staff and on the finance
    # dashboard's "at risk" list.
    REPORT_VARIANCE_FLAG_PCT = 10

    # Finance dashboard (issue 8): a payment request waiting on staff longer than this many
    # days is shown as overdue.
    FINANCE_REQUEST_SLA_DAYS = 10

    # Read-only API (issue 8): requests per personal access token (Flask-Limiter syntax).
    API_RATE_LIMIT = "300 per minute"
    API_FAILED_AUTH_LIMIT = "30 per minute"  # refused tokens per client address

    # E-mail reminders (issue 8, ``flask --app wsgi reminders send``, daily): milestone reports
    # due within this many days are announced once; overdue ones are repeated every N days.
    REMINDER_DAYS_BEFORE = 14
    REMINDER_OVERDUE_REPEAT_DAYS = 7

    # Grantee reports (issue 16): a periodic progress or financial report is due this many
    # calendar days after its period ends (the reminders above cover reports too).
    REPORT_DUE_DAYS = 30

    # Open data (issue 8, /reports/open-data/). TO CONFIGURE before publishing: the IATI
    # organisation identifier of the reporting organisation (org-id.guide form; the default is
    # a placeholder, not a registered identifier), its name and IATI organisation type code,
    # and the 360Giving identifier prefix issued by 360Giving ("360G-" + the publisher's code).
    IATI_REPORTING_ORG_REF = "XM-DAC-00000"
    IATI_REPORTING_ORG_NAME = "Cofinancia"
    IATI_REPORTING_ORG_TYPE = "60"
    GIVING360_PREFIX = "360G-cofinancia"

    # Scheduled tasks (issue 19, ``flask --app wsgi scheduler run``): each schedule is
    # "every N minutes", "every N hours", "hourly", "daily HH:MM" (programme time, the zone
    # above) or "off". Every run is claimed once in ``scheduled_runs`` whatever the number of
    # scheduler processes; with REDIS_URL it is queued for the RQ worker, else run inline.
    SCHEDULER_INTERVAL = 30  # seconds between passes
    SCHEDULER_KEEP_DAYS = 90  # history kept in scheduled_runs
    SCHEDULER_JOB_TIMEOUT = 3600  # seconds a scheduled task may run on the worker
    SCHEDULE_REMINDERS = "daily 07:00"
    SCHEDULE_OPENDATA = "daily 03:30"  # needs OPENDATA_DIR
    SCHEDULE_DOCUMENTS_CHECK = "daily 02:30"
    SCHEDULE_AUDIT_VERIFY = "hourly"
    SCHEDULE_SESSIONS_PRUNE = "daily 03:00"
    # Retries of e-mails whose delivery failed (only when some are pending); a message is
    # given up after 5 attempts, so this spaces them over about 40 minutes.
    SCHEDULE_MAIL_RETRY = "every 10 minutes"
    SCHEDULE_SCHEDULER_PRUNE = "daily 04:00"
    # Folder where the scheduler writes iati-activities.xml and 360giving.json (the open-data
    # files, for a web server to publish); empty = not written.
    OPENDATA_DIR = ""

    # Static files (issue 18): the folder built by ``python -m portal.core.assets`` (make run
    # and make test build it). With it, pages link content-hashed names served with a year-long
    # immutable cache and gzip; plain names get STATIC_MAX_AGE seconds. Empty or not built yet =
    # plain names served by Flask.
    STATIC_BUILD_DIR = str(ROOT / "build" / "static")
    STATIC_MAX_AGE = 300

    # Trust X-Forwarded-* from this many proxies (0 = none).
    PROXY_FIX_HOPS = 0
    # Behind such a proxy, the header in which it stamps when a request arrived ("t=<epoch
    # seconds>", e.g. nginx: proxy_set_header X-Request-Start "t=${msec}";). A submission that
    # arrived before a deadline is accepted even if a busy worker reaches it just after; the
    # stamp is believed at most RECEIVED_AT_MAX_WAIT seconds back.
    REQUEST_START_HEADER = "X-Request-Start"
    RECEIVED_AT_MAX_WAIT = 60

    # Operations (issue 19, portal/ops). Logs: "text" (one readable line) or "json" (one JSON
    # object per line, the request log included: logger "portal.requests"), at LOG_LEVEL.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # Prometheus metrics at /metrics: answered only to "Authorization: Bearer <METRICS_TOKEN>"
    # or to clients whose address is in METRICS_ALLOWED_ADDRESSES (comma-separated addresses
    # or networks, e.g. "127.0.0.1, 10.0.0.0/8"); to everyone else, and with neither set, 404.
    # Under gunicorn, PROMETHEUS_MULTIPROC_DIR (prometheus-client's own variable, set by
    # config/gunicorn.py) adds the workers' counts up.
    METRICS_TOKEN = ""
    METRICS_ALLOWED_ADDRESSES = ""

    @classmethod
    def check(cls, values: dict) -> None:
        """Refuse to start with an unsafe configuration."""


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    SECRET_KEY = "development-only-not-secret"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    DATABASE_URL = "sqlite://"
    # Cheap hashing keeps the suite fast; production parameters are tested explicitly.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    SERVER_NAME = "localhost"
    BASE_URL = "http://localhost"
    STORAGE_LOCAL_ROOT = ""
    # Plain static names from Flask whatever is built; tests/core builds into a temporary folder.
    STATIC_BUILD_DIR = ""
    # The suite's users sign in with a password only; tests of issue 17 set the roles they need.
    MFA_REQUIRED_ROLES = ""
    # Request log lines (INFO) would be formatted for every request of the suite: warnings only.
    LOG_LEVEL = "WARNING"
    # Logged-in test clients outlive five minutes (the fuzz world is built once per module, a
    # whole run takes minutes): a day keeps step-up out of their way. The step-up tests set
    # STEP_UP_MAX_AGE on the app themselves (tests/accounts/test_step_up.py).
    STEP_UP_MAX_AGE = 24 * 3600


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    LOG_FORMAT = "json"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls, values: dict) -> None:
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(k)]
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without: " + ", ".join(missing)
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _coerce(default, raw: str):
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, timedelta):
        return timedelta(seconds=int(raw))
    return raw


def load_config(name: str | None = None, overrides: dict | None = None) -> dict:
    """Return the settings for ``name`` with environment and explicit overrides applied."""
    name = name or os.environ.get("PORTAL_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown PORTAL_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
    cls.check(dict(os.environ))
    values = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
    for key, default in list(values.items()):
        if key in os.environ:
            values[key] = _coerce(default, os.environ[key])
    values.update(overrides or {})
    return values
