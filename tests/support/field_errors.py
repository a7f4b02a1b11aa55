"""The messages a page shows on one form field (``macros/forms.html``: ``field``)."""

from __future__ import annotations

import html as html_mod
import re

_ERROR = re.compile(r'\s*<div class="invalid-feedback d-block"(?: id="[^"]*")?>(.*?)</div>', re.S)


def field_errors(page: str, field_id: str) -> list[str]:
    """The error messages rendered right under the input ``field_id`` (empty: none); an input
    with messages must also be marked invalid."""
    tag = re.search(rf'<(?:input|select)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert tag, f"no input with id {field_id!r} on the page"
    position = tag.end()
    help_text = re.compile(rf'\s*<div id="{re.escape(field_id)}-help" class="form-text">.*?</div>')
    found = help_text.match(page, position)
    position = found.end() if found else position
    messages = []
    while (match := _ERROR.match(page, position)) is not None:
        messages.append(html_mod.unescape(match.group(1)))
        position = match.end()
    if messages:
        assert "is-invalid" in tag.group(0), f"{field_id} has messages but is not marked invalid"
    return messages
