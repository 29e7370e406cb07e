"""Evidence and validation in Chromium: the official opens "How do you know this?" with the
keyboard and names the evidence; a TA officer validates the section, giving one answer another
level; the report shows both levels. Axe checks each new page."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import sign_in
from tests.browser.wizard import check_accessibility, complete_sections, go, shoot, start
from tests.helpers import PROFILE, answer_all


@pytest.fixture
def answers(questionnaire):
    return answer_all(questionnaire, dict(PROFILE, borders=["sea"], sea_interdiction_procedure="draft"))


def test_evidence_by_keyboard_then_a_validation(new_context, questionnaire, answers):
    official = new_context().new_page()
    link = start(official)
    complete_sections(official, questionnaire, answers)
    official.goto(link + "section/sea")
    summary = official.locator("#q-sea_interdiction_procedure-evidence > summary")
    assert not official.locator("#q-sea_interdiction_procedure-note").is_visible(), "closed until opened"
    summary.focus()
    official.keyboard.press("Enter")
    assert official.locator("#q-sea_interdiction_procedure-note").is_visible()
    official.check("#q-sea_interdiction_procedure-e-documented")
    official.fill("#q-sea_interdiction_procedure-note", "Standing order 4, 2025, operations unit")
    check_accessibility(official, "section page with the evidence open")
    shoot(official, "evidence-open")
    go(official, "text=Save and continue")
    official.goto(link + "check")
    assert "How it is known: Documented. Evidence: Standing order 4, 2025, operations unit" in official.inner_text("main")
    go(official, "text=Submit for review")

    ta = new_context().new_page()
    sign_in(ta, "ta")
    ta.goto("/review/?show=all")
    assert "Self-assessed" in ta.inner_text("table.data")
    go(ta, "table.data a")
    title = questionnaire.section("sea").title["en"]
    go(ta, f"text=Validate {title}")
    check_accessibility(ta, "validation page")
    shoot(ta, "validate-section")
    assert "Standing order 4, 2025, operations unit" in ta.inner_text("main")
    ta.select_option("#v-sea_interdiction_procedure-level", "3")
    ta.fill("#v-sea_interdiction_procedure-reason", "Crews showed the order and their training records.")
    go(ta, "text=Validate this section")
    assert "Section validated" in " ".join(ta.locator(".notice").all_inner_texts())
    assert "Under validation" in ta.inner_text("#validation + p")
    check_accessibility(ta, "review page with a validated section")
    levels = ta.inner_text("#validation-levels")
    assert "Self-assessed level" in levels and title in levels
    assert "Validated level: 3 (the agency's answer: level 1)." in ta.inner_text(".report")
