"""The review loop: the official sees and answers the reviewer's questions; the TA officer works
from a queue of what needs action, resolves threads, changes recommendations in place and
publishes after a preview."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import (
    PROFILE,
    Browser,
    assessment_id,
    form_data,
    saved,
    sign_in,
    start,
    submitted_assessment,
    walk,
)


def _notices(html: str) -> list[str]:
    return re.findall(r'class="notice notice-\w+" role="status">([^<]+)<', html)


@pytest.fixture
def asked(app, people, questionnaire):
    """A submitted assessment, and a reviewer's question about one of its sea questions."""
    official = Browser(app.test_client())
    token = submitted_assessment(app, questionnaire, browser=official)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/comment", {"target": "question:sea:sea_interdiction_procedure",
                                        "text": "Is there really no procedure?", "clarification": "yes"}, status=302)
    return official, ta, token, aid


def test_the_official_sees_the_question_on_the_progress_page_and_in_its_section(asked, questionnaire):
    official, ta, token, aid = asked
    question_text = questionnaire.question("sea_interdiction_procedure").text["en"]
    progress = official.get(f"/a/{token}/").get_data(as_text=True)
    assert "The reviewer asked you 1 question" in progress
    assert "Is there really no procedure?" in progress and question_text in progress
    assert f'href="/a/{token}/section/sea"' in progress and "/reply/" in progress
    # The section with the question is not shown as complete, in green, while it waits.
    sea_row = re.search(r'<li class="task">\s*<a href="/a/[^"]+/section/sea">.*?</li>', progress, re.S).group(0)
    assert "1 question from the reviewer" in sea_row and "tag-complete" not in sea_row
    assert "1 question from the reviewer waits for your reply." in progress

    section = official.get(f"/a/{token}/section/sea").get_data(as_text=True)
    thread = section.index("Is there really no procedure?")
    assert thread < section.index('<form method="post" novalidate>'), "the question is at the top of the section"
    marker = section.index("The reviewer asked about this question")
    assert marker < section.index('name="q_sea_interdiction_procedure"')

    comment_id = re.search(r'/reply/([0-9a-f-]{36})"', section).group(1)
    official.post(f"/a/{token}/reply/{comment_id}", {"text": "We have a draft since May."}, status=302)
    progress = official.get(f"/a/{token}/").get_data(as_text=True)
    assert "We have a draft since May." in progress and "waits for your reply" not in progress
    sea_row = re.search(r'<li class="task">\s*<a href="/a/[^"]+/section/sea">.*?</li>', progress, re.S).group(0)
    assert "tag-complete" in sea_row


def test_the_queue_opens_on_what_needs_action_with_labels_and_pages(app, asked, people, questionnaire):
    official, ta, token, aid = asked
    other = submitted_assessment(app, questionnaire, dict(PROFILE, agency_name="Second Guard"))
    other_id = assessment_id(app, other)
    queue = ta.get("/review/").get_data(as_text=True)
    # Waiting for the agency: not in "needs my action"; the newly submitted one is.
    assert f"/review/{other_id}" in queue and f"/review/{aid}" not in queue
    assert 'aria-current="page">Needs my action (1)' in queue
    assert "Coast guard" in queue and ">coast-guard<" not in queue, "labels, not ids"
    waiting = ta.get("/review/?show=waiting").get_data(as_text=True)
    assert f"/review/{aid}" in waiting and f"/review/{other_id}" not in waiting

    # The agency replies: the assessment needs the reviewer again, and says why.
    section = official.get(f"/a/{token}/section/sea").get_data(as_text=True)
    comment_id = re.search(r'/reply/([0-9a-f-]{36})"', section).group(1)
    official.post(f"/a/{token}/reply/{comment_id}", {"text": "A draft exists."}, status=302)
    queue = ta.get("/review/").get_data(as_text=True)
    assert f"/review/{aid}" in queue and "The agency replied" in queue

    # Filters stay in the URL of every view and page.
    filtered = ta.get("/review/?show=all&country=KE&sort=oldest").get_data(as_text=True)
    assert re.search(r'href="/review/\?show=action&amp;(country=KE&amp;sort=oldest|sort=oldest&amp;country=KE)"', filtered)


