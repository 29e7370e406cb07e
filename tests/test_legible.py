"""Legible at a glance: the donor's portfolio, the administrator's pages, and the report, paper
questionnaire and workbook as printed. Each point is an assertion, not a screenshot."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from questionnaires.yamlio import load_yaml
from reports.build import build_report
from reports.recommend import PRIORITY_ORDER
from reports.render import render_blank, render_document, render_pdf
from reports.workbook import SHEET_TITLE_LIMIT, sheet_title, write_workbook
from tests.helpers import (
    PASSWORD, PROFILE, Browser, assessment_id, fill_answers, publish_as_ta, sign_in, submitted_assessment,
)

SCENARIOS = Path(__file__).parent / "scenarios"


def _flat(text: str) -> str:
    """Every run of spaces, the no-break ones of French typography included, as one space."""
    return re.sub(r"\s+", " ", text)


def _pages(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


# --- the administrator ----------------------------------------------------------------------


def _invite(admin: Browser, **fields) -> str:
    admin.get("/admin/users")
    data = {"name": "Nadia Nouvelle", "email": "nadia@x.test", "role": "donor", "agency": "", "language": "en"} | fields
    return admin.post("/admin/users", data).get_data(as_text=True)


def _link(html: str) -> str:
    return re.search(r"http://localhost(/invitation/[A-Za-z0-9_-]+)", html).group(1)


def _user(app, email: str):
    from webapp.accounts import service as accounts

    with app.app_context():
        user = accounts.find_user(email)
        return user.id, user.role, user.agency_id, user.active


def test_the_invitation_form_states_the_expiry_and_asks_only_officials_for_an_agency(app, people):
    admin = sign_in(app, people["admin"][0])
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "The link works once, for 7 days" in page
    # The agency field is marked as the official's, and hidden by the stylesheet for other roles.
    assert '<div class="only-official">' in page and "Only for a national official" in page
    css = app.test_client().get("/static/app.css").get_data(as_text=True)
    assert '.role-form:has(select[name="role"] option[value="official"]:not(:checked)) .only-official { display: none; }' in css

    missing = _invite(admin, email="olga@x.test", role="official")
    assert "Choose the agency of this national official." in missing
    from webapp.accounts import service as accounts

    with app.app_context():
        assert accounts.find_user("olga@x.test") is None, "an official with no agency is not created"
    _invite(admin, email="olga@x.test", role="official", agency=people["agency"])
    assert _user(app, "olga@x.test")[1:3] == ("official", people["agency"])
    # A donor sent with an agency (a stale form, or a hand-made request) gets none.
    _invite(admin, email="dan@x.test", role="donor", agency=people["agency"])
    assert _user(app, "dan@x.test")[1:3] == ("donor", None)


def test_invitation_addresses_are_checked_as_the_demo_accounts_are(app, people):
    """`.test` addresses, like the demo's own, work in development; in production they do not."""
    admin = sign_in(app, people["admin"][0])
    assert "Invitation link:" in _invite(admin, email="someone@demo.test")
    app.config["TNA_ENV"] = "production"
    try:
        refused = _invite(admin, email="someone.else@demo.test")
    finally:
        app.config["TNA_ENV"] = "development"
    assert "Enter an email address like name@example.org" in refused
    assert "Enter an email address like name@example.org" in _invite(admin, email="not an address")


