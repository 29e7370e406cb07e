"""Uploading a filled workbook in Chromium, and reaching check-your-answers."""

from __future__ import annotations

import re

from reports.workbook import write_workbook
from tests.browser.wizard import check_accessibility, go, start
from tests.helpers import PROFILE, answer_all
from tests.helpers import fill


def test_upload_a_filled_workbook_and_check_the_answers(page, questionnaire, tmp_path):
    answers = answer_all(questionnaire, dict(PROFILE, borders=["sea"], sea_interdiction_procedure="none"))
    answers = {k: v for k, v in answers.items() if k in {q.id for q in questionnaire.visible_questions(answers)}}
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(write_workbook(questionnaire, "coast-guard", "es"), questionnaire, answers, "es"))
    start(page)
    go(page, "text=All sections")
    go(page, "text=Upload a filled spreadsheet")
    check_accessibility(page, "workbook upload")
    page.set_input_files("#workbook", str(filled))
    go(page, "text=Upload and check")
    assert re.search(r"/check$", page.url), page.url
    main = page.inner_text("body")
    assert "The workbook is imported" in main and "Coast Guard Service" in main
    assert "Some sections are not complete" not in main
