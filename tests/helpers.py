"""What many tests share: answers for journeys, a browser-like client that checks every page,
and the steps of the journeys themselves (start, walk, sign in, submit, publish)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from questionnaires import Questionnaire, Section, tr
from questionnaires.model import DONT_KNOW
from reports.i18n import Translator, country_names

PROFILE = {
    "country": "KE",
    "agency_name": "Coast Guard Service",
    "agency_type": "coast-guard",
    "borders": ["sea"],
    "staff_size": 1200,
    "respondent_role": "training-officer",
}

# Every border each kind of agency can work on; the other kinds work on none.
WIDEST_BORDERS = {
    "border-police": ["land", "sea", "air"], "immigration": ["land", "sea", "air"], "coast-guard": ["sea"],
    "customs": ["land", "sea", "air"], "airport-liaison": ["air"],
}


def default_value(question) -> Any:
    """A middling answer: level 2 where there is one. No other work beyond the agency type's."""
    if question.id == "other_functions":
        return []
    if question.type == "multiple":
        options = [o for o in question.choices() if o.level == 2] or question.choices()[1:2]
        return [options[0].id]
    if question.type in ("single", "yesno"):
        choices = question.choices()
        with_two = [o for o in choices if o.level == 2]
        return (with_two or choices)[0].id
    if question.type == "number":
        return 10
    if question.type == "country":
        return "KE"
    return "Some text"


