"""The PDF: real WeasyPrint output read back with pypdf; nothing fetched but bundled assets."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reports.build import build_report
from reports.fetcher import BundledAssetFetcher
from reports.render import render_body, render_document, render_pdf
from tests.helpers import answer_all

XSS = '<script>alert(1)</script><img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


class CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        CountingHandler.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    CountingHandler.hits = []
    server = HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetcher_serves_bundled_assets_only():
    fetcher = BundledAssetFetcher()
    assert b"@page" in fetcher("asset:print.css").read()
    for url in ["asset:../../etc/passwd", "asset:nope.css", "file:///etc/passwd", "http://127.0.0.1/", "https://example.org/a.css", "data:text/css,body{}", "ftp://x/y"]:
        with pytest.raises(ValueError):
            fetcher(url)
    assert len(fetcher.refused) == 7


def test_rendering_refuses_file_http_redirect_data_and_attachments(http_server):
    html = f"""<html><head>
      <link rel="stylesheet" href="{http_server}/style.css">
      <link rel="stylesheet" href="{http_server}/redirect">
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{http_server}/secret.txt">
      <link rel="stylesheet" href="asset:print.css">
      </head><body>
      <img src="file:///etc/passwd"><img src="{http_server}/pixel.png">
      <img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E">
      <object data="file:///etc/hostname"></object>
      <p style="background: url('file:///etc/passwd')">Hello</p></body></html>"""
    fetcher = BundledAssetFetcher()
    data = render_pdf(html, fetcher)
    assert CountingHandler.hits == [], "nothing may reach the network"
    assert fetcher.served == ["print.css"]
    refused = " ".join(fetcher.refused)
    for url in ["file:///etc/passwd", f"{http_server}/style.css", f"{http_server}/redirect", f"{http_server}/secret.txt", "data:image/svg+xml"]:
        assert url in refused, url
    reader, text = pdf_text(data)
    assert "root:" not in text
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))


def report_for(questionnaire, catalogue, **overrides):
    answers = answer_all(questionnaire, dict({
        "country": "MA", "agency_name": "Direction Générale de la Sûreté", "agency_type": "border-police",
        "borders": ["land", "sea", "air"], "staff_size": 4200, "respondent_role": "manager",
        "doc_first_line": "none", "corruption_risk_assessment": "none"}, **overrides))
    return build_report(questionnaire, catalogue, answers, {"reference": "TNA-TEST"})


def test_user_text_is_escaped_in_html_and_pdf(questionnaire, catalogue, http_server):
    report = report_for(questionnaire, catalogue, agency_name=XSS, train_comments=f"{XSS} see {http_server}/x.png and file:///etc/passwd")
    body = str(render_body(report))
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<img src="file' not in body and '<link rel="attachment"' not in body
    fetcher = BundledAssetFetcher()
    data = render_pdf(render_document(report), fetcher)
    assert fetcher.refused == [] and sorted(fetcher.served) == ["print.css", "report.css"]
    assert CountingHandler.hits == []
    _, text = pdf_text(data)
    assert "<script>alert(1)</script>" in text.replace("\n", ""), "shown as text, not run"


def test_pdf_has_structure_metadata_and_content(questionnaire, catalogue):
    report = report_for(questionnaire, catalogue)
    reader, text = pdf_text(render_pdf(render_document(report)))
    assert "Direction Générale de la Sûreté" in text and "Morocco" in text and "TNA-TEST" in text
    for heading in ["Actions to take first", "Summary", "Findings by section", "Recommended tools and parts", "Suggested training plan", "Annex: all answers"]:
        assert heading in text
    for title in ["Border control", "Identity and travel documents", "Smuggling by sea", "Smuggling by air", "Corruption", "Training capacity"]:
        assert title in text
    assert "Introduction to security document examination" in text
    assert "Issue paper: corruption and the smuggling of migrants" in text
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" not in reader.pages[0].extract_text(), "no footer on the cover"
    assert f"Page 2 of {pages}" in reader.pages[1].extract_text()
    assert "Direction Générale de la Sûreté" in reader.pages[1].extract_text(), "running header"
    meta = reader.metadata
    assert meta.title == "Training needs report: Direction Générale de la Sûreté"
    assert meta.author == "Direction Générale de la Sûreté"
    assert str(reader.trailer["/Root"].get("/Lang")) == "en"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Summary" in outline and "Recommended tools and parts" in outline
    uris = [a.get_object()["/A"].get("/URI") for page in reader.pages for a in page.get("/Annots", []) if "/A" in a.get_object()]
    assert any(str(u).startswith("https://www.unodc.org/") for u in uris if u)
    toc = reader.pages[0].extract_text()
    assert "Summary" in toc and "Annex: all answers" in toc


def test_cli_report_from_answers_file(tmp_path, questionnaire):
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(
        "questionnaire: smuggling-of-migrants\nreference: WORKSHOP-7\ndate: 2026-11-20\nanswers:\n"
        "  country: PH\n  agency_name: Philippine Coast Guard\n  agency_type: coast-guard\n  borders: [sea]\n"
        "  staff_size: 20000\n  respondent_role: training-officer\n  sea_interdiction_procedure: draft\n  sea_flag_requests: never\n"
        "  sea_mothership: no\n"
    )
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(__import__("webapp.cli", fromlist=["main"]).main, ["report", str(answers_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    _, text = pdf_text(out.read_bytes())
    assert "Philippine Coast Guard" in text and "WORKSHOP-7" in text and "20 November 2026" in text
    assert "Issue paper: smuggling of migrants by sea" in text


def test_cli_report_rejects_bad_answers(tmp_path):
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text("answers:\n  agency_type: spaceship\n  no_such_question: 1\n")
    result = CliRunner().invoke(__import__("webapp.cli", fromlist=["main"]).main, ["report", str(answers_file), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert "answers.agency_type: Select one of the answers shown" in result.output
    assert "answers.no_such_question: no such question" in result.output


def test_pdf_is_rendered_once_and_cached_until_the_answers_change(app, browser, questionnaire, monkeypatch):
    from tests.helpers import PROFILE, form_data
    from tests.helpers import start, walk
    import webapp.core.pdfs as pdfcache

    renders = []
    real = pdfcache.render_pdf_isolated
    monkeypatch.setattr(pdfcache, "render_pdf_isolated", lambda html: renders.append(1) or real(html))
    token = start(browser)
    answers = dict(PROFILE)
    walk(browser, questionnaire, token, answers)
    first = browser.get(f"/a/{token}/report.pdf")
    second = browser.get(f"/a/{token}/report.pdf")
    assert first.data == second.data and len(renders) == 1
    etag = first.headers["ETag"]
    assert browser.get(f"/a/{token}/report.pdf", status=304, headers={"If-None-Match": etag}).data == b""

    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = form_data(questionnaire.profile, dict(answers))
    data["q_agency_name"] = "Renamed Coast Guard"
    browser.post(url, data, status=302)
    third = browser.get(f"/a/{token}/report.pdf")
    assert len(renders) == 2 and third.headers["ETag"] != etag
    assert "Renamed Coast Guard" in pdf_text(third.data)[1]

    from sqlalchemy import func, select

    from webapp.core.db import db
    from webapp.core.models import RenderedReport

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RenderedReport)) == 1


def _weakest(questionnaire, agency_type="immigration", borders=("land", "sea", "air")):
    from tests.helpers import fill_answers

    return fill_answers(questionnaire, {"name": "Weakest agency", "agency_type": agency_type,
                                        "borders": list(borders), "fill": "weak"})



def test_the_weakest_realistic_agency_gets_at_most_twelve_pages_before_the_annex(questionnaire, catalogue):
    report = build_report(questionnaire, catalogue, _weakest(questionnaire), {"reference": "TNA-WEAK"})
    reader, _ = pdf_text(render_pdf(render_document(report)))
    pages = [page.extract_text() for page in reader.pages]
    annex = next(i for i, text in enumerate(pages) if i > 0 and "Annex: all answers" in text and "Question" in text)
    assert annex <= 12, f"{annex} pages before the annex"
    # The action summary is one page, right after the cover, with the profile, chart and six actions.
    assert "Actions to take first" in pages[1] and "Immigration service" in pages[1]
    assert "Level from 0 to 4" in pages[1] and "What the levels mean" in pages[1] and "Established" in pages[1]
    assert pages[1].count("High priority") == 6
    assert "No more high-priority items follow." in pages[1] and "Items of medium or low priority that follow:" in pages[1]
    assert "Actions to take first" not in pages[2]


def test_french_report_marks_english_titles_everywhere_and_writes_priorities_in_lower_case(questionnaire, catalogue):
    report = build_report(questionnaire, catalogue, _weakest(questionnaire, "coast-guard", ("sea",)), {"reference": "TNA-FR"}, "fr")
    assert report.actions and all(a.title_in_english for a in report.actions if a.resource_id != "forensic-document-examination-guide")
    html = render_document(report)
    _, text = pdf_text(render_pdf(html))
    flat = " ".join(text.split())
    assert "(titre anglais)" in flat.lower() or "(titre en anglais)" in flat.lower()
    plan = html[html.index('id="plan"'):html.index('id="annex"')]
    assert "(priorité haute)" in plan and "(Priorité haute)" not in plan
    actions = html[html.index('id="actions"'):html.index('id="summary"')]
    assert actions.count('lang="en"') >= 5, "titles in the action summary are marked English"
    words = [w for w in flat.split() if "unodc.org" not in w and "UNODC_" not in w]
    assert "UNODC" not in " ".join(words).replace("ONUDC", ""), "ONUDC in French"


def test_a_reason_is_not_broken_after_its_first_word(questionnaire, catalogue):
    """With list markers, WeasyPrint broke "Circonstances / aggravantes : niveau 0,0" after the
    first word; the reasons are laid out without markers."""
    report = build_report(questionnaire, catalogue, _weakest(questionnaire, "ministry", ()), {"reference": "X"}, "fr")
    _, text = pdf_text(render_pdf(render_document(report)))
    lines = text.splitlines()
    assert "Circonstances aggravantes\u202f: niveau 0,0, cible 3" in text
    assert not [line for line in lines if line.strip() in {"Circonstances", "Incrimination", "Risk"}]
