"""The national report: one country's agencies together."""

from __future__ import annotations

import io
import re


from tests.helpers import Browser
from tests.helpers import PROFILE, pdf_text
from tests.helpers import sign_in
from tests.helpers import ghana
from reports.national import AgencyInput


def test_a_ta_officer_builds_reviews_and_publishes_a_national_report(app, people, questionnaire, tmp_path):
    ids = ghana(app, questionnaire)
    ta = sign_in(app, people["ta"][0])
    assert "Ghana" in ta.get("/national/").get_data(as_text=True)
    choose = ta.get("/national/new?country=GH").get_data(as_text=True)
    for key in ("coast", "immigration", "prosecution"):
        assert re.search(rf'value="{ids[key]}" checked', choose)
    assert ids["togo"] not in choose
    # An assessment of another country cannot be slipped in.
    ta.post("/national/", {"country": "GH", "assessment": [ids["coast"], ids["togo"]]}, status=302)
    assert "Choose at least one submitted assessment of this country" in ta.get("/national/new?country=GH").get_data(as_text=True)
    response = ta.post("/national/", {"country": "GH", "assessment": [ids["coast"], ids["immigration"], ids["prosecution"]]}, status=302)
    report_url = response.headers["Location"]
    page = ta.get(report_url).get_data(as_text=True)
    assert "Ghana Navy" in page and "Office of the Attorney-General" in page
    assert "No assessment from these types of agency:" in page and "Customs" in page
    assert "How do national agencies coordinate their work against smuggling?" in page
    assert "Joint training" in page
    report_id = report_url.rsplit("/", 1)[1]

    pdf = ta.get(f"/national/{report_id}.pdf").data
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    plan_starts = next(i for i, t in enumerate(pages) if "People to train" in t)
    assert len(pages) - plan_starts <= 2, "the training plan of three agencies (21 rows) fits on two pages, not four"
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    for part in ("Agencies covered", "Capacity by agency and section", "Gaps shared by several agencies",
                 "Different answers about the same national fact", "National training plan", "not asked", "Page 2 of"):
        assert part in text, part
    assert "Ghana Navy" in text and "They do not" in text
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(ta.get(f"/national/{report_id}.xlsx").data))
    assert book.sheetnames == ["Matrix", "Plan"]
    # Every row of the matrix: each section's level for each agency (in the order of their
    # names), "not asked" outside its mandate, "not enough information" on too few answers.
    with app.app_context():
        from questionnaires.scoring import score
        from webapp.core.db import db
        from webapp.core.models import Assessment

        chosen = [db.session.get(Assessment, ids[k]) for k in ("coast", "immigration", "prosecution")]
        by_name = sorted(((a.answer_values()["agency_name"], a.answer_values()) for a in chosen), key=lambda na: na[0])
    header = ["Section"] + [name for name, _answers in by_name]
    expected = []
    for section in questionnaire.sections:
        row = [section.title["en"]]
        for _name, answers in by_name:
            if section.id not in {s.id for s in questionnaire.applicable_sections(answers)}:
                row.append("not asked")
            else:
                level = score(questionnaire, answers).sections[section.id].shown_level
                row.append(level if level is not None else "not enough information")
        expected.append(row)
    rows = [list(r) for r in book["Matrix"].iter_rows(values_only=True)]
    assert rows == [header] + expected
    plan = [list(r) for r in book["Plan"].iter_rows(values_only=True)]
    assert plan[0] == ["Resource", "Part", "Agencies", "Audience", "People to train", "Joint training"]
    assert len(plan) > 1 and all(r[5] in ("yes", "no") and r[0] and r[1] for r in plan[1:])

    # Before publication only staff read it; after, donors and the officials of included agencies.
    donor = sign_in(app, people["donor"][0])
    donor.get(f"/national/{report_id}", status=404)
    ta.get(report_url)
    ta.post(f"/national/{report_id}/publish", {}, status=302)
    assert "Ghana" in donor.get("/portfolio/").get_data(as_text=True)
    donor.get(f"/national/{report_id}")
    with app.app_context():
        from webapp.core.db import db
        from webapp.core.models import Assessment, AuditEvent, User

        official = db.session.get(User, people["official"][1])
        official.agency_id = db.session.get(Assessment, ids["coast"]).agency_id
        db.session.commit()
        actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
        assert "national report created" in actions and "national report published" in actions
    sign_in(app, people["official"][0]).get(f"/national/{report_id}")
    sign_in(app, people["other_official"][0]).get(f"/national/{report_id}", status=404)
    Browser(app.test_client()).get(f"/national/{report_id}", status=404)


