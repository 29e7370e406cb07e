"""Text a person reads: a string (English) or a map of language -> text, `en` required."""

from __future__ import annotations

import re
import unicodedata
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


# French sets a narrow no-break space (U+202F) before ; : ! ? and a no-break space (U+00A0) inside
# guillemets. Only a mark that ends a word is touched: "https://", "10:30" and "?lang=fr" stay.
NARROW_NBSP, NBSP = "\u202f", "\u00a0"
_BEFORE_MARK = re.compile(r"(?<=\S)[ \u00a0\u202f]*([;:!?])(?=\s|$|[»)\"'])")
_AFTER_OPENING = re.compile("«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile("[ \u00a0\u202f]*»")


def french_spacing(text: str) -> str:
    """`text` with French spacing around ; : ! ? and « »."""
    text = _BEFORE_MARK.sub(NARROW_NBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _BEFORE_CLOSING.sub(NBSP + "»", text)


def typography_problem(text: str, lang: str) -> str | None:
    """What is wrong with the spacing of `text` in `lang`, or None."""
    if lang != "fr" or french_spacing(text) == text:
        return None
    return "French spacing: a narrow no-break space goes before ; : ! ? and a no-break space inside « » (scripts/french_typography.py sets them)"


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order as French and Spanish readers expect it: accents, case, apostrophes and
    hyphens do not count first ("États-Unis" sorts among the E, "Côte d'Ivoire" after "Costa Rica")."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s'’\-]+", " ", bare).casefold(), text
