"""Bad input gets a clear message, never a 500, and nothing saved before is lost."""

from __future__ import annotations

import re

from tests.helpers import PROFILE, form_data
from tests.helpers import start, walk
from tests.helpers import profile_done, saved


def test_missing_answers_show_messages_next_to_fields_and_summary(browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/documents"
    browser.get(url)
    section = questionnaire.section("documents")
    shown = [q.id for q in section.visible_questions(answers)]
    html = browser.post(url, {"action": "continue", "shown": shown}, status=200).get_data(as_text=True)
    assert "<title>Error: Identity and travel documents" in html
    assert "There is a problem" in html
    assert html.count('class="field-error"') == len(shown)
    assert 'href="#q-doc_first_line"' in html and 'id="q-doc_first_line"' in html
    assert "Select an answer" in html and "Select at least one answer" in html


def test_valid_answers_on_a_page_with_errors_are_kept(app, browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/documents"
    browser.get(url)
    data = form_data(questionnaire.section("documents"), dict(answers))
    data["q_doc_alerts"] = "not-a-real-choice"
    html = browser.post(url, data, status=200).get_data(as_text=True)
    assert "Select one of the answers shown" in html
    stored = saved(app, token)
    assert "doc_alerts" not in stored, "a tampered value is never saved"
    assert stored["doc_first_line"] == data["q_doc_first_line"]
    assert stored["agency_name"] == PROFILE["agency_name"]


def test_tampered_values_are_rejected(app, browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = form_data(questionnaire.profile, dict(answers))
    data.update(q_country="XX", q_borders=["sea", "moon"], q_agency_type="<script>")
    html = browser.post(url, data, status=200).get_data(as_text=True)
    assert "Select a country from the list" in html
    assert html.count("Select one of the answers shown") == 4, "in the summary and next to each field"
    assert "<script>" not in html
    stored = saved(app, token)
    assert stored["country"] == "KE" and stored["borders"] == ["sea"] and stored["agency_type"] == "coast-guard"


def test_exclusive_choice_cannot_be_combined(browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = form_data(questionnaire.profile, dict(answers))
    data["q_borders"] = ["sea", "none"]
    html = browser.post(url, data, status=200).get_data(as_text=True)
    assert "cannot be combined with other answers" in html


def test_numbers(browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    for raw, message in [("lots", "Enter a whole number"), ("0", "Enter a number from 1 to 1,000,000"), ("12.5", "Enter a whole number")]:
        browser.get(url)
        data = form_data(questionnaire.profile, dict(answers))
        data["q_staff_size"] = raw
        html = browser.post(url, data, status=200).get_data(as_text=True)
        assert message in html, raw
    browser.get(url)
    data = form_data(questionnaire.profile, dict(answers))
    data["q_staff_size"] = "1,500"
    browser.post(url, data, status=302)


def test_over_long_text_states_the_limit(app, browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/training"
    browser.get(url)
    data = form_data(questionnaire.section("training"), dict(answers))
    data["q_train_comments"] = "x" * 2345
    html = browser.post(url, data, status=200).get_data(as_text=True)
    assert "Keep this answer to 2,000 characters or fewer. You wrote 2,345" in html
    assert "train_comments" not in saved(app, token)
    assert "train_needs_analysis" in saved(app, token)


def test_huge_request_is_refused_with_a_message(app, browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/training"
    browser.get(url)
    data = form_data(questionnaire.section("training"), dict(answers))
    data["q_train_comments"] = "x" * 2_000_000
    response = browser.post(url, data, status=413)
    assert "Too much text" in response.get_data(as_text=True)
    assert saved(app, token)["agency_name"] == PROFILE["agency_name"]


def test_unknown_or_altered_token_is_404(browser):
    token = start(browser)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for url in [f"/a/{altered}/", "/a/nope/check", f"/a/{token}x/report", "/a/" + "a" * 500 + "/", f"/a/{token}/section/no-such-section"]:
        html = browser.get(url, status=404).get_data(as_text=True)
        assert "Page not found" in html


def test_section_that_does_not_apply_is_404(browser, questionnaire):
    token, _ = profile_done(browser, questionnaire)
    browser.get(f"/a/{token}/section/air", status=404)


def test_missing_csrf_token_is_400(app, browser):
    token = start(browser)
    response = app.test_client().post(f"/a/{token}/section/profile", data={"q_agency_name": "X"})
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)
    response = app.test_client().post("/start")
    assert response.status_code == 400


def test_submit_locks_the_assessment(app, browser, questionnaire):
    token = start(browser)
    answers = dict(PROFILE)
    walk(browser, questionnaire, token, answers)
    browser.get(f"/a/{token}/check")
    browser.post(f"/a/{token}/submit", status=302)
    before = saved(app, token)

    url = f"/a/{token}/section/profile"
    response = browser.get(url, status=302)
    assert response.headers["Location"].endswith(f"/a/{token}/check")
    check = browser.get(f"/a/{token}/check").get_data(as_text=True)
    assert "can no longer be changed" in check and "Change<" not in check
    data = form_data(questionnaire.profile, dict(answers))
    data["q_agency_name"] = "Changed"
    html = browser.post(url, data, status=409, csrf_from="/").get_data(as_text=True)
    assert "This assessment can no longer be changed" in html
    assert saved(app, token) == before


def test_double_submit_is_harmless(app, browser, questionnaire):
    token = start(browser)
    walk(browser, questionnaire, token, dict(PROFILE))
    browser.get(f"/a/{token}/check")
    csrf = browser.csrf()
    first = browser.post(f"/a/{token}/submit", {"csrf_token": csrf}, status=302)
    second = browser.post(f"/a/{token}/submit", {"csrf_token": csrf}, status=302)
    assert first.headers["Location"] == second.headers["Location"]
    assert "can no longer be changed" in browser.get(f"/a/{token}/check").get_data(as_text=True)


def test_submit_with_incomplete_sections_lists_them(browser, questionnaire):
    token, _ = profile_done(browser, questionnaire)
    browser.get(f"/a/{token}/check")
    html = browser.post(f"/a/{token}/submit", status=200).get_data(as_text=True)
    assert "Some sections are not complete" in html
    assert re.search(r'href="/a/[^"]+/section/documents\?return=check">Identity and travel documents', html)


def test_bad_resume_link_explains(browser):
    response = browser.get("/resume?link=hello", status=302)
    html = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Paste the whole private link" in html


def test_wrong_method_is_a_page_not_a_crash(app):
    response = app.test_client().put("/start")
    assert response.status_code == 405


def test_private_pages_do_not_leak_the_link(browser):
    token = start(browser)
    response = browser.get(f"/a/{token}/section/profile")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_follow_up_is_sent_hidden_and_without_script_appears_after_a_save(browser, questionnaire):
    from tests.helpers import start

    token = start(browser)
    answers = dict(PROFILE, agency_type="immigration", borders=["air"])
    browser.get(f"/a/{token}/section/profile")
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.section("profile"), answers), status=302)
    html = browser.get(f"/a/{token}/section/visas").get_data(as_text=True)
    assert 'data-show-if="{&#34;equals&#34;: [&#34;voa_issued&#34;, &#34;yes&#34;]}"' in html  # the kind of agency is put in
    follow_ups = ["voa_risk_indicators", "voa_list_checks", "voa_refusal", "voa_policy_review"]
    for qid in follow_ups:
        assert f'<input type="hidden" name="shown" value="{qid}" disabled>' in html
    # Without the script the follow-ups stay hidden; the page offers them after the save.
    data = form_data(questionnaire.section("visas"), dict(answers, voa_issued="yes"))
    data["shown"] = [q for q in data["shown"] if q not in follow_ups]
    for qid in follow_ups:
        data.pop(f"q_{qid}", None)
    page = browser.post(f"/a/{token}/section/visas", data, status=200).get_data(as_text=True)
    assert "Your answers added 4 more questions to this page" in page and "There is a problem" not in page
