"""Offline round trip: the blank questionnaire on paper, the workbook out and back in, and
answers as JSON and CSV. Every hostile file gets a message, and nothing in a bad file is saved."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.helpers import Browser
from tests.helpers import PROFILE, answer_all, pdf_text
from tests.helpers import start, walk
from tests.helpers import assessment_id
from tests.helpers import fill

WIZARD = dict(PROFILE, borders=["land", "sea"], sea_interdiction_procedure="none", train_comments="Twelve officers, two trainers")


def stored(app, token) -> dict:
    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        values = db.session.get(Assessment, assessment_id(app, token)).answer_values()
    return {k: sorted(v) if isinstance(v, list) else v for k, v in values.items()}


def upload(browser, token, data: bytes, filename="answers.xlsx", status=302, **extra):
    browser.get(f"/a/{token}/import")
    return browser.post(f"/a/{token}/import", dict(extra, workbook=(io.BytesIO(data), filename)), status=status,
                        content_type="multipart/form-data")


@pytest.fixture
def wizard_answers(app, questionnaire):
    """An assessment answered in the wizard, and what it stored."""
    browser = Browser(app.test_client())
    token = start(browser)
    answers = answer_all(questionnaire, dict(WIZARD))
    walk(browser, questionnaire, token, answers)
    return token, stored(app, token)


def test_a_workbook_filled_in_french_gives_what_the_wizard_gives(app, questionnaire, wizard_answers):
    _token, expected = wizard_answers
    browser = Browser(app.test_client())
    blank = browser.get("/workbook.xlsx?agency_type=coast-guard&lang=fr").data
    book = load_workbook(io.BytesIO(blank))
    assert book["tna"].sheet_state == "hidden"
    profile = next(s for s in book.worksheets if s.title.startswith("0. "))
    assert profile.protection.sheet and not profile.protection.password
    assert profile["E2"].protection.locked is False and profile["B2"].protection.locked is True
    assert any(dv.type == "list" for dv in profile.data_validations.dataValidation)
    token = start(browser)
    # Uploaded with the interface in English: the workbook's own language is read from it.
    response = upload(browser, token, fill(blank, questionnaire, expected, "fr"))
    assert response.headers["Location"].endswith(f"/a/{token}/check")
    assert stored(app, token) == expected
    assert "The workbook is imported" in browser.get(f"/a/{token}/check").get_data(as_text=True)


def test_a_filled_workbook_goes_out_and_back_unchanged(app, questionnaire, wizard_answers):
    token, expected = wizard_answers
    browser = Browser(app.test_client())
    data = browser.get(f"/a/{token}/workbook.xlsx").data
    upload(browser, token, data)
    assert stored(app, token) == expected


def test_every_problem_is_listed_and_nothing_is_saved(app, questionnaire, wizard_answers):
    token, expected = wizard_answers
    browser = Browser(app.test_client())
    data = browser.get(f"/a/{token}/workbook.xlsx").data

    def spoil(qid, row):
        if qid == "staff_size":
            row[4].value = 999_999_999
        if qid == "respondent_role":
            row[4].value = "Chief of everything"
        if qid == "agency_type":
            row[4].value = "=HYPERLINK(\"http://example.org\")"

    html = upload(browser, token, fill(data, questionnaire, expected, "en", spoil), status=400).get_data(as_text=True)
    assert "The file has 3 problems. Nothing was saved." in html
    assert "Enter a number from 1 to" in html and "is not one of the answers in the list" in html
    assert "This cell holds a formula" in html
    assert re.search(r"<td>0\. About your agency</td><td>\d+</td><td>staff_size</td>", html)
    assert stored(app, token) == expected


def test_answers_saved_after_the_download_are_not_overwritten_silently(app, questionnaire, wizard_answers):
    token, expected = wizard_answers
    browser = Browser(app.test_client())
    data = browser.get(f"/a/{token}/workbook.xlsx").data
    # In the browser, after the download: the agency name changes.
    browser.get(f"/a/{token}/section/profile")
    form = {f"q_{k}": v for k, v in expected.items() if k in {q.id for q in questionnaire.profile.questions}}
    form.update(q_agency_name="Renamed in the browser", shown=[q.id for q in questionnaire.profile.questions], action="continue")
    browser.post(f"/a/{token}/section/profile", form, status=302)
    changed = fill(data, questionnaire, dict(expected, agency_name="Named in the file"), "en")
    html = upload(browser, token, changed, status=409).get_data(as_text=True)
    assert "These answers were changed somewhere else" in html and "Renamed in the browser" in html
    assert stored(app, token)["agency_name"] == "Renamed in the browser"
    upload(browser, token, changed, keep_file="yes")
    assert stored(app, token)["agency_name"] == "Named in the file"


def test_a_blank_workbook_never_clears_saved_answers(app, questionnaire, wizard_answers):
    token, expected = wizard_answers
    browser = Browser(app.test_client())
    blank = browser.get("/workbook.xlsx?agency_type=coast-guard&lang=en").data
    upload(browser, token, blank)  # nothing in it: nothing changes
    assert stored(app, token) == expected


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))
    return out.getvalue()


def macro_workbook(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def retagged(data: bytes, key: str, value) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for row in book["tna"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, make, message", [
    ("too large", lambda blank: b"PK\x03\x04" + b"0" * (3 * 1024 * 1024), "The file is too large"),
    ("zip bomb", lambda blank: zip_bomb(), "expands to far more data than a workbook holds"),
    ("another questionnaire", lambda blank: retagged(blank, "questionnaire", "something-else"), "for another questionnaire"),
    ("another version", lambda blank: retagged(blank, "version", 1), "for version 1 of the questionnaire"),
    ("another language", lambda blank: retagged(blank, "language", "xx"), "was not made by this tool"),
    ("macros", macro_workbook, "contains macros"),
    ("a renamed CSV", lambda blank: b"question,answer\nstaff_size,12\n", "not an Excel workbook"),
    ("a renamed PDF", lambda blank: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not an Excel workbook"),
])
def test_hostile_files_get_a_message_and_change_nothing(app, questionnaire, wizard_answers, name, make, message):
    token, expected = wizard_answers
    browser = Browser(app.test_client())
    blank = browser.get("/workbook.xlsx?agency_type=coast-guard&lang=en").data
    status = 413 if name == "too large" else 400
    response = upload(browser, token, make(blank), status=status)
    assert message in response.get_data(as_text=True), name
    assert stored(app, token) == expected


def test_answers_as_json_and_csv_and_the_json_makes_the_same_report(app, questionnaire, wizard_answers, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    token, expected = wizard_answers
    browser = Browser(app.test_client())
    browser.post(f"/a/{token}/submit", {}, csrf_from=f"/a/{token}/check", status=302)
    data = json.loads(browser.get(f"/a/{token}/answers.json").data)
    assert data["schema"] == 2 and data["questionnaire"] == "smuggling-of-migrants"
    assert {k: sorted(v) if isinstance(v, list) else v for k, v in data["answers"].items()} == expected
    row = next(r for r in data["shown"] if r["question"] == "country")
    assert row["value"] == "KE" and row["text"] == "Kenya"
    csv_text = browser.get(f"/a/{token}/answers.csv").get_data(as_text=True)
    import csv

    rows = {r["question"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert rows["country"]["value"] == "KE" and rows["country"]["text"] == "Kenya"
    assert rows["borders"]["value"] in ("land; sea", "sea; land") and rows["staff_size"]["value"] == str(expected["staff_size"])
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    web = json.loads(browser.get(f"/a/{token}/report.json").data)
    cli = json.loads(result.output)
    assert [r["part"] for r in cli["recommendations"]] == [r["part"] for r in web["recommendations"]]


def test_the_blank_questionnaire_on_paper(app, questionnaire):
    browser = Browser(app.test_client())
    response = browser.get("/blank.pdf?agency_type=customs&lang=en")
    text = pdf_text(response.data)
    flat = re.sub(r"\s+", " ", text)
    for section in [questionnaire.profile, *questionnaire.mandate("customs")]:
        for question in section.questions:
            if question.holds({"agency_type": "customs", "borders": ["land", "sea", "air"]}) or question.show_if is None:
                assert f"[{question.id}]" in flat, question.id
    # A customs service without a sea border still gets the sea section, under its condition.
    assert "Smuggling by sea Answer only if the answer to “Which borders does your agency work on?” includes “Sea borders and ports”" in flat
    assert "Page 2 of" in flat and "Contents" in flat
    # A forensic laboratory is not asked about the sea at all.
    lab = pdf_text(browser.get("/blank.pdf?agency_type=forensic-laboratory&lang=fr").data)
    assert "[sea_interdiction_procedure]" not in lab and "Questionnaire vierge" in lab
    browser.get("/blank.pdf?agency_type=not-a-type", status=404)
    # Other work adds its pages: a ministry that also investigates gets the investigation page.
    ministry = re.sub(r"\s+", " ", pdf_text(browser.get("/blank.pdf?agency_type=ministry&work=investigation&lang=en").data))
    assert "[inv_methods]" in ministry and "Other work: We investigate smuggling cases" in ministry
    assert "[inv_methods]" not in re.sub(r"\s+", " ", pdf_text(browser.get("/blank.pdf?agency_type=ministry&lang=en").data))
    browser.get("/blank.pdf?agency_type=ministry&work=cooking", status=404)
    browser.get("/blank.pdf?work=investigation", status=404)


def test_the_command_line_does_the_same(app, questionnaire, wizard_answers, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    token, expected = wizard_answers
    runner = CliRunner()
    blank = tmp_path / "blank.xlsx"
    assert runner.invoke(main, ["workbook", "--agency-type", "coast-guard", "--lang", "es", "-o", str(blank)]).exit_code == 0
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(blank.read_bytes(), questionnaire, expected, "es"))
    out = tmp_path / "answers.yaml"
    result = runner.invoke(main, ["import", str(filled), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from questionnaires.yamlio import load_yaml

    assert {k: sorted(v) if isinstance(v, list) else v for k, v in load_yaml(out)["answers"].items()} == expected
    pdf = tmp_path / "blank.pdf"
    assert runner.invoke(main, ["blank", "--agency-type", "customs", "--lang", "fr", "-o", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    fresh = start(Browser(app.test_client()))
    result = runner.invoke(main, ["import", str(filled), "--link", f"http://localhost/a/{fresh}/"],
                           env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert result.exit_code == 0, result.output
    assert stored(app, fresh) == expected


def test_json_out_and_back_in_gives_the_same_stored_answers(app, questionnaire, wizard_answers, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    token, expected = wizard_answers
    browser = Browser(app.test_client())
    path = tmp_path / "answers.json"
    path.write_bytes(browser.get(f"/a/{token}/answers.json").data)
    fresh = start(Browser(app.test_client()))
    result = CliRunner().invoke(main, ["import", str(path), "--link", f"/a/{fresh}/"],
                                env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert result.exit_code == 0, result.output
    assert stored(app, fresh) == expected
    # Into a draft that already has other answers: nothing is overwritten silently.
    changed = json.loads(path.read_text())
    changed["answers"]["agency_name"] = "Another name"
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    refused = CliRunner().invoke(main, ["import", str(tmp_path / "changed.json"), "--link", f"/a/{fresh}/"],
                                 env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert refused.exit_code == 1 and "agency_name" in refused.output and "Nothing was saved" in refused.output
    assert stored(app, fresh) == expected
