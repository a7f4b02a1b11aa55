"""Why an upload was refused: a stable code on the record, a message in the user's language."""

from __future__ import annotations

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than the %(limit)s allowed here."),
    "wrong_type": _l("This type of file is not accepted here. Accepted types: %(types)s."),
    "malformed": _l("The file is damaged or is not really a %(type)s file."),
    "macros": _l(
        "Office files with macros are not accepted. Save the file as a normal .docx or .xlsx"
        " document and upload it again."
    ),
    "archive_too_large": _l(
        "The file expands to more than the allowed size or has too many parts inside."
    ),
    "infected": _l("The file was refused by the security scan."),
    "scan_failed": _l("The file could not be checked for viruses. Please try again later."),
    "not_received": _l("We did not receive the file. Please upload it again."),
    "tampered": _l("The file changed while it was being checked. Please upload it again."),
    "expired": _l("The upload was never completed."),
}


class Rejected(Exception):  # noqa: N818 - an outcome, not a malfunction
    """An upload refused for ``code`` (a key of ``MESSAGES``); ``params`` fill the message."""

    def __init__(self, code: str, **params) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return message_for(self.code, **self.params)


def message_for(code: str, **params) -> str:
    """The message for ``code`` in the current locale (missing parameters shown generically)."""
    template = MESSAGES.get(code) or _l("The file was not accepted.")
    defaults = {"limit": "", "types": "", "type": gettext("supported")}
    return str(template) % {**defaults, **params}


def human_size(size: int) -> str:
    """Sizes such as "25 MB" or "512 KB", with the locale's decimal separator."""
    if size >= 1024 * 1024:
        return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"
    return f"{format_decimal(max(1, round(size / 1024)))} KB"
