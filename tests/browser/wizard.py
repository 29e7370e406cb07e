"""Filling the wizard in a real browser, the way an official would."""

from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire


def shown_questions(page) -> list[str]:
    """The questions on show; a follow-up whose condition is not met yet is hidden and disabled."""
    return [el.get_attribute("value") for el in page.query_selector_all('input[name="shown"]:not([disabled])')]


def answer_page(page, questionnaire: Questionnaire, answers: dict[str, Any]) -> None:
    """Answer every question the page shows, using the chosen answers, including follow-ups
    that an answer reveals on the page."""
    done: set[str] = set()
    while True:
        pending = [q for q in shown_questions(page) if q not in done]
        if not pending:
            return
        for question_id in pending:
            _answer(page, questionnaire, answers, question_id)
            done.add(question_id)


def _answer(page, questionnaire: Questionnaire, answers: dict[str, Any], question_id: str) -> None:
    question = questionnaire.question(question_id)
    value = answers[question_id]
    name = f"q_{question_id}"
    if question.type in ("single", "yesno"):
        page.check(f'input[name="{name}"][value="{value}"]')
    elif question.type == "multiple":
        for box in page.query_selector_all(f'input[name="{name}"]'):
            if box.is_checked() and box.get_attribute("value") not in value:
                box.uncheck()
        for item in value:
            page.check(f'input[name="{name}"][value="{item}"]')
    elif question.type == "country":
        page.select_option(f"#q-{question_id}", value)
    else:
        page.fill(f"#q-{question_id}", str(value))


def go(page, selector: str) -> None:
    """Click something that loads a new page, and wait for that page: a bare click can
    return before the browser has even left the old one."""
    with page.expect_navigation():
        page.click(selector)


def save_and_continue(page) -> None:
    go(page, 'button[name="action"][value="continue"]')


def complete_sections(page, questionnaire: Questionnaire, answers: dict[str, Any], stop_after: int | None = None) -> list[str]:
    """From the current section page, answer and continue until the check page. Returns the
    sections seen; stops early after `stop_after` sections if asked."""
    seen = []
    while "/section/" in page.url:
        section_id = page.url.split("/section/")[1].split("?")[0].split("#")[0]
        answer_page(page, questionnaire, answers)
        save_and_continue(page)
        problem = page.query_selector("#error-summary")
        if problem is not None:
            raise AssertionError(f"{section_id}: {problem.inner_text()}")
        if f"/section/{section_id}" in page.url and page.query_selector(".notice-info"):
            continue  # an answer revealed more questions on the same page
        seen.append(section_id)
        if stop_after is not None and len(seen) >= stop_after:
            break
    return seen
