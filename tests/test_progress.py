"""Progress over time: a new assessment starts from the last one, the report shows the change,
training delivered is tracked against the recommendations, and donors see trends."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml

from questionnaires import load_questionnaire
from questionnaires.carry import carry_over, load_history, mapping_problems
from questionnaires.yamlio import load_yaml
from tests.helpers import Browser
from tests.helpers import PROFILE, answer_all, five_changes, form_data, pdf_text
from tests.helpers import assessment_id, submitted_assessment

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
    assert sorted(history) == [1, 2, 3, questionnaire.version]
    assert mapping_problems(DEFAULT_QUESTIONNAIRE, questionnaire) == []


def test_a_version_2_assessment_carries_what_still_applies_into_the_current_version(questionnaire):
    """The questions were reworked in version 3: what still means the same carries over, what was
    ambiguous is asked again, and a question removed is reported as not carried."""
    from questionnaires import DEFAULT_QUESTIONNAIRE

    old = {"country": "KE", "agency_name": "Immigration", "agency_type": "immigration", "borders": ["land", "air"],
           "staff_size": 800, "respondent_role": "manager",
           "prot_children_encounter": "yes", "prot_children": "ad-hoc",  # the gate is gone; the answer is a referral
           "prev_visa_on_arrival": "basic",  # basic checks: officers use their own judgement
           "train_documents": "no",  # no training: still none
           "corruption_vulnerable_posts": "informal",  # managers pick people they trust: now the lowest
           "coop_extradition": "no",  # overlapped the next option: asked again
           "inv_identification_errors": "no",  # a yes/no that scored "No" at 3: removed
           "doc_first_line": "most", "prot_rights": "trained"}
    carried = carry_over(questionnaire, load_history(DEFAULT_QUESTIONNAIRE, questionnaire), 2, old)
    answers = carried.answers
    assert answers["prot_child_referral"] == "officer"
    assert answers["voa_risk_indicators"] == "judgement"
    assert answers["train_documents_first_line"] == "none"
    assert answers["corruption_vulnerable_posts"] == "trusted"
    assert questionnaire.question("corruption_vulnerable_posts").choice("trusted").level == 0
    assert answers["doc_first_line"] == "most" and answers["prot_rights"] == "trained"
    assert "coop_extradition" not in answers
    assert set(carried.dropped) == {"prot_children_encounter", "coop_extradition", "inv_identification_errors"}
    # A "Yes" to the old document-training question does not say how much: asked again.
    again = carry_over(questionnaire, load_history(DEFAULT_QUESTIONNAIRE, questionnaire), 2, dict(old, train_documents="yes"))
    assert "train_documents_first_line" not in again.answers and "train_documents" in again.dropped
    # Version 1 answers still come all the way through.
    from_v1 = carry_over(questionnaire, load_history(DEFAULT_QUESTIONNAIRE, questionnaire), 1, {"doc_first_line": "most"})
    assert from_v1.answers == {"doc_first_line": "most"}


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


def test_repeat_with_five_changed_answers_and_see_the_change(app, questionnaire):
    first = submitted_assessment(app, questionnaire)
    official = Browser(app.test_client())
    token = repeat(official, f"/a/{first}/")
    # The answers as they were, then five changes to the best level.
    with app.app_context():
        from webapp.core.db import db
        from webapp.core.models import Assessment

        before = db.session.get(Assessment, assessment_id(app, first)).answer_values()
    changed = five_changes(questionnaire, before)
    answers = dict(before, **changed)
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
    text = pdf_text(official.get(f"/a/{token}/report.pdf").data)
    assert "Change since" in text and "Then" in text and "Closed: the gap behind them is gone" in text


# --- training delivered, tracked against the recommendations ---------------------------------

def submitted_on(app, token, when):
    """As if the assessment had been submitted on an earlier day."""
    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id(app, token))
        assessment.created_at = assessment.submitted_at = when
        db.session.commit()


def agency_of(app, token) -> str:
    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        return db.session.get(Assessment, assessment_id(app, token)).agency_id


def test_training_records_and_plan_statuses(app, people, questionnaire):
    from tests.helpers import publish_as_ta, sign_in

    ta = sign_in(app, people["ta"][0])
    first = submitted_assessment(app, questionnaire)
    submitted_on(app, first, dt.datetime(2026, 1, 10, 9, 0))
    publish_as_ta(app, ta, assessment_id(app, first))
    agency = agency_of(app, first)
    page = ta.get(f"/agencies/{agency}").get_data(as_text=True)
    assert "Coast Guard Service" in page and "Planned" in page
    with app.app_context():
        from sqlalchemy import select

        from webapp.core.db import db
        from webapp.core.models import AuditEvent, PlanItem, PublishedRecommendation

        recs = db.session.scalars(select(PublishedRecommendation).where(
            PublishedRecommendation.assessment_id == assessment_id(app, first))).all()
        delivered, dropped = recs[0], recs[1]

    # Bad input: every problem named, nothing recorded.
    bad = ta.post(f"/agencies/{agency}/training", {"part": "no/such", "starts_on": "2026-13-01", "ends_on": "",
                                                   "participants": "many", "audience": "first-line"}, status=400)
    html = bad.get_data(as_text=True)
    assert "There is a problem" in html and "Not a valid" not in html
    for message in ("Choose a resource and part from the list", "Enter the first day as year-month-day",
                    "Enter the last day, like 2026-03-18", "Enter the number of participants, like 24"):
        assert message in html
    ta.get(f"/agencies/{agency}")
    ta.post(f"/agencies/{agency}/training", {
        "part": f"{delivered.resource_id}/{delivered.part_id}", "starts_on": "2026-03-14", "ends_on": "2026-03-18",
        "participants": "24", "audience": "first-line", "note": "<script>x</script> Delivered in Mombasa",
    }, status=302)
    ta.get(f"/agencies/{agency}")
    # Dropping needs a reason.
    refused = ta.post(f"/agencies/{agency}/plan", {"part": f"{dropped.resource_id}/{dropped.part_id}", "status": "dropped"}, status=400)
    assert "Say why the recommendation is dropped." in refused.get_data(as_text=True)
    ta.post(f"/agencies/{agency}/plan", {"part": f"{dropped.resource_id}/{dropped.part_id}", "status": "dropped",
                                         "reason": "Already covered by the national academy"}, status=302)
    page = ta.get(f"/agencies/{agency}").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt; Delivered in Mombasa" in page and "<script>x" not in page
    assert 'value="Already covered by the national academy"' in page and '<option value="dropped" selected>' in page
    assert "14 March 2026–18 March 2026, 24 participants" in page
    with app.app_context():
        items = {(i.resource_id, i.part_id): i.status for i in db.session.scalars(select(PlanItem))}
        assert items == {(delivered.resource_id, delivered.part_id): "delivered", (dropped.resource_id, dropped.part_id): "dropped"}
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id))]
        assert actions.count("training recorded") == 1 and actions.count("plan status") == 2  # delivered, dropped

    # The official of the agency sees the plan, read-only, on the agency's page.
    with app.app_context():
        from webapp.core.models import User

        official = db.session.get(User, people["official"][1])
        official.agency_id = agency
        db.session.commit()
    mine = sign_in(app, people["official"][0]).get("/my/assessments").get_data(as_text=True)
    assert "Training plan" in mine and "Dropped</strong>: Already covered by the national academy" in mine and 'name="status"' not in mine

    # The next assessment's report says which training was delivered, by section.
    official = Browser(app.test_client())
    token = repeat(official, f"/a/{first}/")
    answers = answer_all(questionnaire, dict(PROFILE, sea_interdiction_procedure="none"))
    walk_confirming(official, questionnaire, token, answers)
    official.post(f"/a/{token}/submit", {}, status=302)
    report = official.get(f"/a/{token}/report").get_data(as_text=True)
    assert "Training delivered since then:" in report and "24 participants" in report


def test_only_the_holder_of_a_link_can_start_from_an_assessment(app, people, questionnaire):
    """Signed in or not, an official starts from an assessment only with its private link: an
    agency's page offers only its own assessments, and a guessed id is not a link."""
    from sqlalchemy import func, select

    from tests.helpers import sign_in
    from webapp.core.db import db
    from webapp.core.models import Assessment

    first = submitted_assessment(app, questionnaire)
    other = sign_in(app, people["other_official"][0])
    assert first not in other.get("/my/assessments").get_data(as_text=True)
    with app.app_context():
        before = db.session.scalar(select(func.count(Assessment.id)))
    other.get("/")
    for guess in (assessment_id(app, first), f"/a/{assessment_id(app, first)}/", ""):
        other.post("/repeat", {"link": guess}, status=302)
    with app.app_context():
        assert db.session.scalar(select(func.count(Assessment.id))) == before


