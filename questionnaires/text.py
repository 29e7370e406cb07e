"""Text a person reads: a string (English) or a map of language -> text, `en` required."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

DEFAULT_LANGUAGE = "en"
# The one list of languages the product speaks, English first. A language added here must be
# in every text map of the definitions and in translations/<lang>/: `tna validate` checks both.
LANGUAGES: tuple[str, ...] = ("en", "fr", "es")


def _normalize(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {DEFAULT_LANGUAGE: value}
    if isinstance(value, dict):
        if DEFAULT_LANGUAGE not in value:
            raise ValueError("text needs an English version under 'en'")
        for lang, text in value.items():
            if not isinstance(lang, str) or not isinstance(text, str) or not text.strip():
                raise ValueError(f"text for language {lang!r} must be a non-empty string")
        return dict(value)
    raise ValueError("text must be a string or a map of language to text")


Text = Annotated[dict[str, str], BeforeValidator(_normalize)]


def tr(text: dict[str, str] | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """The text in `lang`, falling back to English."""
    if not text:
        return ""
    return text.get(lang) or text[DEFAULT_LANGUAGE]


# What free text keeps out wherever it comes from: bidirectional embeddings, overrides and
# isolates (they can make "gpj.exe" read as "exe.jpg" in a name), and NUL, which PostgreSQL
# cannot store.
_UNSAFE_IN_TEXT = re.compile("[\u202a-\u202e\u2066-\u2069\x00]")


def clean_text(text: str) -> str:
    return _UNSAFE_IN_TEXT.sub("", text)
