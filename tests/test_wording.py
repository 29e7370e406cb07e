"""What an expert reads must be exact: the report's strings, plural forms, French typography, and
the French and Spanish terms a reader checked against the Protocol."""

from __future__ import annotations

import dataclasses
import html as html_module
import re
import shutil

import pytest
from click.testing import CliRunner

from questionnaires.text import french_spacing, sort_key, tr
from reports.build import build_report, level_name
from reports.i18n import Translator, country_names
from reports.render import render_body, render_document, render_pdf
from tests.helpers import fill_answers, pdf_text

LANGS = ("en", "fr", "es")


def _weak(questionnaire, agency_type="immigration", borders=("land", "sea", "air"), **extra):
    return fill_answers(questionnaire, {"name": "Agency", "agency_type": agency_type, "borders": list(borders), "fill": "weak", **extra})


def _text(html: str) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


# --- French typography -------------------------------------------------------------------------

def spacing_faults(text: str, english: tuple[str, ...] = ()) -> list[str]:
    """Every ; : ! ? that ends a word without a narrow no-break space before it, with its context.
    English titles quoted in a French text keep English punctuation."""
    text = re.sub(r"[ \n]+", " ", text)
    for title in english:
        text = text.replace(title, " ")
    faults = []
    for match in re.finditer(r"[;:!?]", text):
        after = text[match.end():match.end() + 1]
        if after and not after.isspace() and after not in "»)\"'":
            continue  # https://, 10:30, ?lang=fr
        if text[match.start() - 1:match.start()] != "\u202f":
            faults.append(text[max(0, match.start() - 30):match.end() + 5])
    return faults


def _english_titles(catalogue) -> tuple[str, ...]:
    return tuple(tr(r.title, "en") for r in catalogue.resources if "fr" not in r.title)


def test_french_spacing_sets_narrow_spaces_and_leaves_urls_and_times():
    assert french_spacing("Statut : publiée ; vraiment ? oui !") == "Statut\u202f: publiée\u202f; vraiment\u202f? oui\u202f!"
    assert french_spacing("Pays:") == "Pays\u202f:"
    assert french_spacing("« oui »") == "«\u00a0oui\u00a0»"
    for kept in ("https://www.unodc.org/x?lang=fr", "10:30", "(article 14, paragraphe 2 b))"):
        assert french_spacing(kept) == kept
    assert french_spacing(french_spacing("a : b")) == french_spacing("a : b")


def test_the_french_report_pdf_sets_a_narrow_space_before_every_mark(questionnaire, catalogue):
    answers = _weak(questionnaire, "coast-guard", ("sea",))
    report = build_report(questionnaire, catalogue, answers, {"reference": "TNA-FR"}, "fr")
    text = pdf_text(render_pdf(render_document(report)))
    assert "\u202f:" in text and "\u202f?" in text
    assert spacing_faults(text, _english_titles(catalogue)) == []


def test_the_french_wizard_pages_set_narrow_spaces(app, questionnaire, catalogue):
    from tests.helpers import Browser, start

    browser = Browser(app.test_client())
    browser.get("/language/fr?next=/", status=302)
    token = start(browser)
    for url in (f"/a/{token}/section/profile", f"/a/{token}/section/border-control", f"/a/{token}/"):
        page = browser.get(url).get_data(as_text=True)
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
        text = _text(main)
        assert re.search("\u202f[:?]", text), f"{url}: a page with no colon or question mark checks nothing"
        assert spacing_faults(text, _english_titles(catalogue)) == [], url


def test_every_french_text_of_the_definitions_and_catalogue_is_spaced(questionnaire, catalogue):
    from reports.catalogue import translation_problems
    from reports.i18n import catalogue_problems

    assert [p for p in translation_problems(questionnaire, catalogue) + catalogue_problems() if "spacing" in p] == []