def test_shared_gaps_and_disagreements_on_three_agencies(questionnaire, catalogue):
    from reports.national import AgencyInput, build_national
    from tests.helpers import answer_all

    weak = dict(PROFILE, country="GH", coop_national="none", coop_contacts="none")
    agencies = [
        AgencyInput("A", "coast-guard", "TNA-A", __import__("datetime").date(2026, 1, 1), answer_all(questionnaire, weak)),
        AgencyInput("B", "coast-guard", "TNA-B", __import__("datetime").date(2026, 1, 2),
                    answer_all(questionnaire, dict(weak, agency_name="B", coop_national="joint"))),
        AgencyInput("C", "training-academy", "TNA-C", __import__("datetime").date(2026, 1, 3),
                    answer_all(questionnaire, dict(weak, agency_name="C", agency_type="training-academy", borders=["none"]))),
    ]
    report = build_national(questionnaire, catalogue, "GH", agencies, "fr")
    assert report.country == "Ghana"
    contacts = next(g for g in report.shared_gaps if g.topic_id == "cooperation.direct-channels")
    assert [name for name, _level in contacts.agencies] == ["A", "B"]
    coordination = next(d for d in report.disagreements if "coordonnent" in d.question)
    assert [name for name, _answer in coordination.answers] == ["A", "B"]
    assert any(row.joint and set(row.agencies) >= {"A", "B"} for row in report.plan)
    assert all(row.people is not None for row in report.plan)  # every agency gave its staff size
    assert any("Tableau sur la coopération" in a.part for a in report.advice)
    academy = report.agencies[2]
    assert academy.asked.count(True) == 1  # a training academy is asked only about training


def _xlsx_names(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    return list(next(load_workbook(io.BytesIO(data))["Matrix"].iter_rows(values_only=True))[1:])


def test_only_reviewed_assessments_unless_the_officer_ticks_more(app, people, questionnaire):
    """By default a national report takes reviewed or published assessments. A submitted one
    needs its own tick and the 'not yet reviewed' tick, and the report then says so."""
    from tests.helpers import mark_reviewed

    ids = ghana(app, questionnaire, reviewed=("coast", "prosecution"))
    ta = sign_in(app, people["ta"][0])
    choose = ta.get("/national/new?country=GH").get_data(as_text=True)
    assert re.search(rf'value="{ids["coast"]}" checked', choose) and re.search(rf'value="{ids["prosecution"]}" checked', choose)
    assert f'value="{ids["immigration"]}">' in choose  # listed, not ticked
    assert choose.index("Submitted, not yet reviewed") < choose.index(ids["immigration"])
    # Ticking a submitted one alone is refused, and nothing is created.
    everything = {"country": "GH", "assessment": [ids["coast"], ids["immigration"], ids["prosecution"]]}
    ta.post("/national/", everything, status=302)
    assert "Some assessments you chose are not yet reviewed" in ta.get("/national/new?country=GH").get_data(as_text=True)
    from webapp.core.db import db
    from webapp.core.models import NationalReport

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(NationalReport)) == 0
    # The default choice: no line about unreviewed assessments.
    reviewed_only = ta.post("/national/", {"country": "GH", "assessment": [ids["coast"], ids["prosecution"]]}, status=302)
    assert "not yet reviewed" not in ta.get(reviewed_only.headers["Location"]).get_data(as_text=True)
    # With the tick: the page and the PDF say so.
    ta.get("/national/new?country=GH")
    response = ta.post("/national/", dict(everything, include_unreviewed="yes"), status=302)
    url = response.headers["Location"]
    html = ta.get(url).get_data(as_text=True)
    assert "This report includes 1 assessment not yet reviewed." in html
    assert re.search(r"TNA-\w+, [^<]+ \(<strong>not yet reviewed</strong>\)", html)
    pdf = re.sub(r"\s+", " ", pdf_text(ta.get(f"{url}.pdf").data))
    assert "This report includes 1 assessment not yet reviewed." in pdf
    # Once it is reviewed, the line goes, in the page and in the PDF.
    mark_reviewed(app, ids["immigration"])
    assert "not yet reviewed" not in ta.get(url).get_data(as_text=True)
    assert "not yet reviewed" not in pdf_text(ta.get(f"{url}.pdf").data)


