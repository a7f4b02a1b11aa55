"""A plain WTForms form (no CSRF) whose built-in messages follow the user's language.

``FlaskForm`` translates WTForms' own messages ("Not a valid choice.", "Field cannot be
longer than %(max)d characters.") through Flask-Babel; a bare ``wtforms.Form`` (used for
``FieldList`` rows and GET filter forms) does not, so Spanish pages showed them in English.
"""

from __future__ import annotations

from wtforms import Form


class TranslatedForm(Form):
    class Meta:
        def get_translations(self, form):
            from flask_wtf.i18n import translations

            return translations
