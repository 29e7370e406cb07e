"""The typed questionnaire: what the YAML says, checked and frozen."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from . import conditions
from .answer_types import ANSWER_TYPES, CHOICE_TYPES
from .text import Text
from .yamlio import load_yaml

DONT_KNOW = "dont-know"
NOT_APPLICABLE = "not-applicable"
UNSCORED_CHOICES = (DONT_KNOW, NOT_APPLICABLE)
CHOICE_LABELS: dict[str, dict[str, dict[str, str]]] = load_yaml(Path(__file__).resolve().parent / "labels.yaml")
SPECIAL_LABELS: dict[str, dict[str, str]] = CHOICE_LABELS["special"]
YESNO_LABELS: dict[str, dict[str, str]] = CHOICE_LABELS["yesno"]
INSTRUCTIONS: dict[str, dict[str, str]] = CHOICE_LABELS["instructions"]
ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
MAX_LEVEL = 4



class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(Frozen):
    id: str = Field(pattern=ID_PATTERN)
    label: Text
    # A short form for places that list the answer beside others, such as the report's profile line.
    short: Text | None = None
    level: int | None = Field(default=None, ge=0, le=MAX_LEVEL)
    exclusive: bool = False


class Conditional(Frozen):
    """Something that is shown only when its condition holds."""

    _condition: conditions.Condition | None = PrivateAttr(default=None)

    def _compile(self, raw: dict[str, Any] | None) -> None:
        if raw is not None:
            try:
                self._condition = conditions.parse(raw)
            except conditions.ConditionError as exc:
                raise ValueError(f"bad condition: {exc}") from exc

    @property
    def condition(self) -> conditions.Condition | None:
        return self._condition

    def holds(self, answers: Mapping[str, Any]) -> bool:
        condition = self._condition
        return condition is None or condition.evaluate(answers)


class Question(Conditional):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: str
    text: Text
    help: Text | None = None
    topic: str | None = None
    options: tuple[Option, ...] = ()
    levels: dict[Literal["yes", "no"], int] | None = None
    show_if: dict[str, Any] | None = None
    required: bool = True
    max_length: int = Field(default=2000, ge=1, le=100_000)
    min: float | None = None
    max: float | None = None
    # An unscored choice question a person may honestly not know the answer to.
    dont_know: bool = False
    # A fact about the country (its law, its national coordination), not about the agency: the
    # national report shows where agencies of one country answer it differently.
    national: bool = False
    # Options that each join several conditions: the person picks the highest one that is fully
    # true, and the form says so.
    cumulative: bool = False
    # Carrying answers over from the previous questionnaire version (questionnaires/carry.py):
    # the id this question had there, and how its old option ids map to the new ones (an
    # old option mapped to null is dropped).
    replaces: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    map: dict[str, str | None] | None = None

    @model_validator(mode="after")
    def _check(self) -> Question:
        self._compile(self.show_if)
        if self.type not in ANSWER_TYPES:
            raise ValueError(f"unknown type {self.type!r}; use one of {', '.join(ANSWER_TYPES)}")
        own_options = ANSWER_TYPES[self.type].own_options
        if own_options and not self.options:
            raise ValueError(f"a '{self.type}' question needs options")
        if not own_options and self.options:
            raise ValueError(f"a '{self.type}' question takes no options")
        if self.levels is not None and self.type != "yesno":
            raise ValueError("'levels' is only for yes/no questions")
        ids = [o.id for o in self.options]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate option id {dupes[0]!r}")
        reserved = set(ids) & set(UNSCORED_CHOICES)
        if reserved:
            raise ValueError(f"option id {sorted(reserved)[0]!r} is reserved; it is added for you")
        if self.topic is not None:
            self._check_scored()
        if self.cumulative and (not self.scored or self.type != "single"):
            raise ValueError("'cumulative' is for scored single-choice questions")
        if self.dont_know and (self.scored or self.type not in CHOICE_TYPES):
            raise ValueError("'dont_know' is for unscored choice questions; scored ones have it already")
        return self

    def _check_scored(self) -> None:
        if self.type not in CHOICE_TYPES:
            raise ValueError(f"a '{self.type}' question cannot measure a topic")
        if self.type == "yesno":
            if self.levels is None or set(self.levels) != {"yes", "no"}:
                raise ValueError("a scored yes/no question needs levels for 'yes' and 'no'")
            for key, level in self.levels.items():
                if not 0 <= level <= MAX_LEVEL:
                    raise ValueError(f"level of {key!r} must be between 0 and {MAX_LEVEL}")
            return
        for index, option in enumerate(self.options):
            if option.level is None:
                raise ValueError(f"options[{index}] ({option.id!r}) has no level")

    @property
    def scored(self) -> bool:
        return self.topic is not None

    @property
    def hint(self) -> dict[str, str] | None:
        """What the form says under the question: its help, then, for a cumulative question,
        the instruction to choose the highest option that is fully true."""
        if not self.cumulative:
            return self.help
        highest = INSTRUCTIONS["highest"]
        if self.help is None:
            return dict(highest)
        return {lang: f"{self.help.get(lang) or self.help['en']} {highest[lang]}" for lang in highest}

    _choices: tuple[Option, ...] | None = PrivateAttr(default=None)

    def choices(self) -> tuple[Option, ...]:
        """Every choice offered, with "Don't know" and "Not applicable" on scored questions."""
        if self._choices is None:
            self._choices = tuple(self._build_choices())
        return self._choices

    def _build_choices(self) -> list[Option]:
        if self.type == "yesno":
            levels = self.levels or {}
            base = [Option(id=k, label=YESNO_LABELS[k], level=levels.get(k)) for k in ("yes", "no")]
        else:
            base = list(self.options)
        if self.scored:
            base += [Option(id=k, label=SPECIAL_LABELS[k], exclusive=True) for k in UNSCORED_CHOICES]
        elif self.dont_know:
            base.append(Option(id=DONT_KNOW, label=SPECIAL_LABELS[DONT_KNOW], exclusive=True))
        return base

    def choice(self, option_id: str) -> Option | None:
        return next((o for o in self.choices() if o.id == option_id), None)


class Section(Conditional):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    intro: Text | None = None
    applies_if: dict[str, Any] | None = None
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Section:
        self._compile(self.applies_if)
        return self

    def visible_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        return [q for q in self.questions if q.holds(answers)]


class Topic(Conditional):
    """A capacity the questionnaire measures. It is core to an agency's mandate when the agency's
    type is in `core_for`, or when `core_if` holds (sea topics for a border police with sea
    borders, say)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$")
    title: Text
    core_for: tuple[str, ...] = ()
    # Core to every agency that does one of these jobs, by default or as other work it ticked.
    # Written into `core_if` when the questionnaire is read.
    core_for_functions: tuple[str, ...] = ()
    core_if: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> Topic:
        self._compile(self.core_if)
        return self

    def is_core(self, answers: Mapping[str, Any]) -> bool:
        if answers.get("agency_type") in self.core_for:
            return True
        return self.core_if is not None and self.holds(answers)


