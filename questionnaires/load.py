"""Read a questionnaire file and check it whole. Every problem names the file and the path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .answer_types import CHOICE_TYPES
from .model import PROFILE_FIELDS, Question, Questionnaire, Section
from .yamlio import DefinitionError, load_yaml, pydantic_problems

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent
DEFAULT_QUESTIONNAIRE = QUESTIONNAIRE_DIR / "smuggling-of-migrants.yaml"


def load_questionnaire(path: Path | str = DEFAULT_QUESTIONNAIRE) -> Questionnaire:
    raw = load_yaml(path)
    try:
        questionnaire = Questionnaire.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(pydantic_problems(path, exc)) from exc
    problems = [f"{path}: {p}" for p in check_questionnaire(questionnaire)]
    if problems:
        raise DefinitionError(problems)
    return questionnaire


def _section_paths(q: Questionnaire) -> list[tuple[str, Section]]:
    return [("profile", q.profile)] + [(f"sections[{i}]", s) for i, s in enumerate(q.sections)]


def check_questionnaire(q: Questionnaire) -> list[str]:
    """Cross-reference checks that no single field can make. Returns 'path: message' lines."""
    problems: list[str] = []
    problems += _check_unique(q)
    problems += _check_profile(q)
    problems += _check_conditions(q)
    problems += _check_follow_ups(q)
    problems += _check_topics(q)
    problems += _check_mandates(q)
    problems += _check_functions(q)
    return problems


def _check_functions(q: Questionnaire) -> list[str]:
    """Every agency type has default functions, and names only declared ones."""
    if not q.functions and not q.agency_functions:
        return []
    problems = []
    agency_types = [o.id for o in q.agency_types()]
    for agency_type in agency_types:
        if not q.agency_functions.get(agency_type):
            problems.append(f"agency_functions: agency type {agency_type!r} has no functions")
    for agency_type, functions in q.agency_functions.items():
        if agency_type not in agency_types:
            problems.append(f"agency_functions.{agency_type}: unknown agency type {agency_type!r}")
        for function in functions:
            if function not in q.functions:
                problems.append(f"agency_functions.{agency_type}: unknown function {function!r}")
    section_ids = {s.id for s in q.sections}
    other = next((x for x in q.profile.questions if x.id == "other_functions"), None)
    if other is not None and other.type != "multiple":
        problems.append("profile.questions: 'other_functions' must be of type 'multiple'")
    offered = [o.id for o in q.other_work_options()]
    for function in offered:
        if function not in q.functions:
            problems.append(f"profile.other_functions: unknown function {function!r}")
        elif not q.function_sections.get(function):
            problems.append(f"function_sections: {function!r} is offered as other work but adds no section")
    for function, sections in q.function_sections.items():
        if function not in q.functions:
            problems.append(f"function_sections.{function}: unknown function {function!r}")
        problems += [f"function_sections.{function}: unknown section {s!r}" for s in sections if s not in section_ids]
    return problems


def _check_mandates(q: Questionnaire) -> list[str]:
    """Every agency type has a mandate, and a mandate names only real sections."""
    if not q.mandates:
        return []
    problems = []
    section_ids = {s.id for s in q.sections}
    agency_types = [o.id for o in q.agency_types()]
    for agency_type in agency_types:
        if agency_type not in q.mandates:
            problems.append(f"mandates: agency type {agency_type!r} has no mandate")
    for agency_type, sections in q.mandates.items():
        if agency_type not in agency_types:
            problems.append(f"mandates.{agency_type}: unknown agency type {agency_type!r}")
        for section_id in sections:
            if section_id not in section_ids:
                problems.append(f"mandates.{agency_type}: unknown section {section_id!r}")
    return problems


def _check_unique(q: Questionnaire) -> list[str]:
    problems = []
    seen_sections: set[str] = set()
    seen_questions: dict[str, str] = {}
    for where, section in _section_paths(q):
        if section.id in seen_sections:
            problems.append(f"{where}.id: duplicate section id {section.id!r}")
        seen_sections.add(section.id)
        for j, question in enumerate(section.questions):
            path = f"{where}.questions[{j}].id"
            if question.id in seen_questions:
                problems.append(
                    f"{path}: duplicate question id {question.id!r} "
                    f"(first used at {seen_questions[question.id]})"
                )
            else:
                seen_questions[question.id] = path
    topic_ids = [t.id for t in q.topics]
    for i, topic_id in enumerate(topic_ids):
        if topic_id in topic_ids[:i]:
            problems.append(f"topics[{i}].id: duplicate topic id {topic_id!r}")
    return problems


def _check_profile(q: Questionnaire) -> list[str]:
    problems = []
    by_id = {question.id: question for question in q.profile.questions}
    for field, kind in PROFILE_FIELDS.items():
        if field not in by_id:
            problems.append(f"profile.questions: the profile needs a question with id {field!r}")
        elif by_id[field].type != kind:
            problems.append(f"profile.questions: {field!r} must be of type {kind!r}")
    return problems


def _check_conditions(q: Questionnaire) -> list[str]:
    """Conditions may only name questions that exist and come earlier, with values they can take."""
    problems = []
    earlier: dict[str, Question] = {}
    for where, section in _section_paths(q):
        if section.condition is not None:
            problems += _check_refs(section.condition, earlier, f"{where}.applies_if")
        in_section: dict[str, Question] = {}
        for j, question in enumerate(section.questions):
            if question.condition is not None:
                known = {**earlier, **in_section}
                problems += _check_refs(question.condition, known, f"{where}.questions[{j}].show_if")
            in_section[question.id] = question
        earlier.update(in_section)
    return problems


def _check_follow_ups(q: Questionnaire) -> list[str]:
    """A follow-up sits directly under the question that opens it: in its section, with only
    other follow-ups of that question in between. Conditions on the profile are not follow-ups."""
    problems = []
    profile = {question.id for question in q.profile.questions}
    for where, section in _section_paths(q)[1:]:
        position = {question.id: j for j, question in enumerate(section.questions)}
        opened_by = [set(question.condition.questions()) - profile if question.condition else set() for question in section.questions]
        for j, question in enumerate(section.questions):
            for opener in sorted(opened_by[j]):
                if opener not in position:
                    problems.append(f"{where}.questions[{j}].show_if: {question.id!r} follows up {opener!r}, "
                                    f"which is in another section; put it directly under {opener!r}")
                    continue
                between = [section.questions[k].id for k in range(position[opener] + 1, j) if opener not in opened_by[k]]
                if between:
                    problems.append(f"{where}.questions[{j}].show_if: {question.id!r} follows up {opener!r}, but "
                                    f"{', '.join(repr(b) for b in between)} come between them; put it directly under {opener!r}")
    return problems


def _check_refs(condition: Any, known: dict[str, Question], path: str) -> list[str]:
    from .conditions import Compare

    problems = [
        f"{path}: names question {qid!r}, which does not exist or does not come earlier"
        for qid in condition.questions()
        if qid not in known
    ]
    for node in _walk(condition):
        if isinstance(node, Compare) and node.question in known:
            target = known[node.question]
            if target.type in CHOICE_TYPES and node.op in ("equals", "not_equals", "in", "contains"):
                values = node.value if node.op == "in" else [node.value]
                valid = {o.id for o in target.choices()}
                for value in values:
                    if value not in valid:
                        problems.append(
                            f"{path}: {value!r} is not a choice of question {target.id!r}"
                        )
    return problems


def _walk(condition: Any) -> Iterator[Any]:
    yield condition
    for child in getattr(condition, "items", ()):
        yield from _walk(child)
    if hasattr(condition, "item"):
        yield from _walk(condition.item)


def _check_topics(q: Questionnaire) -> list[str]:
    problems = []
    topic_ids = {t.id for t in q.topics}
    measured: set[str] = set()
    for where, section in _section_paths(q):
        for j, question in enumerate(section.questions):
            if question.topic is None:
                continue
            measured.add(question.topic)
            if question.topic not in topic_ids:
                problems.append(
                    f"{where}.questions[{j}].topic: unknown topic {question.topic!r}"
                )
    profile_ids = {question.id for question in q.profile.questions}
    agency_types = {o.id for o in q.agency_types()} if "agency_type" in profile_ids else set()
    profile = {question.id: question for question in q.profile.questions}
    for i, topic in enumerate(q.topics):
        if topic.condition is not None:
            problems += _check_refs(topic.condition, profile, f"topics[{i}].core_if")
        if topic.id not in measured:
            problems.append(f"topics[{i}]: topic {topic.id!r} is declared but no question measures it")
        for agency_type in topic.core_for:
            if agency_types and agency_type not in agency_types:
                problems.append(f"topics[{i}].core_for: unknown agency type {agency_type!r}")
    return problems