def test_the_queue_is_paginated(app, people):
    from webapp.core.db import db
    from webapp.core.models import Assessment, utcnow
    from webapp.core.status import SUBMITTED
    from webapp.review.service import PER_PAGE

    with app.app_context():
        for i in range(PER_PAGE + 3):
            db.session.add(Assessment(token=f"tok-{i:040d}", questionnaire_id="smuggling-of-migrants", questionnaire_version=1,
                                      status=SUBMITTED, submitted_at=utcnow()))
        db.session.commit()
    ta = sign_in(app, people["ta"][0])
    first = ta.get("/review/").get_data(as_text=True)
    assert f"{PER_PAGE + 3} assessments · page 1 of 2" in first
    assert first.count('href="/review/') - first.count('href="/review/?') >= PER_PAGE
    second = ta.get("/review/?show=action&page=2").get_data(as_text=True)
    assert "page 2 of 2" in second and 'rel="prev"' in second
    assert ta.get("/review/?page=99").status_code == 200


def test_threads_are_labelled_and_a_resolved_question_stops_being_open(app, asked, questionnaire):
    official, ta, token, aid = asked
    question_text = questionnaire.question("sea_interdiction_procedure").text["en"]
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    comments = review[review.index('id="comments"'):review.index("Add a comment or ask the agency")]
    assert question_text in comments and "sea_interdiction_procedure" not in comments
    assert "waiting for the agency" in comments
    comment_id = re.search(r'/comments/([0-9a-f-]{36})/resolve', comments).group(1)
    ta.post(f"/review/{aid}/comments/{comment_id}/resolve", {"resolved": "yes"}, status=302)
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert "Marked as resolved." in review and "<strong>resolved</strong>" in review
    progress = official.get(f"/a/{token}/").get_data(as_text=True)
    assert "Is there really no procedure?" not in progress and "question from the reviewer" not in progress
    response = official.post(f"/a/{token}/reply/{comment_id}", {"text": "Late reply"}, status=302, csrf_from=f"/a/{token}/")
    assert response.headers["Location"].endswith(f"/a/{token}/")
    # Opened again: the official sees it again.
    ta.post(f"/review/{aid}/comments/{comment_id}/resolve", {"resolved": "no"}, status=302)
    assert "Is there really no procedure?" in official.get(f"/a/{token}/").get_data(as_text=True)
    # A comment of another assessment cannot be resolved through this one.
    other = assessment_id(app, submitted_assessment(app, questionnaire))
    ta.post(f"/review/{other}/comments/{comment_id}/resolve", {"resolved": "yes"}, status=302, csrf_from=f"/review/{other}")
    assert "This comment is no longer here" in ta.get(f"/review/{other}").get_data(as_text=True)


def test_only_questions_the_agency_was_asked_can_be_commented_on(app, people, questionnaire):
    ta = sign_in(app, people["ta"][0])
    aid = assessment_id(app, submitted_assessment(app, questionnaire))  # a coast guard: no air section
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert 'value="section:sea"' in review and 'value="section:air"' not in review
    air_question = questionnaire.section("air").questions[0].id
    for target in ("section:air", f"question:air:{air_question}", "question:sea:no_such_question", "section:nowhere"):
        ta.post(f"/review/{aid}/comment", {"target": target, "text": "Hm?"}, status=302, csrf_from=f"/review/{aid}")
        assert "This assessment was not asked that question." in ta.get(f"/review/{aid}").get_data(as_text=True)
    from webapp.core.db import db
    from webapp.core.models import Comment

    with app.app_context():
        assert db.session.scalars(select(Comment)).all() == []


def test_each_recommendation_is_raised_lowered_or_removed_where_it_is_listed(app, people, questionnaire, catalogue):
    ta = sign_in(app, people["ta"][0])
    aid = assessment_id(app, submitted_assessment(app, questionnaire))
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    section = review[review.index('id="recommendations-review"'):review.index('id="add-part"')]
    rows = re.findall(r'name="part" value="([^"]+)"', section)
    assert len(rows) >= 3
    from webapp.core.definitions import questionnaire as loaded
    from webapp.core.models import Assessment
    from webapp.review import service

    def priorities():
        with app.app_context():
            from webapp.core.db import db

            return {f"{r}/{p}": v for (r, p), v in service.current_priorities(db.session.get(Assessment, aid), loaded(), catalogue).items()}

    before = priorities()
    high = next(k for k in rows if before[k] == "high")
    ta.post(f"/review/{aid}/adjust", {"part": high, "action": "lower", "reason": "Trained last year."}, status=302)
    assert priorities()[high] == "medium"
    ta.post(f"/review/{aid}/adjust", {"part": high, "action": "raise", "reason": "Asked by the minister."}, status=302,
            csrf_from=f"/review/{aid}")
    assert priorities()[high] == "high"
    # Raising a high priority is refused, with a message, and nothing changes.
    ta.post(f"/review/{aid}/adjust", {"part": high, "action": "raise", "reason": "x"}, status=302, csrf_from=f"/review/{aid}")
    assert "This priority cannot be moved that way." in ta.get(f"/review/{aid}").get_data(as_text=True)
    ta.post(f"/review/{aid}/adjust", {"part": high, "action": "remove", "reason": ""}, status=302, csrf_from=f"/review/{aid}")
    assert "Write something first." in ta.get(f"/review/{aid}").get_data(as_text=True) and high in priorities()
    ta.post(f"/review/{aid}/adjust", {"part": high, "action": "remove", "reason": "Not now."}, status=302, csrf_from=f"/review/{aid}")
    assert high not in priorities()


