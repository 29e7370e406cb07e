"""One handler per answer type: everything the product does with an answer of that type.

A handler reads what a browser sent, reads what an answers file says, checks the value, makes
the form field and its initial value, writes the answer as a person reads it, names the
template partial (under webapp/templates/answers/) that shows the question, and writes and
reads its cell of the workbook (what the cell accepts, what it shows, what it means).

Stored values: a choice id (single, yes/no), a list of choice ids (multiple), an int (number),
a string (text), an ISO 3166 alpha-2 code (country).

To add a type: write a handler class here, add it to ANSWER_TYPES, and, unless it looks like
an existing one, add its partial. The form, the paper form and the workbook dispatch on the
handler, never on the type's name.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .answers import Problem, country_codes, is_empty
from .text import clean_text, tr

if TYPE_CHECKING:
    from .model import Question, Questionnaire

SHORT_TEXT = 200


class Words(Protocol):
    """What a handler needs of a language: its code, its messages, its numbers, its country names."""

    lang: str

    def __call__(self, message: str, **params: Any) -> str: ...

    def number(self, value: float, digits: int = 0) -> str: ...

    def countries(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Cell:
    """What a workbook's answer cell accepts, for the workbook to draw as its data validation:
    one of a list of values, a whole number in a range, or text up to a length."""

    kind: Literal["list", "whole", "text"]
    error: str  # shown by the spreadsheet when the cell does not hold what it accepts
    values: tuple[str, ...] = ()  # "list"
    low: int = 0  # "whole"
    high: int = 0  # "whole": the largest number; "text": the longest answer
    wrap: bool = False  # a long answer wraps in its cell


@dataclass(frozen=True)
class OnPaper:
    """How a question without options is answered on the printed form: a word before the line
    ("Number:"), how many lines, and whether the line is short."""

    label: str = ""
    lines: int = 1
    short: bool = False


def _listed(text: str) -> Problem:
    return Problem("not-in-list", {"value": text[:80]})


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AnswerType:
    """The behaviour every type shares; each type overrides what differs."""

    name: ClassVar[str]
    partial: ClassVar[str] = "answers/input.html"
    # A choice type offers the question's options (and "Don't know"); only choice types score.
    choices: ClassVar[bool] = False
    # The question lists its options in the questionnaire (yes/no brings its own).
    own_options: ClassVar[bool] = False
    # The value is a list: the form sends one field per ticked box, and none when none is ticked.
    many: ClassVar[bool] = False
    # An answer an official may mark confidential, so that donors never see it.
    may_be_confidential: ClassVar[bool] = False

    @property
    def required(self) -> str:
        """The problem code of a required question left empty."""
        return f"required-{self.name}"

    def sent(self, field: str, formdata: Any) -> Any:
        """What the browser sent for the field (None when it sent nothing)."""
        return formdata.get(field)

    def parse(self, question: Question, raw: Any) -> tuple[Any, Problem | None]:
        """Form text -> stored value. Only what cannot even be read fails here; `check` does the rest."""
        return (raw or None), None

    def from_file(self, question: Question, value: Any) -> Any:
        """What a person writes in an answers file, as the wizard stores it."""
        return value

    def check(self, question: Question, value: Any) -> Problem | None:
        """A problem with a non-empty value, or None."""
        return None

    def field(self, question: Question, words: Words) -> Any:
        return StringField()

    def initial(self, value: Any) -> Any:
        return value

    def text(self, question: Question, value: Any, words: Words) -> str:
        """A non-empty answer as a person reads it, in `words`' language."""
        return str(value)

    def on_paper(self, question: Question, words: Words) -> OnPaper:
        """The printed form's space for the answer (choice types print their options instead)."""
        return OnPaper(lines=1 if question.max_length <= SHORT_TEXT else 4)

    def sample(self, question: Question, rng: random.Random, given: Mapping[str, Any]) -> Any:
        """A plausible answer, for demonstration data: an option, or what `given` holds for
        this type (its "text", its "country")."""
        return given.get("text", "")

    # The workbook: one cell per question, in the workbook's language (`words`).

    def cell(self, question: Question, words: Words) -> Cell:
        t = words
        return Cell("text", t("Keep this answer to %(limit)s characters or fewer", limit=question.max_length),
                    high=question.max_length, wrap=True)

    def cell_value(self, question: Question, value: Any, words: Words) -> Any:
        """A non-empty stored answer as its cell shows it."""
        return value

    def from_cell(self, question: Question, raw: Any, words: Words) -> tuple[Any, Problem | None]:
        """A non-blank cell as the wizard stores it, or the problem that keeps it from being read.
        The engine's `check` runs on the result afterwards, as for a form."""
        return str(raw).strip(), None

    # A type whose answer is a list (`many`) has one row per option, ticked Yes or No.

    def tick_cell(self, words: Words) -> Cell:
        t = words
        return Cell("list", t("Answer %(yes)s or %(no)s", yes=t("Yes"), no=t("No")), values=(t("Yes"), t("No")))

    def tick_value(self, value: Any, option_id: str, words: Words) -> str | None:
        """Yes for a chosen option, No for the others once any is chosen, blank before."""
        chosen = set(value or [])
        t = words
        return t("Yes") if option_id in chosen else (t("No") if chosen else None)

    def from_tick(self, raw: Any, words: Words) -> tuple[bool | None, Problem | None]:
        """Whether the option is ticked (None: left blank), or the problem with the cell."""
        t = words
        text = "" if raw is None else str(raw).strip().casefold()
        if not text:
            return None, None
        yes, no = t("Yes"), t("No")
        if text in (yes.casefold(), "yes"):
            return True, None
        if text in (no.casefold(), "no"):
            return False, None
        return None, Problem("yes-or-no", {"yes": yes, "no": no})


