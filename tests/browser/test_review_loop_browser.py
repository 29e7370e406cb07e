"""The review loop in Chromium: a TA officer asks a question about a section; the official sees
it on the progress page and in the section, replies; the assessment is back under "Needs my
action"; the officer resolves the thread, changes a recommendation where it is listed, and
publishes after the preview. Axe checks each new or changed page, and the copy button works."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import sign_in
from tests.browser.wizard import check_accessibility, complete_sections, go, shoot, start
from tests.helpers import PROFILE, answer_all


@pytest.fixture
def answers(questionnaire):
    return answer_all(questionnaire, dict(PROFILE, borders=["sea", "land"]))


def _notices(page) -> str:
    return " ".join(page.locator(".notice").all_inner_texts())


def test_a_question_goes_to_the_official_and_back_to_the_queue(new_context, questionnaire, answers):
    page_context = new_context()
    page_context.grant_permissions(["clipboard-read", "clipboard-write"])
    official = page_context.new_page()
    official.goto("/")
    official.click("summary:has-text('depending on the type of agency')")
    check_accessibility(official, "start page with the areas by type of agency")
    link = start(official)

    # The copy button appears with JavaScript and copies the link.
    official.click("button.copy-link")
    official.wait_for_selector(".copy-status:has-text('Link copied.')")
    assert official.evaluate("navigator.clipboard.readText()") == link

    complete_sections(official, questionnaire, answers)
    go(official, "text=Submit for review")
    assert official.url.endswith("/submitted")
    assert "Submitted: what happens next" in official.inner_text("main")
    assert "Your answers are locked for review" in official.inner_text("aside.resume")
    check_accessibility(official, "submitted: what happens next")

    # The TA officer's queue opens on what needs action, with labels.
    ta = new_context().new_page()
    sign_in(ta, "ta")
    ta.goto("/review/")
    assert ta.inner_text(".queue-views [aria-current=page]").startswith("Needs my action (1)")
    assert "Coast guard" in ta.inner_text("table.data")
    check_accessibility(ta, "review queue")
    go(ta, "table.data a")
    review_url = ta.url
    sea_question = questionnaire.section("sea").questions[0]
    ta.select_option("#c-target", f"question:sea:{sea_question.id}")
    ta.fill("#c-text", "Which patrol boats do you mean?")
    ta.check("#c-clar")
    go(ta, "button:has-text('Save comment')")
    assert "Clarification asked" in _notices(ta)
    ta.goto("/review/")
    assert "Nothing needs your action now." in ta.inner_text("main")
    assert ta.inner_text(".queue-views").count("Waiting for the agency (1)") == 1

    # The official sees the question on the progress page, and the section is not "Complete".
    official.goto(link)
    main = official.inner_text("main")
    assert "The reviewer asked you 1 question" in main and "Which patrol boats do you mean?" in main
    assert sea_question.text["en"] in main
    sea_row = official.locator("li.task", has=official.locator("a[href$='/section/sea']"))
    assert "1 question from the reviewer" in sea_row.inner_text() and sea_row.locator(".tag-complete").count() == 0
    check_accessibility(official, "progress page with a question from the reviewer")
    shoot(official, "progress-with-question")

    # In the section: the question at the top, a pointer beside the question it is about.
    go(official, "main a[href$='/section/sea'] >> nth=0")
    assert official.locator(".reviewer-question").count() == 1
    assert official.locator(f"#asked-{sea_question.id}").is_visible()
    check_accessibility(official, "section with a question from the reviewer")
    official.fill(".reviewer-question textarea", "The two boats bought last year.")
    go(official, "button:has-text('Send the reply')")
    assert "Your reply is saved for the reviewer." in _notices(official)

    # Back in the officer's queue, under "Needs my action", saying why.
    ta.goto("/review/")
    assert "The agency replied" in ta.inner_text("table.data")
    go(ta, "table.data a")
    thread = ta.locator("#comments ~ div.thread")
    assert "The two boats bought last year." in thread.inner_text() and sea_question.text["en"] in thread.inner_text()
    go(ta, "#comments ~ div.thread button:has-text('Mark as resolved')")
    assert "Marked as resolved." in _notices(ta)
    check_accessibility(ta, "review page with a resolved thread")
    official.goto(link)
    assert "Which patrol boats" not in official.inner_text("main")

    # The officer lowers a recommendation where it is listed; the official sends the assessment again.
    first = ta.locator(".rec-row >> nth=0")
    first.locator("summary").click()
    first.locator("input[value=remove]").check()
    first.locator("textarea").fill("Trained last year.")
    go(ta, ".rec-row >> nth=0 >> button:has-text('Save the change')")
    assert "Recommendation changed." in _notices(ta)
    official.goto(link + "check")
    go(official, "text=Submit for review")

    # Publishing shows what donors will read first.
    ta.goto(review_url)
    go(ta, "text=Mark as reviewed")
    go(ta, "text=Preview and publish")
    assert "as donors will read it" in ta.inner_text("main")
    check_accessibility(ta, "publish preview")
    go(ta, "text=Publish the report")
    assert "Published. Donors can now read the report." in _notices(ta)
    assert re.search(r"Status:\s*Published", ta.inner_text("main"))


def test_the_copy_button_is_absent_without_javascript_and_the_link_stays_selectable(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    go(page, "text=Start a new assessment")
    assert page.locator("button.copy-link").is_hidden()
    assert re.search(r"/a/[A-Za-z0-9_-]{30,}/$", page.inner_text(".resume-link a"))
