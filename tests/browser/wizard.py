"""Filling the wizard in a real browser, the way an official would."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from questionnaires import Questionnaire

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_PASSWORD = "a long browser test password"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Headless, as root, and with no background traffic: the only requests are the page's own.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]
SERIOUS = {"serious", "critical"}


def start(page) -> str:
    page.goto("/")
    go(page, "text=Start a new assessment")
    page.wait_for_url(re.compile(r"/section/profile$"))
    link = page.inner_text(".resume-link a")
    assert re.search(r"/a/[A-Za-z0-9_-]{30,}/$", link), link
    return link


def check_accessibility(page, name: str) -> None:
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert bad == [], f"{name}: {bad}"


def shoot(page, name: str) -> None:
    """Screenshots at phone and desktop widths, kept as CI artefacts; checks nothing overflows."""
    ARTIFACTS.mkdir(exist_ok=True)
    original = page.viewport_size
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth") if _js(page) else 0
        assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px wide"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    if original:
        page.set_viewport_size(original)


def _js(page) -> bool:
    try:
        return page.evaluate("true")
    except Exception:  # noqa: BLE001 - JavaScript is off in this context
        return False


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
        for box in page.query_selector_all(f'input[name="{name}"][type="checkbox"]'):
            if box.is_checked() and box.is_enabled() and box.get_attribute("value") not in value:
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
