"""The wizard's rules: which pages exist, in which order, what state each is in, and how a
submitted page is checked and saved. Views call these and stay thin."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask_babel import lazy_gettext as _l

from questionnaires import Question, Questionnaire, Section
from questionnaires.answer_types import handler
from questionnaires.answers import is_empty
from questionnaires.conditions import simplify
from questionnaires.evidence import evidence_problem, normalized
from webapp.core.models import Assessment
from webapp.core.store import save_page
from webapp.wizard.forms import SectionForm, carried, problem_text, read_answer, section_form

NOT_STARTED = "not-started"
IN_PROGRESS = "in-progress"
COMPLETE = "complete"
STATUS_LABELS = {NOT_STARTED: _l("Not started"), IN_PROGRESS: _l("In progress"), COMPLETE: _l("Complete")}


def section_status(section: Section, answers: dict[str, Any]) -> str:
    visible = section.visible_questions(answers)
    answered = [q for q in visible if not is_empty(answers.get(q.id))]
    if not answered:
        return NOT_STARTED
    missing = [q for q in visible if q.required and is_empty(answers.get(q.id))]
    return IN_PROGRESS if missing else COMPLETE


@dataclass(frozen=True)
class Step:
    section: Section
    status: str
    number: int  # 0 for the profile, then 1..n
    # The reviewer's open questions about this page, and how many of them the official has not replied to.
    questions: tuple[Any, ...] = ()
    unanswered: int = 0


def steps(questionnaire: Questionnaire, answers: dict[str, Any], questions: Iterable[Any] = (),
          replied: Collection[str] = ()) -> list[Step]:
    """Each page that applies, in order, with its state and the reviewer's open questions about it.
    `questions` are comments with a `section_id`; `replied` the ids of those the official answered."""
    by_section: dict[str, list[Any]] = {}
    for question in questions:
        by_section.setdefault(question.section_id or "", []).append(question)
    found = []
    for i, section in enumerate(questionnaire.applicable_sections(answers)):
        asked = tuple(by_section.get(section.id, ()))
        found.append(Step(section, section_status(section, answers), i, asked,
                          sum(1 for q in asked if q.id not in replied)))
    return found


def sections_done(all_steps: list[Step]) -> tuple[int, int]:
    """(complete, total) over the numbered sections: the profile is not one, as the section headings count."""
    numbered = [s for s in all_steps if s.number]
    return sum(1 for s in numbered if s.status == COMPLETE), len(numbered)


def neighbours(all_steps: list[Step], section_id: str) -> tuple[Step | None, Step | None]:
    ids = [s.section.id for s in all_steps]
    i = ids.index(section_id)
    before = all_steps[i - 1] if i > 0 else None
    after = all_steps[i + 1] if i + 1 < len(all_steps) else None
    return before, after


def applicable_section(questionnaire: Questionnaire, answers: dict[str, Any], section_id: str) -> Section | None:
    """The section, if it is part of this assessment given its answers."""
    return next((s for s in questionnaire.applicable_sections(answers) if s.id == section_id), None)


def next_section(questionnaire: Questionnaire, answers: dict[str, Any], section_id: str) -> Section | None:
    """The page after this one, or None after the last. A page that no longer applies has none."""
    sections = questionnaire.applicable_sections(answers)
    ids = [s.id for s in sections]
    return sections[ids.index(section_id) + 1] if section_id in ids[:-1] else None


def follow_ups(section: Section, visible: list[Question], answers: Mapping[str, Any]) -> list[tuple[Question, dict[str, Any]]]:
    """Questions of this page that are hidden now but may open from an answer on this page, each
    with its condition once the answers of other pages (the kind of agency, say) are put in.

    They are sent hidden, with that condition, so that a script can show each one as soon as
    its condition is met. Without the script, the page shows them after a save, as before."""
    shown = {q.id for q in visible}
    on_page = {q.id for q in section.questions}
    found = []
    for question in section.questions:
        if question.id in shown or question.condition is None:
            continue
        off_page = {qid: answers.get(qid) for qid in question.condition.questions() if qid not in on_page}
        rest = simplify(question.condition, off_page)
        if not isinstance(rest, bool):
            found.append((question, rest.raw))
    return found


def unconfirmed(all_steps: list[Step], answers: dict[str, Any], carried: set[str]) -> list[tuple[Step, Question]]:
    """Carried-over answers on the pages that apply, not yet confirmed or changed."""
    return [(s, q) for s in all_steps for q in s.section.visible_questions(answers) if q.id in carried]


def incomplete(all_steps: list[Step]) -> list[Step]:
    return [s for s in all_steps if s.status != COMPLETE]


@dataclass
class PageResult:
    section: Section
    lang: str
    visible: list[Question]
    base_version: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    new_questions: list[Question] = field(default_factory=list)
    # question id -> (the answer saved elsewhere since this page was shown, the answer sent now)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # Questions whose evidence, not their answer, has the problem: their evidence is shown open.
    evidence_errors: set[str] = field(default_factory=set)
    # What the form shows: the text just sent, or else the stored answers.
    formdata: Any = None
    data: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        return not self.errors and not self.new_questions and not self.conflicts

    @cached_property
    def form(self) -> SectionForm:
        """Built only when the page is shown."""
        return section_form(self.section, self.lang, formdata=self.formdata, data=self.data)


def evidence_fields(question: Question) -> tuple[str, str]:
    """The names of a scored question's two evidence fields: how it is known, and the note."""
    return f"e_{question.id}", f"n_{question.id}"


