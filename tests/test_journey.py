"""A national official's journey: start, profile, every section, check, submit, report, PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.helpers import PROFILE, answer_all, form_data
from tests.helpers import start, walk


def test_whole_journey_to_pdf(browser, questionnaire):
    token = start(browser)
    page = browser.get(f"/a/{token}/section/profile").get_data(as_text=True)
    assert f"/a/{token}/" in page, "the private link is shown from the first page"
    assert "Before the sections" in page

    answers = dict(PROFILE, sea_interdiction_procedure="none", sea_flag_requests="never")
    visited = walk(browser, questionnaire, token, answers)
    assert "sea" in visited and "air" not in visited, "sea applies to a coast guard; air does not"
    assert "border-control" in visited

    html = browser.get(f"/a/{token}/check").get_data(as_text=True)
    assert "Coast Guard Service" in html and "Kenya" in html
    assert html.count("Change<") >= 40

    response = browser.post(f"/a/{token}/submit", status=302)
    assert response.headers["Location"].endswith(f"/a/{token}/submitted")
    after = browser.get(f"/a/{token}/submitted").get_data(as_text=True)
    assert "Submitted: what happens next" in after and "Your answers are locked for review" in after
    report = browser.get(f"/a/{token}/report").get_data(as_text=True)
    assert "Issue paper: smuggling of migrants by sea" in report
    assert "a core area for this kind of agency" in report

    pdf = browser.get(f"/a/{token}/report.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Coast Guard Service" in text
    assert "Smuggling by sea" in text
    assert "Issue paper: smuggling of migrants by sea" in text and "Actions to take first" in text
    assert reader.metadata.title.startswith("Training needs report")


def test_progress_counts_applicable_sections(browser, questionnaire):
    token = start(browser)
    answers = dict(PROFILE)
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, answers), csrf_from=f"/a/{token}/section/profile", status=302)
    applicable = questionnaire.applicable_sections(answers)
    html = browser.get(f"/a/{token}/section/{applicable[1].id}").get_data(as_text=True)
    assert f"Section 1 of {len(applicable) - 1}" in html
    overview = browser.get(f"/a/{token}/").get_data(as_text=True)
    assert "Complete" in overview and "Not started" in overview
    assert "Smuggling by air" not in overview


def test_resume_on_another_computer(app, browser, questionnaire):
    token = start(browser)
    answers = dict(PROFILE)
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, answers), csrf_from=f"/a/{token}/section/profile", status=302)

    other = type(browser)(app.test_client())  # a new browser: no cookies, no session
    response = other.get(f"/resume?link=http://localhost/a/{token}/", status=302)
    assert response.headers["Location"].endswith(f"/a/{token}/")
    html = other.get(f"/a/{token}/section/profile").get_data(as_text=True)
    assert 'value="Coast Guard Service"' in html
    next_section = questionnaire.applicable_sections(answers)[1]
    other.post(f"/a/{token}/section/{next_section.id}", form_data(next_section, answers), csrf_from=f"/a/{token}/section/{next_section.id}", status=302)
    overview = other.get(f"/a/{token}/").get_data(as_text=True)
    assert overview.count("tag-complete") == 2


def test_change_link_returns_to_check(browser, questionnaire):
    token = start(browser)
    answers = dict(PROFILE)
    walk(browser, questionnaire, token, answers)
    check = browser.get(f"/a/{token}/check").get_data(as_text=True)
    link = re.search(r'href="(/a/[^"]+/section/profile\?return=check)#q-agency_name"', check).group(1)
    page = browser.get(link).get_data(as_text=True)
    assert 'name="return" value="check"' in page
    data = form_data(questionnaire.profile, answers)
    data["q_agency_name"] = "Maritime Police"
    data["return"] = "check"
    response = browser.post(link, data, status=302)
    assert response.headers["Location"].endswith(f"/a/{token}/check")
    assert "Maritime Police" in browser.get(f"/a/{token}/check").get_data(as_text=True)


def test_save_and_come_back_later_keeps_partial_page(browser, questionnaire):
    token = start(browser)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    response = browser.post(url, {"action": "save", "q_agency_name": "Port Police", "shown": ["agency_name"]}, status=302)
    assert response.headers["Location"].endswith(f"/a/{token}/")
    overview = browser.get(f"/a/{token}/").get_data(as_text=True)
    assert "In progress" in overview
    assert 'value="Port Police"' in browser.get(url).get_data(as_text=True)


def test_answer_revealing_a_question_shows_it_before_moving_on(browser, questionnaire):
    token = start(browser)
    answers = dict(PROFILE, agency_type="immigration", borders=["air"])
    walk_to = "visas"
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, answers), csrf_from=f"/a/{token}/section/profile", status=302)
    url = f"/a/{token}/section/{walk_to}"
    browser.get(url)
    section = questionnaire.section(walk_to)
    data = form_data(section, dict(answers, voa_issued="no"))
    data["q_voa_issued"] = "yes"
    response = browser.post(url, data, status=200)
    html = response.get_data(as_text=True)
    assert "more question" in html
    assert 'name="q_voa_risk_indicators"' in html
    assert "There is a problem" not in html


def test_next_section_follows_the_pages_that_apply(questionnaire):
    from webapp.wizard.pages import next_section

    answers = answer_all(questionnaire, dict(PROFILE))
    order = [s.id for s in questionnaire.applicable_sections(answers)]
    assert [next_section(questionnaire, answers, i).id for i in order[:-1]] == order[1:]
    assert next_section(questionnaire, answers, order[-1]) is None
    assert next_section(questionnaire, answers, "not-a-page") is None, "a page that does not apply leads nowhere"


def test_a_laboratory_answers_only_its_mandate_and_gets_its_own_tools(browser, questionnaire):
    token = start(browser)
    answers = {"country": "KE", "agency_name": "National Forensic Laboratory", "agency_type": "forensic-laboratory",
               "borders": ["none"], "staff_size": 40, "respondent_role": "specialist",
               "forensic_equipment": "basic", "forensic_reference": "seized", "forensic_quality": "none",
               "forensic_court": "rarely", "forensic_testimony": "no", "forensic_alerts": "none",
               "forensic_staff": "on-the-job", "train_needs_analysis": "offers"}
    visited = walk(browser, questionnaire, token, answers)
    assert visited == ["profile", "forensic", "training"]
    html = browser.get(f"/a/{token}/check").get_data(as_text=True)
    assert "Identity and travel documents" not in html and "Smuggling by sea" not in html
    browser.post(f"/a/{token}/submit", status=302)
    report = browser.get(f"/a/{token}/report").get_data(as_text=True)
    actions = report[report.index('id="actions"'):report.index('id="summary"')]
    assert "Guide for the development of forensic document examination capacity" in actions
    assert "Staff skill requirements and equipment recommendations for forensic science laboratories" in report
    assert "High priority" in actions
    data = browser.get(f"/a/{token}/report.json").get_json()
    assert [s["id"] for s in data["sections"]] == ["forensic", "training"]
