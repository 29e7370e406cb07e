"""Whole journeys in Chromium: start to PDF, resume in a new browser, keyboard only, no
JavaScript, accessibility (axe-core), no outside requests, page weight, phone and desktop."""

from __future__ import annotations

import re

import pytest

from tests.browser.wizard import (
    BROWSER_PASSWORD,
    CHROMIUM,
    CHROMIUM_ARGS,
    answer_page,
    check_accessibility,
    complete_sections,
    go,
    save_and_continue,
    shoot,
    shown_questions,
    start,
)
from tests.helpers import PROFILE, answer_all, pdf_text

PAGE_BUDGET_BYTES = 200 * 1024


@pytest.fixture
def answers(questionnaire):
    return answer_all(questionnaire, dict(PROFILE, borders=["sea", "land"], sea_interdiction_procedure="none",
                                          doc_first_line="none"))


def assert_focused(page, element_id: str) -> None:
    """The browser applies `autofocus` at its next rendering step, not at load: wait for it
    (at most 5 s) instead of reading the focus the instant the page has loaded."""
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id, timeout=5000)


def test_whole_assessment_from_start_to_pdf(page, questionnaire, answers, live_server):
    start(page)
    assert "Before the sections" in page.inner_text("main")
    seen = complete_sections(page, questionnaire, answers)
    assert "sea" in seen, "the sea section is reached only because the agency works at sea"
    assert "air" not in seen
    assert page.url.endswith("/check")

    # A Change link goes back to the question, then returns to the check page.
    go(page, 'a[href*="section/profile?return=check#q-agency_name"]')
    assert page.url.endswith("#q-agency_name")
    page.fill("#q-agency_name", "Kenya Coast Guard Service")
    go(page, 'button[name="action"][value="continue"]')
    page.wait_for_url(re.compile(r"/check(#.*)?$"))
    assert "Kenya Coast Guard Service" in page.inner_text("main")

    go(page, "text=Submit for review")
    page.wait_for_url(re.compile(r"/submitted$"))
    assert "Submitted: what happens next" in page.inner_text("main")
    check_accessibility(page, "submitted: what happens next")
    go(page, "text=Read your report")
    page.wait_for_url(re.compile(r"/report$"))
    report = page.inner_text("main")
    assert "Issue paper: smuggling of migrants by sea" in report and "a core area for this kind of agency" in report

    with page.expect_download() as download:
        page.click("text=Download the report as PDF")
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Kenya Coast Guard Service" in text and "Smuggling by sea" in text
    assert "Issue paper: smuggling of migrants by sea" in text and "Actions to take first" in text


def test_resume_in_a_new_browser_after_closing_the_first(playwright, new_context, questionnaire, answers, live_server):
    first = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = first.new_page(base_url=live_server)
    link = start(page)
    seen = complete_sections(page, questionnaire, answers, stop_after=3)
    first.close()  # the official closes the browser halfway

    page = new_context().new_page()
    page.goto(link)
    assert "Your progress" in page.inner_text("h1")
    go(page, "text=Continue where you left off")
    assert page.url.split("/section/")[1] not in seen
    rest = complete_sections(page, questionnaire, answers)
    assert rest and page.url.endswith("/check")
    go(page, "text=Submit for review")
    page.wait_for_url(re.compile(r"/submitted$"))


def test_accessibility_and_layout_of_every_page(page, questionnaire, answers):
    page.goto("/")
    check_accessibility(page, "start")
    shoot(page, "start")
    start(page)
    check_accessibility(page, "profile")
    shoot(page, "profile")
    complete_sections(page, questionnaire, answers, stop_after=1)

    # A section page with errors: the summary takes focus and links to each field.
    section_url = page.url
    save_and_continue(page)
    assert page.title().startswith("Error: ")
    assert_focused(page, "error-summary")
    links = page.query_selector_all("#error-summary a")
    assert links and all(page.query_selector(a.get_attribute("href")) for a in links)
    check_accessibility(page, "section with errors")
    shoot(page, "section-errors")

    page.goto(section_url)
    complete_sections(page, questionnaire, answers)
    check_accessibility(page, "check answers")
    shoot(page, "check")
    page.goto(page.url.replace("/check", "/"))
    check_accessibility(page, "progress")
    shoot(page, "progress")
    page.goto(page.url + "report")
    check_accessibility(page, "report")
    shoot(page, "report")
    page.goto("/a/no-such-link/")
    check_accessibility(page, "not found")


def test_a_section_with_the_keyboard_only(page, questionnaire, answers):
    start(page)
    answer_page(page, questionnaire, answers)
    save_and_continue(page)
    page.wait_for_url(re.compile(r"/section/border-control$"))
    questions = [q.id for q in questionnaire.section("border-control").visible_questions(answers)]

    # From the top of the page: Tab to each group, Space to choose, Tab on, Enter to send.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    answered = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || ''")
        if name.startswith("q_") and name not in answered:
            page.keyboard.press("Space")
            answered.add(name)
        if page.evaluate("document.activeElement.value") == "continue":
            break
    assert answered == {f"q_{q}" for q in questions}
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/section/documents$"))
    page.goto(page.url.replace("/section/documents", "/"))
    assert "Complete" in page.inner_text(".task-list")


def test_whole_journey_with_javascript_off(new_context, questionnaire, answers):
    page = new_context(java_script_enabled=False).new_page()
    start(page)
    seen = complete_sections(page, questionnaire, answers)
    assert "sea" in seen
    # Errors still show, with the summary, without any script.
    go(page, "text=Submit for review")
    go(page, "text=Read your report")
    page.wait_for_url(re.compile(r"/report$"))
    with page.expect_download() as download:
        page.click("text=Download the report as PDF")
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")
    shoot(page, "report-no-js")