# --- plural forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "one", "two"), [
    ("en", "It also closes 1 other gap.", "It also closes 2 other gaps."),
    ("fr", "Elle comble aussi 1 autre lacune.", "Elle comble aussi 2 autres lacunes."),
    ("es", "También cubre 1 otra carencia.", "También cubre otras 2 carencias."),
])
def test_plural_forms_come_from_the_catalogue(lang, one, two):
    ngettext = Translator(lang).plural
    assert ngettext("It also closes %(num)s other gap.", "It also closes %(num)s other gaps.", 1) == one
    assert ngettext("It also closes %(num)s other gap.", "It also closes %(num)s other gaps.", 2) == two


@pytest.mark.parametrize("lang", LANGS)
def test_no_report_writes_a_plural_with_brackets(questionnaire, catalogue, lang):
    report = build_report(questionnaire, catalogue, _weak(questionnaire), {"reference": "T"}, lang)
    text = _text(render_body(report))
    assert not re.search(r"\w\((s|es|x)\)", text), re.search(r".{40}\w\((s|es|x)\).{10}", text)
    closes = [v.why for v in (*report.actions, *(p for c in report.cards for p in c.parts)) if v.why]
    expected = {"en": "other gaps.", "fr": "autres lacunes.", "es": "carencias."}[lang]
    assert any(expected in why for why in closes), closes[:3]


# --- the report's strings --------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_no_number_ends_a_sentence_right_before_another_number(questionnaire, catalogue, lang):
    """"The target is 3. 100% of..." reads as 3.100 %."""
    for fill in ("weak", "middling", "strong"):
        answers = fill_answers(questionnaire, {"name": "A", "agency_type": "border-police", "borders": ["land"], "fill": fill})
        report = build_report(questionnaire, catalogue, answers, {"reference": "T"}, lang)
        for line in report.summary:
            assert not re.search(r"\d[.,]\s+\d", line), line


def test_a_level_between_none_and_initial_is_not_called_none(questionnaire, catalogue):
    assert level_name(questionnaire, 0.7, "en") == "Below initial"
    assert level_name(questionnaire, 0.7, "fr") == "En dessous du niveau initial"
    assert level_name(questionnaire, 0.0, "en") == "None" and level_name(questionnaire, 1.0, "en") == "Initial"
    answers = _weak(questionnaire)
    answers["border_official_points"] = "all"  # level 4 of 7 questions at 0: 0.6
    report = build_report(questionnaire, catalogue, answers, {"reference": "T"})
    border = next(s for s in report.sections if s.id == "border-control")
    assert 0 < border.level < 1
    text = _text(render_body(report))
    assert "(below initial)" in text
    assert not re.search(r"Level 0\.[1-9] of 4 \(none\)", text)


def test_a_topic_in_a_section_without_enough_information_says_what_its_level_rests_on(questionnaire, catalogue):
    answers = _weak(questionnaire)
    border = questionnaire.section("border-control")
    keep = {"border_official_points", "border_training_detection"}
    for question in border.questions:
        if question.id not in keep:
            answers.pop(question.id, None)
    report = build_report(questionnaire, catalogue, answers, {"reference": "T"})
    finding = next(s for s in report.sections if s.id == "border-control")
    assert finding.level is None
    assert any(t.level == 0 for t in finding.topics), "a topic with enough answers inside the section"
    body = render_body(report)
    section = body.split('id="finding-border-control"', 1)[1].split("</section>", 1)[0]
    for item in re.findall(r"<li>(.*?)</li>", section, re.S):
        assert not re.search(r":\s*0\.0\s*(\(core\))?\s*$", _text(item).strip()), item
    assert "level 0.0, from 2 of 3 questions" in _text(section)


def test_the_profile_line_uses_short_labels(questionnaire, catalogue):
    answers = fill_answers(questionnaire, {"name": "A", "agency_type": "immigration", "borders": ["none"],
                                           "other_functions": ["investigation"], "fill": "weak"})
    for lang, expected in (("en", "Borders: none"), ("fr", "Frontières\u202f: aucune"), ("es", "Fronteras: ninguna")):
        html = render_body(build_report(questionnaire, catalogue, answers, {"reference": "T"}, lang))
        line = _text(re.search(r'<p class="profile-line">(.*?)</p>', html, re.S).group(1))
        assert expected in line, line
        assert "we do not work" not in line and "nous ne travaillons" not in line and "no trabajamos" not in line
    investigators = fill_answers(questionnaire, {"name": "A", "agency_type": "criminal-investigation", "fill": "weak"})
    html = render_body(build_report(questionnaire, catalogue, investigators, {"reference": "T"}))
    line = _text(re.search(r'<p class="profile-line">(.*?)</p>', html, re.S).group(1))
    assert line.strip().startswith("Criminal investigation police ·") and "(organized crime" not in line


