"""Section forms, built from the answer types' handlers (questionnaires/answer_types.py).
The engine, not WTForms, checks the values."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from questionnaires import Question, Section, tr
from questionnaires.answer_types import check, handler
from questionnaires.answers import Problem
from webapp.core.i18n import Translator, problem_message


def field_name(question: Question) -> str:
    return f"q_{question.id}"


def submitted(question: Question, formdata: Any) -> Any:
    """What the browser sent for this question, read as its form field reads it."""
    return handler(question).sent(field_name(question), formdata)


def carried(question: Question, formdata: Any) -> bool:
    """Whether the form carries this question's field. Unticked boxes send nothing, so each
    group of boxes also sends an empty value under its name (templates/answers/choices.html):
    a group without it was not sent, and its saved answer stays."""
    return field_name(question) in formdata


def read_answer(question: Question, formdata: Any, require: bool = True) -> tuple[Any, Problem | None]:
    """The stored value for what was sent, and the engine's problem with it, if any. A page
    saved for later (require=False) may leave required questions empty."""
    value, problem = to_value(question, submitted(question, formdata))
    if problem is None:
        problem = check(question, value)
        if problem is not None and problem.code.startswith("required") and not require:
            problem = None
    return value, problem


def to_value(question: Question, data: Any) -> tuple[Any, Problem | None]:
    """Form data -> stored value."""
    return handler(question).parse(question, data)


def problem_text(question: Question, problem: Problem, lang: str) -> str:
    """The engine's problem in the official's language, naming the options as they see them."""
    labels = {tr(o.label): tr(o.label, lang) for o in question.choices()}
    return problem_message(problem, labels)


class SectionForm(FlaskForm):
    """Shows a section's questions. The engine, not the form, checks the answers
    (`read_answer`): a page saved without problems never builds a form at all."""

    class Meta:
        # CSRFProtect checks every POST for the whole app before any view runs.
        csrf = False


def section_form(section: Section, lang: str, formdata: Any = None, data: dict | None = None) -> SectionForm:
    """A form with one field per question of the section, named q_<question id>, holding the
    submitted text (formdata) or the stored answers (data)."""
    initial = {field_name(q): handler(q).initial((data or {}).get(q.id)) for q in section.questions}
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
        pass

    words = Translator(lang)
    for question in section.questions:
        setattr(Form, field_name(question), handler(question).field(question, words))
    _FORM_CLASSES[key] = (section, Form)
    return Form