def test_a_later_draft_does_not_rewrite_a_published_national_report(app, people, questionnaire):
    """Anyone with the private link of an included assessment may start a new draft and rename
    the agency in it. The national report, its PDF and its workbook keep the name the
    assessment gave; so does the command line's report."""
    from tests.helpers import form_data, publish_as_ta

    ids = ghana(app, questionnaire)
    ta = sign_in(app, people["ta"][0])
    publish_as_ta(app, ta, ids["coast"])
    ta.get("/national/new?country=GH")
    response = ta.post("/national/", {"country": "GH", "assessment": [ids["coast"], ids["immigration"]]}, status=302)
    url = response.headers["Location"]
    ta.post(f"{url}/publish", {}, status=302)
    before_pdf = pdf_text(ta.get(f"{url}.pdf").data)
    assert "Ghana Navy" in before_pdf and "Ghana Immigration Service" in before_pdf

    for key in ("coast", "immigration"):  # one published, one reviewed only
        official = Browser(app.test_client())
        official.get("/")
        location = official.post("/repeat", {"link": f"/a/{ids['tokens'][key]}/"}, status=302).headers["Location"]
        token = re.search(r"/a/([^/]+)/section/profile", location).group(1)
        page = f"/a/{token}/section/profile"
        official.get(page)
        answers = dict(PROFILE, country="GH", agency_name=f"Renamed {key}")
        official.post(page, dict(form_data(questionnaire.profile, answers), action="save"), status=302)

    from webapp.core.db import db
    from webapp.core.models import Agency

    with app.app_context():
        assert {"Renamed coast", "Renamed immigration"} <= {a.name for a in db.session.scalars(db.select(Agency))}
    html = ta.get(url).get_data(as_text=True)
    donor = sign_in(app, people["donor"][0])
    for text in (html, donor.get(url).get_data(as_text=True), pdf_text(ta.get(f"{url}.pdf").data)):
        assert "Ghana Navy" in text and "Ghana Immigration Service" in text and "Renamed" not in text
    assert sorted(_xlsx_names(ta.get(f"{url}.xlsx").data)) == ["Ghana Immigration Service", "Ghana Navy"]
    # The portfolio's list and work plan read what was published too.
    assert "Renamed" not in donor.get("/portfolio/").get_data(as_text=True)
    assert "Renamed" not in donor.get("/portfolio/work-plan.csv").get_data(as_text=True)
    # The choice of assessments for a new report names them as they describe themselves.
    choose = ta.get("/national/new?country=GH").get_data(as_text=True)
    assert "Ghana Navy: " in choose and "Renamed coast: " not in choose


def test_the_command_line_takes_reviewed_assessments_by_default(app, questionnaire, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    ghana(app, questionnaire, reviewed=("coast",))
    out = tmp_path / "gh.html"
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    result = CliRunner().invoke(main, ["national", "--country", "GH", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "(1 agencies)" in result.output and "not yet reviewed" not in out.read_text()
    result = CliRunner().invoke(main, ["national", "--country", "GH", "--include-unreviewed", "-o", str(out)], env=env)
    assert "(3 agencies)" in result.output and "This report includes 2 assessments not yet reviewed." in out.read_text()
    assert "Togo Navy" not in out.read_text()


def test_a_shared_gap_is_filed_only_under_sections_each_of_its_agencies_was_asked(questionnaire, catalogue):
    """A topic asked in several sections is filed under the sections where every agency that
    shares the gap answered it: never under one the matrix marks "not asked" for one of them."""
    import datetime as dt

    from reports.national import build_national
    from tests.helpers import fill_answers

    kinds = [("coast-guard", ["sea"]), ("immigration", ["land", "sea", "air"]), ("customs", ["land"]),
             ("prosecution", ["none"]), ("criminal-investigation", ["none"]), ("document-examination", ["none"]),
             ("training-academy", ["none"]), ("ministry", ["none"])]
    agencies = [AgencyInput(kind, kind, f"TNA-{i}", dt.date(2026, 1, 1),
                            fill_answers(questionnaire, {"name": kind, "agency_type": kind, "borders": borders, "fill": "weak"}))
                for i, (kind, borders) in enumerate(kinds)]
    report = build_national(questionnaire, catalogue, "GH", agencies, "en")
    asked = {row.name: {title for title, was in zip(report.sections, row.asked, strict=True) if was} for row in report.agencies}
    assert report.shared_gaps
    for gap in report.shared_gaps:
        assert gap.section, gap.topic
        for title in gap.section.split("; "):
            for name, _level in gap.agencies:
                assert title in asked[name], (gap.topic, title, name)
