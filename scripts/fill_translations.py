"""Fill in translations for msgids that have none, from a YAML file of {msgid: {fr:, es:}}.

Messages with a context (pgettext) go under `_context: {context: {msgid: {fr:, es:}}}`.

Used after scripts/update-translations.sh when new interface strings were added:
    .venv/bin/python scripts/fill_translations.py new-strings.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questionnaires.text import french_spacing  # noqa: E402


def main(path: str) -> None:
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for lang in ("fr", "es"):
        po = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        keyed = [((msgid, None), texts) for msgid, texts in entries.items() if msgid != "_context"]
        keyed += [((msgid, context), texts) for context, group in (entries.get("_context") or {}).items() for msgid, texts in group.items()]
        for (msgid, context), texts in keyed:
            message = catalog.get(msgid, context=context)
            if message is None:
                continue
            empty = not any(message.string) if isinstance(message.string, tuple) else not message.string
            if empty or message.fuzzy:
                text = texts[lang]
                if lang == "fr":  # French spacing before ; : ! ? and inside « », as tna validate asks
                    text = [french_spacing(x) for x in text] if isinstance(text, list) else french_spacing(text)
                if isinstance(text, list):  # the plural forms: one, then the others (the last repeated)
                    text = tuple(text + [text[-1]] * (catalog.num_plurals - len(text)))
                message.string = text
                message.flags.discard("fuzzy")
        with po.open("wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False)


if __name__ == "__main__":
    main(sys.argv[1])