def test_an_invitation_is_sent_again_or_revoked(app, people):
    admin = sign_in(app, people["admin"][0])
    first = _link(_invite(admin))
    user_id = _user(app, "nadia@x.test")[0]
    listing = admin.get("/admin/users").get_data(as_text=True)
    from reports.i18n import Translator

    expires = Translator("en").date(dt.date.today() + dt.timedelta(days=7))
    assert f"Invited: the link works until {expires}" in listing

    person = f"/admin/users/{user_id}"
    admin.get(person)
    again = admin.post(f"{person}/invitation", status=200).get_data(as_text=True)
    second = _link(again)
    assert second != first and "Invitation link:" in again
    guest = Browser(app.test_client())
    guest.get(first, status=404)  # the earlier link stops working
    assert f"This link works once, until {expires}." in guest.get(second).get_data(as_text=True)

    admin.get(person)
    admin.post(f"{person}/invitation/revoke", status=302)
    page = admin.get(person).get_data(as_text=True)
    assert "The invitation link no longer works." in page and "No valid invitation" in page
    guest.get(second, status=404)
    # A new link after a revocation works, and setting a password makes the account active.
    third = _link(admin.post(f"{person}/invitation", status=200).get_data(as_text=True))
    guest.get(third)
    guest.post(third, {"password": PASSWORD, "confirm": PASSWORD}, status=302)
    assert ">Active</td>" in admin.get("/admin/users").get_data(as_text=True)
    admin.get(person)
    assert "does not need an invitation" in admin.post(f"{person}/invitation", follow_redirects=True).get_data(as_text=True)

    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import AuditEvent

    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("invitation sent again") == 2 and actions.count("invitation revoked") == 1


def test_a_role_change_applies_from_the_next_page(app, people):
    admin = sign_in(app, people["admin"][0])
    ta = sign_in(app, people["ta"][0])
    ta.get("/review/")
    person = f"/admin/users/{people['ta'][1]}"
    admin.get(person)
    # An official needs an agency: the page says so and nothing changes.
    refused = admin.post(f"{person}/role", {"role": "official", "agency": ""}, status=400).get_data(as_text=True)
    assert "Choose the agency of this national official." in refused
    assert _user(app, people["ta"][0])[1] == "ta"
    admin.post(f"{person}/role", {"role": "donor", "agency": people["agency"]}, status=302)
    assert _user(app, people["ta"][0])[1:3] == ("donor", None)
    ta.get("/review/", status=403)  # the same session, with the new role
    ta.get("/portfolio/")
    admin.get(person)
    admin.post(f"{person}/role", {"role": "official", "agency": people["agency"]}, status=302)
    assert _user(app, people["ta"][0])[1:3] == ("official", people["agency"])
    ta.get("/my/assessments")
    # Nobody changes their own role here: the last administrator cannot lock everyone out.
    own = f"/admin/users/{people['admin'][1]}"
    assert "This is your own account" in admin.get(own).get_data(as_text=True)
    response = admin.post(f"{own}/role", {"role": "donor", "agency": ""}, follow_redirects=True)
    assert "You cannot change your own role" in response.get_data(as_text=True)
    assert _user(app, people["admin"][0])[1] == "admin"


