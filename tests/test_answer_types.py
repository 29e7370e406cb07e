"""The answer-type handlers: each type's whole behaviour in one place, and each one complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from questionnaires import Question
from questionnaires.answer_types import ANSWER_TYPES, answer_text, check, check_all, handler
from reports.i18n import Translator
from webapp.wizard.forms import field_name, read_answer, section_form

TEMPLATES = Path(__file__).resolve().parent.parent / "webapp" / "templates"

SAMPLES = {
    "single": ({"options": [{"id": "a", "label": {"en": "A"}}, {"id": "b", "label": {"en": "B"}}]}, "b", "B"),
    "yesno": ({}, "yes", "Yes"),
    "multiple": ({"options": [{"id": "a", "label": {"en": "A"}}, {"id": "b", "label": {"en": "B"}}]}, ["a", "b"], "A; B"),
    "number": ({"min": 0, "max": 10_000}, 2500, "2,500"),
    "text": ({}, "Twelve officers", "Twelve officers"),
    "country": ({}, "FR", "France"),
}


def question(kind: str, **extra) -> Question:
    return Question.model_validate({"id": "q", "type": kind, "text": {"en": "Q?"}, **extra})


def test_every_type_has_a_sample_and_a_partial():
    assert set(SAMPLES) == set(ANSWER_TYPES)
    for kind, h in ANSWER_TYPES.items():
        assert (TEMPLATES / h.partial).is_file(), f"{kind}: no template {h.partial}"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_value_goes_round_the_form_and_back(app, kind):
    """The field shows the stored value; what it sends back is read as the same value; the
    engine accepts it; the report writes it as a person reads it."""
    extra, value, shown = SAMPLES[kind]
    q = question(kind, **extra)
    h = handler(q)
    assert check(q, value) is None
    initial = h.initial(value)
    formdata = MultiDict([(field_name(q), v) for v in (initial if isinstance(initial, list) else [initial])])
    assert read_answer(q, formdata) == (value, None)
    assert answer_text(q, value, Translator("en")) == shown
    assert answer_text(q, None, Translator("fr")) == "Sans réponse"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_an_empty_required_answer_names_what_to_do(kind):
    extra, _, _ = SAMPLES[kind]
    problem = check(question(kind, **extra), None)
    assert problem is not None and problem.code.startswith("required-")
    assert problem.message()  # a message exists for the code


def test_answers_file_values_are_stored_as_the_wizard_stores_them(questionnaire):
    answers = {"staff_size": 120.0, "borders": "land"}
    assert check_all(questionnaire, answers) == []


def test_an_unknown_type_is_refused_with_the_known_ones_listed():
    with pytest.raises(ValueError, match="unknown type 'date'; use one of single, yesno"):
        question("date")


def test_the_form_field_comes_from_the_handler(app, questionnaire):
    profile = next(s for s in questionnaire.all_sections() if any(q.type == "country" for q in s.questions))
    with app.test_request_context():
        form = section_form(profile, "fr")
        for q in profile.questions:
            assert form[field_name(q)] is not None
        country = next(q for q in profile.questions if q.type == "country")
        choices = [c[1] for c in form[field_name(country)].iter_choices()]
        assert choices[0] == Translator("fr")("Select a country") and "Allemagne" in [c.label for c in form[field_name(country)].choices]
