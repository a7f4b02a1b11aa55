"""Reading pages like a browser: the links and the forms of an HTML page (lxml.html)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

BASE = "http://localhost"
_DIGITS = re.compile(r"\d+")


@dataclass
class FieldSpec:
    name: str
    kind: str  # input type, "textarea", "select", "select-multiple" or "submit"
    defaults: list[str] = field(default_factory=list)  # what a browser sends untouched
    options: list[str] = field(default_factory=list)  # select / radio / checkbox values
    attrs: dict = field(default_factory=dict)  # min, max, step, maxlength, required...
    disabled: bool = False

    @property
    def group(self) -> str:
        """The name with numbers folded (``lines-3-amount``, ``score_12``, ``reverse5-note``
        -> ``lines-N-amount``, ``score_N``, ``reverseN-note``): repeated rows, one field per
        criterion, one form per object: each kind is validated by the same code."""
        return _DIGITS.sub("N", self.name)


@dataclass
class FormSpec:
    page_url: str  # where the form was found
    action: str  # path and query it is sent to
    method: str
    enctype: str
    fields: list[FieldSpec]

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


def local_url(page_url: str, href: str | None) -> str | None:
    """``href`` resolved against the page, as path?query, or None when it leaves the portal."""
    if href is None:
        return None
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    parts = urlsplit(urljoin(BASE + page_url, href))
    if parts.scheme not in ("http", "https") or parts.netloc not in ("localhost", ""):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse(page_url: str, html: bytes) -> tuple[list[str], list[FormSpec]]:
    """The same-origin links and the forms of a page."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return [], []
    links = []
    for anchor in doc.iter("a", "link"):
        if anchor.tag == "link" and anchor.get("rel") not in ("next", "prev", "alternate"):
            continue
        url = local_url(page_url, anchor.get("href"))
        if url:
            links.append(url)
    return links, [_form(page_url, form) for form in doc.iter("form")]


def _form(page_url: str, form) -> FormSpec:
    method = (form.get("method") or "get").upper()
    action = local_url(page_url, form.get("action") or page_url) or page_url
    enctype = (form.get("enctype") or "application/x-www-form-urlencoded").lower()
    fields: dict[str, FieldSpec] = {}

    def spec(name: str, kind: str, el) -> FieldSpec:
        if name not in fields:
            attrs = {k: el.get(k) for k in ("min", "max", "step", "maxlength", "pattern")}
            attrs = {k: v for k, v in attrs.items() if v is not None}
            attrs["required"] = el.get("required") is not None
            fields[name] = FieldSpec(
                name, kind, attrs=attrs, disabled=el.get("disabled") is not None
            )
        return fields[name]

    for el in form.iter("input", "select", "textarea", "button"):
        name = el.get("name")
        if not name:
            continue
        if el.tag == "textarea":
            text = el.text or ""  # a browser drops the newline that opens a textarea
            text = text[2:] if text.startswith("\r\n") else text[1:] if text[:1] == "\n" else text
            spec(name, "textarea", el).defaults.append(text)
        elif el.tag == "select":
            multiple = el.get("multiple") is not None
            f = spec(name, "select-multiple" if multiple else "select", el)
            options = [o.get("value", (o.text or "").strip()) for o in el.iter("option")]
            f.options.extend(options)
            chosen = [
                o.get("value", (o.text or "").strip())
                for o in el.iter("option")
                if o.get("selected") is not None
            ]
            if not chosen and not multiple and options:
                chosen = options[:1]
            f.defaults.extend(chosen)
        elif el.tag == "button" or (el.get("type") or "").lower() in ("submit", "image"):
            if el.tag == "button" and (el.get("type") or "submit").lower() != "submit":
                continue
            f = spec(name, "submit", el)
            f.options.append(el.get("value", ""))
        else:
            kind = (el.get("type") or "text").lower()
            if kind in ("reset", "button"):
                continue
            f = spec(name, kind, el)
            if kind in ("checkbox", "radio"):
                value = el.get("value", "on")
                f.options.append(value)
                if el.get("checked") is not None:
                    f.defaults.append(value)
            elif kind != "file":
                f.defaults.append(el.get("value", ""))
    return FormSpec(page_url, action, method, enctype, list(fields.values()))
