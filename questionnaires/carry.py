"""Carrying answers over from an agency's previous assessment into a new one.

Answers carry over by stable question id, version by version:
- a question removed since then is dropped; a new one starts blank;
- a question whose type or options (ids and levels) changed starts blank, unless the newer
  version says how old values map to new ones (`map:`), or names the id it had (`replaces:`);
- whatever carries over must still be an acceptable answer to the current question.

Previous versions are kept as `versions/<id>-v<N>.yaml` beside the questionnaire file. They are
read for their questions' shapes only, so an old file never has to pass today's checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answer_types import ANSWER_TYPES, check
from .answers import is_empty
from .model import UNSCORED_CHOICES, Questionnaire
from .yamlio import load_yaml


@dataclass(frozen=True)
class Shape:
    """What decides whether an answer still means the same: the type and the scored options."""

    id: str
    type: str
    options: tuple[tuple[str, Any], ...]
    replaces: str | None = None
    map: Mapping[str, str | None] | None = None


History = dict[int, dict[str, Shape]]


def _shapes(raw: Mapping[str, Any]) -> dict[str, Shape]:
    sections = [raw.get("profile") or {}, *(raw.get("sections") or [])]
    shapes = {}
    for section in sections:
        for q in section.get("questions") or []:
            if not isinstance(q, Mapping) or "id" not in q:
                continue
            options = tuple((str(o.get("id")), o.get("level")) for o in q.get("options") or [] if isinstance(o, Mapping))
            if q.get("type") == "yesno":
                options = tuple(sorted((q.get("levels") or {}).items()))
            shapes[str(q["id"])] = Shape(str(q["id"]), str(q.get("type")), options, q.get("replaces"), q.get("map"))
    return shapes


def versions_dir(questionnaire_path: Path | str) -> Path:
    return Path(questionnaire_path).resolve().parent / "versions"


def load_history(questionnaire_path: Path | str, questionnaire: Questionnaire) -> History:
    """Every kept version of this questionnaire, the current one included: version -> shapes."""
    history: History = {}
    folder = versions_dir(questionnaire_path)
    for path in sorted(folder.glob(f"{questionnaire.id}-v*.yaml")) if folder.is_dir() else []:
        raw = load_yaml(path)
        if isinstance(raw, Mapping) and raw.get("id") == questionnaire.id and isinstance(raw.get("version"), int):
            history[raw["version"]] = _shapes(raw)
    history[questionnaire.version] = _shapes(load_yaml(questionnaire_path))
    return history


def _step(
    values: Mapping[str, Any], old: Mapping[str, Shape], new: Mapping[str, Shape]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers carried one version on, and for each the id it had before."""
    carried = {}
    sources = {}
    for shape in new.values():
        source = shape.replaces if shape.replaces is not None and shape.replaces in old else shape.id
        before = old.get(source)
        value = values.get(source)
        if before is None or is_empty(value):
            continue
        if before.type == shape.type and before.options == shape.options:
            carried[shape.id] = value
            sources[shape.id] = source
        elif shape.map is not None:
            mapped = [shape.map.get(str(v)) for v in (value if isinstance(value, list) else [value])]
            kept = [v for v in mapped if v is not None]
            if kept:
                carried[shape.id] = kept if isinstance(value, list) or ANSWER_TYPES[shape.type].many else kept[0]
                sources[shape.id] = source
    return carried, sources


@dataclass(frozen=True)
class CarryOver:
    answers: dict[str, Any]
    dropped: tuple[str, ...]  # question ids of the old answers that did not carry over


def carry_over(questionnaire: Questionnaire, history: History, old_version: int, old_answers: Mapping[str, Any]) -> CarryOver:
    """The answers of an assessment made with `old_version`, as answers to `questionnaire`."""
    values: dict[str, Any] = {k: v for k, v in old_answers.items() if not is_empty(v)}
    origin = {k: k for k in values}  # current id -> the id it had in the old assessment
    if old_version != questionnaire.version:
        if old_version not in history:
            return CarryOver({}, tuple(sorted(values)))
        steps = sorted(v for v in history if old_version < v <= questionnaire.version)
        version = old_version
        for step in steps:
            values, sources = _step(values, history[version], history[step])
            origin = {qid: origin[source] for qid, source in sources.items() if source in origin}
            version = step
    known = {q.id: q for q in questionnaire.all_questions()}
    answers = {qid: v for qid, v in values.items() if qid in known and check(known[qid], v) is None}
    kept_sources = {origin.get(qid, qid) for qid in answers}
    return CarryOver(answers, tuple(sorted(k for k in old_answers if k not in kept_sources and not is_empty(old_answers[k]))))


def mapping_problems(questionnaire_path: Path | str, questionnaire: Questionnaire) -> list[str]:
    """`replaces:` and `map:` checked against the previous kept version."""
    history = load_history(questionnaire_path, questionnaire)
    earlier = [v for v in history if v < questionnaire.version]
    problems = []
    for question in questionnaire.all_questions():
        if question.replaces is None and question.map is None:
            continue
        where = f"{questionnaire_path}: question {question.id!r}"
        if not earlier:
            problems.append(f"{where}: 'replaces'/'map' need the previous version in {versions_dir(questionnaire_path)}")
            continue
        previous = history[max(earlier)]
        source = question.replaces or question.id
        old = previous.get(source)
        if old is None:
            problems.append(f"{where}: no question {source!r} in version {max(earlier)}")
            continue
        if question.replaces and question.replaces != question.id and question.replaces in {q.id for q in questionnaire.all_questions()}:
            problems.append(f"{where}: replaces {question.replaces!r}, which is still a question of this version")
        if question.map is not None:
            old_ids = {o for o, _ in old.options} if old.type != "yesno" else {"yes", "no"}
            new_ids = {o.id for o in question.choices()}
            for key, target in question.map.items():
                if key not in old_ids and key not in UNSCORED_CHOICES:
                    problems.append(f"{where}: map: {key!r} is not an option of {source!r} in version {max(earlier)}")
                if target is not None and target not in new_ids:
                    problems.append(f"{where}: map: {key!r} -> {target!r}, which is not an option of this question")
    return problems