class Single(AnswerType):
    name = "single"
    partial = "answers/choices.html"
    choices = True
    own_options = True

    @property
    def required(self) -> str:
        return "required-choice"

    def check(self, question: Question, value: Any) -> Problem | None:
        if not isinstance(value, str) or question.choice(value) is None:
            return Problem("invalid-choice")
        return None

    def field(self, question: Question, words: Words) -> Any:
        return RadioField(choices=_options(question, words.lang), validate_choice=False)

    def text(self, question: Question, value: Any, words: Words) -> str:
        values = value if isinstance(value, list) else [value]
        labels = []
        for v in values:
            option = question.choice(v)
            labels.append(tr(option.label, words.lang) if option else str(v))
        return "; ".join(labels)

    def sample(self, question: Question, rng: random.Random, given: Mapping[str, Any]) -> Any:
        from .model import NOT_APPLICABLE

        plain = [o for o in question.choices() if not o.exclusive and o.id != NOT_APPLICABLE] or list(question.choices())
        return rng.choice(plain).id

    def cell(self, question: Question, words: Words) -> Cell:
        t = words
        return Cell("list", t("Choose an answer from the list"), values=tuple(tr(o.label, words.lang) for o in question.choices()))

    def cell_value(self, question: Question, value: Any, words: Words) -> Any:
        option = question.choice(value) if isinstance(value, str) else None
        return tr(option.label, words.lang) if option else None

    def from_cell(self, question: Question, raw: Any, words: Words) -> tuple[Any, Problem | None]:
        """The option's label in the workbook's language, or its id."""
        text = str(raw).strip()
        by_label = {tr(o.label, words.lang).casefold(): o.id for o in question.choices()}
        if text.casefold() in by_label:
            return by_label[text.casefold()], None
        if question.choice(text) is not None:
            return text, None
        return None, _listed(text)


class YesNo(Single):
    name = "yesno"
    own_options = False