def test_heaviest_wizard_page_is_under_200_kb(page, questionnaire, answers):
    start(page)
    sizes = {}
    while "/section/" in page.url:
        page.reload()
        page.wait_for_load_state("load")
        total = page.evaluate(
            """() => {
                const nav = performance.getEntriesByType('navigation')[0];
                const own = nav.transferSize || nav.encodedBodySize;
                return own + performance.getEntriesByType('resource')
                    .reduce((sum, r) => sum + (r.transferSize || r.encodedBodySize), 0);
            }"""
        )
        sizes[page.url.rsplit("/", 1)[1]] = total
        answer_page(page, questionnaire, answers)
        save_and_continue(page)
        page.wait_for_load_state()
    heaviest = max(sizes, key=sizes.get)
    print(f"heaviest wizard page: {heaviest}, {sizes[heaviest]:,} bytes with its assets")
    assert sizes[heaviest] < PAGE_BUDGET_BYTES, sizes
    assert len(sizes) >= 8


def sign_in(page, role: str) -> None:
    page.goto("/sign-in")
    page.fill("#email", f"{role}@example.org")
    page.fill("#password", BROWSER_PASSWORD)
    go(page, "main button[type=submit]")
    page.wait_for_load_state()


def test_accessibility_of_the_role_pages(new_context, questionnaire, answers):
    page = new_context().new_page()
    page.goto("/sign-in")
    check_accessibility(page, "sign in")
    go(page, "main button[type=submit]")
    check_accessibility(page, "sign in with errors")
    assert_focused(page, "error-summary")

    official = new_context().new_page()
    start(official)
    complete_sections(official, questionnaire, answers)
    go(official, "text=Submit for review")

    sign_in(page, "ta")
    assert "/review/" in page.url
    check_accessibility(page, "review queue")
    shoot(page, "review-queue")
    go(page, "table.data a")
    check_accessibility(page, "review of one assessment")
    go(page, "text=Mark as reviewed")
    go(page, "text=Preview and publish")
    go(page, "text=Publish the report")
    go(page, "text=This agency's plan and training delivered")
    check_accessibility(page, "agency page with the plan")
    shoot(page, "agency")
    page.select_option("#status-1", "dropped")  # no reason: the problem is shown next to the row
    go(page, "button:has-text(\"Save the plan\")")
    assert "Say why the recommendation is dropped." in page.inner_text("table.plan-items tr.row-error")
    check_accessibility(page, "plan with a row error")
    go(page, "button:has-text(\"Record training\")")  # sent empty: every problem is listed
    check_accessibility(page, "training form with errors")
    assert_focused(page, "error-summary")
    page.goto("/national/")
    check_accessibility(page, "national reports")
    go(page, "text=Choose the assessments")
    check_accessibility(page, "choosing a national report's assessments")
    go(page, "text=Build the national report")
    check_accessibility(page, "national report")
    shoot(page, "national-report")
    go(page, "text=Sign out")

    sign_in(page, "donor")
    assert "/portfolio/" in page.url
    check_accessibility(page, "portfolio")
    shoot(page, "portfolio")
    go(page, "table.data >> nth=-1 >> a")
    check_accessibility(page, "published report for donors")
    go(page, "text=Sign out")

    sign_in(page, "admin")
    page.goto("/admin/users")
    check_accessibility(page, "people and invitations")

    official.goto(official.url.replace("/report", "/"))
    official.goto("/")
    check_accessibility(official, "start page with offline and repeat")


def test_a_follow_up_question_appears_as_soon_as_its_condition_is_met(page, questionnaire, answers):
    link = start(page)
    page.goto(link + "section/profile")
    answer_page(page, questionnaire, dict(answers, agency_type="immigration", borders=["air"]))
    save_and_continue(page)
    page.goto(link + "section/visas")
    follow_up = page.locator("#q-voa_risk_indicators").locator("xpath=ancestor::div[contains(@class, 'question')]")
    assert follow_up.is_hidden()
    page.check('input[name="q_voa_issued"][value="yes"]')
    follow_up.wait_for(state="visible", timeout=5000)
    assert "voa_risk_indicators" in shown_questions(page)
    page.check('input[name="q_voa_issued"][value="no"]')
    follow_up.wait_for(state="hidden", timeout=5000)
    assert "voa_risk_indicators" not in shown_questions(page)


def test_the_work_of_the_chosen_type_is_ticked_and_fixed_as_soon_as_it_is_chosen(page, questionnaire, answers):
    link = start(page)
    page.goto(link + "section/profile")
    investigation = page.locator('input[name="q_other_functions"][value="investigation"]')
    visas = page.locator('input[name="q_other_functions"][value="visa-issuance"]')
    borders = page.locator("#q-borders").locator("xpath=ancestor::div[contains(@class, 'question')]")
    page.check('input[name="q_agency_type"][value="border-police"]')
    assert investigation.is_checked() and investigation.is_disabled()
    assert borders.is_visible()
    page.check('input[name="q_agency_type"][value="consular"]')
    assert not investigation.is_checked() and investigation.is_enabled()
    assert visas.is_checked() and visas.is_disabled()
    borders.wait_for(state="hidden", timeout=5000)
    page.check('input[name="q_other_functions"][value="border-control"]')
    borders.wait_for(state="visible", timeout=5000)
