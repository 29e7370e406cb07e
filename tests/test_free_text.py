"""Free text is cleaned in one place, the model, whichever way it comes in: the wizard, a
workbook, the review, the training records. A right-to-left override (U+202E) can make
"gpj.exe" read as "exe.jpg"; it never reaches the database."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import JSON, String, select

from tests.helpers import Browser, answer_all, assessment_id, publish_as_ta, sign_in, start, submitted_assessment, walk
from tests.test_offline import WIZARD, upload

RLO = "\u202e"
# Columns of String type that hold no free text: ids, codes, keys, hashes and e-mail addresses.
NOT_FREE_TEXT = {"email", "password_hash", "key", "token", "token_hash", "session_token", "creation_key",
                 "audiences", "stamp", "scope"}


def test_every_free_text_column_is_cleaned_by_its_type(app):
    from webapp.core.db import db
    from webapp.core.models import FreeJSON, FreeText

    plain = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, String) and not isinstance(kind, FreeText) and (kind.length or 0) >= 200 \
                    and column.name not in NOT_FREE_TEXT:
                plain.append(f"{table.name}.{column.name}")
            if isinstance(kind, JSON) and table.name in ("answer", "audit_event"):
                plain.append(f"{table.name}.{column.name}")
    assert plain == []
    assert isinstance(db.metadata.tables["answer"].c.value.type, FreeJSON)


def test_the_model_strips_controls_from_names_answers_and_notes(app):
    from webapp.core.db import db
    from webapp.core.models import Agency, Answer, Assessment

    with app.app_context():
        agency = Agency(country="KE", name=f"Port{RLO} Police\u2066", agency_type="coast-guard")
        assessment = Assessment(agency=agency, questionnaire_id="q", questionnaire_version=1, review_note=f"a{RLO}b")
        assessment.answers.append(Answer(question_id="train_comments", value=f"exe.{RLO}gpj"))
        assessment.answers.append(Answer(question_id="borders", value=[f"land{RLO}"]))
        db.session.add(assessment)
        db.session.commit()
        db.session.expire_all()
        row = db.session.scalar(select(Assessment))
        assert row.agency.name == "Port Police" and row.review_note == "ab"
        assert row.answer_values() == {"train_comments": "exe.gpj", "borders": ["land"]}


def test_a_workbook_with_overrides_shows_none_in_the_queue_or_the_csv(app, people, questionnaire):
    browser = Browser(app.test_client())
    token = start(browser)
    walk(browser, questionnaire, token, answer_all(questionnaire, dict(WIZARD)))
    book = load_workbook(io.BytesIO(browser.get(f"/a/{token}/workbook.xlsx").data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if row[0].value == "agency_name":
                row[4].value = f"Coast{RLO} Guard"
            if row[0].value == "train_comments":
                row[4].value, row[5].value = f"Twelve{RLO} officers", f"See{RLO} annex"
    out = io.BytesIO()
    book.save(out)
    upload(browser, token, out.getvalue(), status=302)
    csv = browser.get(f"/a/{token}/answers.csv").get_data(as_text=True)
    assert "Coast Guard" in csv and "Twelve officers" in csv and RLO not in csv
    browser.get(f"/a/{token}/check")
    browser.post(f"/a/{token}/submit", status=302)
    queue = sign_in(app, people["ta"][0]).get("/review/").get_data(as_text=True)
    assert "Coast Guard" in queue and RLO not in queue
    from webapp.core.db import db
    from webapp.core.models import Comment

    with app.app_context():
        assert [c.text for c in db.session.scalars(select(Comment))] == ["[workbook] See annex"]


def test_free_text_of_reviewers_is_cleaned_too(app, people, questionnaire):
    from webapp.core.db import db
    from webapp.core.models import Comment, PlanItem, PublishedRecommendation, Training

    ta = sign_in(app, people["ta"][0])
    token = submitted_assessment(app, questionnaire)
    aid = assessment_id(app, token)
    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/comment", {"text": f"Check{RLO} this", "target": ""}, status=302)
    ta.post(f"/review/{aid}/note", {"note": f"Good{RLO} work"}, status=302)
    publish_as_ta(app, ta, aid)
    with app.app_context():
        rec = db.session.scalars(select(PublishedRecommendation).where(PublishedRecommendation.assessment_id == aid)).first()
        agency = _agency_of(aid)
    part = f"{rec.resource_id}/{rec.part_id}"
    ta.get(f"/agencies/{agency}")
    ta.post(f"/agencies/{agency}/training", {"part": part, "starts_on": "2026-03-14", "ends_on": "2026-03-18",
                                             "participants": "24", "audience": "first-line", "note": f"In{RLO} Mombasa"}, status=302)
    ta.post(f"/agencies/{agency}/plan", {"part": part, "status": "dropped", "reason": f"Done{RLO} already"}, status=302)
    with app.app_context():
        texts = [c.text for c in db.session.scalars(select(Comment))]
        texts += [t.note for t in db.session.scalars(select(Training))]
        texts += [i.reason for i in db.session.scalars(select(PlanItem))]
        from webapp.core.models import Assessment

        texts.append(db.session.get(Assessment, aid).review_note)
    assert sorted(texts) == ["Check this", "Done already", "Good work", "In Mombasa"]


def _agency_of(aid: str) -> str:
    from webapp.core.db import db
    from webapp.core.models import Assessment

    return db.session.get(Assessment, aid).agency_id