# --- donors see trends ---------------------------------------------------------------------

def test_donor_trends_with_suppression_and_before_after_training(app, people, questionnaire):
    """Four agencies assessed in 2025, trained, and assessed again in 2026; a fifth only once."""
    from sqlalchemy import select

    from tests.helpers import backdate_publication, publish_as_ta, sign_in
    from webapp.core.db import db
    from webapp.core.models import PublishedTopic

    ta = sign_in(app, people["ta"][0])
    donor = sign_in(app, people["donor"][0])

    def published(profile, answers, when):
        token = submitted_assessment(app, questionnaire, dict(profile, **answers))
        submitted_on(app, token, when)
        aid = assessment_id(app, token)
        publish_as_ta(app, ta, aid)
        backdate_publication(app, aid, when)
        return token

    weak = {"sea_interdiction_procedure": "none"}
    strong = {"sea_interdiction_procedure": "exercised"}
    agencies = []
    for i in range(4):
        profile = dict(PROFILE, agency_name=f"Coast Guard {i}", country=("KE", "TZ", "GH", "NG")[i])
        first = published(profile, weak, dt.datetime(2025, 3, 1))
        agencies.append(agency_of(app, first))
        if i < 3:  # three agencies trained with a part on interdiction, between the two assessments
            with app.app_context():
                topic_parts = [(r.id, p.id) for r, p in app.extensions["tna.catalogue"].parts() if "sea.interdiction" in p.topics]
            resource_id, part_id = topic_parts[0]
            ta.get(f"/agencies/{agencies[-1]}")
            ta.post(f"/agencies/{agencies[-1]}/training", {"part": f"{resource_id}/{part_id}", "starts_on": "2025-06-02",
                                                           "ends_on": "2025-06-06", "participants": "20", "audience": "first-line"}, status=302)
        again = Browser(app.test_client())
        token = repeat(again, f"/a/{first}/")
        walk_confirming(again, questionnaire, token, answer_all(questionnaire, dict(profile, **strong)))
        again.post(f"/a/{token}/submit", {}, status=302)
        submitted_on(app, token, dt.datetime(2026, 2, 1))
        publish_as_ta(app, ta, assessment_id(app, token))
        backdate_publication(app, assessment_id(app, token), dt.datetime(2026, 2, 1))
    published(dict(PROFILE, agency_name="Lone Agency", country="BR"), weak, dt.datetime(2026, 3, 1))

    page = donor.get("/portfolio/").get_data(as_text=True)
    assert "Trends: capacity by year" in page and "<svg" in page
    assert "not its effect" in page  # never a claim of cause
    assert re.search(r"Smuggling by sea: 2025 [\d.]+ \(4 agencies\), 2026 [\d.]+ \(5 agencies\)", page), re.findall(r"Smuggling by sea:[^<]*", page)
    # By region: Africa has 4 agencies in each year; the Americas, 1, is suppressed.
    by_region = donor.get("/portfolio/?trend_by=region").get_data(as_text=True)
    assert "Africa" in by_region and "Americas" not in by_region.split('id="trends"')[1].split("</table>")[0]
    # Before and after: three trained agencies, interdiction from 0 to a higher level.
    assert "Interdiction of vessels at sea" in page.split('id="before-after"')[1]
    with app.app_context():
        levels = {tuple(r) for r in db.session.execute(select(PublishedTopic.topic_id, PublishedTopic.level).where(PublishedTopic.topic_id == "sea.interdiction"))}
        assert len(levels) >= 2  # kept at publication, before and after
    csv = donor.get("/portfolio/export/training-before-after.csv").get_data(as_text=True)
    row = next(line for line in csv.splitlines() if line.startswith('"Interdiction of vessels at sea"'))
    _topic, count, before, after = [cell.strip('"') for cell in row.split(",")]
    assert count == "3" and float(after) > float(before)  # the fourth agency was not trained
    trends_csv = donor.get("/portfolio/export/trends.csv?trend_by=agency_type").get_data(as_text=True)
    assert "2025" in trends_csv and "2026" in trends_csv
    assert donor.get("/portfolio/export/trends.xlsx").status_code == 200
    # Filtered to one country, every trend cell would single out an agency: nothing is shown.
    kenya = donor.get("/portfolio/?country=KE").get_data(as_text=True)
    assert "Not enough agencies were assessed both before and after" in kenya


