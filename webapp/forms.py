"""WTForms built from questionnaire sections. One builder per answer type; the engine checks values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from questionnaires import Question, Section, tr
from questionnaires.answers import Problem, check

from .i18n import Translator, country_names, problem_message

SHORT_TEXT = 200


def field_name(question: Question) -> str:
    return f"q_{question.id}"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CheckAnswer:
    """Turns the submitted text into the stored value and checks it with the engine.

    The typed value is left on the field as `field.answer`, the engine's problem as `field.problem`.
    """

    def __init__(self, question: Question, require: bool = True):
        self.question = question
        self.require = require

    def __call__(self, form: Any, field: Field) -> None:
        field.problem = None
        value, problem = to_value(self.question, field.data)
        field.answer = value
        if problem is None:
            problem = check(self.question, value)
            if problem is not None and problem.code.startswith("required") and not self.require:
                problem = None
        if problem is not None:
            field.problem = problem
            labels = {tr(o.label): tr(o.label, form.meta.lang) for o in self.question.choices()}
            raise StopValidation(problem_message(problem, labels))


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
        return (data or "").strip(), None
    return (data or None), None


def _choices(question: Question, lang: str) -> list[SelectChoice]:
    return [SelectChoice(o.id, tr(o.label, lang)) for o in question.choices()]


def _single(question: Question, lang: str, validators: list) -> Field:
    return RadioField(choices=_choices(question, lang), validate_choice=False, validators=validators)


def _multiple(question: Question, lang: str, validators: list) -> Field:
    return MultiCheckboxField(choices=_choices(question, lang), validate_choice=False, validators=validators)


def _number(question: Question, lang: str, validators: list) -> Field:
    return StringField(validators=validators, render_kw={"inputmode": "numeric", "autocomplete": "off"})


def _text(question: Question, lang: str, validators: list) -> Field:
    field_class = StringField if question.max_length <= SHORT_TEXT else TextAreaField
    return field_class(validators=validators, render_kw={"spellcheck": "true"})


def _country(question: Question, lang: str, validators: list) -> Field:
    countries = sorted(country_names(lang).items(), key=lambda item: item[1].casefold())
    t = Translator(lang)
    choices = [SelectChoice("", t("Select a country"))] + [SelectChoice(code, name) for code, name in countries]
    return SelectField(choices=choices, validate_choice=False, validators=validators)


FIELD_BUILDERS: dict[str, Callable[[Question, str, list], Field]] = {
    "single": _single,
    "yesno": _single,
    "multiple": _multiple,
    "number": _number,
    "text": _text,
    "country": _country,
}


class SectionForm(FlaskForm):
    class Meta:
        # CSRFProtect checks every POST for the whole app before any view runs.
        csrf = False


def section_form(section: Section, lang: str, require: bool, formdata: Any = None, data: dict | None = None) -> SectionForm:
    """A form with one field per question of the section, named q_<question id>."""
    initial = {field_name(q): _initial(q, (data or {}).get(q.id)) for q in section.questions}
    return _form_class(section, lang, require)(formdata=formdata, data=initial)


# Form classes are built once per section, language and mode: the fields are the same on
# every request, only the data bound to them differs.
_FORM_CLASSES: dict[tuple[int, str, bool], tuple[Section, type[SectionForm]]] = {}


def _form_class(section: Section, lang: str, require: bool) -> type[SectionForm]:
    key = (id(section), lang, require)
    cached = _FORM_CLASSES.get(key)
    if cached is not None and cached[0] is section:
        return cached[1]

    class Form(SectionForm):
        class Meta:
            pass

    Form.Meta.lang = lang
    for question in section.questions:
        unbound = FIELD_BUILDERS[question.type](question, lang, [CheckAnswer(question, require)])
        setattr(Form, field_name(question), unbound)
    _FORM_CLASSES[key] = (section, Form)
    return Form


def warm_up_forms(questionnaire, lang: str) -> None:
    for section in questionnaire.all_sections():
        for require in (True, False):
            _form_class(section, lang, require)


def _initial(question: Question, value: Any) -> Any:
    if value is None:
        return [] if question.type == "multiple" else None
    return str(value) if question.type == "number" else value