def form_data(section: Section, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser would post for this section, given every answer chosen so far."""
    data: dict[str, Any] = {"action": "continue", "shown": []}
    for question in section.questions:
        if not question.holds(answers):
            continue
        value = answers.get(question.id)
        if value is None:
            value = default_value(question)
            answers[question.id] = value
        data["shown"].append(question.id)
        # A group of boxes sends an empty value beside the ticked ones, as the page's form does.
        data[f"q_{question.id}"] = [""] + value if isinstance(value, list) else str(value)
    return data


def five_changes(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, str]:
    """Five scored single-choice answers raised to the best level, as an official would on a
    second assessment."""
    changes: dict[str, str] = {}
    for question in questionnaire.all_questions():
        if len(changes) == 5:
            break
        if question.scored and question.type == "single" and question.id in answers:
            best = max((o for o in question.choices() if o.level is not None), key=lambda o: o.level or 0)
            if answers[question.id] != best.id:
                changes[question.id] = best.id
    assert len(changes) == 5, "the answers leave fewer than five questions to improve"
    return changes


def answer_all(questionnaire: Questionnaire, chosen: dict[str, Any]) -> dict[str, Any]:
    """Every visible question answered: chosen values, else defaults."""
    answers = dict(chosen)
    for section in questionnaire.applicable_sections(answers):
        form_data(section, answers)
    return answers


def strong_answers(questionnaire, profile: dict[str, Any], weak: dict[str, Any]) -> dict[str, Any]:
    """Every scored question answered at level 4 except the weak ones given."""
    answers = dict(profile)
    for question in questionnaire.all_questions():
        if question.scored and question.id not in weak:
            best = max((o for o in question.choices() if o.level is not None), key=lambda o: o.level)
            answers[question.id] = [best.id] if question.type == "multiple" else best.id
    answers.update(weak)
    return answer_all(questionnaire, answers)


def pdf_text(pdf: bytes) -> str:
    """The text of every page of a PDF, read back with pypdf."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- pages and journeys ---------------------------------------------------------------------


ROOT = Path(__file__).resolve().parent.parent


FIXTURES = Path(__file__).resolve().parent / "fixtures"


class PageChecker(HTMLParser):
    """Collects what every page must get right: a title, unique ids, CSRF fields in POST forms."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.title = ""
        self._in_title = False
        self.post_forms = 0
        self.csrf_fields = 0
        self.labels_for: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "title":
            self._in_title = True
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.post_forms += 1
        if tag == "input" and attrs.get("name") == "csrf_token":
            self.csrf_fields += 1
        if tag == "label" and attrs.get("for"):
            self.labels_for.append(attrs["for"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def check_page(html: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(html)
    assert checker.title.strip(), "page has no <title>"
    dupes = {i for i in checker.ids if checker.ids.count(i) > 1}
    assert not dupes, f"duplicate ids: {dupes}"
    assert checker.csrf_fields >= checker.post_forms, "a POST form has no CSRF field"
    missing = [f for f in checker.labels_for if f not in checker.ids]
    assert not missing, f"labels for missing ids: {missing}"
    assert "Undefined" not in html
    return checker


class Browser:
    """A test client that checks every page and sends the CSRF token like a browser would."""

    def __init__(self, client):
        self.client = client
        self.last_html = ""

    def get(self, url, status=200, **kwargs):
        response = self.client.get(url, **kwargs)
        assert response.status_code == status, (url, response.status_code)
        if response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
            check_page(self.last_html)
        return response

    def csrf(self, url=None) -> str:
        html = self.last_html if url is None else self.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url, data=None, status=None, csrf_from=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(csrf_from))
        version = re.search(r'name="base_version" value="(\d+)"', self.last_html)
        if version and "base_version" not in data:
            data["base_version"] = version.group(1)
        response = self.client.post(url, data=data, **kwargs)
        if status is not None:
            assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
        if response.mimetype == "text/html" and response.status_code != 302:
            self.last_html = response.get_data(as_text=True)
            check_page(self.last_html)
        return response


PASSWORD = "correct horse battery staple"


def start(browser) -> str:
    browser.get("/")
    response = browser.post("/start", status=302)
    match = re.search(r"/a/([^/]+)/section/profile", response.headers["Location"])
    assert match
    return match.group(1)


def walk(browser, questionnaire, token, answers):
    """Answer each page the wizard offers, following its redirects, until the check page."""
    url = f"/a/{token}/section/profile"
    visited = []
    while "/section/" in url:
        section_id = url.rsplit("/", 1)[1]
        section = questionnaire.section(section_id)
        browser.get(url)
        visited.append(section_id)
        response = browser.post(url, form_data(section, answers), status=302)
        url = response.headers["Location"]
    assert url.endswith(f"/a/{token}/check")
    return visited


def sign_in(app, email, password=PASSWORD) -> Browser:
    browser = Browser(app.test_client())
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return browser


def submitted_assessment(app, questionnaire, profile=None, browser=None) -> str:
    browser = browser or Browser(app.test_client())
    token = start(browser)
    walk(browser, questionnaire, token, dict(profile or PROFILE, sea_interdiction_procedure="none",
                                              train_comments="Secret budget figures"))
    browser.get(f"/a/{token}/check")
    browser.post(f"/a/{token}/submit", status=302)
    return token


def assessment_id(app, token) -> str:
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        return db.session.scalar(select(Assessment.id).where(Assessment.token == token))


def publish_as_ta(app, ta, aid):
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/reviewed", {}, status=302)
    ta.post(f"/review/{aid}/publish", {"confirm": "yes"}, status=302)


def backdate_publication(app, aid, when):
    """Move a publication to an earlier date, and the portfolio's figures with it."""
    from webapp.core.db import db
    from webapp.core.models import Assessment
    from webapp.portfolio import figures

    with app.app_context():
        assessment = db.session.get(Assessment, aid)
        assessment.published_at = when
        figures.refresh_agency(assessment.agency_id or assessment.id)
        db.session.commit()


def profile_done(browser, questionnaire):
    token = start(browser)
    answers = dict(PROFILE)
    url = f"/a/{token}/section/profile"
    browser.post(url, form_data(questionnaire.profile, answers), csrf_from=url, status=302)
    return token, answers


def saved(app, token):
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        return db.session.scalar(select(Assessment).where(Assessment.token == token)).answer_values()


def mark_reviewed(app, *ids: str) -> None:
    """These assessments checked by a reviewer, as the review page's button leaves them."""
    from webapp.core.db import db
    from webapp.core.models import Assessment, utcnow
    from webapp.core.status import REVIEWED

    with app.app_context():
        for aid in ids:
            assessment = db.session.get(Assessment, aid)
            assessment.status, assessment.reviewed_at = REVIEWED, utcnow()
        db.session.commit()


def ghana(app, questionnaire, reviewed=("coast", "immigration", "prosecution", "togo")):
    """Three agencies of Ghana: two weak in the same places, and answers about national
    coordination that disagree; and one agency of Togo. Those named in `reviewed` are reviewed."""
    base = dict(PROFILE, country="GH", sea_interdiction_procedure="none")
    tokens = {
        "coast": submitted_assessment(app, questionnaire, dict(base, agency_name="Ghana Navy", coop_national="none")),
        "immigration": submitted_assessment(app, questionnaire, dict(base, agency_name="Ghana Immigration Service",
                                                                      agency_type="immigration", borders=["land", "sea"],
                                                                      coop_national="body")),
        "prosecution": submitted_assessment(app, questionnaire, dict(base, agency_name="Office of the Attorney-General",
                                                                      agency_type="prosecution", borders=["none"],
                                                                      coop_national="body")),
        "togo": submitted_assessment(app, questionnaire, dict(base, country="TG", agency_name="Togo Navy")),
    }
    ids = {k: assessment_id(app, v) for k, v in tokens.items()}
    mark_reviewed(app, *(ids[k] for k in reviewed))
    return ids | {"tokens": tokens}


FILLS = ("strong", "weak", "middling", "dont-know")


def fill_answers(questionnaire: Questionnaire, scenario: dict[str, Any]) -> dict[str, Any]:
    """The scenario's answers, with every other visible question answered as `fill` says."""
    answers: dict[str, Any] = {
        "country": "KE", "agency_name": scenario["name"], "agency_type": scenario["agency_type"],
        "borders": scenario.get("borders", ["none"]), "other_functions": scenario.get("other_functions", []),
        "staff_size": scenario.get("staff_size", 500),
        "respondent_role": "manager", **scenario.get("answers", {}),
    }
    mode = scenario.get("fill", "strong")
    assert mode in FILLS, mode
    for _ in range(3):  # answers can reveal questions
        for question in questionnaire.visible_questions(answers):
            if question.id in answers or not question.choices():
                continue
            leveled = [o for o in question.choices() if o.level is not None]
            if not question.scored:
                choice = question.choices()[0]
            elif mode == "dont-know":
                choice = question.choice(DONT_KNOW)
            elif mode == "middling":
                choice = min(leveled, key=lambda o: abs(o.level - 2))
            else:
                choice = (max if mode == "strong" else min)(leveled, key=lambda o: o.level)
            answers[question.id] = [choice.id] if question.type == "multiple" else choice.id
    return answers


def fill(data: bytes, questionnaire, answers: dict, lang: str, change=None) -> bytes:
    """Fill a workbook the way a person would, with the labels of its language."""
    book = load_workbook(io.BytesIO(data))
    t = Translator(lang)
    for sheet in book.worksheets:
        if sheet.title in ("tna", "lists") or sheet["A1"].value != t("Id"):
            continue
        for row in sheet.iter_rows(min_row=2):
            key = row[0].value
            if not key:
                continue
            qid, _sep, option = key.partition(":")
            if qid not in answers:
                continue
            question = questionnaire.question(qid)
            value = answers[qid]
            if option:
                row[4].value = t("Yes") if option in value else t("No")
            elif question.type == "multiple":
                continue  # the question's own line; its options have the answers
            elif question.type in ("single", "yesno"):
                row[4].value = tr(question.choice(value).label, lang)
            elif question.type == "country":
                row[4].value = country_names(lang)[value]
            else:
                row[4].value = value
            if change:
                change(qid, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

