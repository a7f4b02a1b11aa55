"""Every stateful entity moves only through its transition table (portal/core/state_machine.py).

- every (state, action) pair of every machine is either the table's move or a refusal that
  leaves the state as it was;
- no module assigns ``.status`` by hand (the tables are the only place a status changes);
- docs/state-machines.md is generated from the tables and up to date.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal.core.errors import InputError
from portal.core.state_machine import DOCUMENT, document, load_all

ROOT = Path(__file__).resolve().parents[2]
MACHINES = load_all()


def _pairs():
    for name, machine in sorted(MACHINES.items()):
        for state in machine.states:
            for action in machine.actions:
                yield pytest.param(machine, state, action, id=f"{name}:{state}:{action}")


@pytest.mark.parametrize(("machine", "state", "action"), list(_pairs()))
def test_every_state_and_action(ctx, machine, state, action):
    obj = SimpleNamespace(__tablename__=machine.name, id=1, **{machine.attribute: state})
    expected = machine.allowed(state, action)
    if expected is None:
        with pytest.raises(InputError):
            machine.move(obj, action)
        assert getattr(obj, machine.attribute) == state
    else:
        machine.move(obj, action)
        assert getattr(obj, machine.attribute) == expected.target


def test_no_status_is_assigned_outside_the_machines():
    offenders = []
    for path in (ROOT / "portal").rglob("*.py"):
        if path.name == "state_machine.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "status changes only through StateMachine.move(): " + ", ".join(
        offenders
    )


def test_the_diagrams_are_up_to_date():
    written = (ROOT / DOCUMENT).read_text() if (ROOT / DOCUMENT).exists() else ""
    assert written == document(), "run: .venv/bin/python -m portal.core.state_machine"
