"""Every article the questionnaire and the catalogue cite exists, on the subject the text gives it.

The table below holds the articles DOMAIN.md lists (and the paragraphs the questions cite), each with
the words its subject is named by. A citation is read from the text ("article 14(2)(c)", "arts.
12-13", "article 14, paragraphe 2 c)", "artículos 7 a 9"), tied to the instrument named nearest
before it (the Protocol when none is), and checked:
- the article (and paragraph) is in the table;
- the English text around it names the article's subject;
- when one citation lists several articles, the text names their subjects in the same order;
- the French and Spanish texts cite the same articles as the English.
Comments count too: they are where the catalogue says why a part fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT / "questionnaires" / "smuggling-of-migrants.yaml", ROOT / "resources.yaml")

PROTOCOL, UNTOC, UNCAC = "Protocol", "UNTOC", "UNCAC"

# (instrument, article) -> the words that name its subject (a regular expression on English text).
ARTICLES: dict[tuple[str, int], str] = {
    (PROTOCOL, 3): r"defin|financial or other material benefit|for money",
    (PROTOCOL, 5): r"not (?:to )?(?:be )?prosecut|liab|prosecuted for having been smuggled",
    (PROTOCOL, 6): r"offen[cs]e|crime|criminali|fraudulent|forg|illegal stay|attempt|aggravat",
    (PROTOCOL, 7): r"\bsea\b|vessel|flag",
    (PROTOCOL, 8): r"vessel|flag|board",
    (PROTOCOL, 9): r"\bsea\b|vessel|safeguard",
    (PROTOCOL, 10): r"information exchange|exchange|share",
    (PROTOCOL, 11): r"border|carrier|entry|visa|airline|passport",
    (PROTOCOL, 12): r"secur|misuse|falsif|alter|integrity|quality",
    (PROTOCOL, 13): r"verif|genuine|legitima|valid",
    (PROTOCOL, 14): r"train",
    (PROTOCOL, 15): r"information|public|campaign|root causes|potential migrants",
    (PROTOCOL, 16): r"rights|protect|child|women|violence|assist|consular|lives|safety|safe care",
    (PROTOCOL, 18): r"return|repatri",
    (PROTOCOL, 19): r"refugee|non-refoulement",
    (UNTOC, 10): r"legal persons|compan",
    (UNTOC, 12): r"confiscat|proceeds",
    (UNTOC, 16): r"extradit",
    (UNTOC, 18): r"mutual legal assistance",
    (UNTOC, 20): r"special investigative techniques|investigative techniques",
    (UNTOC, 24): r"witness|safe place|identity from the accused",
    (UNTOC, 27): r"law enforcement cooperation",
    (UNCAC, 7): r"selection|rotation|vulnerable|posts",
    (UNCAC, 8): r"code(?:s)? of conduct",
    (UNCAC, 15): r"briber",
}
# The paragraphs (and subparagraphs) cited, with their own subjects.
PARAGRAPHS: dict[tuple[str, int, str], str] = {
    (PROTOCOL, 3, "(a)"): r"defin|financial or other material benefit|for money",
    (PROTOCOL, 6, "1(a)"): r"offen[cs]e of smuggling|smuggling of migrants",
    (PROTOCOL, 6, "1(b)"): r"document",
    (PROTOCOL, 6, "1(c)"): r"stay|resid",
    (PROTOCOL, 6, "2"): r"attempt|accomplice|organi[sz]|direct",
    (PROTOCOL, 6, "3"): r"aggravat|endanger|inhuman",
    (PROTOCOL, 6, "4"): r"other offen[cs]es",
    (PROTOCOL, 11, "3"): r"carrier",
    (PROTOCOL, 11, "4"): r"carrier|sanction",
    (PROTOCOL, 11, "5"): r"deny|denial|revok|visa",
    (PROTOCOL, 14, "2(a)"): r"secur|quality",
    (PROTOCOL, 14, "2(b)"): r"fraudulent|recogni[sz]|detect",
    (PROTOCOL, 14, "2(c)"): r"intelligence|concealment|groups|transport",
    (PROTOCOL, 14, "2(d)"): r"non-conventional|unofficial",
    (PROTOCOL, 14, "2(e)"): r"humane|rights",
    (PROTOCOL, 16, "1"): r"rights",
    (PROTOCOL, 16, "2"): r"violence",
    (PROTOCOL, 16, "3"): r"assist|help|lives|safety|hidden|brought ashore",
    (PROTOCOL, 16, "4"): r"child|women",
    (PROTOCOL, 16, "5"): r"consular|detention|detained",
    (UNCAC, 7, "1(b)"): r"selection|rotation|vulnerable",
}

INSTRUMENTS = (
    (re.compile(r"Convention against Corruption|Convention contre la corruption|Convención contra la Corrupción|UNCAC|CNUCC", re.I), UNCAC),
    (re.compile(r"Vienna Convention|Convention de Vienne|Convención de Viena", re.I), None),
    (re.compile(r"Convention against Transnational Organized Crime|UNTOC|\bConvention\b|\bConvención\b", re.I), UNTOC),
    (re.compile(r"\bProtocol[eo]?\b", re.I), PROTOCOL),
)
KEYWORD = re.compile(r"\b(?:articles?|arts?\.|artículos?)\s+", re.I)
TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>\d+)(?!\d)"
    r"|\((?P<pnum>\d+)\)"
    r"|\((?P<plet>[a-e])\)"
    r"|(?P<let>[a-e])\)"
    r"|(?P<para>paragraphes?|párrafos?)\b"
    r"|(?P<range>to|à|a|-|–)(?=\s*(?:\d|\(|paragraph|párraf))"
    r"|(?P<join>and|et|y|,)(?=\s*(?:\d|\(|[a-e]\)|paragraph|párraf))"
    r")",
    re.I,
)


@dataclass(frozen=True)
class Ref:
    instrument: str
    article: int
    paragraph: str = ""  # "2(c)", "1(b)", "5", "(a)" or ""


@dataclass(frozen=True)
class Citation:
    refs: tuple[Ref, ...]
    start: int
    ranged: bool


def _instrument(text: str, before: int) -> str:
    """The instrument named nearest before `before`; the Protocol when none is. A longer name
    ("Convention against Corruption", "Vienna Convention") hides the bare "Convention" inside it."""
    named: list[tuple[int, int, str | None]] = []
    for pattern, name in INSTRUMENTS:
        for match in pattern.finditer(text, 0, before):
            if not any(s <= match.start() < e for s, e, _ in named):
                named.append((match.start(), match.end(), name))
    known = [(start, name) for start, _, name in named if name is not None]
    return max(known)[1] if known else PROTOCOL


def citations(text: str) -> list[Citation]:
    found = []
    for key in KEYWORD.finditer(text):
        instrument = _instrument(text, key.start())
        pos, refs = key.end(), []
        article: int | None = None
        para_mode = pending_range = ranged = False
        while (match := TOKEN.match(text, pos)) is not None and match.end() > pos:
            kind, pos = match.lastgroup, match.end()
            last = refs[-1] if refs else None
            if kind == "num":
                number = int(match["num"])
                if para_mode and article is not None:
                    ref = Ref(instrument, article, str(number))
                    if last == Ref(instrument, article):
                        refs[-1] = ref
                    else:
                        refs.append(ref)
                elif pending_range and article is not None:
                    refs.extend(Ref(instrument, a) for a in range(article + 1, number + 1))
                    article, ranged = number, True
                else:
                    article = number
                    refs.append(Ref(instrument, number))
            elif kind == "pnum" and article is not None:
                ref = Ref(instrument, article, match["pnum"])
                if last == Ref(instrument, article):
                    refs[-1] = ref
                else:
                    refs.append(ref)
            elif kind in ("plet", "let") and article is not None and last is not None:
                base = last.paragraph.split("(")[0]
                ref = Ref(instrument, article, f"{base}({match['plet'] or match['let']})")
                if "(" not in last.paragraph:
                    refs[-1] = ref
                else:
                    refs.append(ref)
            elif kind == "para":
                para_mode = True
            pending_range = kind == "range"
        if refs:
            found.append(Citation(tuple(refs), key.start(), ranged))
    return found


def _texts(path: Path):
    """(where, {lang: text}, context in English) for every translatable text and comment block."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def walk(node, where):
        if isinstance(node, dict):
            own = node.get("text") or node.get("title")
            own_en = own.get("en", "") if isinstance(own, dict) else own if isinstance(own, str) else ""
            for key, value in node.items():
                if isinstance(value, dict) and "en" in value and all(isinstance(v, str) for v in value.values()):
                    context = value["en"] if key in ("text", "title") else f"{own_en} {value['en']}"
                    yield f"{where}.{key}", value, context
                else:
                    yield from walk(value, f"{where}.{node.get('id', key) if key in ('questions', 'options', 'parts') else key}")
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, f"{where}[{item.get('id', '') if isinstance(item, dict) else ''}]")

    yield from walk(data, path.name)
    block: list[str] = []
    start = 0
    for number, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            if not block:
                start = number
            block.append(stripped.lstrip("#").strip())
        elif block:
            comment = " ".join(block)
            yield f"{path.name}:{start} (comment)", {"en": comment}, comment
            block = []


