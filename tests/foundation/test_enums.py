"""Vocabularies carry their own labels (portal/core/enums.py): the value stays the plain stored
string, ``.label`` is the lazily translated label, ``choices()`` feeds the forms, and no module
keeps a parallel ``*_LABELS`` dict any more."""

from __future__ import annotations

import ast
import copy
import json
import pickle

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, LazyString
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from config import ROOT
from portal.applications.constants import ApplicationStatus
from portal.calls.constants import CallStatus, QuestionKind, QuizKind
from portal.core.enums import LabelledEnum
from portal.organisations.models import OrgKind

# Dicts named *_LABELS that are not an enum's parallel labels (keyed by something else).
NOT_VOCABULARIES = {
    "portal/api/forms.py:EXPIRY_LABELS",  # token lifetimes keyed by a number of days
    # The audit log's codes (dotted action names, keys of ``changes``, object types): readable
    # names for stored codes, not a StrEnum's values.
    "portal/audit/labels.py:ACTION_LABELS",
    "portal/audit/field_labels.py:FIELD_LABELS",
    "portal/audit/labels.py:OBJECT_LABELS",
}


class Colour(LabelledEnum):
    RED = "red", _l("Red")
    DARK_BLUE = "dark_blue", _l("Dark blue")

    @property
    def is_warm(self) -> bool:
        return self is Colour.RED


def _all_vocabularies(app) -> list[type[LabelledEnum]]:
    """Every ``LabelledEnum`` of the portal (the app factory imports every domain)."""
    found, pending = [], list(LabelledEnum.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("portal."):
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


# The base -----------------------------------------------------------------------------------


def test_the_value_stays_the_plain_stored_string():
    assert Colour.RED == "red"
    assert Colour("dark_blue") is Colour.DARK_BLUE
    assert Colour.DARK_BLUE.value == "dark_blue"
    assert Colour.DARK_BLUE.name == "DARK_BLUE"
    assert str(Colour.RED) == f"{Colour.RED}" == "red"
    assert json.dumps({"c": Colour.RED}) == '{"c": "red"}'
    assert {"red": 1}[Colour.RED] == 1
    assert "red" in {c.value for c in Colour}
    assert [c.value for c in Colour] == ["red", "dark_blue"]
    assert Colour.RED.is_warm and not Colour.DARK_BLUE.is_warm
    with pytest.raises(ValueError):
        Colour("Red")


def test_the_label_is_lazy_and_kept_out_of_the_value():
    assert isinstance(Colour.RED.label, LazyString)
    assert str(Colour.RED.label) == "Red"


@pytest.mark.parametrize("member", [Colour.RED, CallStatus.DRAFT, OrgKind.CSO])
def test_members_survive_pickling_and_copying(member):
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(member, protocol)) is member  # noqa: S301 - our own bytes
    assert copy.copy(member) is member
    assert copy.deepcopy(member) is member


def test_choices_are_select_choices_with_lazy_labels():
    choices = Colour.choices()
    assert all(isinstance(c, SelectChoice) for c in choices)
    assert [(c.value, str(c.label)) for c in choices] == [
        ("red", "Red"),
        ("dark_blue", "Dark blue"),
    ]
    assert isinstance(choices[0].label, LazyString)
    assert [c.value for c in Colour.choices([Colour.DARK_BLUE])] == ["dark_blue"]


def test_label_of_a_stored_value():
    assert str(Colour.label_of("red")) == "Red"
    assert Colour.label_of("violet") == "violet"
    assert Colour.label_of("violet", default="—") == "—"
    assert Colour.label_of(None, default="—") == "—"


def test_a_member_without_a_label_or_with_a_non_string_value_is_refused():
    with pytest.raises(TypeError):

        class Unlabelled(LabelledEnum):
            ONE = "one"

    with pytest.raises(TypeError):

        class Numbered(LabelledEnum):
            ONE = 1, _l("One")


@pytest.fixture(scope="module")
def catalogue_app(tmp_path_factory) -> Flask:
    """A bare app reading the Spanish catalogue as it stands (compiled here: the suite does
    not depend on ``make translations`` having run)."""
    root = tmp_path_factory.mktemp("translations")
    (root / "es" / "LC_MESSAGES").mkdir(parents=True)
    with (ROOT / "portal/translations/es/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh, locale="es")
    with (root / "es/LC_MESSAGES/messages.mo").open("wb") as fh:
        write_mo(fh, catalogue)
    app = Flask(__name__)
    Babel(
        app,
        locale_selector=lambda: request.args.get("lang", "es"),
        default_translation_directories=str(root),
    )
    return app


def test_labels_follow_the_language(catalogue_app):
    with catalogue_app.test_request_context("/?lang=es"):
        assert str(ApplicationStatus.DRAFT.label) == "Borrador"
        assert str(OrgKind.COMPANY.label) == "Empresa privada"
        assert str(CallStatus.choices()[0].label) == "Borrador"
    with catalogue_app.test_request_context("/?lang=en"):
        assert str(ApplicationStatus.DRAFT.label) == "Draft"


def test_the_quiz_kinds_share_the_question_kinds_labels():
    for kind in QuizKind:
        assert kind.label is QuestionKind(kind.value).label


# Every vocabulary ---------------------------------------------------------------------------


def test_every_vocabulary_has_a_lazy_distinct_label_per_member(app):
    vocabularies = _all_vocabularies(app)
    assert {CallStatus, ApplicationStatus, OrgKind} <= set(vocabularies)
    problems = []
    for vocabulary in vocabularies:
        labels = [str(member.label) for member in vocabulary]
        if not all(isinstance(member.label, LazyString) for member in vocabulary):
            problems.append(f"{vocabulary.__qualname__}: a label is not lazy (_l)")
        if len(set(labels)) != len(labels):
            problems.append(f"{vocabulary.__qualname__}: two members share a label")
    assert problems == []


def _labels_dicts(path) -> list[str]:
    """Module-level ``NAME_LABELS = {...}`` (or ``: dict = {...}`` or a comprehension)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        is_dict = isinstance(value, ast.Dict | ast.DictComp) or (
            isinstance(value, ast.Call) and getattr(value.func, "id", None) == "dict"
        )
        for target in targets:
            if isinstance(target, ast.Name) and target.id.endswith("LABELS") and is_dict:
                found.append(f"{path.relative_to(ROOT).as_posix()}:{target.id}")
    return found


def test_no_module_keeps_a_parallel_labels_dict():
    found = {
        name for path in sorted((ROOT / "portal").rglob("*.py")) for name in _labels_dicts(path)
    }
    assert found - NOT_VOCABULARIES == set(), (
        "declare the labels on the enum: class X(LabelledEnum): A = 'a', _l('A')"
    )
