"""``LabelledEnum``: a vocabulary whose members carry their own translated label.

A member is declared with its stored value and its label::

    class CallStatus(LabelledEnum):
        DRAFT = "draft", _l("Draft")
        PUBLISHED = "published", _l("Published")

The value stays the plain string (``CallStatus.DRAFT == "draft"``, ``CallStatus("draft")``), so
the database CHECK constraints, form data and comparisons keep working; ``member.label`` is the
``lazy_gettext`` label, translated when it is rendered, and ``CallStatus.choices()`` gives the
``(value, label)`` choices of a form field. Keep each ``_l("…")`` literal in the class body:
that is where ``pybabel extract`` finds the msgid.

The label lives in ``_label`` on the member, not in its value: ``label`` itself is the read-only
property (assigning to it in ``__new__`` would fail), and pickling and copying a member still go
through its value alone and give back the very same member. Do not name a member ``label``,
``choices`` or ``label_of``: it would hide the property or classmethod of that name.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from wtforms.fields.choices import SelectChoice


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members are declared ``NAME = "value", _l("Label")``."""

    _label: Any

    def __new__(cls, value: str, label: Any):
        if not isinstance(value, str):
            raise TypeError(f"{cls.__name__}: the value {value!r} is not a string")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> Any:
        """The label, lazily translated (a ``LazyString``: ``str()`` it outside templates)."""
        return self._label

    @classmethod
    def choices(cls, members: Iterable[LabelledEnum] | None = None) -> list[SelectChoice]:
        """``SelectChoice(value, label)`` for every member (or the given ones), in order.

        ``SelectField``/``SelectMultipleField``/``RadioField`` take the list as it is (WTForms
        3.3 deprecates plain tuples); read an item back as ``choice.value``/``choice.label``
        (it unpacks to four items, not two). Labels stay lazy: translated when rendered.
        """
        return [SelectChoice(m.value, m.label) for m in (cls if members is None else members)]

    @classmethod
    def label_of(cls, value: str | None, default: Any = None) -> Any:
        """The label of a stored value; ``default`` (else the value itself) when unknown."""
        try:
            return cls(value).label
        except ValueError:
            return value if default is None else default