ALL_TEXTS = [t for path in FILES for t in _texts(path)]
CITED = [(where, texts, context) for where, texts, context in ALL_TEXTS if citations(texts["en"])]


def test_the_reader_finds_citations_in_every_form():
    assert [c.refs for c in citations("Protocol article 14(2)(a) and (b): the security")] == [
        (Ref(PROTOCOL, 14, "2(a)"), Ref(PROTOCOL, 14, "2(b)"))]
    assert [c.refs for c in citations("L'article 14, paragraphe 2 a) et b), du Protocole")] == [
        (Ref(PROTOCOL, 14, "2(a)"), Ref(PROTOCOL, 14, "2(b)"))]
    assert [c.refs for c in citations("Protocole, article 11, paragraphes 3 et 4.")] == [
        (Ref(PROTOCOL, 11, "3"), Ref(PROTOCOL, 11, "4"))]
    assert [c.refs for c in citations("Protocol article 11(3) and (4).")] == [(Ref(PROTOCOL, 11, "3"), Ref(PROTOCOL, 11, "4"))]
    assert [c.refs for c in citations("(artículos 7 a 9)")][0] == tuple(Ref(PROTOCOL, a) for a in (7, 8, 9))
    assert [c.refs for c in citations("security of documents (arts. 12-13)")][0] == (Ref(PROTOCOL, 12), Ref(PROTOCOL, 13))
    assert [c.refs for c in citations("Protocole, article 3 a). Sans")][0] == (Ref(PROTOCOL, 3, "(a)"),)
    assert [c.refs for c in citations("Protocol, article 3(a). Without")][0] == (Ref(PROTOCOL, 3, "(a)"),)
    assert [c.refs for c in citations("(Convention, articles 16 and 18) and information exchange (Protocol, article 10)")] == [
        (Ref(UNTOC, 16), Ref(UNTOC, 18)), (Ref(PROTOCOL, 10),)]
    assert [c.refs for c in citations("Convention contre la corruption, article 7, paragraphe 1 b) : sélection")] == [
        (Ref(UNCAC, 7, "1(b)"),)]
    assert [c.refs for c in citations("Protocol article 16(5) and the Vienna Convention on Consular Relations.")] == [
        (Ref(PROTOCOL, 16, "5"),)]
    assert [c.refs for c in citations("assistance under Protocol art. 16(3)-(4).")] == [(Ref(PROTOCOL, 16, "3"), Ref(PROTOCOL, 16, "4"))]


