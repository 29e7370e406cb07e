"""Progress over time: a new assessment starts from the last one, the report shows the change,
training delivered is tracked against the recommendations, and donors see trends."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from questionnaires import load_questionnaire
from questionnaires.carry import carry_over, load_history, mapping_problems
from questionnaires.yamlio import load_yaml
from tests.conftest import Browser
from tests.helpers import form_data
from tests.test_roles import assessment_id, submitted_assessment

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# --- carrying answers over, across questionnaire versions ------------------------------------

def two_versions(tmp_path: Path, change=None) -> Path:
    """The minimal questionnaire as version 1 (kept in versions/) and a version 2 that removes,
    adds, renames and remaps questions."""
    v1 = load_yaml(FIXTURES / "minimal.yaml")
    (tmp_path / "versions").mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "versions" / "minimal-v1.yaml")
    v2 = dict(v1, version=2)
    profile = v2["profile"]
    role = next(q for q in profile["questions"] if q["id"] == "respondent_role")
    role["options"] = [{"id": "manager", "label": "Manager"}, {"id": "other", "label": "Other"}]  # changed, no map
    sea_q = v2["sections"][0]["questions"][0]
    sea_q["options"] = [{"id": "none", "level": 0, "label": "None"}, {"id": "partial", "level": 2, "label": "Partial"},
                        {"id": "complete", "level": 4, "label": "Complete"}]
    sea_q["map"] = {"none": "none", "full": "complete"}  # remapped
    documents = v2["sections"][1]
    documents["questions"] = [
        dict(documents["questions"][0], id="doc_trained", replaces="doc_q"),  # renamed
        {"id": "doc_new", "type": "yesno", "text": "New?"},  # added; doc_more is removed
    ]
    if change:
        change(v2)
    path = tmp_path / "minimal.yaml"
    path.write_text(yaml.safe_dump(v2, allow_unicode=True))
    return path


OLD_ANSWERS = {"country": "KE", "agency_name": "Kenya Coast Guard", "agency_type": "coast-guard", "borders": ["sea"],
               "staff_size": 50, "respondent_role": "other", "sea_q": "full", "doc_q": "no", "doc_more": "yes"}


def test_answers_carry_over_by_id_across_a_version_that_removed_added_and_remapped_questions(tmp_path):
    path = two_versions(tmp_path)
    questionnaire = load_questionnaire(path)
    carried = carry_over(questionnaire, load_history(path, questionnaire), 1, OLD_ANSWERS)
    assert carried.answers == {
        "country": "KE", "agency_name": "Kenya Coast Guard", "agency_type": "coast-guard", "borders": ["sea"],
        "staff_size": 50,
        "sea_q": "complete",  # mapped: full -> complete
        "doc_trained": "no",  # renamed: replaces doc_q
    }
    # The role's options changed without a map: blank. doc_more was removed. doc_new starts blank.
    assert carried.dropped == ("doc_more", "respondent_role")
    assert mapping_problems(path, questionnaire) == []


def test_the_same_version_carries_every_acceptable_answer(tmp_path):
    questionnaire = load_questionnaire(FIXTURES / "minimal.yaml")
    carried = carry_over(questionnaire, load_history(FIXTURES / "minimal.yaml", questionnaire), 1,
                         dict(OLD_ANSWERS, staff_size=5000))  # out of range now: not carried
    assert "staff_size" not in carried.answers and carried.answers["doc_more"] == "yes"


def test_validate_checks_mappings_against_the_previous_version(tmp_path):
    def broken(v2):
        v2["sections"][0]["questions"][0]["map"] = {"everything": "complete", "none": "nothing"}
        v2["sections"][1]["questions"][0]["replaces"] = "doc_gone"

    path = two_versions(tmp_path, broken)
    problems = mapping_problems(path, load_questionnaire(path))
    assert any("map: 'everything' is not an option of 'sea_q' in version 1" in p for p in problems)
    assert any("'none' -> 'nothing', which is not an option of this question" in p for p in problems)
    assert any("no question 'doc_gone' in version 1" in p for p in problems)
    from click.testing import CliRunner

    from webapp.cli import main

    result = CliRunner().invoke(main, ["validate", "--questionnaire", str(path), "--catalogue", str(FIXTURES / "minimal-resources.yaml")])
    assert result.exit_code == 1 and "doc_gone" in result.output


def test_the_real_questionnaire_keeps_its_previous_version(questionnaire):
    from questionnaires import DEFAULT_QUESTIONNAIRE

    history = load_history(DEFAULT_QUESTIONNAIRE, questionnaire)
    assert sorted(history) == [1, questionnaire.version]
    assert mapping_problems(DEFAULT_QUESTIONNAIRE, questionnaire) == []


# --- the journey: carry over, confirm, change, submit ----------------------------------------

def repeat(browser, link) -> str:
    browser.get("/")
    response = browser.post("/repeat", {"link": link}, status=302)
    match = re.search(r"/a/([^/]+)/section/profile", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def walk_confirming(browser, questionnaire, token, answers) -> int:
    """Go through every page, saving each as it is shown but for the answers given; returns the
    number of pages."""
    url = f"/a/{token}/section/profile"
    pages = 0
    while "/section/" in url:
        section = questionnaire.section(url.rsplit("/", 1)[1])
        browser.get(url)
        pages += 1
        url = browser.post(url, form_data(section, answers), status=302).headers["Location"]
    return pages


def test_a_new_assessment_starts_from_the_last_one(app, questionnaire):
    first = submitted_assessment(app, questionnaire)
    official = Browser(app.test_client())
    official.get("/")
    # A draft cannot be started from, and an unknown link says so.
    draft = re.search(r"/a/([^/]+)/", official.post("/start", status=302).headers["Location"]).group(1)
    official.get("/")
    assert official.post("/repeat", {"link": f"/a/{draft}/"}, status=302).headers["Location"].endswith("/")
    assert "not submitted yet" in official.get("/").get_data(as_text=True)
    official.post("/repeat", {"link": "https://example.org/a/not-a-real-token-at-all-xyz/"}, status=302)
    assert "does not open an assessment" in official.get("/").get_data(as_text=True)

    token = repeat(official, f"http://localhost/a/{first}/")
    page = official.get(f"/a/{token}/section/profile").get_data(as_text=True)
    assert page.count("From your assessment of") == 6  # the six profile answers
    assert 'value="Coast Guard Service"' in page
    check = official.get(f"/a/{token}/check").get_data(as_text=True)
    carried = int(re.search(r"(\d+) answers from your assessment of", check).group(1))
    assert carried > 30

    # Submitting with unconfirmed answers asks once; confirming submits.
    asked = official.post(f"/a/{token}/submit", {}, status=200).get_data(as_text=True)
    assert "Submit with these answers as they are" in asked
    with app.app_context():
        from webapp.core.db import db
        from webapp.core.models import Assessment

        assert db.session.get(Assessment, assessment_id(app, token)).status == "draft"


def test_repeat_with_five_changed_answers_and_see_the_change(app, questionnaire, tmp_path):
    first = submitted_assessment(app, questionnaire)
    official = Browser(app.test_client())
    token = repeat(official, f"/a/{first}/")
    # The answers as they were, then five changes to the best level.
    with app.app_context():
        from webapp.core.db import db
        from webapp.core.models import Assessment

        before = db.session.get(Assessment, assessment_id(app, first)).answer_values()
    answers = dict(before)
    changed = []
    for question in questionnaire.all_questions():
        if len(changed) == 5:
            break
        if question.scored and question.type == "single" and question.id in answers:
            best = max((o for o in question.choices() if o.level is not None), key=lambda o: o.level)
            if answers[question.id] != best.id:
                answers[question.id] = best.id
                changed.append(question.id)
    assert len(changed) == 5
    pages = walk_confirming(official, questionnaire, token, answers)
    check = official.get(f"/a/{token}/check").get_data(as_text=True)
    assert "not confirmed yet" not in check
    official.post(f"/a/{token}/submit", {}, status=302)
    with app.app_context():
        new = db.session.get(Assessment, assessment_id(app, token))
        assert new.status == "submitted" and new.previous_id == assessment_id(app, first)
        assert {q for q in changed if new.answer_values()[q] != before[q]} == set(changed)
    assert pages >= 8

    html = official.get(f"/a/{token}/report").get_data(as_text=True)
    assert "Change since" in html and "Recommendations then and now" in html
    assert "within rounding" in html or ": higher" in html
    pdf = official.get(f"/a/{token}/report.pdf").data
    out = tmp_path / "report.pdf"
    out.write_bytes(pdf)
    import subprocess

    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Change since" in text and "Then" in text and "Closed: the gap behind them is gone" in text