class Multiple(Single):
    name = "multiple"
    many = True

    @property
    def required(self) -> str:
        return "required-multiple"

    def sent(self, field: str, formdata: Any) -> Any:
        return formdata.getlist(field) if hasattr(formdata, "getlist") else list(formdata.get(field) or [])

    def parse(self, question: Question, raw: Any) -> tuple[Any, Problem | None]:
        return [v for v in (raw or []) if v], None

    def from_file(self, question: Question, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def check(self, question: Question, value: Any) -> Problem | None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return Problem("invalid-choice")
        options = [question.choice(v) for v in value]
        if any(o is None for o in options) or len(set(value)) != len(value):
            return Problem("invalid-choice")
        exclusive = [o for o in options if o is not None and o.exclusive]
        if exclusive and len(value) > 1:
            return Problem("exclusive", {"label": exclusive[0].label["en"]})
        return None

    def field(self, question: Question, words: Words) -> Any:
        return MultiCheckboxField(choices=_options(question, words.lang), validate_choice=False)

    def initial(self, value: Any) -> Any:
        return [] if value is None else value

    def sample(self, question: Question, rng: random.Random, given: Mapping[str, Any]) -> Any:
        plain = [o for o in question.choices() if not o.exclusive] or list(question.choices())
        picked = rng.sample(plain, k=min(len(plain), rng.randint(1, 2)))
        return [o.id for o in plain if o in picked]


class Number(AnswerType):
    name = "number"

    def parse(self, question: Question, raw: Any) -> tuple[Any, Problem | None]:
        text = (raw or "").strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            return None, None
        try:
            return int(text), None
        except ValueError:
            return text, Problem("not-a-number")

    def from_file(self, question: Question, value: Any) -> Any:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def check(self, question: Question, value: Any) -> Problem | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return Problem("not-a-number")
        low = question.min if question.min is not None else float("-inf")
        high = question.max if question.max is not None else float("inf")
        if not low <= value <= high:
            return Problem("number-range", {"min": int(low), "max": int(high)})
        return None

    def field(self, question: Question, words: Words) -> Any:
        return StringField(render_kw={"inputmode": "numeric", "autocomplete": "off"})

    def initial(self, value: Any) -> Any:
        return None if value is None else str(value)

    def text(self, question: Question, value: Any, words: Words) -> str:
        return words.number(value) if isinstance(value, (int, float)) else str(value)

    def on_paper(self, question: Question, words: Words) -> OnPaper:
        t = words
        return OnPaper(t("Number:"), short=True)

    def sample(self, question: Question, rng: random.Random, given: Mapping[str, Any]) -> Any:
        return rng.randint(int(question.min or 1), min(int(question.max or 500), 500))

    def cell(self, question: Question, words: Words) -> Cell:
        t = words
        low = int(question.min) if question.min is not None else 0
        high = int(question.max) if question.max is not None else 10**9
        return Cell("whole", t("Enter a whole number from %(min)s to %(max)s", min=low, max=high), low=low, high=high)

    def from_cell(self, question: Question, raw: Any, words: Words) -> tuple[Any, Problem | None]:
        """A number the spreadsheet stored, or text that reads as one, as the form reads it."""
        if isinstance(raw, bool):
            return None, Problem("not-a-number")
        if isinstance(raw, float) and raw.is_integer():
            return int(raw), None
        if isinstance(raw, int):
            return raw, None
        value, problem = self.parse(question, str(raw))
        return (None, problem) if problem is not None else (value, None)


class Text(AnswerType):
    name = "text"
    partial = "answers/text.html"
    may_be_confidential = True

    def parse(self, question: Question, raw: Any) -> tuple[Any, Problem | None]:
        return clean_text((raw or "").strip()), None

    def from_cell(self, question: Question, raw: Any, words: Words) -> tuple[Any, Problem | None]:
        return self.parse(question, str(raw))

    def check(self, question: Question, value: Any) -> Problem | None:
        if not isinstance(value, str):
            return Problem("required-text")
        if len(value) > question.max_length:
            return Problem("too-long", {"limit": question.max_length, "length": len(value)})
        return None

    def field(self, question: Question, words: Words) -> Any:
        field_class = StringField if question.max_length <= SHORT_TEXT else TextAreaField
        return field_class(render_kw={"spellcheck": "true"})

    def text(self, question: Question, value: Any, words: Words) -> str:
        return clean_text(str(value))


class Country(AnswerType):
    name = "country"

    def check(self, question: Question, value: Any) -> Problem | None:
        if not isinstance(value, str) or value not in country_codes():
            return Problem("invalid-country")
        return None

    def field(self, question: Question, words: Words) -> Any:
        t = words
        # The names come in the order the language sorts them.
        choices = [SelectChoice("", t("Select a country"))] + [SelectChoice(code, name) for code, name in t.countries().items()]
        return SelectField(choices=choices, validate_choice=False)

    def text(self, question: Question, value: Any, words: Words) -> str:
        return words.countries().get(value) or country_codes().get(value) or str(value)

    def on_paper(self, question: Question, words: Words) -> OnPaper:
        t = words
        return OnPaper(t("Country:"))

    def sample(self, question: Question, rng: random.Random, given: Mapping[str, Any]) -> Any:
        return given.get("country") or rng.choice(sorted(country_codes()))

    def cell(self, question: Question, words: Words) -> Cell:
        t = words
        return Cell("list", t("Choose a country from the list"), values=tuple(words.countries().values()))

    def cell_value(self, question: Question, value: Any, words: Words) -> Any:
        return words.countries().get(value)

    def from_cell(self, question: Question, raw: Any, words: Words) -> tuple[Any, Problem | None]:
        """The country's name in the workbook's language, or its ISO code."""
        text = str(raw).strip()
        names = words.countries()
        by_name = {name.casefold(): code for code, name in names.items()}
        if text.casefold() in by_name:
            return by_name[text.casefold()], None
        if text.upper() in names:
            return text.upper(), None
        return None, Problem("not-a-country-in-list", {"value": text[:80]})


ANSWER_TYPES: dict[str, AnswerType] = {h.name: h for h in (Single(), YesNo(), Multiple(), Number(), Text(), Country())}
CHOICE_TYPES = tuple(name for name, h in ANSWER_TYPES.items() if h.choices)


def handler(question: Question) -> AnswerType:
    return ANSWER_TYPES[question.type]


def _options(question: Question, lang: str) -> list[SelectChoice]:
    return [SelectChoice(o.id, tr(o.label, lang)) for o in question.choices()]


def check(question: Question, value: Any) -> Problem | None:
    """None when the answer is acceptable; an empty answer is fine only if not required."""
    if is_empty(value):
        return Problem(handler(question).required) if question.required else None
    return handler(question).check(question, value)


def answer_text(question: Question, value: Any, t: Words) -> str:
    """An answer as a person reads it (`t` is named so that the message is extracted)."""
    return t("Not answered") if is_empty(value) else handler(question).text(question, value, t)


def from_file(questionnaire: Questionnaire, question_id: str, value: Any) -> Any:
    """An answers file's value as the wizard would have stored it (unknown ids are left as they are)."""
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        return value
    return handler(question).from_file(question, value)


def check_all(questionnaire: Questionnaire, answers: Mapping[str, Any], where: str = "answers") -> list[str]:
    """Problems in a whole set of answers: unknown question ids and unacceptable values.

    Questions left unanswered are not problems here: a report can be built from a partial set,
    and shows its coverage.
    """
    problems = []
    known = {q.id: q for q in questionnaire.all_questions()}
    for question_id, value in answers.items():
        question = known.get(question_id)
        if question is None:
            problems.append(f"{where}.{question_id}: no such question in {questionnaire.id} v{questionnaire.version}")
            continue
        if is_empty(value):
            continue
        problem = handler(question).check(question, handler(question).from_file(question, value))
        if problem is not None:
            problems.append(f"{where}.{question_id}: {problem.message()} (got {value!r})")
    return problems