def test_the_target_line_never_crosses_a_value_label(questionnaire, catalogue):
    report = build_report(questionnaire, catalogue, _weak(questionnaire), {"reference": "T"})
    for start in (2.5, 2.6, 2.7, 2.8, 2.9, 2.95, 3.0, 3.05, 3.1):
        sections = tuple(dataclasses.replace(s, level=round(start + 0.01 * i, 2)) for i, s in enumerate(report.sections))
        svg = render_body(dataclasses.replace(report, sections=sections)).split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
        target = float(re.search(r'<line x1="([\d.]+)"[^>]*class="chart-target"', svg).group(1))
        for x, label in re.findall(r'<text x="([\d.]+)"[^>]*class="chart-value"[^>]*>([^<]+)</text>', svg):
            left, right = float(x), float(x) + 7 * len(label)  # 12 px digits are about 7 px wide
            assert right < target - 1 or left > target + 1, (start, label, left, right, target)


# --- French and Spanish terms ----------------------------------------------------------------

def test_the_sea_and_air_sections_are_named_in_full(questionnaire):
    assert tr(questionnaire.section("sea").title, "fr") == "Trafic illicite de migrants par mer"
    assert tr(questionnaire.section("air").title, "fr") == "Trafic illicite de migrants par air"
    assert tr(questionnaire.section("sea").title, "es") == "Tráfico ilícito de migrantes por mar"
    assert tr(questionnaire.section("air").title, "es") == "Tráfico ilícito de migrantes por aire"


def _all_texts(questionnaire, catalogue, lang):
    from questionnaires.translations import texts

    return [t.get(lang, "") for obj in (questionnaire, catalogue) for _, t in texts(obj)]


def test_french_terms(questionnaire, catalogue):
    french = _all_texts(questionnaire, catalogue, "fr")
    assert not [t for t in french if "briefing" in t.lower() or "d'office" in t or re.search(r"trafic illicite par (mer|air)", t)]
    assert any("séances d'information" in t for t in french)
    assert any(t.startswith("Acceptés sans difficulté") for t in french)
    how_well = [q for q in questionnaire.all_questions() if re.match(r"How (well|ready|secure)", tr(q.text, "en"))]
    assert len(how_well) >= 8
    for q in how_well:
        assert tr(q.text, "fr").startswith("Dans quelle mesure"), tr(q.text, "fr")
    from reports.catalogue import AVAILABILITY_LABELS

    assert AVAILABILITY_LABELS["book"]["fr"] == "Ouvrage payant" and AVAILABILITY_LABELS["book"]["es"] == "Libro de pago"
    assert any("Un ouvrage payant." in t for t in french)


def test_spanish_terms(questionnaire, catalogue):
    spanish = _all_texts(questionnaire, catalogue, "es")
    joined = "\n".join(spanish)
    # Return is "repatriación"; "devolución" is kept for "no devolución" (non-refoulement) alone.
    assert "retorno" not in joined.lower() and "devuelv" not in joined and "devuelto" not in joined
    assert re.findall(r"\w*devoluci\w*", joined) == ["devolución"] and "no devolución" in joined
    assert "repatriación" in joined.lower() or "repatría" in joined
    for wanted in ("¿Qué grado de seguridad", "garantizar la seguridad de los documentos", "zonas de tránsito",
                   "Solo a simple vista", "Tenemos contacto con migrantes", "Un libro de pago."):
        assert wanted in joined, wanted
    assert "Atiend" not in joined and "Qué tan" not in joined
    from reports.catalogue import AVAILABILITY_LABELS

    assert AVAILABILITY_LABELS["on-request"]["es"] == "Previa solicitud a la UNODC"
    t = Translator("es")
    assert t("not asked") == "no se pregunta" and "«no se pregunta»" in t(
        "Level from 0 (none) to 4 (advanced); the target is 3. A section outside an agency's mandate is \u201cnot asked\u201d.")