def _evidence(result: PageResult, formdata: Any, to_save: dict[str, Any], lang: str) -> dict[str, tuple[str | None, str | None]]:
    """How each answer being saved is known, as sent. Evidence with a problem keeps its answer
    from being saved, with the message; evidence not sent leaves the stored one."""
    found = {}
    for question in result.visible:
        kind_field, note_field = evidence_fields(question)
        if not question.scored or question.id not in to_save or kind_field not in formdata:
            continue
        kind, note = formdata.get(kind_field), formdata.get(note_field, "")
        problem = evidence_problem(kind, note)
        if problem is not None:
            result.errors[question.id] = problem_text(question, problem, lang)
            result.evidence_errors.add(question.id)
            del to_save[question.id]
        elif not is_empty(to_save[question.id]):
            found[question.id] = normalized(kind, note)
    return found


def known(assessment: Assessment, visible: Iterable[Question], formdata: Any = None) -> dict[str, tuple[Any, Any]]:
    """How each answer is known, as the page shows it: what was just sent, or else what is stored."""
    found: dict[str, tuple[Any, Any]] = dict(assessment.answer_evidence())
    for question in visible if formdata is not None else ():
        kind_field, note_field = evidence_fields(question)
        if kind_field in formdata:
            found[question.id] = (formdata.get(kind_field), formdata.get(note_field, ""))
    return found


def blank_page(section: Section, assessment: Assessment, answers: dict[str, Any], lang: str) -> PageResult:
    return PageResult(section, lang, section.visible_questions(answers), assessment.version, data=answers)


def submit_page(
    section: Section, assessment: Assessment, formdata: Any, shown: set[str], require: bool,
    base_version: int, lang: str,
) -> PageResult:
    """Check each question that applies, in order, and save every acceptable answer.

    A question made visible by an answer on this same page, which the official has not seen
    yet, is not an error: the page is shown again with it. Invalid or tampered values are
    never saved; answers saved earlier stay as they were. If another tab or person saved a
    different answer to one of these questions after this page was shown, nothing is saved and
    both values are shown.
    """
    stored = assessment.answer_values()
    merged = dict(stored)
    result = PageResult(section, lang, [], assessment.version, formdata=formdata)
    to_save: dict[str, Any] = {}
    for question in section.questions:
        if not question.holds(merged):
            continue
        result.visible.append(question)
        first_sight = question.id not in shown
        # Only a question the page showed, whose field the form carries, may change: a missing
        # field (a cut-off body, a tampered form) is not a cleared answer.
        if (first_sight or not carried(question, formdata)) and not is_empty(stored.get(question.id)):
            continue
        value, problem = read_answer(question, formdata, require)
        if problem is None:
            merged[question.id] = value
            to_save[question.id] = value
            if require and first_sight and is_empty(value) and question.required:
                result.new_questions.append(question)
        elif first_sight and problem.code.startswith("required"):
            result.new_questions.append(question)
        else:
            result.errors[question.id] = problem_text(question, problem, lang)
    evidence = _evidence(result, formdata, to_save, lang)
    # Free text may be marked confidential: donors never see it.
    marked = set(formdata.getlist("confidential")) if hasattr(formdata, "getlist") else set()
    confidential = {q.id: q.id in marked for q in result.visible if handler(q).may_be_confidential and q.id in to_save}
    # The assessment records the language it is being answered in.
    result.conflicts = save_page(assessment, to_save, base_version, confidential, language=lang, evidence=evidence)
    result.base_version = assessment.version
    return result
