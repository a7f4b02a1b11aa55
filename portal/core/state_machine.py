"""One table of allowed moves per stateful entity, and one ``move()`` that applies them.

Each domain declares a :class:`StateMachine` for each entity it owns (application, award,
payment request…): rows of ``(from-states, action, to-state, who, audit action)``. Its
``move(obj, action)`` is the only place that entity's status changes: it refuses a move the
table does not allow (``InputError``, translated), sets the new state, and announces it on
:data:`moved`, whose receivers write the audit entry (portal/audit) and any follow-up. *Who* may
move is checked by the operation on the object (``can_manage(award, user)``); the table states it
for the reader and the diagram.

Every machine registers itself in :data:`MACHINES`, so one test walks every (state, action) pair
of every machine, and ``python -m portal.core.state_machine`` writes their diagrams
(docs/state-machines.md; a test fails when the file is stale).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from portal.core.db import db
from portal.core.errors import InputError

_signals = Namespace()
#: ``moved.send(machine, obj=, transition=, previous=, changes=, organisation_id=, user=)``
moved = _signals.signal("state-moved")
MACHINES: dict[str, StateMachine] = {}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    action: str
    target: str
    who: str
    audit: str | None = None  # the audit action written when this move happens


@dataclass
class StateMachine:
    """``StateMachine("payment_request", states, [row, ...])``; a row is ``(sources, action,
    target, who[, audit])`` with ``sources`` a state or an iterable of states."""

    name: str
    states: tuple[str, ...]
    rows: Iterable[tuple]
    attribute: str = "status"
    transitions: dict[tuple[str, str], Transition] = field(init=False)

    def __post_init__(self) -> None:
        self.transitions = {}
        for row in self.rows:
            sources, action, target, who, *audit = row
            sources = frozenset([sources] if isinstance(sources, str) else sources)
            transition = Transition(sources, action, target, who, audit[0] if audit else None)
            for state in sources | {target}:
                if state not in self.states:
                    raise ValueError(f"{self.name}: unknown state {state!r}")
            for source in sources:
                if (source, action) in self.transitions:
                    raise ValueError(f"{self.name}: two moves for ({source!r}, {action!r})")
                self.transitions[(source, action)] = transition
        MACHINES[self.name] = self

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.transitions.values()))

    def allowed(self, state: str, action: str) -> Transition | None:
        return self.transitions.get((state, action))

    def can(self, obj, action: str) -> bool:
        return self.allowed(getattr(obj, self.attribute), action) is not None

    def move(
        self,
        obj,
        action: str,
        *,
        changes: dict | None = None,
        organisation_id: int | None = None,
        user=None,
        refusal=None,
        field: str = "",
    ) -> Transition:
        """Apply ``action`` to ``obj`` or refuse it (``InputError`` on ``field``, with
        ``refusal`` or a generic message), leaving the state unchanged. ``user``: who moved it,
        when not the signed-in user (the audit entry's author)."""
        previous = getattr(obj, self.attribute)
        transition = self.allowed(previous, action)
        if transition is None:
            message = refusal or _l("This cannot be done in the current state.")
            raise InputError({field: [message]})
        setattr(obj, self.attribute, transition.target)
        # Receivers may query; a half-made move (companion fields not yet set) must not flush.
        with db.session.no_autoflush:
            moved.send(
                self,
                obj=obj,
                transition=transition,
                previous=previous,
                changes=changes,
                organisation_id=organisation_id,
                user=user,
            )
        return transition

    def diagram(self) -> str:
        """The machine as a Mermaid state diagram."""
        lines = ["stateDiagram-v2"]
        for (source, action), t in sorted(self.transitions.items()):
            lines.append(f"    {source} --> {t.target}: {action} ({t.who})")
        return "\n".join(lines)


def document() -> str:
    """Every registered machine's diagram, for docs/state-machines.md."""
    parts = [
        "# State machines",
        "",
        "Generated from the transition tables by `python -m portal.core.state_machine`; "
        "a test fails when this file is stale. Each arrow: action (who may do it).",
    ]
    for name in sorted(MACHINES):
        parts += ["", f"## {name}", "", "```mermaid", MACHINES[name].diagram(), "```"]
    return "\n".join(parts) + "\n"


def load_all() -> dict[str, StateMachine]:
    """Import every domain's ``states`` module (where its machines are declared)."""
    import importlib
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    for module in sorted(package.glob("*/states.py")):
        importlib.import_module(f"portal.{module.parent.name}.states")
    return MACHINES


DOCUMENT = "docs/state-machines.md"

if __name__ == "__main__":  # run as __main__: use the package's own registry
    from pathlib import Path

    from portal.core import state_machine

    machines = state_machine.load_all()
    target = Path(__file__).resolve().parents[2] / DOCUMENT
    target.parent.mkdir(exist_ok=True)
    target.write_text(state_machine.document())
    print(f"wrote {target} ({len(machines)} machines)")
