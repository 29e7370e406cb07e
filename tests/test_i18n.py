"""English, French and Spanish everywhere; right-to-left and CJK ready."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from questionnaires import load_questionnaire
from questionnaires.translations import missing_translations
from reports.build import build_report
from reports.catalogue import translation_problems
from reports.i18n import Translator, catalogue_problems
from reports.render import render_document, render_pdf
from tests.helpers import FIXTURES, Browser
from tests.helpers import PROFILE, answer_all, form_data, pdf_text
from tests.helpers import start, walk
from webapp.cli import main

# Report words that must never be left in English in a French or Spanish report.
ENGLISH_REPORT_WORDS = [
    "Summary", "Capacity by section", "Findings by section", "Recommended tools and parts",
    "Suggested training plan", "Annex: all answers", "Why:", "priority", "Coverage", "Not answered",
    "target", "Page 2 of", "Training needs report", "Country", "Reference", "First-line officers",
    "Free online", "Don't know", "Level ",
]


def test_definitions_and_catalogues_are_fully_translated(questionnaire, catalogue):
    assert translation_problems(questionnaire, catalogue) == []
    assert catalogue_problems() == []


def test_missing_translations_are_reported_with_file_and_path():
    questionnaire = load_questionnaire(FIXTURES / "minimal.yaml")
    problems = missing_translations(questionnaire, "minimal.yaml")
    assert "minimal.yaml: sections[0].questions[0].text: no French text" in problems
    assert "minimal.yaml: sections[0].questions[0].text: no Spanish text" in problems
    assert not any(p.startswith("minimal.yaml: title:") and "French" in p for p in problems), "title has fr"
    assert "minimal.yaml: title: no Spanish text" in problems


def test_cli_validate_fails_on_missing_translations():
    result = CliRunner().invoke(main, ["validate", "--questionnaire", str(FIXTURES / "minimal.yaml"), "--catalogue", str(FIXTURES / "minimal-resources.yaml")])
    assert result.exit_code == 1
    assert "profile.questions[0].text: no French text" in result.output
    assert "resources[0].parts[0].title: no Spanish text" in result.output
    assert "resources[0].title" not in result.output, "official titles stay in English"


def test_numbers_and_dates_follow_the_language():
    day = dt.date(2026, 11, 28)
    assert Translator("en").date(day) == "28 November 2026"
    assert Translator("fr").date(day) == "28 novembre 2026"
    assert Translator("es").date(day) == "28 de noviembre de 2026"
    assert Translator("en").number(1234567) == "1,234,567"
    assert Translator("fr").number(1234567).replace("\u202f", " ") == "1 234 567"
    assert Translator("es").number(1234567) == "1.234.567"
    assert Translator("fr").number(2.5, 1) == "2,5" and Translator("es").number(2.5, 1) == "2,5"


def test_first_visit_follows_accept_language_and_the_switcher_remembers(app):
    browser = Browser(app.test_client())
    html = browser.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es"' in html and "Empezar una nueva evaluación" in html
    response = browser.get("/language/fr?next=/", status=302)
    assert response.headers["Location"] == "/"
    html = browser.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="fr"' in html and "Commencer une nouvelle évaluation" in html
    assert 'aria-current="true">Français' in html
    for code, name in [("en", "English"), ("fr", "Français"), ("es", "Español")]:
        assert f'hreflang="{code}"' in html and name in html
    assert browser.get("/language/de?next=//evil.example/", status=302).headers["Location"] == "/"


def test_whole_assessment_in_french_with_messages_and_recorded_language(app, questionnaire):
    from tests.helpers import saved

    browser = Browser(app.test_client())
    browser.get("/language/fr?next=/", status=302)
    token = start(browser)
    page = html_module.unescape(browser.get(f"/a/{token}/section/profile").get_data(as_text=True))
    assert "De quel type d'organisme s'agit-il\u202f?" in page and "Garde côtière ou police maritime" in page
    assert "Allemagne" in page, "country names in French"
    url = f"/a/{token}/section/documents"
    answers = dict(PROFILE)
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, answers), status=302)
    browser.get(url)
    html = browser.post(url, {"action": "continue", "shown": ["doc_first_line"]}, status=200).get_data(as_text=True)
    assert "Il y a un problème" in html and "Choisissez une réponse" in html and "Je ne sais pas" in html
    with app.app_context():
        from sqlalchemy import select

        from webapp.core.db import db
        from webapp.core.models import Assessment

        assert db.session.scalar(select(Assessment.language).where(Assessment.token == token)) == "fr"
    assert saved(app, token)["agency_type"] == "coast-guard"


def test_report_in_any_language_whatever_the_answers_language(app, questionnaire):
    browser = Browser(app.test_client())
    browser.get("/language/fr?next=/", status=302)
    token = start(browser)
    walk(browser, questionnaire, token, dict(PROFILE, sea_interdiction_procedure="none"))
    spanish = browser.get(f"/a/{token}/report?lang=es").get_data(as_text=True)
    assert "Herramientas y partes recomendadas" in spanish and "(título en inglés)" in spanish
    assert 'href="/a/' + token + '/report.pdf?lang=es"' in spanish
    pdf = browser.get(f"/a/{token}/report.pdf?lang=es").data
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert str(reader.trailer["/Root"].get("/Lang")) == "es"
    assert "Informe sobre necesidades de formación" in reader.metadata.title
    assert "¿Tienen procedimientos escritos para detener y visitar un buque" in text.replace("\n", " ")
    assert "Página 2 de" in text
    french = browser.get(f"/a/{token}/report.pdf?lang=fr").data
    assert "Résumé" in pdf_text(french)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_pdf_has_no_english_left_behind(questionnaire, catalogue, lang):
    answers = answer_all(questionnaire, dict(PROFILE, agency_name="Agence", doc_first_line="none", doc_alerts="dont-know", train_comments=""))
    report = build_report(questionnaire, catalogue, answers, {"reference": "R-1", "status": "-"}, lang)
    html = render_document(report)
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for title in {r.title["en"] for r in catalogue.resources}:
        text = text.replace(title, "")
    flat = re.sub(r"https?://\S+", "", text.replace("\n", " "))
    left = [w for w in ENGLISH_REPORT_WORDS if w in flat]
    assert left == [], left
    assert str(reader.trailer["/Root"].get("/Lang")) == lang


def test_hyphenation_follows_the_language():
    word = "anticonstitutionnellement " * 3
    html = f'<html lang="{{lang}}"><body><p style="width: 30mm; hyphens: auto; font-size: 14pt">{word}</p></body></html>'
    french = pdf_text(render_pdf(html.replace("{lang}", "fr")))
    unknown = pdf_text(render_pdf(html.replace("{lang}", "zz")))
    hyphen_breaks = re.compile("[-\u2010]\n")
    assert hyphen_breaks.search(french), "French words are hyphenated with French patterns"
    assert not hyphen_breaks.search(unknown), "no patterns, no hyphens"


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


def test_right_to_left_page_renders_arabic_and_chinese_glyphs():
    import shutil
    import subprocess

    if shutil.which("fc-list") is None or "Noto Sans Arabic" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.fail("Noto fonts are missing: sudo apt-get install -y fontconfig fonts-noto-core fonts-noto-cjk (make test does it as root)")
    arabic = "تهريب المهاجرين"
    chinese = "偷运移民"
    html = (
        '<html lang="ar" dir="rtl"><head><link rel="stylesheet" href="asset:report.css">'
        '<link rel="stylesheet" href="asset:print.css"></head><body>'
        f'<h1 class="report-title">{arabic}</h1><p>{arabic}</p><p lang="zh">{chinese}</p></body></html>'
    )
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    text = reader.pages[0].extract_text()
    assert chinese in text
    assert "تهريب" in text or "بيرهت" in text, text
    fonts = _fonts(reader)
    assert any("Arabic" in f for f in fonts), fonts
    assert any("CJK" in f for f in fonts), fonts
    # Those faces have a glyph for every character shown, so nothing is drawn as a box.
    from fontTools.ttLib import TTCollection, TTFont

    def covers(family: str, sample: str) -> bool:
        path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout
        font = TTCollection(path).fonts[0] if path.endswith(".ttc") else TTFont(path)
        cmap = font.getBestCmap()
        return all(ord(ch) in cmap for ch in sample if not ch.isspace())

    assert covers("Noto Naskh Arabic", arabic) and covers("Noto Sans CJK SC", chinese)


def test_every_interface_string_is_in_the_catalogues(tmp_path):
    """A new string in the code or a template must be extracted and translated."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "t", "-k", "N_", "-k", "lazy_gettext",
                    "--no-location", "--omit-header", "-o", str(pot), "."], cwd=root, check=True, capture_output=True)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot.open("rb")) if m.id}
    for lang in ("fr", "es"):
        catalog = read_po((root / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb"), locale=lang)
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
        assert wanted - translated == set(), f"{lang}: run scripts/update-translations.sh and translate"


def test_engine_and_report_labels_are_complete_in_every_language():
    from reports.catalogue import AUDIENCE_LABELS, label_problems

    assert label_problems() == []
    assert AUDIENCE_LABELS["trainers"]["fr"] == "Formateurs"