def test_published_agrees_with_what_it_describes(app):
    from flask_babel import force_locale, pgettext

    from webapp.core.status import FILTER_LABELS, LABELS, PUBLISHED

    with app.test_request_context():
        for lang, one, many, report, date in (("fr", "Publiée", "Publiées", "Publié", "Publié le"),
                                              ("es", "Publicada", "Publicadas", "Publicado", "Fecha de publicación")):
            with force_locale(lang):
                assert str(LABELS[PUBLISHED]) == one  # an assessment
                assert str(FILTER_LABELS[PUBLISHED]) == many  # the assessments a filter selects
                assert pgettext("national report", "Published") == report
                assert pgettext("date", "Published") == date


# --- country names ---------------------------------------------------------------------------

def test_country_names_are_the_uns_and_sorted_as_the_language_sorts():
    fr = country_names("fr")
    assert fr["BO"] == "Bolivie (État plurinational de)" and fr["US"] == "États-Unis d’Amérique"
    assert fr["GB"] == "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord" and fr["CZ"] == "Tchéquie"
    assert fr["TR"] == "Türkiye" and fr["NG"] == "Nigéria" and fr["KR"] == "République de Corée"
    assert country_names("es")["TT"] == "Trinidad y Tabago" and country_names("es")["NL"] == "Países Bajos (Reino de los)"
    names = list(fr.values())
    assert names == sorted(names, key=sort_key)
    # An accented capital sorts as its letter: "États-Unis" among the E, not after "Zimbabwe".
    assert names.index("Espagne") < names.index("Estonie") < names.index("États-Unis d’Amérique") < names.index("Éthiopie") < names.index("Fidji")
    assert names.index("Égypte") < names.index("El Salvador")
    assert len(fr) == len(country_names("en")) == len(country_names("es")) == 195


def test_the_french_country_list_in_the_wizard_is_in_french_order(app):
    from tests.helpers import Browser, start

    browser = Browser(app.test_client())
    browser.get("/language/fr?next=/", status=302)
    token = start(browser)
    page = html_module.unescape(browser.get(f"/a/{token}/section/profile").get_data(as_text=True))
    select = page.split('name="q_country"', 1)[1].split("</select>", 1)[0]
    options = [name for value, name in re.findall(r'<option[^>]*value="([A-Z]{2})"[^>]*>([^<]+)</option>', select)]
    assert options == sorted(options, key=sort_key) and "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord" in options


# --- tna validate ----------------------------------------------------------------------------

@pytest.fixture()
def translations_copy(tmp_path, monkeypatch):
    import reports.i18n as i18n

    copy = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS_DIR, copy)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", copy)
    return copy


def _validate():
    from webapp.cli import main

    return CliRunner().invoke(main, ["validate"])


def test_validate_passes_on_the_catalogues_as_they_are(translations_copy):
    result = _validate()
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("change", "says"), [
    (lambda po: po.replace('\nmsgid "There is a problem"', '\n#, fuzzy\nmsgid "There is a problem"', 1), "fuzzy"),
    (lambda po: po.replace('msgstr "Il y a un problème"', 'msgstr ""', 1), "no translation"),
    (lambda po: po.replace('msgstr "Il y a un problème"', 'msgstr "Il y a un problème :"', 1), "French spacing"),
])
def test_validate_fails_on_a_fuzzy_missing_or_badly_spaced_translation(translations_copy, change, says):
    po = translations_copy / "fr" / "LC_MESSAGES" / "messages.po"
    before = po.read_text(encoding="utf-8")
    after = change(before)
    assert after != before
    po.write_text(after, encoding="utf-8")
    result = _validate()
    assert result.exit_code == 1 and says in result.output and "There is a problem" in result.output, result.output
