"""Spanish as the programme writes it: one term per concept, inclusive forms (issue 20).

portal/translations/glossary.tsv lists, per concept, the chosen Spanish term and a regular
expression of its retired variants; glossary_exceptions.tsv allows a few phrases with a reason.
These tests fail on any retired variant in the es catalogue's msgstrs, the templates (pages and
e-mails), the PDF templates, the standard clauses, the demo data users read and the README's
Spanish labels, naming the file and line (or the msgid) of each hit.
"""

from __future__ import annotations

import re

import pytest

from config import ROOT
from tests.support import glossary as g

# Every concept decided in issue 20 has a row (the English names of glossary.tsv).
ISSUE_CONCEPTS = (
    "grant",
    "award (the act)",
    "score",
    "budget category",
    "liquidate an advance",
    "award terms",
    "rubric",
    "report (verb)",
    "State institution",
    "dashboard",
    "reviewer",
    "grantee",
    "grants manager",
    "finance officer",
    "administrator",
    "panel chair",
    "applicant",
    "owner (of an organisation)",
    "recusal(s)",
    "quotation marks",
    "percent sign",
)


def _report(hits: list[g.Hit]) -> str:
    return f"{len(hits)} retired variant(s):\n" + "\n".join(f"  {h}" for h in hits)


@pytest.fixture(scope="module")
def msgids() -> frozenset[str]:
    """English source strings: a Jinja literal that is one of them is not Spanish."""
    return g.catalogue_msgids()


# The glossary itself ------------------------------------------------------------------------


def test_the_glossary_covers_every_concept_of_the_issue():
    rules = g.load_rules()
    concepts = {rule.concept for rule in rules}
    assert not set(ISSUE_CONCEPTS) - concepts
    assert all(rule.spanish and rule.scope in ("all", "catalogue") for rule in rules)
    assert len(concepts) == len(rules), "one row per concept"


def test_every_exception_gives_its_reason():
    for entry in g.load_exceptions():
        assert len(entry.reason) > 10 and entry.where, entry


# The checker can fail -----------------------------------------------------------------------


def _find(text: str, where: str = "templates/x.html", catalogue: bool = False) -> list[str]:
    hits = g.find(text, where, g.load_rules(), g.load_exceptions(), catalogue=catalogue)
    return [h.found for h in hits]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("¡Bienvenido, Lucía!", ["Bienvenido"]),
        ("Sus roles: Evaluador", ["Evaluador"]),
        ("Quedó EXCUSADO de evaluarla.", ["EXCUSADO"]),
        ("Usted es su propietario.", ["propietario"]),
        ("Pida que lo designe.", ["lo designe"]),
        ("Presidente del comité", ["Presidente"]),
        ("Convenio de donación", ["donación"]),
        ("Convenio de DONACION", ["DONACION"]),  # accents and case do not hide it
        ("Un puntaje de 80", ["puntaje"]),
        ("Categoría presupuestaria", ["Categoría presupuestaria"]),
        ("Aportación reportada", ["reportada"]),
        ("Institución estatal", ["Institución estatal"]),
        ("Ir a mi panel", ["panel"]),
        ("3 excusa(es)", ["excusa(es)"]),
        ("Los términos del otorgamiento", ["términos"]),
        ("Edite la rúbrica", ["rúbrica"]),
        ("Un anticipo liquidado", ["liquidado"]),
        ("un oficial de finanzas", ["oficial de finanzas"]),
        ("Estimado(a) Rosa:", ["Estimado(a)"]),
    ],
)
def test_the_checker_finds_a_retired_variant(text, found):
    assert _find(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Le damos la bienvenida, Lucía.",  # the noun, not the adjective
        "Persona evaluadora; personas evaluadoras",
        "Presidencia del comité",
        "Usted es la persona propietaria.",
        "Fecha de término",  # end date: "términos" (terms) only is retired
        "La gestoría",  # word boundaries: "gestor" inside a longer word
        "Personas beneficiarias (estimación)",  # "estimado" only in a salutation
        "Autorizada para recibir donativos deducibles",  # allowed: the tax sense
        "Se usa un gestor de contraseñas.",  # software, not a person
        "En los términos de la cláusula SEXTA",  # a legal idiom, not the award terms
    ],
)
def test_the_checker_leaves_correct_spanish_alone(text):
    assert _find(text) == []


