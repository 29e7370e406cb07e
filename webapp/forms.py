"""WTForms built from questionnaire sections. One builder per answer type; the engine checks values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from questionnaires import Question, Section, tr
from questionnaires.answers import Problem, check

from .i18n import Translator, country_names, problem_message
from questionnaires.text import without_bidi_controls

SHORT_TEXT = 200


def field_name(question: Question) -> str:
    return f"q_{question.id}"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def submitted(question: Question, formdata: Any) -> Any:
    """What the browser sent for this question, read as its form field reads it: the list of
    ticked boxes, or the first value (None when the field was not sent)."""
    name = field_name(question)
    if question.type == "multiple":
        return formdata.getlist(name) if hasattr(formdata, "getlist") else list(formdata.get(name) or [])
    return formdata.get(name)


def read_answer(question: Question, formdata: Any, require: bool = True) -> tuple[Any, Problem | None]:
    """The stored value for what was sent, and the engine's problem with it, if any. A page
    saved for later (require=False) may leave required questions empty."""
    value, problem = to_value(question, submitted(question, formdata))
    if problem is None:
        problem = check(question, value)
        if problem is not None and problem.code.startswith("required") and not require:
            problem = None
    return value, problem


def problem_text(question: Question, problem: Problem, lang: str) -> str:
    """The engine's problem in the official's language, naming the options as they see them."""
    labels = {tr(o.label): tr(o.label, lang) for o in question.choices()}
    return problem_message(problem, labels)


def to_value(question: Question, data: Any) -> tuple[Any, Problem | None]:
    """Form data -> stored value. Only numbers can fail here; everything else fails in `check`."""
    if question.type == "multiple":
        return [v for v in (data or []) if v], None
    if question.type == "number":
        raw = (data or "").strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
        if not raw:
            return None, None
        try:
            return int(raw), None
        except ValueError:
            return raw, Problem("not-a-number")
    if question.type == "text":
        return without_bidi_controls((data or "").strip()), None
    return (data or None), None


def _choices(question: Question, lang: str) -> list[SelectChoice]:
    return [SelectChoice(o.id, tr(o.label, lang)) for o in question.choices()]


def _single(question: Question, lang: str) -> Field:
    return RadioField(choices=_choices(question, lang), validate_choice=False)


def _multiple(question: Question, lang: str) -> Field:
    return MultiCheckboxField(choices=_choices(question, lang), validate_choice=False)


def _number(question: Question, lang: str) -> Field:
    return StringField(render_kw={"inputmode": "numeric", "autocomplete": "off"})


def _text(question: Question, lang: str) -> Field:
    field_class = StringField if question.max_length <= SHORT_TEXT else TextAreaField
    return field_class(render_kw={"spellcheck": "true"})


def _country(question: Question, lang: str) -> Field:
    countries = sorted(country_names(lang).items(), key=lambda item: item[1].casefold())
    t = Translator(lang)
    choices = [SelectChoice("", t("Select a country"))] + [SelectChoice(code, name) for code, name in countries]
    return SelectField(choices=choices, validate_choice=False)


FIELD_BUILDERS: dict[str, Callable[[Question, str], Field]] = {
    "single": _single,
    "yesno": _single,
    "multiple": _multiple,
    "number": _number,
    "text": _text,
    "country": _country,
}


class SectionForm(FlaskForm):
    """Shows a section's questions. The engine, not the form, checks the answers
    (`read_answer`): a page saved without problems never builds a form at all."""

    class Meta:
        # CSRFProtect checks every POST for the whole app before any view runs.
        csrf = False


def section_form(section: Section, lang: str, formdata: Any = None, data: dict | None = None) -> SectionForm:
    """A form with one field per question of the section, named q_<question id>, holding the
    submitted text (formdata) or the stored answers (data)."""
    initial = {field_name(q): _initial(q, (data or {}).get(q.id)) for q in section.questions}
    return _form_class(section, lang)(formdata=formdata, data=initial)


# Form classes are built once per section and language: the fields are the same on every
# request, only the data bound to them differs.
_FORM_CLASSES: dict[tuple[int, str], tuple[Section, type[SectionForm]]] = {}


def _form_class(section: Section, lang: str) -> type[SectionForm]:
    key = (id(section), lang)
    cached = _FORM_CLASSES.get(key)
    if cached is not None and cached[0] is section:
        return cached[1]

    class Form(SectionForm):
        class Meta:
            pass

    Form.Meta.lang = lang
    for question in section.questions:
        setattr(Form, field_name(question), FIELD_BUILDERS[question.type](question, lang))
    _FORM_CLASSES[key] = (section, Form)
    return Form


def _initial(question: Question, value: Any) -> Any:
    if value is None:
        return [] if question.type == "multiple" else None
    return str(value) if question.type == "number" else value