def test_a_part_is_added_by_searching_the_parts_that_fit_this_agency(app, people, questionnaire, catalogue):
    ta = sign_in(app, people["ta"][0])
    aid = assessment_id(app, submitted_assessment(app, questionnaire))  # a coast guard
    page = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert 'id="find"' in page and 'id="a-part"' not in page, "no drop-down of the whole catalogue"
    found = ta.get(f"/review/{aid}?find=").get_data(as_text=True)
    keys = re.findall(r'name="action" value="add">', found)
    offered = re.findall(r'name="part" value="([^"]+)">\s*<input type="hidden" name="action" value="add">', found)
    assert keys and offered
    listed = set(re.findall(r'name="part" value="([^"]+)">\s*<fieldset', found))
    assert not listed & set(offered), "parts already on the list are not offered"
    from reports.recommend import serving

    functions = questionnaire.functions_of(dict(PROFILE))
    for key in offered:
        resource, part = catalogue.find_part(*key.split("/"))
        assert serving(resource, part, functions)[0], key
    nothing = ta.get(f"/review/{aid}?find=zzzqqq").get_data(as_text=True)
    assert "No part that fits this agency matches “zzzqqq”" in nothing
    ta.post(f"/review/{aid}/adjust", {"part": offered[0], "action": "add", "priority": "low", "reason": "Asked for it."},
            status=302, csrf_from=f"/review/{aid}?find=")
    assert offered[0] in re.findall(r'name="part" value="([^"]+)">\s*<fieldset', ta.get(f"/review/{aid}").get_data(as_text=True))


def test_publishing_shows_what_donors_will_read_and_asks_to_confirm(app, people, questionnaire):
    official = Browser(app.test_client())
    token = start(official)
    answers = dict(PROFILE, train_comments="Secret budget figures")
    walk(official, questionnaire, token, answers)
    official.get(f"/a/{token}/section/training")
    official.post(f"/a/{token}/section/training", dict(form_data(questionnaire.section("training"), answers),
                                                       confidential=["train_comments"], **{"return": "check"}), status=302)
    official.get(f"/a/{token}/check")
    official.post(f"/a/{token}/submit", status=302)
    ta = sign_in(app, people["ta"][0])
    aid = assessment_id(app, token)
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/reviewed", {}, status=302)
    review = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert f'href="/review/{aid}/publish"' in review
    preview = ta.get(f"/review/{aid}/publish").get_data(as_text=True)
    assert "Below is the report as donors will read it" in preview
    assert "Secret budget figures" not in preview and "[Confidential: not shown]" in preview
    assert "1 confidential answer is withheld" in preview
    # A POST without the confirmation goes back to the preview, and publishes nothing.
    response = ta.post(f"/review/{aid}/publish", {}, status=302)
    assert response.headers["Location"].endswith(f"/review/{aid}/publish")
    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        assert db.session.get(Assessment, aid).status == "reviewed"
    ta.post(f"/review/{aid}/publish", {"confirm": "yes"}, status=302, csrf_from=f"/review/{aid}/publish")
    with app.app_context():
        assert db.session.get(Assessment, aid).status == "published"
    # Once published there is nothing to preview.
    assert ta.get(f"/review/{aid}/publish", status=302)


