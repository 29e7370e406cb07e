"""E-mail: every message read back from a real SMTP server on a loopback port.

The private link on request, reminders, the reviewer's question, the official's reply and
resubmission, publication and invitations; each in its recipient's language, with a link and
never an answer; each rate-limited and in the audit trail; and what the page says when no
server is set up or the server is down."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from tests.helpers import (
    PASSWORD,
    PROFILE,
    Browser,
    assessment_id,
    profile_done,
    sign_in,
    start,
    submitted_assessment,
    walk,
)

pytestmark = pytest.mark.timeout(120)


def _flash(html: str) -> str:
    return " ".join(re.findall(r'<div class="notice notice-\w+" role="status">(.*?)</div>', html, re.S))


def _events(app, aid, action=None):
    from webapp.core.db import db
    from webapp.core.models import AuditEvent

    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.assessment_id == aid) if aid else select(AuditEvent)
        return [(e.action, e.after) for e in db.session.scalars(query.order_by(AuditEvent.id))
                if action is None or e.action == action]


def _contact(app, aid):
    from webapp.core.db import db
    from webapp.core.models import Contact

    with app.app_context():
        contact = db.session.get(Contact, aid)
        return None if contact is None else (contact.email, contact.language)


def _answer_texts(app, aid) -> list[str]:
    """Every answer of the assessment written out, as a message could quote it."""
    from webapp.core.db import db
    from webapp.core.models import Answer

    with app.app_context():
        values = [a.value for a in db.session.scalars(select(Answer).where(Answer.assessment_id == aid))]
    texts = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and len(item) >= 5:
                texts.append(item)
    return texts


def _email_link(browser, token, address, remind=False, status=302, **extra):
    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = {"email": address, "next": url} | ({"remind": "y"} if remind else {}) | extra
    return browser.post(f"/a/{token}/email-link", data, status=status)


def test_the_private_link_is_mailed_in_the_page_language_and_the_address_is_not_kept(app, smtp):
    browser = Browser(app.test_client())
    token = start(browser)
    response = _email_link(browser, token, "Official@Example.org")
    assert response.headers["Location"] == f"/a/{token}/section/profile"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "We sent the link to official@example.org." in _flash(page)
    [message] = smtp.to("official@example.org")
    assert message.language == "en"
    assert message.subject == "Your private link to the training needs assessment"
    assert message.links == [f"http://localhost/a/{token}/"]
    assert "This e-mail holds no answers." in message.text
    aid = assessment_id(app, token)
    assert _contact(app, aid) is None
    assert ("mail sent", {"kind": "link", "to": "o…@example.org", "language": "en"}) in _events(app, aid)

    # In French, the message is in French.
    browser.client.get("/language/fr")
    _email_link(browser, token, "autre@example.org")
    [french] = smtp.to("autre@example.org")
    assert french.language == "fr"
    assert french.subject == "Votre lien privé vers l'évaluation des besoins de formation"


def test_remind_me_keeps_the_address_until_the_official_removes_it(app, smtp):
    browser = Browser(app.test_client())
    token = start(browser)
    aid = assessment_id(app, token)
    _email_link(browser, token, "keep@example.org", remind=True)
    assert _contact(app, aid) == ("keep@example.org", "en")
    browser.get(f"/a/{token}/")  # the message about the e-mail just sent names the address once
    page = browser.get(f"/a/{token}/").get_data(as_text=True)
    assert "E-mails about this assessment go to k…@example.org." in page
    assert "keep@example.org" not in page
    assert "To stop these e-mails" in smtp.to("keep@example.org")[0].text
    browser.post(f"/a/{token}/forget-address", {"next": f"/a/{token}/"}, status=302)
    assert _contact(app, aid) is None
    assert [a for a, _ in _events(app, aid) if "address" in a] == ["address kept for reminders", "address for reminders removed"]


@pytest.mark.parametrize("address", [
    "a@example.org\r\nBcc: evil@example.org",
    "a@example.org\nSubject: hi",
    "a@example.org%0d%0aBcc:evil@example.org",
    "not an address",
    "x" * 300 + "@example.org",
])
def test_a_header_injected_through_the_address_is_refused(app, smtp, address):
    browser = Browser(app.test_client())
    token = start(browser)
    response = _email_link(browser, token, address, remind=True, status=400)
    html = response.get_data(as_text=True)
    assert "Enter an email address like name@example.org" in html
    assert smtp.messages == []
    assert _contact(app, assessment_id(app, token)) is None


def test_the_email_link_form_works_as_a_page_of_its_own(app, smtp):
    browser = Browser(app.test_client())
    token = start(browser)
    page = browser.get(f"/a/{token}/email-link?next=/a/{token}/check").get_data(as_text=True)
    assert 'name="next" value="/a/' + token + '/check"' in page
    # An outside address to go back to is not followed.
    browser.get(f"/a/{token}/email-link?next=https://evil.example/")
    response = browser.post(f"/a/{token}/email-link", {"email": "a@example.org", "next": "https://evil.example/"}, status=302)
    assert response.headers["Location"] == f"/a/{token}/"


def test_the_lost_link_page_answers_the_same_for_a_known_and_an_unknown_address(app, smtp, people, questionnaire):
    browser = Browser(app.test_client())
    token = start(browser)
    _email_link(browser, token, "kept@example.org", remind=True)
    before = len(smtp.messages)
    pages = {}
    for address in ("kept@example.org", "nobody@example.org", people["official"][0]):
        visitor = Browser(app.test_client())
        visitor.get("/")
        response = visitor.post("/lost-link", {"email": address}, status=302)
        pages[address] = _flash(visitor.get(response.headers["Location"]).get_data(as_text=True))
    assert len(set(pages.values())) == 1
    assert smtp.to("nobody@example.org") == []
    [kept] = smtp.to("kept@example.org")[1:]
    assert kept.subject == "Your private links to the training needs assessment"
    assert f"http://localhost/a/{token}/" in kept.links
    # An official's account gets the links of the agency's assessments (none yet: no message).
    assert smtp.to(people["official"][0]) == []
    assert len(smtp.messages) == before + 1
    # The counts behind the limits do not keep the addresses.
    from webapp.core.db import db
    from webapp.core.models import RateLimitCounter

    with app.app_context():
        keys = db.session.scalars(select(RateLimitCounter.key)).all()
    assert keys and not any("@" in key or "example" in key for key in keys)


def _last_save(app, aid, when):
    from webapp.core.db import db
    from webapp.core.models import Answer, Assessment

    with app.app_context():
        db.session.execute(update(Answer).where(Answer.assessment_id == aid).values(updated_at=when))
        db.session.execute(update(Assessment).where(Assessment.id == aid).values(created_at=when))
        db.session.commit()


def _reminders(app):
    from webapp.cli import main

    result = CliRunner(env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": app.config["MAIL_SERVER"],
                            "MAIL_PORT": str(app.config["MAIL_PORT"]), "MAIL_USE_TLS": "0",
                            "TNA_BASE_URL": "https://tna.example.org"}).invoke(main, ["send-reminders"])
    import traceback
    assert result.exit_code == 0, (result.output, "".join(traceback.format_exception(*result.exc_info)))
    return result.output


def test_one_reminder_after_14_days_without_a_save_and_none_after_submission(app, smtp, questionnaire):
    browser = Browser(app.test_client())
    token, _answers = profile_done(browser, questionnaire)
    aid = assessment_id(app, token)
    browser.client.get("/language/es")
    _email_link(browser, token, "remind@example.org", remind=True)
    other = Browser(app.test_client())
    done = start(other)
    _email_link(other, done, "done@example.org", remind=True)
    now = dt.datetime.now(dt.UTC)

    _last_save(app, aid, now - dt.timedelta(days=13))
    assert "0 sent" in _reminders(app)
    _last_save(app, aid, now - dt.timedelta(days=15))
    assert "1 sent" in _reminders(app)
    assert "0 sent" in _reminders(app)  # run twice: still one
    reminders = [m for m in smtp.to("remind@example.org") if m.subject != smtp.to("remind@example.org")[0].subject]
    [reminder] = reminders
    assert reminder.language == "es"
    assert reminder.links == [f"https://tna.example.org/a/{token}/"]

    # A save after the reminder, then 14 days more: one more reminder.
    url = f"/a/{token}/section/profile"
    from tests.helpers import form_data

    browser.get(url)
    browser.post(url, form_data(questionnaire.profile, dict(PROFILE, agency_name="Renamed agency")), status=302)
    assert "0 sent" in _reminders(app)
    _last_save(app, aid, now - dt.timedelta(days=30))
    from webapp.core.db import db
    from webapp.core.models import Contact

    with app.app_context():
        db.session.execute(update(Contact).where(Contact.assessment_id == aid).values(reminded_at=now - dt.timedelta(days=31)))
        db.session.commit()
    assert "1 sent" in _reminders(app)

    # Submitted: never reminded.
    done_id = assessment_id(app, done)
    walk(other, questionnaire, done, dict(PROFILE))
    other.get(f"/a/{done}/check")
    other.post(f"/a/{done}/submit", status=302)
    _last_save(app, done_id, now - dt.timedelta(days=40))
    _reminders(app)
    assert [m.subject for m in smtp.to("done@example.org")] == ["Your private link to the training needs assessment"]


def test_the_review_loop_tells_each_person_in_their_language(app, smtp, people, questionnaire):
    # The official signs in with the pages in French: e-mails to the account are in French.
    official = Browser(app.test_client())
    official.client.get("/language/fr")
    official.get("/sign-in")
    official.post("/sign-in", {"email": people["official"][0], "password": PASSWORD}, status=302)
    token = submitted_assessment(app, questionnaire, browser=official)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/comment", {"text": "Which patrol boats do you mean?", "target": "section:sea",
                                        "clarification": "yes"}, status=302)
    assert "The official was told by e-mail." in _flash(ta.get(f"/review/{aid}").get_data(as_text=True))
    [asked] = smtp.to(people["official"][0])
    assert asked.language == "fr"
    assert asked.subject == "La personne chargée de la revue a une question sur votre évaluation"
    assert asked.links == [f"http://localhost/a/{token}/section/sea"]
    assert "patrol boats" not in asked.text

    # The official replies from the page the question is about; the reviewer is told.
    page = official.get(f"/a/{token}/section/sea").get_data(as_text=True)
    assert "Which patrol boats do you mean?" in page
    comment_id = re.search(r'/reply/([0-9a-f-]{36})"', page).group(1)
    response = official.post(f"/a/{token}/reply/{comment_id}", {"text": "The two new ones, bought in 2024."}, status=302)
    assert response.headers["Location"].endswith(f"/section/sea#reply-{comment_id}")
    [told] = smtp.to(people["ta"][0])
    assert told.subject == "The agency answered your question"
    assert told.links == [f"http://localhost/review/{aid}#comments"]
    assert "two new ones" not in told.text
    assert "The two new ones, bought in 2024." in ta.get(f"/review/{aid}").get_data(as_text=True)

    # Sent again: the reviewer is told.
    official.get(f"/a/{token}/check")
    official.post(f"/a/{token}/submit", status=302)
    assert [m.subject for m in smtp.to(people["ta"][0])][-1] == "An assessment was sent back to you"

    # Published: the agency's official is told; another agency's official is not.
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/reviewed", {}, status=302)
    ta.post(f"/review/{aid}/publish", {"confirm": "yes"}, status=302)
    published = smtp.to(people["official"][0])[-1]
    assert published.subject == "Le rapport de votre évaluation est publié"
    assert published.links == [f"http://localhost/a/{token}/report"]
    assert smtp.to(people["other_official"][0]) == []

    # No message carries an answer, and each one is in the audit trail.
    answers = _answer_texts(app, aid)
    assert answers
    for message in smtp.messages:
        for text in answers:
            assert text not in message.text and text not in message.subject, (message.subject, text)
    kinds = [after["kind"] for action, after in _events(app, aid, "mail sent")]
    assert kinds == ["clarification", "reply", "resubmitted", "published"]


def test_an_invitation_is_mailed_in_the_chosen_language_and_the_page_still_shows_the_link(app, smtp, people):
    admin = sign_in(app, people["admin"][0])
    admin.get("/admin/users")
    response = admin.post("/admin/users", {"name": "Nadia\r\nBcc: evil@example.org", "email": "nadia@example.org",
                                           "role": "official", "agency": people["agency"], "language": "es"}, status=200)
    html = response.get_data(as_text=True)
    assert "Invitation sent to nadia@example.org by e-mail." in html
    link = re.search(r'<p class="resume-link">(http://localhost/invitation/[^<]+)</p>', html).group(1)
    [invitation] = smtp.to("nadia@example.org")
    assert invitation.language == "es"
    assert invitation.links == [link]
    assert "evil" not in invitation.headers.get("Bcc", "") and "Bcc" not in invitation.headers
    assert invitation.to == ["nadia@example.org"]
    assert ("mail sent", {"kind": "invitation", "to": "n…@example.org", "language": "es"}) in _events(app, None)
    # The link in the message works.
    visitor = Browser(app.test_client())
    visitor.get(link.removeprefix("http://localhost"))


def test_a_stopped_mail_server_loses_nothing_and_the_page_says_so(app, smtp, people, questionnaire):
    official = sign_in(app, people["official"][0])
    token = submitted_assessment(app, questionnaire, browser=official)
    aid = assessment_id(app, token)
    from webapp.core.db import db
    from webapp.core.models import Contact

    with app.app_context():  # two people to tell: the official's account and a kept address
        db.session.add(Contact(assessment_id=aid, email="kept@example.org", language="en"))
        db.session.commit()
    smtp.stop()
    ta = sign_in(app, people["ta"][0])
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/comment", {"text": "Please say more.", "target": "", "clarification": "yes"}, status=302)
    page = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert "The e-mail could not be sent: the mail server did not answer or refused it. Nothing is lost." in _flash(page)
    assert "Please say more." in page
    # Both are in the audit trail as not sent; the second was not tried once the server had not answered.
    events = _events(app, aid, "mail not sent")
    assert [(after["kind"], after["to"]) for _, after in events] == [("clarification", "o…@x.test"), ("clarification", "k…@example.org")]
    assert all(after["reason"].startswith("ConnectionRefusedError") for _, after in events)

    # The official's link mail, with "remind me": the address is kept, the page says the mail did not go.
    browser = Browser(app.test_client())
    draft = start(browser)
    response = _email_link(browser, draft, "later@example.org", remind=True)
    assert "could not be sent" in _flash(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert _contact(app, assessment_id(app, draft)) == ("later@example.org", "en")
    smtp.restart()  # for the fixture to stop


def test_with_no_mail_server_the_message_goes_to_the_mail_log(app, tmp_path):
    assert app.config["MAIL_SERVER"] == ""
    browser = Browser(app.test_client())
    token = start(browser)
    response = _email_link(browser, token, "log@example.org")
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "No e-mail was sent: this server has no mail server set up." in _flash(page)
    log = (tmp_path / "mail.log").read_text()
    assert "To: log@example.org" in log and f"/a/{token}/" in log
    assert _events(app, assessment_id(app, token), "mail not sent")[0][1]["reason"].startswith("no mail server")
    # "Lost your private link?" says so too, for an unknown address as for a known one.
    visitor = Browser(app.test_client())
    visitor.get("/lost-link")
    response = visitor.post("/lost-link", {"email": "unknown@example.org"}, status=302)
    assert "No e-mail was sent: this server has no mail server set up." in _flash(visitor.get(response.headers["Location"]).get_data(as_text=True))


def test_mail_is_limited_per_address_and_per_link(app, smtp):
    browser = Browser(app.test_client())
    token = start(browser)
    for _ in range(5):
        _email_link(browser, token, "same@example.org")
    response = _email_link(browser, token, "same@example.org")
    assert "too many e-mails went to this address" in _flash(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert len(smtp.to("same@example.org")) == 5
    # Ten messages an hour for one link, refused ones counted: four more addresses, then no more.
    for n in range(4):
        _email_link(browser, token, f"other{n}@example.org")
    response = _email_link(browser, token, "one-more@example.org")
    assert "or about this assessment" in _flash(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert smtp.to("one-more@example.org") == []
    assert len(smtp.messages) == 9


def test_two_runs_at_once_send_each_reminder_once(app, smtp, monkeypatch):
    from webapp.core.models import utcnow
    from webapp.mail import service

    browser = Browser(app.test_client())
    token = start(browser)
    aid = assessment_id(app, token)
    _email_link(browser, token, "twice@example.org", remind=True)
    _last_save(app, aid, dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    with app.test_request_context("/"):
        now = utcnow()
        stale = service.due_reminders(now)  # what a second run read before the first one claimed it
        assert [d.email for d in stale] == ["twice@example.org"]
        assert service.send_reminders(now)[service.SENT] == 1
        monkeypatch.setattr(service, "due_reminders", lambda _now: stale)
        assert service.send_reminders(now)[service.SENT] == 0
    assert len(smtp.to("twice@example.org")) == 2  # the link, then one reminder


def test_a_reminder_that_could_not_go_is_tried_again_by_the_next_run(app, smtp):
    browser = Browser(app.test_client())
    token = start(browser)
    aid = assessment_id(app, token)
    _email_link(browser, token, "retry@example.org", remind=True)
    _last_save(app, aid, dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    smtp.stop()
    from webapp.cli import main

    failed = CliRunner(env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "127.0.0.1",
                            "MAIL_PORT": str(smtp.port), "MAIL_USE_TLS": "0"}).invoke(main, ["send-reminders"])
    assert failed.exit_code == 1 and "1 failed" in failed.output
    assert _contact(app, aid) == ("retry@example.org", "en")
    smtp.restart()
    assert "1 sent" in _reminders(app)
    assert [m.subject for m in smtp.to("retry@example.org")][1:] == ["Your assessment is waiting for you"]


def test_an_officials_account_gets_the_links_of_the_agencys_assessments(app, smtp, people):
    official = sign_in(app, people["official"][0])
    ours = start(official)
    theirs = start(sign_in(app, people["other_official"][0]))
    visitor = Browser(app.test_client())
    visitor.get("/lost-link")
    visitor.post("/lost-link", {"email": people["official"][0].upper()}, status=302)
    [message] = smtp.to(people["official"][0])
    assert message.links == [f"http://localhost/a/{ours}/"]
    assert theirs not in message.text
