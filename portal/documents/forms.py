"""Upload forms. File contents are checked in ``verification`` after upload, not here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.core.fields import IntegerField, StringField


class UploadForm(FlaskForm):
    """Through-the-app upload (local backend): a normal multipart form."""

    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])


class StartUploadForm(FlaskForm):
    """Direct-to-S3 upload without JavaScript: first create the upload slot."""


class IntentForm(FlaskForm):
    """Direct-to-S3 upload with JavaScript (JSON body): what the browser is about to send."""

    filename = StringField(_l("File name"), validators=[DataRequired(), Length(max=1000)])
    # Optional: JSON sends the number 0 for an empty file, which InputRequired takes as missing.
    size = IntegerField(_l("Size"), validators=[Optional(), NumberRange(min=0)])
    content_type = StringField(_l("Type"), validators=[Optional(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A POST button (finalize, delete): CSRF only."""
