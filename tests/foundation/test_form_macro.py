"""The shared form macros (templates/macros/forms.html): invalid fields are tied to their
messages, and the error summary links to them and takes the focus."""

from __future__ import annotations

import lxml.html
import pytest
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from portal.calls.forms import CheckboxesField
from portal.core.fields import StringField
from portal.core.forms import choice_list

PAGE = """{% from "macros/forms.html" import field, form_errors, filter_field %}
<form>{{ form_errors(form) }}{% for f in form %}{{ field(f) }}{% endfor %}</form>
<div id="filters">{{ filter_field(form.name) }}</div>"""


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(
        "Name", validators=[InputRequired("Enter a name.")], description="As on the ID."
    )
    plain = StringField("Plain")
    kind = RadioField(
        "Kind", choices=choice_list([("a", "A"), ("b", "B")]), validators=[InputRequired("Choose.")]
    )
    areas = CheckboxesField("Areas", choices=choice_list([("x", "X"), ("y", "Y")]))
    agree = BooleanField("I agree", validators=[InputRequired("Tick the box.")])


@pytest.fixture
def rendered(app):
    def render(data):
        with app.test_request_context(method="POST", data=data):
            form = _Form()
            form.validate()
            html = app.jinja_env.from_string(PAGE).render(form=form)
        return lxml.html.fromstring(html)

    return render


def test_an_invalid_field_names_its_messages_and_help(rendered):
    doc = rendered({"plain": "x"})
    name = doc.get_element_by_id("name")
    assert name.get("aria-invalid") == "true"
    assert name.get("aria-describedby").split() == ["name-help", "name-error-1"]
    assert doc.get_element_by_id("name-error-1").text_content() == "Enter a name."
    assert doc.get_element_by_id("name-help").text_content() == "As on the ID."
    plain = doc.get_element_by_id("plain")
    assert plain.get("aria-invalid") is None and plain.get("aria-describedby") is None
    agree = doc.get_element_by_id("agree")
    assert agree.get("aria-invalid") == "true"
    assert agree.get("aria-describedby") == "agree-error-1"


def test_every_option_of_an_invalid_group_points_at_the_message(rendered):
    doc = rendered({})
    group = doc.get_element_by_id("kind")
    assert group.tag == "fieldset" and group.find("legend").text_content().startswith("Kind")
    for option in group.xpath(".//input[@type='radio']"):
        assert option.get("aria-invalid") == "true"
        assert option.get("aria-describedby") == "kind-error-1"
    assert doc.get_element_by_id("kind-error-1").text_content() == "Choose."
    areas = doc.get_element_by_id("areas")
    assert [i.get("type") for i in areas.xpath(".//input")] == ["checkbox", "checkbox"]
    assert all(i.get("aria-invalid") is None for i in areas.xpath(".//input"))


def test_the_summary_links_to_each_field_and_takes_the_focus(rendered):
    doc = rendered({})
    summary = doc.xpath("//div[contains(@class, 'alert-danger')]")[0]
    assert summary.get("tabindex") == "-1" and summary.get("autofocus") is not None
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
    assert links == {"#name": "Name", "#kind-0": "Kind", "#agree": "I agree"}
    for href in links:
        assert doc.get_element_by_id(href[1:]) is not None


def test_no_summary_without_errors(rendered):
    doc = rendered({"name": "Ana", "kind": "a", "agree": "y"})
    assert not doc.xpath("//div[contains(@class, 'alert-danger')]")
    assert doc.get_element_by_id("name").get("aria-describedby") == "name-help"


def test_the_filter_field_is_tied_to_its_messages_too(rendered):
    doc = rendered({})
    filters = doc.get_element_by_id("filters")
    (name,) = filters.xpath(".//input")
    assert name.get("aria-invalid") == "true"
    assert "name-error-1" in name.get("aria-describedby").split()


def test_bilingual_inputs_carry_their_language(app):
    class Bilingual(FlaskForm):
        class Meta:
            csrf = False

        title_es = StringField("Title (Spanish)")
        title_en = StringField("Title (English)")
        code = StringField("Code")

    page = (
        '{% from "macros/forms.html" import field %}{% for f in form %}{{ field(f) }}{% endfor %}'
    )
    with app.test_request_context():
        doc = lxml.html.fromstring(
            "<div>" + app.jinja_env.from_string(page).render(form=Bilingual()) + "</div>"
        )
    langs = {i.get("name"): i.get("lang") for i in doc.xpath("//input")}
    assert langs == {"title_es": "es", "title_en": "en", "code": None}
