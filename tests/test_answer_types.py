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


# --- the workbook cell: each handler writes and reads its own ---------------------------------

@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_value_goes_round_the_workbook_cell_and_back(kind):
    """What the cell shows (in the workbook's language) is read back as the same value, and
    the cell's validation accepts it."""
    extra, value, _text = SAMPLES[kind]
    q = question(kind, **extra)
    h = handler(q)
    words = Translator("fr")
    if h.many:
        ticks = {o.id: h.from_tick(h.tick_value(value, o.id, words), words) for o in q.choices()}
        assert all(problem is None for _ticked, problem in ticks.values())
        assert [o for o, (ticked, _p) in ticks.items() if ticked] == value
        assert h.tick_cell(words).values == (words("Yes"), words("No"))
        return
    shown = h.cell_value(q, value, words)
    assert h.from_cell(q, shown, words) == (value, None)
    assert check(q, value) is None
    rule = h.cell(q, words)
    if rule.kind == "list":
        assert shown in rule.values
    elif rule.kind == "whole":
        assert rule.low <= shown <= rule.high
    else:
        assert len(shown) <= rule.high


@pytest.mark.parametrize("kind, raw, code", [
    ("single", "Perhaps", "not-in-list"), ("yesno", "Maybe", "not-in-list"), ("number", "many", "not-a-number"),
    ("number", True, "not-a-number"), ("country", "Atlantis", "not-a-country-in-list"),
])
def test_a_cell_that_cannot_be_read_names_the_problem(kind, raw, code):
    extra, _value, _text = SAMPLES[kind]
    q = question(kind, **extra)
    value, problem = handler(q).from_cell(q, raw, Translator("en"))
    assert value is None and problem is not None and problem.code == code
    assert problem.message()  # every code has its message


def test_a_tick_other_than_yes_or_no_is_a_problem():
    q = question("multiple", **SAMPLES["multiple"][0])
    ticked, problem = handler(q).from_tick("Peut-être", Translator("fr"))
    assert ticked is None and problem.code == "yes-or-no" and problem.params == {"yes": "Oui", "no": "Non"}
    assert handler(q).from_tick("oui", Translator("fr")) == (True, None)
    assert handler(q).from_tick("no", Translator("fr")) == (False, None), "English is read in any workbook"


def test_a_new_answer_type_brings_its_own_cell_to_the_workbook(monkeypatch, tmp_path):
    """The workbook dispatches on the handler: a type added to the registry is written with
    its own validation and read back by its own rule, not as free text."""
    import io

    import yaml
    from openpyxl import load_workbook

    from questionnaires import load_questionnaire
    from questionnaires.answer_types import Cell, Number
    from questionnaires.yamlio import load_yaml
    from reports.workbook import read_workbook, write_workbook

    class Percent(Number):
        name = "percent"

        def cell(self, question, words):
            return Cell("whole", "From 0 to 100", low=0, high=100)

        def cell_value(self, question, value, words):
            return f"{value}%"

        def from_cell(self, question, raw, words):
            return super().from_cell(question, str(raw).strip().removesuffix("%"), words)

    monkeypatch.setitem(ANSWER_TYPES, "percent", Percent())
    definition = load_yaml(Path(__file__).parent / "fixtures" / "minimal.yaml")
    documents = next(s for s in definition["sections"] if s["id"] == "documents")
    documents["questions"].append({"id": "share", "type": "percent", "text": "Share of staff trained?", "min": 0, "max": 100})
    path = tmp_path / "percent.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True))
    q = load_questionnaire(path)

    data = write_workbook(q, None, "en", {"share": 45, "agency_type": "coast-guard"})
    book = load_workbook(io.BytesIO(data))
    sheet = next(book[n] for n in book.sheetnames if any(r[0] == "share" for r in book[n].iter_rows(values_only=True)))
    row = next(r for r in sheet.iter_rows() if r[0].value == "share")
    assert row[4].value == "45%"
    rule = next(v for v in sheet.data_validations.dataValidation if row[4].coordinate in v.sqref)
    assert (rule.type, rule.formula1, rule.formula2, rule.error) == ("whole", "0", "100", "From 0 to 100")

    imported, problems = read_workbook(data, q, "en")
    assert problems == [] and imported.answers["share"] == 45
    row[4].value = "120%"
    out = io.BytesIO()
    book.save(out)
    imported, problems = read_workbook(out.getvalue(), q, "en")
    assert imported is None and [p.message for p in problems] == ["Enter a number from 0 to 100"]
