"""The Spanish glossary (portal/translations/glossary.tsv) as a checker.

Each glossary row names a concept, the Spanish term chosen for it and a regular expression of
its retired variants. :func:`find` looks for those variants in a text folded to lower case and
stripped of accents, after blanking the phrases that glossary_exceptions.tsv allows there. The
extractors below turn each kind of source into ``(where, text)`` pairs of *Spanish* text: the
catalogue's msgstrs, the visible text of templates (HTML, e-mails, PDFs), Spanish string
literals of Python modules (clauses, demo data) and the quoted or italic labels of the README.
"""

from __future__ import annotations

import ast
import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.pofile import read_po

from config import ROOT

GLOSSARY = ROOT / "portal" / "translations" / "glossary.tsv"
EXCEPTIONS = ROOT / "portal" / "translations" / "glossary_exceptions.tsv"
CATALOGUE = ROOT / "portal" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
CATALOGUE_WHERE = "catalogue"


@dataclass(frozen=True)
class Rule:
    concept: str
    spanish: str
    retired: re.Pattern
    scope: str  # "all" or "catalogue"
    note: str


@dataclass(frozen=True)
class Allowed:
    phrase: re.Pattern
    where: str
    reason: str

    def applies_to(self, where: str) -> bool:
        path = where.split(":", 1)[0]
        return self.where in ("*", path) or fnmatch(path, self.where)


@dataclass(frozen=True)
class Hit:
    where: str
    found: str
    rule: Rule

    def __str__(self) -> str:
        return f"{self.where}: “{self.found}” ({self.rule.concept} → {self.rule.spanish})"


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so match offsets stay valid)."""
    return "".join(unicodedata.normalize("NFD", c)[0].lower()[:1] or c for c in text)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def load_rules(path: Path = GLOSSARY) -> list[Rule]:
    return [
        Rule(r["concept"], r["spanish"], re.compile(fold(r["retired"])), r["scope"], r["note"])
        for r in _rows(path)
    ]


def load_exceptions(path: Path = EXCEPTIONS) -> list[Allowed]:
    return [Allowed(re.compile(fold(r["phrase"])), r["where"], r["reason"]) for r in _rows(path)]


def find(
    text: str, where: str, rules: list[Rule], allowed: list[Allowed], *, catalogue: bool = False
) -> list[Hit]:
    """The retired variants in ``text``; catalogue-only rules apply when ``catalogue``."""
    folded = fold(text)
    for entry in allowed:
        if entry.applies_to(where):
            folded = entry.phrase.sub(lambda m: " " * len(m.group()), folded)
    hits = []
    for rule in rules:
        if rule.scope == "catalogue" and not catalogue:
            continue
        for match in rule.retired.finditer(folded):
            hits.append(Hit(where, text[match.start() : match.end()], rule))
    return hits


# Which text is Spanish ---------------------------------------------------------------------

_MARKERS = frozenset(
    [
        "de",
        "del",
        "la",
        "las",
        "los",
        "el",
        "en",
        "y",
        "para",
        "por",
        "con",
        "una",
        "su",
        "sus",
        "al",
        "que",
        "se",
        "le",
        "es",
        "son",
        "sin",
        "sobre",
        "cada",
        "este",
        "esta",
        "lo",
        "como",
        "ante",
    ]
)


# Words that English text does not use: one is enough.
_STRONG = frozenset(["de", "del", "los", "las", "el", "una", "para", "por", "con", "sus", "hora"])


def looks_spanish(text: str) -> bool:
    """Accented letters or two Spanish function words: enough to tell a label from English."""
    if re.search(r"[áéíóúñ¿¡]", text, re.IGNORECASE):
        return True
    words = set(re.findall(r"[a-z]+", text.lower()))
    return len(words & _MARKERS) >= 2 or bool(words & _STRONG)


# Extractors: (where, Spanish text) ----------------------------------------------------------


def catalogue_texts(path: Path = CATALOGUE) -> Iterator[tuple[str, str]]:
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale="es")
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield f"{CATALOGUE_WHERE} msgid “{msgid}”", string or ""


def catalogue_msgids(path: Path = CATALOGUE) -> frozenset[str]:
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale="es")
    return frozenset(m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue if m.id)


_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_MARKUP = re.compile(
    r"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE
)
_LITERAL = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _lines(rel: str, text: str) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield f"{rel}:{number}", line


def template_texts(path: Path, msgids: frozenset[str]) -> Iterator[tuple[str, str]]:
    """Visible text outside Jinja and markup, plus Spanish string literals inside Jinja tags.

    A literal that is a catalogue msgid is English source text and is skipped.
    """
    rel = path.relative_to(ROOT).as_posix()
    source = path.read_text(encoding="utf-8")
    for match in _JINJA.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        for literal in _LITERAL.finditer(match.group()):
            value = literal.group(1) or literal.group(2) or ""
            if value not in msgids and looks_spanish(value):
                yield f"{rel}:{line}", value
    visible = _MARKUP.sub(_blank, _JINJA.sub(_blank, source))
    yield from _lines(rel, visible)


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [
        n for n in ast.walk(tree) if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
    ]
    return {id(n.body[0].value) for n in nodes if n.body and ast.get_docstring(n) is not None}


def _spanish_slots(tree: ast.AST) -> set[int]:
    """String nodes given to a name, keyword or dict key ending in ``_es``."""
    slots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and str(key.value).endswith("_es"):
                    slots.update(id(n) for n in ast.walk(value))
        elif isinstance(node, ast.keyword) and (node.arg or "").endswith("_es"):
            slots.update(id(n) for n in ast.walk(node.value))
    return slots


def python_texts(path: Path) -> Iterator[tuple[str, str]]:
    """String literals that are Spanish: in a ``*_es`` slot, or Spanish-looking (no docstrings)."""
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings, slots = _docstrings(tree), _spanish_slots(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            if id(node) in slots or looks_spanish(node.value):
                yield f"{rel}:{node.lineno}", node.value


_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_LABEL = re.compile(r"\"([^\"]+?)\"|“([^”]+?)”|\*\*([^*]+?)\*\*|\*([^*\s][^*]*?)\*")


def readme_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Quoted and emphasised labels of the README that are Spanish (code spans skipped).

    A label may run over a line break, never over a blank line.
    """
    rel = path.relative_to(ROOT).as_posix()
    source = _CODE.sub(_blank, path.read_text(encoding="utf-8"))
    for match in _LABEL.finditer(source):
        label = next(g for g in match.groups() if g)
        if "\n\n" not in label and looks_spanish(label):
            yield f"{rel}:{source.count(chr(10), 0, match.start()) + 1}", " ".join(label.split())


def scan(texts: Iterable[tuple[str, str]], *, catalogue: bool = False) -> list[Hit]:
    rules, allowed = load_rules(), load_exceptions()
    hits: list[Hit] = []
    for where, text in texts:
        hits += find(text, where, rules, allowed, catalogue=catalogue)
    return hits