def test_a_deactivated_account_is_signed_out_at_once(app, people):
    admin = sign_in(app, people["admin"][0])
    official = sign_in(app, people["official"][0])
    official.get("/my/assessments")
    cookie = official.client.get_cookie("session")
    assert cookie is not None
    person = f"/admin/users/{people['official'][1]}"
    admin.get(person)
    done = admin.post(f"{person}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert "signed out everywhere" in done and "Deactivated" in done
    # The session the official had a moment ago is refused on its very next request.
    response = official.client.get("/my/assessments")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    # The old cookie, replayed in another client, is refused too.
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/my/assessments").status_code == 302
    # The password no longer signs in.
    browser = Browser(app.test_client())
    browser.get("/sign-in")
    assert browser.post("/sign-in", {"email": people["official"][0], "password": PASSWORD}).status_code != 302
    admin.get(person)
    admin.post(f"{person}/reactivate", status=302)
    sign_in(app, people["official"][0]).get("/my/assessments")
    # Nobody deactivates themselves.
    own = f"/admin/users/{people['admin'][1]}"
    admin.get(own)
    admin.post(f"{own}/deactivate", status=302)
    assert _user(app, people["admin"][0])[3] is True
    admin.get("/admin/users")


def test_a_deactivated_person_cannot_use_an_invitation(app, people):
    admin = sign_in(app, people["admin"][0])
    link = _link(_invite(admin))
    user_id = _user(app, "nadia@x.test")[0]
    admin.get(f"/admin/users/{user_id}")
    admin.post(f"/admin/users/{user_id}/deactivate", status=302)
    Browser(app.test_client()).get(link, status=404)


# --- the donor ------------------------------------------------------------------------------


@pytest.fixture
def three_published(app, people, questionnaire):
    ta = sign_in(app, people["ta"][0])
    names = {"KE": "Kenya Coast Guard", "GH": "Ghana 100% Navy", "TZ": "Tanzania Marine Police"}
    for country, name in names.items():
        token = submitted_assessment(app, questionnaire, dict(PROFILE, agency_name=name, country=country))
        publish_as_ta(app, ta, assessment_id(app, token))
    return sign_in(app, people["donor"][0])


def _reports(html: str) -> str:
    return html.split('<h2 id="reports">', 1)[1]


def test_the_portfolio_has_a_legend_scrolls_its_heat_maps_and_lists_countries_with_data(app, three_published):
    page = three_published.get("/portfolio/").get_data(as_text=True)
    legend = page.split('<div class="heat-legend">', 1)[1].split("</div>", 1)[0]
    for number, name in enumerate(("None", "Initial", "Developing", "Established", "Advanced")):
        assert f'<span class="heat-swatch heat-{number}" aria-hidden="true"></span> {number} {name}' in legend
    assert "too few agencies to show" in legend
    assert 'class="table-scroll heat-scroll" id="by-type" tabindex="0" role="region"' in page
    assert "it scrolls sideways" in page
    country = page.split('<select id="p-country"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([A-Z]{2})"', country) == ["GH", "KE", "TZ"]
    # A country kept in a link from before stays chosen, even with no data.
    chosen = three_published.get("/portfolio/?country=FR").get_data(as_text=True)
    assert '<option value="FR" selected>France</option>' in chosen
    # The trend charts scale with their column instead of a fixed 200 pixels.
    assert 'viewBox="0 0 320 180" width="100%"' in page


def test_the_published_reports_are_paginated_and_searchable(app, three_published, monkeypatch):
    from webapp.portfolio import service as portfolio

    monkeypatch.setattr(portfolio, "PAGE_SIZE", 2)
    donor = three_published
    first = _reports(donor.get("/portfolio/").get_data(as_text=True))
    assert "3 reports: 1 to 2 shown, page 1 of 2." in first and first.count("/portfolio/report/") == 2
    assert 'href="/portfolio/?page=2#reports" rel="next"' in first and 'rel="prev"' not in first
    second = _reports(donor.get("/portfolio/?page=2").get_data(as_text=True))
    assert "3 to 3 shown, page 2 of 2." in second and second.count("/portfolio/report/") == 1
    assert 'href="/portfolio/?page=1#reports" rel="prev"' in second
    # A page past the end, or not a number, shows a real page.
    assert "page 2 of 2" in donor.get("/portfolio/?page=99").get_data(as_text=True)
    assert "page 1 of 2" in donor.get("/portfolio/?page=-1").get_data(as_text=True)
    # Search by a word of the name, in any case, or by the country's name.
    found = _reports(donor.get("/portfolio/?q=navy").get_data(as_text=True))
    assert "1 report matching “navy”." in found and "Ghana 100% Navy" in found and "Kenya" not in found
    assert "Tanzania Marine Police" in _reports(donor.get("/portfolio/?q=tanzania").get_data(as_text=True))
    by_country = _reports(donor.get("/portfolio/?q=Kenya").get_data(as_text=True))
    assert "Kenya Coast Guard" in by_country and "Clear the search" in by_country
    # A % is a character to find, not a wildcard.
    assert "Ghana 100% Navy" in _reports(donor.get("/portfolio/?q=100%25").get_data(as_text=True))
    assert "No published report matches “%”" not in _reports(donor.get("/portfolio/?q=%25").get_data(as_text=True))
    none = _reports(donor.get("/portfolio/?q=zzz").get_data(as_text=True))
    assert "No published report matches “zzz”." in none and "<table" not in none
    # The search and the filters go together, and the page links keep both.
    both = _reports(donor.get("/portfolio/?country=GH&q=coast").get_data(as_text=True))
    assert "No published report matches “coast”." in both
    long = donor.get("/portfolio/?q=" + "x" * 5000)
    assert long.status_code == 200


# --- paper, workbook and report -------------------------------------------------------------

# The most pages the paper questionnaire of each type takes (cover and contents included).
PAPER_PAGES = {
    "border-police": 18, "immigration": 20, "coast-guard": 14, "customs": 13, "airport-liaison": 14,
    "criminal-investigation": 9, "document-examination": 8, "forensic-laboratory": 5, "prosecution": 10,
    "anti-corruption": 6, "financial-intelligence": 5, "consular": 10, "child-protection": 6,
    "training-academy": 5, "ministry": 10,
}


@pytest.mark.timeout(300)
def test_the_paper_questionnaire_of_each_agency_type_has_no_near_empty_page(questionnaire):
    assert set(PAPER_PAGES) == {o.id for o in questionnaire.agency_types()}
    for agency_type, most in PAPER_PAGES.items():
        pages = _pages(render_pdf(render_blank(questionnaire, agency_type, "en")))
        assert len(pages) <= most, (agency_type, len(pages))
        # Between the cover and the last page, each page is well filled: no section starts a page
        # of its own and leaves the one before almost empty.
        thin = [(n, len(text)) for n, text in enumerate(pages[1:-1], start=2) if len(text) < 1000]
        assert thin == [], (agency_type, thin)


def test_the_paper_questionnaire_marks_one_answer_with_circles_and_several_with_boxes(questionnaire):
    html = render_blank(questionnaire, "coast-guard", "en")
    single = multiple = 0
    for block in html.split('<div class="blank-question">')[1:]:
        qid = re.search(r'<span class="qid">\[([^\]]+)\]', block).group(1)
        question = questionnaire.question(qid)
        marks = re.findall(r'<span class="(box[^"]*)">', block)
        if not marks:
            continue
        from questionnaires.answer_types import handler

        if handler(question).many:
            multiple += 1
            assert set(marks) == {"box"} and "Tick all that apply." in block, qid
        else:
            single += 1
            assert set(marks) == {"box box-round"}, qid
    assert single > 20 and multiple >= 2
    assert "Where there are round marks (○), fill in one. Where there are square boxes (□), tick all that apply." in html
    css = (Path(__file__).parents[1] / "reports" / "static" / "blank.css").read_text()
    assert ".box-round { border-radius: 50%; }" in css


def test_sheet_names_are_never_cut_in_the_middle_of_a_word(questionnaire):
    assert sheet_title("3. Identity and travel documents") == "3. Identity and travel…"
    assert sheet_title("1. Profile") == "1. Profile"
    assert sheet_title("5. L'action: [sea]/air?") == "5. L’action sea air"
    from questionnaires import tr
    from reports.paper import paper_form

    cut = 0
    for agency_type in (None, *(o.id for o in questionnaire.agency_types())):
        for lang in ("en", "fr", "es"):
            book = load_workbook(io.BytesIO(write_workbook(questionnaire, agency_type, lang)))
            titles = [f"{n}. {tr(s.section.title, lang)}" for n, s in enumerate(paper_form(questionnaire, agency_type, lang))]
            names = book.sheetnames[3:]  # after "How to fill in" and the two hidden sheets
            assert len(names) == len(titles)
            for name, title in zip(names, titles, strict=True):
                assert len(name) <= SHEET_TITLE_LIMIT, name
                full = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).replace("'", "’").split())
                if name.endswith("…"):
                    cut += 1
                    kept = name[:-1]
                    assert full.startswith(kept) and full[len(kept)] in " ,;.:-–(", (name, full)
                else:
                    assert name == full
    assert cut > 10, "some titles are long enough to be cut"


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_workbook_does_not_say_both_leave_blank_and_not_applicable(questionnaire, lang):
    from reports.i18n import Translator

    t = Translator(lang)
    book = load_workbook(io.BytesIO(write_workbook(questionnaire, "customs", lang)))
    about = " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value)
    about = _flat(about)
    not_applicable = {"en": "Not applicable", "fr": "Sans objet", "es": "No procede"}[lang]
    assert re.search(f"[“«] ?{not_applicable} ?[”»]", about), about
    blank = {"en": r"\bblank\b", "fr": r"\bvide\b|\bblanc\b", "es": r"\ben blanco\b|\bvacía\b"}[lang]
    assert not re.search(blank, about, re.IGNORECASE), about
    assert _flat(t("Multiple-choice questions have one line per choice: answer Yes or No.")) in about


