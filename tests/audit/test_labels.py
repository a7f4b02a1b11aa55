"""The audit log speaks the reader's language: every action the portal can write and every field
name it writes in ``changes`` has a translated label (portal/audit/labels.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import lxml.html

from portal.audit.actions import ACTIONS
from portal.audit.labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    OBJECT_LABELS,
    action_label,
    field_label,
    object_label,
)
from portal.core.state_machine import load_all
from tests.audit.helpers import add_entry
from tests.support.matrix import login

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# Functions whose returned dict becomes an entry's ``changes``.
AUDITED_FUNCTIONS = ("audit_fields", "snapshot", "entry_changes")


def test_every_action_that_can_be_written_has_a_label():
    # ``record`` refuses any action outside ACTIONS, so these are all that can be written.
    assert set(ACTION_LABELS) == set(ACTIONS)
    assert all(str(label) and str(label) != code for code, label in ACTION_LABELS.items())


def test_every_state_machine_audit_name_is_a_labelled_action():
    for machine in load_all().values():
        for transition in machine.transitions.values():
            if transition.audit is not None:
                assert transition.audit in ACTIONS, (machine.name, transition.audit)
                assert transition.audit in ACTION_LABELS


def _keys(node, names: set, out: set) -> None:
    """String keys of a dict expression; variables whose keys it takes go to ``names``."""
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                out.add(key.value)
            elif isinstance(key, ast.JoinedStr):
                out.add(ast.unparse(key))
            elif key is None:  # {**other}
                _keys(value, names, out)
    elif isinstance(node, ast.Name):
        names.add(node.id)
    elif isinstance(node, ast.Call):  # diff(before, after), dict(...)
        for arg in node.args:
            _keys(arg, names, out)
        for keyword in node.keywords:
            if keyword.arg is None:
                _keys(keyword.value, names, out)
    elif isinstance(node, ast.IfExp):
        _keys(node.body, names, out)
        _keys(node.orelse, names, out)


def _function_keys(function, out: set) -> None:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "changes":
                    _keys(keyword.value, names, out)
        if function.name in AUDITED_FUNCTIONS and isinstance(node, ast.Return) and node.value:
            _keys(node.value, names, out)
    done: set[str] = set()
    while names - done:  # follow the variables the changes are built in
        name = (names - done).pop()
        done.add(name)
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        _keys(node.value, names, out)
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == name
                        and isinstance(target.slice, ast.Constant)
                    ):
                        out.add(target.slice.value)


def written_field_names() -> set[str]:
    """Field names the portal's code writes into audit entries' ``changes``: dict keys given
    as ``changes=`` (directly or through a variable), the dicts returned by ``audit_fields``
    and the like, and the ``*_FIELDS`` tuples the operations diff."""
    found: set[str] = set()
    for path in PORTAL.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                _function_keys(node, found)
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.endswith("_FIELDS")
                and isinstance(node.value, ast.Tuple)
            ):
                found.update(e.value for e in node.value.elts if isinstance(e, ast.Constant))
    return found


def test_every_field_name_written_in_changes_has_a_label():
    names = written_field_names()
    assert {"content_type", "legal_name", "status", "amount"} <= names  # the scan works
    dynamic = {n for n in names if n.startswith("f'")}  # f"question.{key}.position"…
    assert dynamic == {"f'question.{question.key}.position'", "f'quiz.{item.key}.position'"}
    missing = sorted(n for n in names - dynamic if n not in FIELD_LABELS)
    assert missing == [], f"add these to FIELD_LABELS in portal/audit/field_labels.py: {missing}"


def test_labels_and_fallbacks(app):
    with app.test_request_context("/?lang=en"):
        assert str(action_label("agreement.signed")) == "Agreement signed"
        assert str(field_label("content_type")) == "File type"
        assert str(object_label("payment_request")) == "Payment request"
        assert str(field_label("question.budget_plan.position")) == (
            "Position of the question “budget_plan”"
        )
        assert str(field_label("quiz.is_cso.position")) == (
            "Position of the eligibility question “is_cso”"
        )
        # Unknown codes (older entries) are shown as they are.
        assert action_label("legacy.thing") == "legacy.thing"
        assert field_label("mystery_field") == "mystery_field"
        assert object_label("gizmo") == "gizmo"
        assert all(str(label) for label in OBJECT_LABELS.values())


def test_the_log_shows_labels_not_codes(client, personas):
    login(client, personas["grants_manager"].email)
    org = personas["org_a"]
    entry = add_entry(
        "agreement.signed",
        object_type="agreement",
        object_id=7,
        organisation_id=org.id,
        changes={
            "content_type": "application/pdf",
            "title_en": "Free legal aid",
            "title_es": "Asesoría jurídica gratuita",
            "legacy_field": "x",
        },
    )
    page = client.get("/audit/").get_data(as_text=True)
    doc = lxml.html.fromstring(page)
    (row,) = doc.xpath(f"//tr[@id='entry-{entry.id}']")
    cells = row.xpath("./td")
    assert cells[3].text_content().strip() == "Agreement signed"
    assert cells[3].xpath(".//a/@href")[0].endswith("action=agreement.signed")  # filter by code
    assert cells[4].text_content().strip() == "Agreement #7"
    labels = [dt.text_content() for dt in row.xpath(".//dt")]
    assert labels == ["File type", "Title (English)", "Title (Spanish)", "legacy_field"]
    values = {dd.text_content(): dd.get("lang") for dd in row.xpath(".//dd")}
    assert values["Free legal aid"] == "en" and values["Asesoría jurídica gratuita"] is None
    # The action filter offers the labels too.
    options = doc.xpath("//select[@name='action']/option")
    by_code = {o.get("value"): o.text_content() for o in options}
    assert by_code["agreement.signed"] == "Agreement signed" and len(by_code) == len(ACTIONS) + 1
