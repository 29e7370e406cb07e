"""Languages, gettext catalogues and locale formatting, without Flask.

One catalogue (translations/<lang>/LC_MESSAGES/messages.mo) serves the web pages, through
Flask-Babel, and the reports, through this module, so the CLI and the web app say the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_percent, parse_pattern
from babel.support import NullTranslations, Translations

from questionnaires.text import LANGUAGES, typography_problem

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
# Arabic, Russian and Chinese are planned: fonts and right-to-left layout are ready.
RTL_LANGUAGES = frozenset({"ar"})


def supported(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


@cache
def translations(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang], domain="messages")


@cache
def _number_pattern(digits: int) -> NumberPattern:
    """Parsed once: a page of figures writes hundreds of numbers."""
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


class Translator:
    """gettext for one language, with %(name)s parameters, plus number and date formatting."""

    def __init__(self, lang: str):
        self.lang = supported(lang)
        self._t = translations(self.lang)

    def __call__(self, message: str, **params: Any) -> str:
        text = self._t.gettext(message)
        return text % params if params else text

    def plural(self, singular: str, plural: str, n: int, **params: Any) -> str:
        """The form for `n`, with %(num)s the number as this language writes it."""
        return self._t.ngettext(singular, plural, n) % {"num": self.number(n), **params}

    @property
    def colon(self) -> str:
        """A colon written between two parts of a line, as this language spaces it ("Statut\u202f: ...")."""
        return "\u202f:" if self.lang == "fr" else ":"

    @property
    def semicolon(self) -> str:
        """What separates the items of a list whose items have commas ("a\u202f; b" in French)."""
        return "\u202f; " if self.lang == "fr" else "; "

    def number(self, value: float, digits: int = 0) -> str:
        """Rounded half up, as people round by hand (Babel alone rounds half to even)."""
        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return str(_number_pattern(digits).apply(exact, _locale(self.lang)))

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.lang)

    def date(self, value: dt.date) -> str:
        # UN English writes dates the British way: 20 November 2026.
        return format_date(value, format="long", locale="en_GB" if self.lang == "en" else self.lang)

    def countries(self) -> dict[str, str]:
        return country_names(self.lang)

    @property
    def direction(self) -> str:
        return "rtl" if self.lang in RTL_LANGUAGES else "ltr"


@cache
def language_name(lang: str) -> str:
    """The language's name in itself: English, Français, Español."""
    return (Locale.parse(lang).get_display_name(lang) or lang).capitalize()


@cache
def country_names(lang: str) -> dict[str, str]:
    """UN Member and observer States: ISO alpha-2 code -> the UN's name in `lang`, in the order the
    language sorts them."""
    from questionnaires.answers import un_state_names
    from questionnaires.text import sort_key

    return dict(sorted(un_state_names(lang).items(), key=lambda item: sort_key(item[1])))


def catalogue_problems(languages: tuple[str, ...] = LANGUAGES[1:]) -> list[str]:
    """Interface strings without a translation: 'file: msgid "...": no translation'."""
    from babel.messages.pofile import read_po

    problems = []
    for lang in languages:
        path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(f"{path}: missing catalogue")
            continue
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            if message.fuzzy:
                problems.append(f"{path}: msgid {msgid[:60]!r}: fuzzy: check the translation, then remove the fuzzy flag")
            elif not all(isinstance(s, str) and s.strip() for s in strings):
                problems.append(f"{path}: msgid {msgid[:60]!r}: no translation")
            elif problem := next(filter(None, (typography_problem(str(s), lang) for s in strings)), None):
                problems.append(f"{path}: msgid {msgid[:60]!r}: {problem}")
    pot = TRANSLATIONS_DIR / "messages.pot"
    if pot.exists():
        with pot.open("rb") as fh:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
        for lang in languages:
            path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
            if path.exists():
                with path.open("rb") as fh:
                    have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh, locale=lang) if m.id}
                for msgid in sorted(wanted - have):
                    problems.append(f"{path}: msgid {msgid[:60]!r}: not in the catalogue (run scripts/update-translations.sh)")
    return problems