def _scenario_reports(questionnaire, catalogue, lang="en"):
    for path in sorted(SCENARIOS.glob("*.yaml")):
        yield path.stem, build_report(questionnaire, catalogue, fill_answers(questionnaire, load_yaml(path)), lang=lang)


def test_parts_within_a_card_are_in_the_resources_order_and_answers_point_back(questionnaire, catalogue):
    pointers = reordered = 0
    for name, report in _scenario_reports(questionnaire, catalogue):
        printed: dict[int, object] = {}
        for card in report.cards:
            order = [part.id for part in catalogue.resource(card.resource_id).parts]
            ids = [p.part_id for p in card.parts]
            assert ids == sorted(ids, key=order.index), (name, card.resource_id, ids)
            reordered += [p.rank for p in card.parts] != sorted(p.rank for p in card.parts)
            assert card.priority == min((p.priority for p in card.parts), key=PRIORITY_ORDER.get)
            for part in card.parts:
                for reason in part.reasons:
                    if reason.answers_under:
                        pointers += 1
                        earlier = printed.get(reason.answers_under)
                        assert earlier is not None, (name, part.rank, reason.answers_under, "points to a part printed later")
                        # ... and that part lists the answers of this very topic.
                        assert earlier.lists_answers and any(
                            r.topic_id == reason.topic_id and r.evidence for r in earlier.reasons), (name, part.rank)
                printed[part.rank] = part
        # The list in rank order carries the same parts as the cards.
        assert sorted(printed) == [v.rank for v in report.recommendations]
        assert all(printed[v.rank] == v for v in report.recommendations)
    assert pointers >= 5 and reordered >= 5, "the scenarios exercise both rules"


