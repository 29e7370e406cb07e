"""E-mail in Chromium, against the real app sending to a real SMTP server on a loopback port:
the official asks for the link, a TA officer asks a question, the official replies, the officer
is told, publishes, and the official is told. Axe checks every new page and form."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import sign_in
from tests.browser.wizard import check_accessibility, complete_sections, go, shoot, start
from tests.helpers import PROFILE, answer_all
from tests.mailsink import SmtpSink

OFFICIAL = "official.mail@example.org"


@pytest.fixture(scope="module")
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def live_config(smtp_sink):
    return smtp_sink.config()


@pytest.fixture
def answers(questionnaire):
    return answer_all(questionnaire, dict(PROFILE, borders=["sea", "land"]))


def _notices(page) -> str:
    return " ".join(page.locator(".notice").all_inner_texts())


def test_the_link_a_question_a_reply_and_publication_reach_each_person(new_context, questionnaire, answers, smtp_sink):
    official = new_context().new_page()
    link = start(official)

    # "E-mail me the link": one click opens the form on the page.
    assert not official.is_visible("#email-link-address")
    official.click("summary:has-text('E-mail me the link')")
    assert official.is_visible("#email-link-address")
    check_accessibility(official, "wizard page with the e-mail form open")
    official.fill("#email-link-address", OFFICIAL)
    official.check("#email-link-remind")
    go(official, "button:has-text('Send me the link')")
    assert official.url.endswith("/section/profile")
    assert f"We sent the link to {OFFICIAL}." in _notices(official)
    [mailed] = smtp_sink.to(OFFICIAL)
    assert mailed.links == [link]
    assert "E-mails about this assessment go to o…@example.org." in official.inner_text("aside.resume")
    shoot(official, "email-link-sent")

    complete_sections(official, questionnaire, answers)
    go(official, "text=Submit for review")

    # The TA officer asks a question about the sea section.
    ta = new_context().new_page()
    sign_in(ta, "ta")
    go(ta, "table.data a")
    review_url = ta.url
    ta.select_option("#c-target", "section:sea")
    ta.fill("#c-text", "Which patrol boats do you mean?")
    ta.check("#c-clar")
    go(ta, "button:has-text('Save comment')")
    assert "The official was told by e-mail." in _notices(ta)
    asked = smtp_sink.to(OFFICIAL)[-1]
    assert asked.subject == "A reviewer has a question about your assessment"
    [section_link] = asked.links
    assert section_link == link + "section/sea"

    # The official follows the link in the message, reads the question and replies.
    official.goto(section_link)
    assert "Which patrol boats do you mean?" in official.inner_text("main")
    check_accessibility(official, "section page with a question from the reviewer")
    official.fill("textarea[name=text]", "The two boats bought last year.")
    go(official, "button:has-text('Send the reply')")
    assert "Your reply is saved for the reviewer." in _notices(official)
    assert "The reviewer was told by e-mail." in _notices(official)

    told = smtp_sink.to("ta@example.org")[-1]
    assert told.subject == "The agency answered your question"
    assert told.links == [review_url + "#comments"]
    from_mail = ta.context.new_page()  # the officer opens the link in the message, in a new tab
    from_mail.goto(told.links[0])
    assert "The two boats bought last year." in from_mail.inner_text("#comments ~ div.thread")

    # The official sends the assessment again; the officer is told, reviews and publishes.
    official.goto(link + "check")
    go(official, "text=Submit for review")
    assert smtp_sink.to("ta@example.org")[-1].subject == "An assessment was sent back to you"
    ta.goto(review_url)
    go(ta, "text=Mark as reviewed")
    go(ta, "text=Preview and publish")
    go(ta, "text=Publish the report")
    assert "The agency's officials were told by e-mail." in _notices(ta)
    published = smtp_sink.to(OFFICIAL)[-1]
    assert published.subject == "Your assessment's report is published"
    assert published.links == [link + "report"]
    official.goto(published.links[0])
    reference = re.search(r"TNA-[0-9A-F]{8}", published.text).group(0)
    assert reference in official.inner_text("main")

    # No message carries an answer typed in the wizard.
    typed = [v for v in answers.values() if isinstance(v, str) and len(v) >= 5]
    for message in smtp_sink.messages:
        for value in typed:
            assert value not in message.text, (message.subject, value)


def test_the_new_pages_are_accessible(new_context, smtp_sink):
    page = new_context().new_page()
    page.goto("/")
    check_accessibility(page, "start page with the lost-link form")
    page.fill("#lost-link-email", "not an address")
    go(page, "button:has-text('E-mail me my links')")
    assert re.search(r"/lost-link$", page.url)
    check_accessibility(page, "lost link page with an error")
    link = start(page)
    page.goto(link + "email-link")
    check_accessibility(page, "e-mail the link page")
    go(page, "main button:has-text('Send me the link')")
    check_accessibility(page, "e-mail the link page with an error")
    assert "Enter your email address" in page.inner_text("main")

    no_js = new_context(java_script_enabled=False).new_page()
    no_js.goto(link + "section/profile")
    no_js.click("summary:has-text('E-mail me the link')")
    no_js.fill("#email-link-address", "nojs@example.org")
    go(no_js, "button:has-text('Send me the link')")
    assert smtp_sink.to("nojs@example.org")
