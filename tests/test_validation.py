"""Evidence and validation: every answer may say how it is known; a TA officer validates
sections, adjusting an answer's level with a reason; the report, the PDF, the JSON and the
donors' portfolio show what was checked."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import (
    PROFILE,
    Browser,
    assessment_id,
    form_data,
    pdf_text,
    publish_as_ta,
    sign_in,
    start,
    walk,
)

NOTE = "Standard operating procedure 12 <b>2025</b>, held by the operations unit"


def _answered_with_evidence(app, questionnaire, browser=None, submit=True):
    """An official answers everything; on the sea page one answer says it is documented."""
    official = browser or Browser(app.test_client())
    token = start(official)
    answers = dict(PROFILE, sea_interdiction_procedure="draft", train_comments="Secret budget figures")
    walk(official, questionnaire, token, answers)
    url = f"/a/{token}/section/sea"
    data = form_data(questionnaire.section("sea"), answers)
    data.update({"action": "save", "e_sea_interdiction_procedure": "documented", "n_sea_interdiction_procedure": NOTE})
    official.post(url, data, csrf_from=url, status=302)
    if submit:
        official.get(f"/a/{token}/check")
        official.post(f"/a/{token}/submit", status=302)
    return official, token, answers


def _validate(ta, aid, section_id, levels=None, status=302):
    url = f"/review/{aid}/validate/{section_id}"
    ta.get(url)
    data = {}
    for qid, (level, reason) in (levels or {}).items():
        data[f"level_{qid}"], data[f"reason_{qid}"] = str(level), reason
    return ta.post(url, data, status=status)


def test_the_whole_path_from_evidence_to_the_donors_filter(app, people, questionnaire):
    # 1. An official answers with evidence.
    official, token, answers = _answered_with_evidence(app, questionnaire)
    page = official.get(f"/a/{token}/check").get_data(as_text=True)
    assert "Documented" in page and "Standard operating procedure 12 &lt;b&gt;2025&lt;/b&gt;" in page
    aid = assessment_id(app, token)

    # 2. A TA officer validates two sections, adjusting one answer.
    ta = sign_in(app, people["ta"][0])
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert "Self-assessed" in review and f"/review/{aid}/validate/sea" in review
    form = ta.get(f"/review/{aid}/validate/sea").get_data(as_text=True)
    assert "Only a draft or general instructions" in form and "Documented" in form
    assert "&lt;b&gt;2025&lt;/b&gt;" in form and "<b>2025</b>" not in form
    _validate(ta, aid, "sea", {"sea_interdiction_procedure": (3, "Seen in the mission: crews trained in 2025")})
    queue = ta.get("/review/?show=all").get_data(as_text=True)
    assert "Under validation" in queue
    _validate(ta, aid, "documents")
    trail = ta.get(f"/review/{aid}").get_data(as_text=True).split("Audit trail")[1]
    for action in ("evidence changed", "section validated", "validation state"):
        assert action in trail, action

    # 3. The report and the PDF show both levels and the validated share.
    report = official.get(f"/a/{token}/report").get_data(as_text=True)
    assert "Self-assessed and validated levels" in report
    share = re.search(r"(\d+)\s?% of the scored answers were validated by UNODC technical-assistance staff on", report)
    assert share and 0 < int(share.group(1)) < 100
    assert "Validated level: 3 (the agency&#39;s answer: level 1)." in report or "Validated level: 3 (the agency's answer: level 1)." in report
    assert "Seen in the mission: crews trained in 2025" in report
    assert 'class="chart-validated"' in report and "section validated by UNODC staff" in report
    pdf = pdf_text(official.get(f"/a/{token}/report.pdf").data)
    flat = " ".join(pdf.split())
    assert "of the scored answers were validated by UNODC technical-assistance staff" in flat
    assert "Self-assessed level" in flat and "Validated level" in flat
    assert "<b>2025</b>" in flat  # escaped in the HTML, so it prints as typed

    # The validated level counts: the sea section's level rose.
    data = json.loads(official.get(f"/a/{token}/report.json").data)
    sea = next(s for s in data["sections"] if s["id"] == "sea")
    assert sea["validated"] is True and sea["level"] > sea["self_assessed_level"]
    assert data["validation"]["share"] == pytest.approx(int(share.group(1)) / 100, abs=0.01)

    # 4. The donor's portfolio filters to validated assessments.
    publish_as_ta(app, ta, aid)
    donor = sign_in(app, people["donor"][0])
    everything = donor.get("/portfolio/").get_data(as_text=True)
    assert "Coast Guard Service" in everything
    validated_only = donor.get("/portfolio/?validated=yes").get_data(as_text=True)
    assert "Coast Guard Service" not in validated_only  # two sections of many: not validated as a whole


def _fully_validated(app, people, questionnaire, name: str, adjust: bool = False) -> str:
    """A published assessment whose every scored section a TA officer validated."""
    official = Browser(app.test_client())
    token = start(official)
    walk(official, questionnaire, token, dict(PROFILE, agency_name=name, sea_interdiction_procedure="draft"))
    official.post(f"/a/{token}/submit", {}, csrf_from=f"/a/{token}/check", status=302)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    for section_id in re.findall(rf"/review/{aid}/validate/([\w-]+)", review):
        _validate(ta, aid, section_id)
    assert "Validated" in ta.get("/review/?show=all&validation=validated").get_data(as_text=True)
    publish_as_ta(app, ta, aid)
    return aid


def test_the_portfolio_counts_validated_agencies_in_every_cell(app, people, questionnaire):
    _fully_validated(app, people, questionnaire, "Validated Coast Guard")
    for name in ("Second Coast Guard", "Third Coast Guard"):
        official = Browser(app.test_client())
        token = start(official)
        walk(official, questionnaire, token, dict(PROFILE, agency_name=name))
        official.post(f"/a/{token}/submit", {}, csrf_from=f"/a/{token}/check", status=302)
        publish_as_ta(app, sign_in(app, people["ta"][0]), assessment_id(app, token))
    donor = sign_in(app, people["donor"][0])
    page = donor.get("/portfolio/").get_data(as_text=True)
    assert "(3; 1 validated)" in page
    assert page.count("Validated by UNODC staff") == 1 and page.count("s own assessment</td>") == 2
    only = donor.get("/portfolio/?validated=yes").get_data(as_text=True)
    assert "Validated Coast Guard" in only and "Second Coast Guard" not in only
    assert 'id="p-validated" name="validated" value="yes" checked' in only
    csv_text = donor.get("/portfolio/export/heat-country.csv").get_data(as_text=True)
    assert '"Validated agencies"' in csv_text and '"3","1"' in csv_text


def test_scoring_uses_the_validated_level_and_keeps_the_agencys(questionnaire):
    from questionnaires.scoring import Validated, score

    answers = dict(PROFILE, sea_interdiction_procedure="draft")
    from tests.helpers import answer_all

    answers = answer_all(questionnaire, answers)
    own = score(questionnaire, answers)
    checked = score(questionnaire, answers, Validated({"sea_interdiction_procedure": 4}, frozenset({"sea"})))
    sea, sea_own = checked.sections["sea"], own.sections["sea"]
    assert sea.level > sea_own.level
    assert sea.self_assessed.level == sea_own.level
    assert sea.validated_share == 1.0 and sea_own.validated_share == 0.0
    evidence = next(e for e in sea.evidence if e.question.id == "sea_interdiction_procedure")
    assert (evidence.level, evidence.own_level, evidence.adjusted) == (4, 1, True)
    # A section not validated counts no answer as validated, but a level given still counts.
    other = score(questionnaire, answers, Validated({"sea_interdiction_procedure": 4}, frozenset()))
    assert other.sections["sea"].validated_share == 0.0 and other.sections["sea"].level == sea.level
    # The overall share is over every scored answer.
    scored = checked.overall.scored
    assert checked.overall.validated_share == pytest.approx(sea.scored / scored)
    # A validated level for a "Not applicable" answer makes it count as asked.
    na = dict(answers, sea_interdiction_procedure="not-applicable")
    assert questionnaire.question("sea_interdiction_procedure").choice("not-applicable") is not None
    given = score(questionnaire, na, Validated({"sea_interdiction_procedure": 2}, frozenset({"sea"})))
    assert given.sections["sea"].asked == score(questionnaire, na).sections["sea"].asked + 1


def test_a_change_after_validation_reopens_the_section_and_says_so(app, people, questionnaire):
    official, token, answers = _answered_with_evidence(app, questionnaire)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])
    _validate(ta, aid, "sea", {"sea_interdiction_procedure": (3, "Seen in the mission")})
    ta.post(f"/review/{aid}/comment", {"target": "section:sea", "text": "Please check the rescue answer.",
                                        "clarification": "yes"}, csrf_from=f"/review/{aid}", status=302)
    url = f"/a/{token}/section/sea"
    page = official.get(url).get_data(as_text=True)
    assert "UNODC staff validated this section on" in page
    data = form_data(questionnaire.section("sea"), dict(answers, sea_rescue=questionnaire.question("sea_rescue").choices()[0].id))
    response = official.post(url, data, status=302)
    follow = official.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your change reopens its validation" in follow
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert "Reopened: the agency changed an answer" in review
    assert "validation reopened" in review  # the audit trail
    # The reviewer's level for an answer that did not change still counts; the section is no longer validated.
    report = json.loads(official.get(f"/a/{token}/report.json").data)
    sea = next(s for s in report["sections"] if s["id"] == "sea")
    assert sea["validated"] is False and sea["validated_share"] == 0


def test_a_stale_tab_cannot_undo_a_validation(app, people, questionnaire):
    official, token, answers = _answered_with_evidence(app, questionnaire)
    aid = assessment_id(app, token)
    first, second = sign_in(app, people["ta"][0]), sign_in(app, people["admin"][0])
    url = f"/review/{aid}/validate/sea"
    second.get(url)  # an older tab
    _validate(first, aid, "sea", {"sea_interdiction_procedure": (3, "Seen in the mission")})
    response = second.post(url, {"level_sea_interdiction_procedure": ""}, status=409)
    assert "This section changed since you opened this page" in response.get_data(as_text=True)
    report = json.loads(official.get(f"/a/{token}/report.json").data)
    sea = next(s for s in report["sections"] if s["id"] == "sea")
    assert sea["validated"] and sea["level"] > sea["self_assessed_level"]


@pytest.mark.parametrize("level, reason, message", [
    ("3", "", "Say why this answer gets another level."),
    ("9", "x", "Choose a level from 0 to 4"),
    ("3", "x" * 1001, "Keep the reason to 1,000 characters or fewer."),
])
def test_a_bad_validation_gets_a_message_and_saves_nothing(app, people, questionnaire, level, reason, message):
    official, token, answers = _answered_with_evidence(app, questionnaire)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])
    ta.get(f"/review/{aid}/validate/sea")
    response = ta.post(f"/review/{aid}/validate/sea", {"level_sea_interdiction_procedure": level,
                                                       "reason_sea_interdiction_procedure": reason}, status=400)
    assert message in response.get_data(as_text=True)
    assert "Self-assessed" in ta.get(f"/review/{aid}").get_data(as_text=True)


def test_bad_evidence_gets_a_message_and_the_rest_is_saved(app, questionnaire):
    official, token, answers = _answered_with_evidence(app, questionnaire, submit=False)
    url = f"/a/{token}/section/sea"
    official.get(url)
    data = form_data(questionnaire.section("sea"), dict(answers))
    data.update({"e_sea_interdiction_procedure": "invented", "e_sea_rescue": "checked", "n_sea_rescue": "Audit 2024"})
    page = official.post(url, data, status=200).get_data(as_text=True)
    assert "Choose how this is known from the list" in page
    data.update({"e_sea_interdiction_procedure": "documented", "n_sea_interdiction_procedure": "y" * 301})
    page = official.post(url, data, csrf_from=url, status=200).get_data(as_text=True)
    assert "Keep the note on the evidence to 300 characters or fewer. You wrote 301" in page
    exported = json.loads(official.get(f"/a/{token}/answers.json").data)
    assert exported["evidence"]["sea_rescue"] == {"kind": "checked", "note": "Audit 2024"}
    assert exported["evidence"]["sea_interdiction_procedure"]["note"] == NOTE  # the earlier evidence stays


def test_the_answers_json_carries_evidence_and_validation_and_both_schemas_read(app, people, questionnaire, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    official, token, answers = _answered_with_evidence(app, questionnaire)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])
    _validate(ta, aid, "sea", {"sea_interdiction_procedure": (3, "Seen in the mission")})
    data = json.loads(official.get(f"/a/{token}/answers.json").data)
    assert data["schema"] == 2 and data["validation"]["state"] == "under-validation"
    assert data["validation"]["levels"]["sea_interdiction_procedure"] == {"level": 3, "reason": "Seen in the mission"}
    assert data["validation"]["sections"]["sea"]["state"] == "validated"
    row = next(r for r in data["shown"] if r["question"] == "sea_interdiction_procedure")
    assert row["evidence"] == "documented" and row["evidence_note"] == NOTE
    web = json.loads(official.get(f"/a/{token}/report.json").data)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    assert [s["level"] for s in cli["sections"]] == [s["level"] for s in web["sections"]]
    assert cli["validation"]["share"] == web["validation"]["share"] > 0
    # A schema 1 file, as written before evidence existed, is still read: the agency's own levels.
    old = {k: v for k, v in data.items() if k not in ("evidence", "validation")}
    old["schema"] = 1
    path.write_text(json.dumps(old))
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    sea = next(s for s in json.loads(result.output)["sections"] if s["id"] == "sea")
    assert sea["validated"] is False and sea["level"] == sea["self_assessed_level"]


def test_evidence_carries_over_with_the_answer(app, questionnaire):
    official, token, answers = _answered_with_evidence(app, questionnaire)
    official.get("/")
    response = official.post("/repeat", {"link": f"http://localhost/a/{token}/"}, status=302)
    new_token = re.search(r"/a/([^/]+)/section/profile", response.headers["Location"]).group(1)
    page = official.get(f"/a/{new_token}/section/sea").get_data(as_text=True)
    assert 'value="documented" id="q-sea_interdiction_procedure-e-documented" checked' in page
    assert "Standard operating procedure 12 &lt;b&gt;2025&lt;/b&gt;" in page


@pytest.mark.parametrize("role, status", [("official", 403), ("donor", 403), ("ta", 200), ("admin", 200)])
def test_only_ta_officers_and_administrators_validate(app, people, questionnaire, role, status):
    official, token, answers = _answered_with_evidence(app, questionnaire)
    aid = assessment_id(app, token)
    person = sign_in(app, people[role][0])
    person.get(f"/review/{aid}/validate/sea", status=status)


def _set_evidence(data: bytes, qid: str, kind_label: str, note: str) -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == qid:
                row[6].value, row[7].value = kind_label, note
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_carries_evidence_out_and_back_in(app, questionnaire):
    import io

    from openpyxl import load_workbook

    from tests.test_offline import upload

    official, token, answers = _answered_with_evidence(app, questionnaire, submit=False)
    data = official.get(f"/a/{token}/workbook.xlsx?lang=fr").data
    book = load_workbook(io.BytesIO(data))
    sea = next(s for s in book.worksheets if any(r[0].value == "sea_interdiction_procedure" for r in s.iter_rows(min_row=2)))
    assert [c.value for c in sea[1]][6:8] == ["Comment on le sait", "Preuve"]
    row = next(r for r in sea.iter_rows(min_row=2) if r[0].value == "sea_interdiction_procedure")
    assert (row[6].value, row[7].value) == ("Documenté", NOTE)
    assert not row[6].protection.locked and not row[7].protection.locked
    assert all(len(s.title) <= 31 for s in book.worksheets)

    # Filled in French: the rescue answer is checked outside the unit; the file is the assessment's own.
    changed = _set_evidence(data, "sea_rescue", "Vérifié hors de l'unité", "Inspection report, 2024")
    upload(official, token, changed)
    exported = json.loads(official.get(f"/a/{token}/answers.json").data)
    assert exported["evidence"]["sea_rescue"] == {"kind": "checked", "note": "Inspection report, 2024"}
    assert exported["evidence"]["sea_interdiction_procedure"]["note"] == NOTE

    # A kind that is not in the list is a problem on its row, and nothing is saved.
    data = official.get(f"/a/{token}/workbook.xlsx").data
    bad = _set_evidence(data, "sea_rescue", "Rumour", "")
    page = upload(official, token, bad, status=400).get_data(as_text=True)
    assert "“Rumour” is not one of the answers in the list" in page
    assert json.loads(official.get(f"/a/{token}/answers.json").data)["evidence"]["sea_rescue"]["kind"] == "checked"
    # A formula in the evidence note is refused like one in an answer.
    hostile = _set_evidence(data, "sea_rescue", "Documented", '=HYPERLINK("http://x.test","Audit")')
    page = upload(official, token, hostile, status=400).get_data(as_text=True)
    assert "This cell holds a formula" in page


def test_the_national_report_marks_validated_agencies_and_counts_their_validated_levels(questionnaire, catalogue):
    import datetime as dt

    from questionnaires.scoring import Validated
    from reports.national import AgencyInput, build_national
    from reports.render import render_national_body
    from tests.helpers import answer_all

    answers = answer_all(questionnaire, dict(PROFILE, sea_interdiction_procedure="draft"))
    checked = Validated({"sea_interdiction_procedure": 4}, frozenset({"sea"}))
    agencies = [AgencyInput("Own view", "coast-guard", "TNA-A", dt.date(2026, 1, 1), answers),
                AgencyInput("Checked", "coast-guard", "TNA-B", dt.date(2026, 1, 2), answers,
                            validated_levels=checked, validated=True)]
    report = build_national(questionnaire, catalogue, "KE", agencies, "en")
    own, validated = report.agencies
    sea = [s.id for s in questionnaire.sections].index("sea")
    assert validated.levels[sea] > own.levels[sea], "the validated level counts"
    html = str(render_national_body(report))
    assert html.count("Validated by UNODC staff") == 1 and "Checked <span class=\"validated-mark\">(validated)</span>" in html


@pytest.mark.parametrize("extra, message", [
    ({"evidence": "documented"}, "evidence: expected a map of maps"),
    ({"evidence": {"sea_rescue": {"kind": "rumour"}}}, "evidence.sea_rescue: Choose how this is known from the list"),
    ({"validation": {"levels": {"sea_rescue": {"level": 9}}}}, "validation.levels.sea_rescue: expected a level from 0 to 4"),
    ({"validation": {"levels": {"sea_rescue": {}}}}, "validation.levels.sea_rescue: expected a level from 0 to 4"),
    ({"validation": {"sections": {"sea": {"state": "validated", "date": "June"}}}}, "a date is not YYYY-MM-DD"),
    ({"schema": 3}, "schema: 3 is not one this version reads"),
])
def test_a_bad_answers_file_gets_a_message_not_a_traceback(questionnaire, tmp_path, extra, message):
    from click.testing import CliRunner

    from tests.helpers import answer_all
    from webapp.cli import main

    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"schema": 2, "answers": answer_all(questionnaire, dict(PROFILE)), **extra}))
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