def test_save_and_come_back_later_keeps_the_valid_answers_of_a_page_with_an_error(app, browser, questionnaire):
    token = start(browser)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = dict(form_data(questionnaire.profile, dict(PROFILE)), q_staff_size="about a thousand", action="save")
    response = browser.post(url, data, status=302)
    assert response.headers["Location"].endswith(f"/a/{token}/")
    progress = browser.get(f"/a/{token}/").get_data(as_text=True)
    staff = questionnaire.question("staff_size").text["en"]
    assert any("This answer was not saved" in n and staff in n for n in _notices(progress.replace("&#39;", "'")))
    kept = saved(app, token)
    assert kept["agency_name"] == PROFILE["agency_name"] and kept["agency_type"] == PROFILE["agency_type"]
    assert "staff_size" not in kept


def test_the_numbers_agree(app, browser, questionnaire):
    start_page = browser.get("/").get_data(as_text=True)
    for option in questionnaire.agency_types():
        count = len(questionnaire.mandate(option.id))
        assert re.search(rf"<td>{re.escape(option.label['en'])}</td><td>{count}</td>", start_page), option.id
    token = start(browser)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    browser.post(url, form_data(questionnaire.profile, dict(PROFILE)), status=302)
    progress = browser.get(f"/a/{token}/").get_data(as_text=True)
    total = int(re.search(r"0 of (\d+) sections complete", progress).group(1))
    sections = len(questionnaire.applicable_sections(dict(PROFILE))) - 1
    assert total == sections
    first = questionnaire.applicable_sections(dict(PROFILE))[1]
    assert f"Section 1 of {total}" in browser.get(f"/a/{token}/section/{first.id}").get_data(as_text=True)


def test_after_submission_a_page_says_what_happens_next_and_the_link_box_what_it_still_allows(app, browser, questionnaire):
    token = start(browser)
    draft = browser.get(f"/a/{token}/").get_data(as_text=True)
    assert "Anyone with it can see and change your answers." in draft
    assert re.search(r'<button type="button" class="button button-secondary copy-link" data-copy="http://localhost/a/[^"]+/" hidden>', draft)
    token = submitted_assessment(app, questionnaire, browser=browser)
    page = browser.get(f"/a/{token}/submitted").get_data(as_text=True)
    assert "Submitted: what happens next" in page and f'href="/a/{token}/report"' in page
    assert "Your answers are locked for review." in page and "change your answers" not in page.split("<main")[0]


def test_the_agency_plan_saves_in_one_form_and_shows_a_problem_next_to_its_row(app, people, questionnaire):
    from webapp.core.db import db
    from webapp.core.models import Assessment, PlanItem
    from tests.helpers import publish_as_ta

    ta = sign_in(app, people["ta"][0])
    aid = assessment_id(app, submitted_assessment(app, questionnaire))
    publish_as_ta(app, ta, aid)
    with app.app_context():
        agency = db.session.get(Assessment, aid).agency_id
    page = ta.get(f"/agencies/{agency}").get_data(as_text=True)
    assert page.count("<button class=\"button\" type=\"submit\">Save the plan</button>") == 1
    assert ">high<" not in page and "High" in page, "priorities by name"
    assert 'type="date"' not in page and "Year-month-day, like 2026-03-14" in page
    keys = re.findall(r'<input type="hidden" name="part" value="([^"]+)">', page)
    assert len(keys) >= 2
    statuses = ["planned"] * len(keys)
    reasons = [""] * len(keys)
    statuses[0] = "delivered"
    statuses[1], reasons[1] = "dropped", ""  # no reason: refused, next to its row
    response = ta.post(f"/agencies/{agency}/plan", {"part": keys, "status": statuses, "reason": reasons}, status=400)
    html = response.get_data(as_text=True)
    assert "1 row of the plan was not saved" in html and "1 change saved." in html
    row = html[html.index(f'value="{keys[1]}"'):]
    row = row[:row.index("</tr>")]
    assert "Say why the recommendation is dropped." in row and '<option value="dropped" selected>' in row
    with app.app_context():
        items = {(i.resource_id + "/" + i.part_id): i.status for i in db.session.scalars(select(PlanItem))}
    assert items == {keys[0]: "delivered"}
    reasons[1] = "Covered by the academy"
    ta.post(f"/agencies/{agency}/plan", {"part": keys, "status": statuses, "reason": reasons}, status=302,
            csrf_from=f"/agencies/{agency}")
    with app.app_context():
        items = {(i.resource_id + "/" + i.part_id): (i.status, i.reason) for i in db.session.scalars(select(PlanItem))}
    assert items == {keys[0]: ("delivered", None), keys[1]: ("dropped", "Covered by the academy")}