def _holders(functions: Mapping[str, Any], agency_functions: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Function -> the agency types that do it by default (also functions no type declares)."""
    holders: dict[str, list[str]] = {f: [] for f in functions}
    for agency_type, defaults in agency_functions.items():
        for function in defaults or ():
            holders.setdefault(function, []).append(agency_type)
    return {f: tuple(types) for f, types in holders.items()}


PROFILE_FIELDS: dict[str, str] = {
    "country": "country",
    "agency_name": "text",
    "agency_type": "single",
    "borders": "multiple",
    "staff_size": "number",
    "respondent_role": "single",
}


class Questionnaire(Frozen):
    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    title: Text
    target_level: float = Field(default=3, ge=0, le=MAX_LEVEL)
    estimated_minutes: int = Field(default=45, ge=1)
    levels: dict[int, Text]
    topics: tuple[Topic, ...]
    # Agency type -> the sections its mandate covers. A section's `applies_if` still applies.
    mandates: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # The jobs an agency may do (border and entry control, investigation, ...), and those each
    # agency type does by default. The catalogue says which functions each resource serves.
    functions: dict[str, Text] = Field(default_factory=dict)
    agency_functions: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # Function -> the sections it adds when the agency ticks it as other work it does.
    function_sections: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    profile: Section
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _expand_functions(cls, raw: Any) -> Any:
        """Write out `{function: f}` in every condition, and `core_for_functions` into `core_if`."""
        if not isinstance(raw, dict):
            return raw
        holders = _holders(raw.get("functions") or {}, raw.get("agency_functions") or {})
        raw = dict(raw)

        def expand(item: Any, key: str, where: str) -> Any:
            if not isinstance(item, dict) or item.get(key) is None:
                return item
            try:
                return {**item, key: conditions.expand_functions(item[key], holders)}
            except conditions.ConditionError as exc:
                raise ValueError(f"{where}.{key}: {exc}") from exc

        topics = []
        for i, topic in enumerate(raw.get("topics") or ()):
            if isinstance(topic, dict) and topic.get("core_for_functions"):
                extra = [{"function": f} for f in topic["core_for_functions"]]
                topic = {**topic, "core_if": {"any": [topic["core_if"], *extra]} if topic.get("core_if") else
                         (extra[0] if len(extra) == 1 else {"any": extra})}
            topics.append(expand(topic, "core_if", f"topics[{i}]"))
        raw["topics"] = topics

        def expand_section(section: Any, where: str) -> Any:
            section = expand(section, "applies_if", where)
            if isinstance(section, dict) and isinstance(section.get("questions"), list):
                section = {**section, "questions": [expand(q, "show_if", f"{where}.questions[{j}]")
                                                    for j, q in enumerate(section["questions"])]}
            return section

        if "profile" in raw:
            raw["profile"] = expand_section(raw["profile"], "profile")
        if isinstance(raw.get("sections"), list):
            raw["sections"] = [expand_section(s, f"sections[{i}]") for i, s in enumerate(raw["sections"])]
        return raw

    def all_sections(self) -> Iterator[Section]:
        yield self.profile
        yield from self.sections

    def all_questions(self) -> Iterator[Question]:
        for section in self.all_sections():
            yield from section.questions

    def question(self, question_id: str) -> Question:
        return self._questions_by_id()[question_id]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.all_sections() if s.id == section_id), None)

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    def applicable_sections(self, answers: Mapping[str, Any]) -> list[Section]:
        """The profile, then every section of the agency's mandate whose `applies_if` holds.

        Until the agency type is known, every section whose condition holds is listed."""
        mandate = self.mandates.get(answers.get("agency_type") or "")
        if mandate is not None:
            mandate = (*mandate, *(s for f in self.other_functions(answers) for s in self.function_sections.get(f, ())))
        return [self.profile, *(s for s in self.sections if (mandate is None or s.id in mandate) and s.holds(answers))]

    def mandate(self, agency_type: str) -> tuple[Section, ...]:
        """The sections an agency type may be asked, whatever its borders."""
        ids = self.mandates.get(agency_type)
        return tuple(s for s in self.sections if ids is None or s.id in ids)

    def other_work_options(self) -> tuple[Option, ...]:
        """The other work the profile offers to tick (none when it does not ask)."""
        question = next((q for q in self.profile.questions if q.id == conditions.OTHER_FUNCTIONS), None)
        return question.options if question else ()

    def function_holders(self) -> dict[str, tuple[str, ...]]:
        """Function -> the agency types that do it by default."""
        return _holders(self.functions, self.agency_functions)

    def default_functions(self, agency_type: str | None) -> tuple[str, ...]:
        return self.agency_functions.get(agency_type or "", ())

    def other_functions(self, answers: Mapping[str, Any]) -> list[str]:
        """The other work the agency ticked, beyond its type's defaults, in questionnaire order."""
        ticked = answers.get(conditions.OTHER_FUNCTIONS)
        if not isinstance(ticked, list):
            return []
        defaults = self.default_functions(answers.get("agency_type"))
        return [f for f in self.functions if f in ticked and f not in defaults]

    def functions_of(self, answers: Mapping[str, Any]) -> frozenset[str]:
        """The functions of the agency that gave these answers: its type's defaults and the other
        work it ticked."""
        return frozenset(self.default_functions(answers.get("agency_type"))) | frozenset(self.other_functions(answers))

    def visible_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        return [q for s in self.applicable_sections(answers) for q in s.visible_questions(answers)]

    def agency_types(self) -> list[Option]:
        return list(self.question("agency_type").options)

    def level_name(self, level: int, lang: str = "en") -> str:
        from .text import tr

        return tr(self.levels.get(level), lang)

    _by_id: dict[str, Question] | None = PrivateAttr(default=None)

    def _questions_by_id(self) -> dict[str, Question]:
        if self._by_id is None:
            self._by_id = {q.id: q for q in self.all_questions()}
        return self._by_id
