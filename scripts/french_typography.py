"""Set French spacing in every French text: the definitions' `fr:` values and the French catalogue.

A narrow no-break space goes before ; : ! ? and a no-break space inside « ». Run it after adding
French text; `tna validate` reports any text it would change. Safe to run twice.

    .venv/bin/python scripts/french_typography.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questionnaires.text import french_spacing  # noqa: E402

DEFINITIONS = (
    ROOT / "questionnaires" / "smuggling-of-migrants.yaml",
    ROOT / "questionnaires" / "labels.yaml",
    ROOT / "resources.yaml",
    ROOT / "reports" / "labels.yaml",
)
CATALOGUE = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
# A French value in double quotes, in block style (fr: "...") or flow style ({..., fr: "...", ...}).
FRENCH_VALUE = re.compile(r'(\bfr: ")((?:[^"\\]|\\.)*)(")')
QUOTED = re.compile(r'^((?:msgstr(?:\[\d+\])?\s+)?")(.*)("\s*)$')


def fix_definition(text: str) -> str:
    return FRENCH_VALUE.sub(lambda m: m[1] + french_spacing(m[2]) + m[3], text)


def fix_catalogue(text: str) -> str:
    """The translations, not the header (the entry with an empty msgid), which is metadata."""
    lines, in_msgstr, header = [], False, False
    for line in text.splitlines(keepends=True):
        if line.startswith("msgid "):
            header = line.strip() == 'msgid ""'
        if line.startswith("msgstr"):
            in_msgstr = True
        elif not line.startswith('"'):
            in_msgstr = False
        match = QUOTED.match(line) if in_msgstr and not header else None
        lines.append(match[1] + french_spacing(match[2]) + match[3] if match else line)
    return "".join(lines)


def main() -> int:
    changed = []
    for path, fix in [*((p, fix_definition) for p in DEFINITIONS), (CATALOGUE, fix_catalogue)]:
        before = path.read_text(encoding="utf-8")
        after = fix(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed.append(path.relative_to(ROOT))
    print("Changed: " + ", ".join(map(str, changed)) if changed else "French spacing already set.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