def _info(status="Submitted"):
    return {"reference": "TNA-2026-0042", "date": dt.date(2026, 12, 6), "status": status}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_printed_report_cover_and_pages(questionnaire, catalogue, lang):
    from reports.i18n import Translator

    t = Translator(lang)
    # A strong agency: no actions. One line says why, and the summary follows on the same page.
    strong = fill_answers(questionnaire, load_yaml(SCENARIOS / "customs-strong.yaml"))
    pages = _pages(render_pdf(render_document(build_report(questionnaire, catalogue, strong, _info(t("Published")), lang))))
    cover = pages[0]
    assert "Customs, strong" in cover and t.date(dt.date(2026, 12, 6)) in cover and t("Published") in cover
    none = _flat(t("No actions: every area is at the target level or above, so no training is recommended now."))
    assert none in pages[1] and t("Summary") in pages[1], "an empty list of actions takes no page of its own"
    # A weak agency, in each language: no page between the cover and the last is almost empty.
    weak = fill_answers(questionnaire, load_yaml(SCENARIOS / "coast-guard-weak.yaml"))
    pages = _pages(render_pdf(render_document(build_report(questionnaire, catalogue, weak, _info(), lang))))
    thin = [(n, len(text)) for n, text in enumerate(pages[1:-1], start=2) if len(text) < 900]
    assert thin == [], thin
    assert t("Actions to take first") in pages[1]