def test_there_are_citations_to_check():
    assert len(CITED) >= 60, len(CITED)
    assert any("comment" in where for where, _, _ in CITED), "the catalogue's comments are read"


@pytest.mark.parametrize(("where", "texts", "context"), CITED, ids=[c[0] for c in CITED])
def test_every_citation_names_an_article_on_its_subject(where, texts, context):
    for citation in citations(texts["en"]):
        for ref in citation.refs:
            subject = ARTICLES.get((ref.instrument, ref.article))
            assert subject is not None, f"{where}: {ref.instrument} article {ref.article} is not in DOMAIN.md's list"
            if ref.paragraph:
                own = PARAGRAPHS.get((ref.instrument, ref.article, ref.paragraph))
                assert own is not None, f"{where}: {ref.instrument} article {ref.article}({ref.paragraph}) is not in the table"
                assert re.search(own, context, re.I), f"{where}: article {ref.article}, {ref.paragraph} is about {own!r}: {context!r}"
            else:
                assert re.search(subject, context, re.I), f"{where}: {ref.instrument} article {ref.article} is about {subject!r}: {context!r}"
        articles = list(dict.fromkeys(r.article for r in citation.refs))
        if len(articles) > 1 and not citation.ranged:
            before = texts["en"][:citation.start]
            places = [re.search(ARTICLES[(citation.refs[0].instrument, a)], before, re.I) for a in articles]
            if all(places):
                order = [m.start() for m in places if m]
                assert order == sorted(order), f"{where}: the subjects are not named in the order of articles {articles}: {before!r}"


@pytest.mark.parametrize(("where", "texts", "context"), [c for c in CITED if len(c[1]) > 1], ids=[c[0] for c in CITED if len(c[1]) > 1])
def test_every_language_cites_the_same_articles(where, texts, context):
    english = [r for c in citations(texts["en"]) for r in c.refs]
    for lang, text in texts.items():
        assert [r for c in citations(text) for r in c.refs] == english, f"{where} [{lang}]: {text!r}"


@pytest.mark.parametrize(("wrong", "why"), [
    ("Asked because smuggling crosses borders: mutual legal assistance and extradition (Convention, articles 16 and 18).", "order"),
    ("Asked because the Protocol protects the rights of smuggled migrants and the special needs of children (articles 16 and 18).", "return"),
    ("Asked because the Protocol asks every State to make these acts crimes in its own law (articles 3, 5 and 6).", "definition"),
    ("Asked because courts and border posts rely on your examinations of travel and identity documents (Protocol, articles 12 and 13).", "subject"),
])
def test_the_check_fails_on_the_citations_a_reader_found_wrong(wrong, why):
    with pytest.raises(AssertionError):
        test_every_citation_names_an_article_on_its_subject("example", {"en": wrong}, wrong)