def test_repeat_across_a_questionnaire_version_in_the_app(tmp_path, monkeypatch):
    """An assessment answered with version 1 starts a version 2 assessment: removed questions
    are gone, a renamed one and a remapped one carry over, a changed one starts blank."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.core.db import db
    from webapp.core.models import Answer, Assessment

    path = two_versions(tmp_path)
    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'v.sqlite3'}",
                      "TNA_QUESTIONNAIRE": str(path), "TNA_CATALOGUE": str(FIXTURES / "minimal-resources.yaml")})
    with app.app_context():
        upgrade()
        old = Assessment(questionnaire_id="minimal", questionnaire_version=1, status="submitted",
                         submitted_at=dt.datetime(2025, 5, 1))
        old.answers = [Answer(question_id=k, value=v) for k, v in OLD_ANSWERS.items()]
        db.session.add(old)
        db.session.commit()
        token = old.token
    browser = Browser(app.test_client())
    new_token = repeat(browser, f"/a/{token}/")
    with app.app_context():
        from sqlalchemy import select

        new = db.session.scalar(select(Assessment).where(Assessment.token == new_token))
        assert new.questionnaire_version == 2
        rows = {r.question_id: (r.value, r.carried) for r in new.answers}
    assert rows["sea_q"] == ("complete", True) and rows["doc_trained"] == ("no", True)
    assert "doc_more" not in rows and "respondent_role" not in rows and "doc_q" not in rows
    page = browser.get(f"/a/{new_token}/section/documents").get_data(as_text=True)
    assert page.count("From your assessment of 1 May 2025") == 1  # doc_trained; doc_new is new
    with app.app_context():
        db.engine.dispose()
