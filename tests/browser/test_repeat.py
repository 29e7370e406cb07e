"""Repeating an assessment in Chromium: start from the last one, change five answers, resubmit.
Counts the pages loaded and the clicks it takes, against those of the first assessment."""

from __future__ import annotations

import json
import re

from tests.browser.wizard import ARTIFACTS, check_accessibility, go, start
from tests.helpers import PROFILE, answer_all, five_changes


class Counter:
    """Page loads of the main frame, and clicks and choices the official makes."""

    def __init__(self, page):
        self.pages = 0
        self.clicks = 0
        page.on("framenavigated", lambda frame: self._loaded(page, frame))

    def _loaded(self, page, frame):
        if frame == page.main_frame:
            self.pages += 1


def act(counter: Counter, page, selector: str, navigates: bool = False, check: bool = False) -> None:
    counter.clicks += 1
    if navigates:
        go(page, selector)
    elif check:
        page.check(selector)
    else:
        page.click(selector)


def answer_like_an_official(counter, page, questionnaire, answers) -> None:
    """Every question answered by hand, one click (or one typed value) each, then continue."""
    from tests.browser.wizard import shown_questions

    while "/section/" in page.url:
        done = set()
        while True:
            pending = [q for q in shown_questions(page) if q not in done]
            if not pending:
                break
            for question_id in pending:
                question = questionnaire.question(question_id)
                value = answers[question_id]
                if question.type in ("single", "yesno"):
                    act(counter, page, f'input[name="q_{question_id}"][value="{value}"]', check=True)
                elif question.type == "multiple":
                    for item in value:
                        act(counter, page, f'input[name="q_{question_id}"][value="{item}"]', check=True)
                elif question.type == "country":
                    counter.clicks += 1
                    page.select_option(f"#q-{question_id}", value)
                else:
                    counter.clicks += 1
                    page.fill(f"#q-{question_id}", str(value))
                done.add(question_id)
        act(counter, page, 'button[name="action"][value="continue"]', navigates=True)


def test_repeat_an_assessment_with_five_changed_answers(new_context, questionnaire, live_server):
    answers = answer_all(questionnaire, dict(PROFILE, borders=["sea"], sea_interdiction_procedure="none"))
    first = new_context().new_page()
    counter = Counter(first)
    link = start(first)
    answer_like_an_official(counter, first, questionnaire, answers)
    act(counter, first, "text=Submit for review", navigates=True)
    first_pages, first_clicks = counter.pages, counter.clicks

    # A year later, on another computer: paste the last link on the start page.
    check_path = repeat_through_the_check_page(new_context, questionnaire, answers, link)
    page_path = repeat_page_by_page(new_context, questionnaire, answers, link)

    figures = {"first": {"pages": first_pages, "clicks": first_clicks},
               "repeat, five changes through the check page": check_path,
               "repeat, five changes page by page": page_path}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "repeat-measure.json").write_text(json.dumps(figures, indent=2))
    print(figures)
    for path in (check_path, page_path):
        assert path["clicks"] * 2.5 <= first_clicks, figures
    assert page_path["pages"] <= first_pages, figures


def begin_repeat(new_context, link):
    page = new_context().new_page()
    counter = Counter(page)
    page.goto("/")
    counter.clicks += 1
    page.fill("#previous-link", link)
    act(counter, page, "text=Start from it", navigates=True)
    assert page.url.endswith("/section/profile")
    return page, counter


def finish(page, counter, asked: bool) -> dict[str, int]:
    act(counter, page, "text=Submit for review", navigates=True)
    if asked:
        assert "Submit with these answers as they are" in page.inner_text("main")
        check_accessibility(page, "confirm carried answers")
        act(counter, page, "text=Submit with these answers as they are", navigates=True)
    assert re.search(r"/submitted$", page.url), page.url
    # Reading the report is not part of the work counted: the first assessment's count stops at
    # the submission too.
    counted = {"pages": counter.pages, "clicks": counter.clicks}
    page.goto(page.url.removesuffix("submitted") + "report")
    body = page.inner_text("main")
    assert "Change since" in body and "Recommendations then and now" in body
    return counted


def repeat_through_the_check_page(new_context, questionnaire, answers, link) -> dict[str, int]:
    """Change five answers through their Change links, then submit the rest as they are."""
    page, counter = begin_repeat(new_context, link)
    assert page.locator(".carried").count() == 6
    check_accessibility(page, "carried-over profile")
    act(counter, page, "text=All sections", navigates=True)
    act(counter, page, "text=Check your answers and submit", navigates=True)
    assert "are not confirmed yet" in page.inner_text("main")
    for question_id, value in five_changes(questionnaire, answers).items():
        act(counter, page, f'a[href$="#q-{question_id}"]', navigates=True)
        act(counter, page, f'input[name="q_{question_id}"][value="{value}"]', check=True)
        act(counter, page, 'button[name="action"][value="continue"]', navigates=True)
        assert page.url.split("#")[0].endswith("/check"), page.url
    return finish(page, counter, asked=True)


def repeat_page_by_page(new_context, questionnaire, answers, link) -> dict[str, int]:
    """Read every page, change five answers where they are, save each page (which confirms it)."""
    page, counter = begin_repeat(new_context, link)
    changes = five_changes(questionnaire, answers)
    while "/section/" in page.url:
        for question_id, value in changes.items():
            box = page.locator(f'input[name="q_{question_id}"][value="{value}"]')
            if box.count():
                act(counter, page, f'input[name="q_{question_id}"][value="{value}"]', check=True)
        act(counter, page, 'button[name="action"][value="continue"]', navigates=True)
    assert "not confirmed yet" not in page.inner_text("main")
    return finish(page, counter, asked=False)
