"""The catalogue of UNODC resources (resources.yaml) and its check against a questionnaire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from questionnaires import DEFAULT_QUESTIONNAIRE, Questionnaire, load_questionnaire
from questionnaires.text import LANGUAGES, Text, tr, typography_problem
from questionnaires.yamlio import DefinitionError, load_yaml, pydantic_problems

from .i18n import Translator

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE = ROOT / "resources.yaml"

Audience = Literal["first-line", "specialists", "investigators-prosecutors", "trainers", "managers-policy"]
AUDIENCES: tuple[str, ...] = Audience.__args__  # type: ignore[attr-defined]
_LABELS: dict[str, dict[str, dict[str, str]]] = load_yaml(Path(__file__).resolve().parent / "labels.yaml")
AUDIENCE_LABELS: dict[str, dict[str, str]] = _LABELS["audiences"]
AVAILABILITY_LABELS: dict[str, dict[str, str]] = _LABELS["availability"]
PUBLISHER_NAMES: dict[str, dict[str, str]] = _LABELS["publishers"]
ID = r"^[a-z0-9][a-z0-9-]*$"


def publisher_name(publisher: str, lang: str) -> str:
    return PUBLISHER_NAMES.get(publisher, {}).get(lang, publisher)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Part(_Frozen):
    id: str = Field(pattern=ID)
    kind: Literal["tool", "section", "module", "chapter", "table", "area", "category", "objective", "annex", "part"]
    title: Text
    # The topics the part is about: a gap in one of them is what the part is written to close.
    # Empty for a part that no measured gap leads to (it can still be a foundation or added by hand).
    topics: tuple[str, ...] = ()
    # Other topics the part touches: it can close such a gap when no part is about it.
    also: tuple[str, ...] = ()
    audiences: tuple[Audience, ...] = Field(min_length=1)
    # The functions this part serves, where they differ from its resource's.
    functions: tuple[str, ...] = ()

    @property
    def addressed(self) -> tuple[str, ...]:
        """Every topic the part addresses, its own topics first."""
        return (*self.topics, *self.also)


class Resource(_Frozen):
    id: str = Field(pattern=ID)
    title: Text
    publisher: str
    authors: str | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    url: str = Field(pattern=r"^https://")
    availability: Literal["online", "on-request", "restricted", "book"]
    description: Text
    # The functions of the agencies it is written for (declared in the questionnaire).
    functions: tuple[str, ...] = Field(min_length=1)
    audiences: tuple[Audience, ...]
    parts: tuple[Part, ...] = Field(min_length=1)

    def serves(self, part: Part) -> tuple[str, ...]:
        """The functions a part of this resource serves."""
        return part.functions or self.functions


class Foundation(_Frozen):
    """A part recommended first when too few answers were scored to find the gaps."""

    resource: str
    part: str
    reason: Text


def part_label(resource: Resource, part: Part, lang: str) -> str:
    """"Resource: part", as lists of recommendations and training name a part."""
    return f"{tr(resource.title, lang)}: {tr(part.title, lang)}"


def removed_part(key: str, lang: str) -> str:
    """How a stored "resource/part" reads once the catalogue no longer has that part."""
    t = Translator(lang)
    return t("%(ids)s (no longer in the catalogue)", ids=key)


class PartTitles(dict[str, str]):
    """Part titles by "resource/part"; an unknown key is a part since removed, never an error."""

    def __init__(self, titles: dict[str, str], lang: str) -> None:
        super().__init__(titles)
        self.lang = lang

    def __missing__(self, key: str) -> str:
        return removed_part(key, self.lang)


class Catalogue(_Frozen):
    resources: tuple[Resource, ...]
    foundations: tuple[Foundation, ...] = ()

    def resource(self, resource_id: str) -> Resource:
        """The resource with this id; KeyError naming the id when the catalogue has none."""
        resource = self.find_resource(resource_id)
        if resource is None:
            raise KeyError(f"no resource {resource_id!r} in the catalogue")
        return resource

    def find_resource(self, resource_id: str) -> Resource | None:
        return next((r for r in self.resources if r.id == resource_id), None)

    def part(self, resource_id: str, part_id: str) -> tuple[Resource, Part]:
        """The resource and its part; KeyError naming both ids when the catalogue has none."""
        found = self.find_part(resource_id, part_id)
        if found is None:
            raise KeyError(f"no part {part_id!r} of resource {resource_id!r} in the catalogue")
        return found

    def find_part(self, resource_id: str, part_id: str) -> tuple[Resource, Part] | None:
        """The resource and its part, or None: ids stored in the database (training records,
        published recommendations, plans, a reviewer's changes) may name a part since removed."""
        resource = self.find_resource(resource_id)
        part = next((p for p in resource.parts if p.id == part_id), None) if resource is not None else None
        return None if resource is None or part is None else (resource, part)

    def part_title(self, resource_id: str, part_id: str, lang: str) -> str:
        """"Resource: part" in `lang`; for a part no longer in the catalogue, its ids with a note."""
        found = self.find_part(resource_id, part_id)
        return part_label(*found, lang) if found is not None else removed_part(f"{resource_id}/{part_id}", lang)

    def part_titles(self, lang: str) -> PartTitles:
        """"resource/part" -> "Resource: part" in `lang`, for every part; a key of a part no
        longer in the catalogue reads as its ids with a note."""
        return PartTitles({f"{r.id}/{p.id}": part_label(r, p, lang) for r, p in self.parts()}, lang)

    def parts(self) -> Iterator[tuple[Resource, Part]]:
        for resource in self.resources:
            for part in resource.parts:
                yield resource, part


def load_catalogue(path: Path | str = DEFAULT_CATALOGUE) -> Catalogue:
    raw = load_yaml(path)
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(pydantic_problems(path, exc)) from exc


def check_together(
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    questionnaire_path: Path | str = DEFAULT_QUESTIONNAIRE,
    catalogue_path: Path | str = DEFAULT_CATALOGUE,
) -> list[str]:
    """Topics are where the two files meet: both sides must name the same ones."""
    problems: list[str] = []
    topic_ids = {t.id for t in questionnaire.topics}
    functions = set(questionnaire.functions)
    addressed: set[str] = set()
    main: set[str] = set()
    seen_resources: set[str] = set()
    for i, resource in enumerate(catalogue.resources):
        where = f"{catalogue_path}: resources[{i}]"
        if resource.id in seen_resources:
            problems.append(f"{where}.id: duplicate resource id {resource.id!r}")
        seen_resources.add(resource.id)
        problems += [f"{where}.functions: unknown function {f!r}" for f in resource.functions if f not in functions]
        seen_parts: set[str] = set()
        for j, part in enumerate(resource.parts):
            if part.id in seen_parts:
                problems.append(f"{where}.parts[{j}].id: duplicate part id {part.id!r}")
            seen_parts.add(part.id)
            for field in ("topics", "also"):
                for topic in getattr(part, field):
                    if topic not in topic_ids:
                        problems.append(f"{where}.parts[{j}].{field}: unknown topic {topic!r}")
                    addressed.add(topic)
            for topic in set(part.topics) & set(part.also):
                problems.append(f"{where}.parts[{j}].also: {topic!r} is already one of its topics")
            main.update(part.topics)
            problems += [f"{where}.parts[{j}].functions: unknown function {f!r}" for f in part.functions if f not in functions]
    for i, foundation in enumerate(catalogue.foundations):
        if catalogue.find_part(foundation.resource, foundation.part) is None:
            problems.append(
                f"{catalogue_path}: foundations[{i}]: no part {foundation.part!r} in resource {foundation.resource!r}"
            )
    for i, measured in enumerate(questionnaire.topics):
        if measured.id not in addressed:
            problems.append(
                f"{questionnaire_path}: topics[{i}]: no part of any resource addresses topic {measured.id!r}"
            )
        elif measured.id not in main:
            problems.append(
                f"{questionnaire_path}: topics[{i}]: no part is about topic {measured.id!r} "
                "(it is only in parts' `also`)"
            )
    return problems


# Resource titles are official titles: a French or Spanish one is used only where it is verified.
# Otherwise the English title is kept, and the report says so.
TRANSLATION_EXEMPT = (("resources", None, "title"),)


def translation_problems(
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    questionnaire_path: Path | str = DEFAULT_QUESTIONNAIRE,
    catalogue_path: Path | str = DEFAULT_CATALOGUE,
) -> list[str]:
    from questionnaires.translations import missing_translations

    return (
        missing_translations(questionnaire, str(questionnaire_path))
        + missing_translations(catalogue, str(catalogue_path), exempt=TRANSLATION_EXEMPT)
        + label_problems()
    )


def label_problems(languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """Labels in labels.yaml (engine and reports) that lack a language."""
    from questionnaires.model import CHOICE_LABELS

    problems = []
    for path, groups in ((Path(__file__).resolve().parent.parent / "questionnaires" / "labels.yaml", CHOICE_LABELS),
                         (Path(__file__).resolve().parent / "labels.yaml", _LABELS)):
        for group, labels in groups.items():
            for key, texts in labels.items():
                for lang in languages:
                    if not str(texts.get(lang) or "").strip():
                        problems.append(f"{path}: {group}.{key}: missing {lang!r}")
                    elif problem := typography_problem(str(texts[lang]), lang):
                        problems.append(f"{path}: {group}.{key}: {problem}")
    return problems


def load_definitions(
    questionnaire_path: Path | str = DEFAULT_QUESTIONNAIRE,
    catalogue_path: Path | str = DEFAULT_CATALOGUE,
) -> tuple[Questionnaire, Catalogue]:
    """Load and check both files; raise one DefinitionError listing every problem."""
    problems: list[str] = []
    questionnaire = catalogue = None
    try:
        questionnaire = load_questionnaire(questionnaire_path)
    except DefinitionError as exc:
        problems += exc.problems
    try:
        catalogue = load_catalogue(catalogue_path)
    except DefinitionError as exc:
        problems += exc.problems
    if questionnaire is not None and catalogue is not None:
        problems += check_together(questionnaire, catalogue, questionnaire_path, catalogue_path)
    if questionnaire is not None:
        from questionnaires.carry import mapping_problems

        problems += mapping_problems(questionnaire_path, questionnaire)
    if problems:
        raise DefinitionError(problems)
    assert questionnaire is not None and catalogue is not None
    return questionnaire, catalogue
