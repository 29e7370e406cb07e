"""Which texts lack a translation. `tna validate` reports each one with its file and path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .text import DEFAULT_LANGUAGE, LANGUAGES, typography_problem
from .yamlio import format_loc

REQUIRED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)


def texts(obj: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, str]]]:
    """Every piece of readable text in a loaded definition, with its location."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from texts(getattr(obj, name), (*loc, name))
    elif isinstance(obj, dict):
        if "en" in obj and all(isinstance(v, str) for v in obj.values()):
            yield loc, obj
        else:
            for key, value in obj.items():
                yield from texts(value, (*loc, key))
    elif isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            yield from texts(value, (*loc, index))


def missing_translations(
    definition: BaseModel, path: str, languages: tuple[str, ...] = REQUIRED_LANGUAGES,
    exempt: tuple[tuple[Any, ...], ...] = (),
) -> list[str]:
    """'file: path: no French text' for each text without each language.

    `exempt` holds location patterns, with None as a wildcard, for texts that may stay in
    English: an official title that has no verified translation is kept, not invented.
    """
    problems = []
    for loc, text in texts(definition):
        if any(_matches(loc, pattern) for pattern in exempt):
            continue
        for lang in languages:
            if not text.get(lang, "").strip():
                problems.append(f"{path}: {format_loc(loc)}: no {_english_name(lang)} text")
            elif problem := typography_problem(text[lang], lang):
                problems.append(f"{path}: {format_loc(loc)}: {problem}")
    return problems


def _matches(loc: tuple[Any, ...], pattern: tuple[Any, ...]) -> bool:
    return len(loc) == len(pattern) and all(p is None or p == part for p, part in zip(pattern, loc, strict=True))


def _english_name(lang: str) -> str:
    from babel import Locale

    return Locale.parse(lang).english_name or lang