def test_typography_rules_apply_to_the_catalogue_only():
    text = 'Escriba "sí" («no»): 20 % de %(x)s%%'
    assert _find(text, "catalogue msgid “x”", catalogue=True) == [
        '"',
        '"',
        "«",
        "»",
        "0 %",
        "%(x)s%",
    ]
    assert _find(text) == []  # HTML attributes use straight quotes
    assert _find("“sí”: 20\u00a0% y %(x)s\u00a0%%", "catalogue", catalogue=True) == []


def test_a_hit_names_where_it_is_and_what_to_write_instead():
    [hit] = g.find("Sus roles: Evaluador", "templates/a.html:3", g.load_rules(), [])
    assert str(hit) == "templates/a.html:3: “Evaluador” (reviewer → persona evaluadora)"


def test_an_exception_applies_only_where_it_says():
    allowed = [g.Allowed(re.compile("donacion"), "pdf_templates/**", "a reason given here")]
    rules = g.load_rules()
    assert g.find("donación", "pdf_templates/a.html:1", rules, allowed) == []
    assert len(g.find("donación", "templates/a.html:1", rules, allowed)) == 1


# The sources --------------------------------------------------------------------------------


def _templates() -> list:
    return sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt"))


def _pdf_templates() -> list:
    return sorted((ROOT / "pdf_templates").rglob("*.html"))


def _demo_sources() -> list:
    demo = set(ROOT.glob("portal/**/demo*.py")) | set((ROOT / "portal" / "demo").glob("*.py"))
    return sorted(demo)


def _other_python_sources() -> list:
    """The rest of the portal's modules: their Spanish literals (``*_es`` values, defaults)."""
    skip = {*_demo_sources(), ROOT / "portal" / "awards" / "clauses.py"}
    return sorted(set(ROOT.glob("portal/**/*.py")) - skip)


CLAUSES = ROOT / "portal" / "awards" / "clauses.py"


def _python_sources() -> list:
    return [*_demo_sources(), CLAUSES]


def test_the_catalogue_has_no_retired_variant():
    hits = g.scan(g.catalogue_texts(), catalogue=True)
    assert not hits, _report(hits)


def test_the_email_templates_are_read_too():
    assert any(p.parent.name == "email" for p in _templates())


def test_templates_and_emails_have_no_retired_variant(msgids):
    hits = g.scan(pair for path in _templates() for pair in g.template_texts(path, msgids))
    assert not hits, _report(hits)


def test_the_agreement_pdfs_and_standard_clauses_have_no_retired_variant(msgids):
    """The PDF templates (agreement, amendment, letters) and the default clauses' text."""
    pdfs = (pair for path in _pdf_templates() for pair in g.template_texts(path, msgids))
    hits = g.scan([*pdfs, *g.python_texts(CLAUSES)])
    assert not hits, _report(hits)


def test_demo_data_users_read_has_no_retired_variant():
    hits = g.scan(pair for path in _demo_sources() for pair in g.python_texts(path))
    assert not hits, _report(hits)


def test_spanish_literals_in_the_portal_code_have_no_retired_variant():
    hits = g.scan(pair for path in _other_python_sources() for pair in g.python_texts(path))
    assert not hits, _report(hits)


def test_the_readme_spanish_labels_have_no_retired_variant():
    labels = list(g.readme_texts(ROOT / "README.md"))
    assert "Tablero de finanzas" in {label for _, label in labels}  # the labels are read
    hits = g.scan(labels)
    assert not hits, _report(hits)


def test_every_email_closes_with_sincerely():
    """“Atentamente,” then the portal's name, in every e-mail (issue 20)."""
    emails = sorted((ROOT / "templates" / "email").glob("*.txt"))
    missing = [
        p.name
        for p in emails
        if not p.read_text(encoding="utf-8")
        .rstrip()
        .endswith('{{ _("Sincerely,") }}\n{{ _("Cofinancia") }}')
    ]
    assert emails and not missing
