"""The public eligibility check: a form built from a call's quiz, answered with GET.

It stores nothing and changes nothing, so it needs no CSRF token; the later application flow
stores the answers with the application.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.calls.constants import QuizKind, YesNo
from portal.core.forms import TranslatedForm, choice_list
from portal.core.i18n import localized

PREFIX = "q_"


def _choices(question) -> list[SelectChoice]:
    if question.kind == QuizKind.YES_NO:
        return YesNo.choices()
    from portal.core.i18n import current_language

    lang = current_language()
    return choice_list((o["key"], o.get(lang) or o["es"]) for o in question.options)


class QuizAnswers(TranslatedForm):
    @classmethod
    def for_call(cls, call, args) -> QuizAnswers:
        """A form class with one radio group per quiz question, bound to ``args`` on check."""
        fields = {
            f"{PREFIX}{q.key}": RadioField(
                localized(q, "label"),
                choices=_choices(q),
                validators=[InputRequired(_l("Answer this question."))],
            )
            for q in sorted(call.quiz_questions, key=lambda q: q.position)
        }
        form_class = type("CallQuizAnswers", (cls,), fields)
        return form_class(args if args.get("check") else None)

    def answers(self) -> dict[str, str | None]:
        return {
            name.removeprefix(PREFIX): field.data
            for name, field in self._fields.items()
            if name.startswith(PREFIX)
        }
