"""The questionnaire on paper: what an agency type is asked, with every condition in plain
words. The blank PDF and the workbook are both made from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from questionnaires import Question, Questionnaire, Section, tr
from questionnaires.answer_types import OnPaper, handler
from questionnaires.conditions import OTHER_FUNCTIONS, Answered, Compare, Condition, Logical, Not, Simplified, simplify

from .i18n import Translator

def _value_label(question: Question, value: Any, lang: str) -> str:
    option = question.choice(str(value)) if handler(question).choices else None
    return tr(option.label, lang) if option else str(value)


def describe(condition: Condition, questionnaire: Questionnaire, t: Translator) -> str:
    """A condition as a sentence part: “Borders” includes “Sea borders and ports”."""
    if isinstance(condition, Logical):
        one_of = _includes_one_of(condition)
        if one_of is not None:
            question = questionnaire.question(one_of[0])
            values = ", ".join(f"“{_value_label(question, v, t.lang)}”" for v in one_of[1])
            return t("the answer to “%(question)s” includes one of %(values)s", question=tr(question.text, t.lang), values=values)
        # A condition inside another is bracketed, so that "and" and "or" cannot be misread.
        joined = [f"({describe(item, questionnaire, t)})" if isinstance(item, Logical) and _includes_one_of(item) is None
                  else describe(item, questionnaire, t) for item in condition.items]
        return (t(" and ") if condition.op == "all" else t(" or ")).join(joined)
    if isinstance(condition, Not):
        inner = condition.item
        if isinstance(inner, Compare) and inner.op in ("contains", "equals"):
            question = questionnaire.question(inner.question)
            words = {"question": tr(question.text, t.lang), "value": _value_label(question, inner.value, t.lang)}
            if inner.op == "contains":
                return t("the answer to “%(question)s” does not include “%(value)s”", **words)
            return t("the answer to “%(question)s” is not “%(value)s”", **words)
        return t("not (%(condition)s)", condition=describe(inner, questionnaire, t))
    question = questionnaire.question(condition.question)
    text = tr(question.text, t.lang)
    if isinstance(condition, Answered):
        return t("“%(question)s” is answered", question=text)
    if condition.op == "in":
        values = ", ".join(f"“{_value_label(question, v, t.lang)}”" for v in condition.value)
        return t("the answer to “%(question)s” is one of %(values)s", question=text, values=values)
    value = _value_label(question, condition.value, t.lang)
    phrases = {
        "equals": t("the answer to “%(question)s” is “%(value)s”", question=text, value=value),
        "not_equals": t("the answer to “%(question)s” is not “%(value)s”", question=text, value=value),
        "contains": t("the answer to “%(question)s” includes “%(value)s”", question=text, value=value),
        "gt": t("the answer to “%(question)s” is more than %(value)s", question=text, value=value),
        "gte": t("the answer to “%(question)s” is %(value)s or more", question=text, value=value),
        "lt": t("the answer to “%(question)s” is less than %(value)s", question=text, value=value),
        "lte": t("the answer to “%(question)s” is %(value)s or less", question=text, value=value),
    }
    return phrases[condition.op]


def _includes_one_of(condition: Logical) -> tuple[str, list[Any]] | None:
    """(question, values) when the condition is "this answer includes any of these values"."""
    items = [i for i in condition.items if isinstance(i, Compare) and i.op == "contains"]
    if condition.op != "any" or len(items) != len(condition.items) or len({i.question for i in items}) != 1:
        return None
    return items[0].question, [i.value for i in items]


@dataclass(frozen=True)
class PaperQuestion:
    question: Question
    text: str
    hint: str
    condition: str  # "" when always asked
    choices: tuple[tuple[str, str], ...]  # (option id, label)
    many: bool
    answer: OnPaper  # the space to write in, for a question without options

    @property
    def id(self) -> str:
        return self.question.id


@dataclass(frozen=True)
class PaperSection:
    section: Section
    title: str
    intro: str
    condition: str
    questions: tuple[PaperQuestion, ...]


def _only_if(condition: Simplified, questionnaire: Questionnaire, t: Translator) -> str:
    if isinstance(condition, bool):
        return ""
    return t("Answer only if %(condition)s.", condition=describe(condition, questionnaire, t))


def paper_form(
    questionnaire: Questionnaire, agency_type: str | None, lang: str, other_work: Sequence[str] = (),
) -> list[PaperSection]:
    """Every section and question an agency of this type, doing this other work, can be asked, in
    order. With no type, every section of every mandate."""
    t = Translator(lang)
    known: dict[str, Any] = {}
    sections = list(questionnaire.sections)
    if agency_type:
        known = {"agency_type": agency_type, OTHER_FUNCTIONS: list(other_work)}
        # With every border, so that a section for some borders is printed under its condition.
        sections = questionnaire.applicable_sections({**known, "borders": ["land", "sea", "air"]})[1:]
    paper = []
    for section in [questionnaire.profile, *sections]:
        applies = simplify(section.condition, known)
        if applies is False:
            continue
        questions = []
        for question in section.questions:
            shown = simplify(question.condition, known)
            if shown is False:
                continue
            questions.append(PaperQuestion(
                question, tr(question.text, lang), tr(question.hint, lang) if question.hint else "",
                _only_if(shown, questionnaire, t),
                tuple((o.id, tr(o.label, lang)) for o in question.choices()), handler(question).many,
                handler(question).on_paper(question, t),
            ))
        paper.append(PaperSection(section, tr(section.title, lang), tr(section.intro, lang) if section.intro else "",
                                  _only_if(applies, questionnaire, t), tuple(questions)))
    return paper
