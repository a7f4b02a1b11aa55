"""Form helpers every domain uses: a plain WTForms form (no CSRF) whose built-in messages follow
the user's language, ``choice_list`` for WTForms choices, and ``apply_errors`` to show an
operation's refusal on the form.

``FlaskForm`` translates WTForms' own messages ("Not a valid choice.", "Field cannot be
longer than %(max)d characters.") through Flask-Babel; a bare ``wtforms.Form`` (used for
``FieldList`` rows and GET filter forms) does not, so Spanish pages showed them in English.
"""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import Form
from wtforms.fields.choices import SelectChoice


class TranslatedForm(Form):
    class Meta:
        def get_translations(self, form):
            from flask_wtf.i18n import translations

            return translations


def choice_list(pairs: Iterable) -> list[SelectChoice]:
    """``(value, label)`` pairs as the ``SelectChoice`` list a ``SelectField`` (or
    ``SelectMultipleField``/``RadioField``) takes: WTForms 3.3 deprecates plain tuples.

    Labels are kept as given, so a ``lazy_gettext`` label stays lazy and is translated when
    the field is rendered; items that already are ``SelectChoice`` pass through unchanged.
    Read choices back with ``choice.value``/``choice.label`` (a ``SelectChoice`` unpacks to
    four items, not two).
    """
    choices = []
    for item in pairs:
        if not isinstance(item, SelectChoice):
            value, label = item
            item = SelectChoice(value, label)
        choices.append(item)
    return choices


def apply_errors(form, errors: dict[str, list[str]]) -> None:
    """Attach an operation's ``InputError.errors`` to the form (unknown names: whole form)."""
    for name, messages in errors.items():
        target = form._fields.get(name) if name else None
        if target is not None:
            target.errors = list(target.errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)
