"""The save statements run on the driver: they must read and write exactly what SQLAlchemy
would, and fail the way SQLAlchemy does. Runs on SQLite and, in the second pass, PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from webapp.db import db
from webapp.models import Answer, Assessment, AuditEvent
from webapp.prepared import Prepared

ANSWERS = Answer.__table__
INSERT = Prepared(insert(ANSWERS).values(
    assessment_id=bindparam("assessment_id"), question_id=bindparam("question_id"), value=bindparam("value"),
    revision=bindparam("revision"), confidential=bindparam("confidential"), updated_at=bindparam("now"),
))
ROWS = Prepared(
    select(ANSWERS.c.question_id, ANSWERS.c.value, ANSWERS.c.confidential, ANSWERS.c.updated_at)
    .where(ANSWERS.c.assessment_id == bindparam("assessment_id")).order_by(ANSWERS.c.question_id)
)
# Values that each type conversion must carry through unchanged, hostile text included.
VALUES = {
    "a_text": "Ligne 1\n<script>alert('x')</script> \"quoted\" — 中文 العربية",
    "b_list": ["reference-manuals", "uv-lamp"],
    "c_number": 12,
    "d_nested": {"k": [1, 2.5, None, True]},
    "e_false": False,
}


@pytest.fixture
def assessment_id(app):
    with app.app_context():
        assessment = Assessment(questionnaire_id="q", questionnaire_version=1)
        db.session.add(assessment)
        db.session.commit()
        return assessment.id


def _write(assessment_id, confidential=True):
    now = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.timezone.utc)
    count = INSERT.run(db.session.connection(), [
        {"assessment_id": assessment_id, "question_id": qid, "value": value, "revision": 3,
         "confidential": confidential, "now": now}
        for qid, value in VALUES.items()
    ])
    db.session.commit()
    return count, now


def test_written_values_read_back_the_same_through_the_orm(app, assessment_id):
    with app.app_context():
        count, now = _write(assessment_id)
        assert count == len(VALUES)
        db.session.expunge_all()
        stored = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id)).all()
        assert {a.question_id: a.value for a in stored} == VALUES
        assert all(a.confidential is True and a.revision == 3 for a in stored)
        # SQLite keeps no time zone: compare the wall-clock time SQLAlchemy itself would store.
        assert {a.updated_at.replace(tzinfo=None) for a in stored} == {now.replace(tzinfo=None)}


def test_rows_read_the_same_as_sqlalchemy(app, assessment_id):
    with app.app_context():
        _write(assessment_id, confidential=False)
        connection = db.session.connection()
        ours = ROWS.rows(connection, {"assessment_id": assessment_id})
        theirs = connection.execute(ROWS.statement, {"assessment_id": assessment_id}).all()
        assert [tuple(row) for row in ours] == [tuple(row) for row in theirs]
        assert [row.value for row in ours] == list(VALUES.values())
        assert all(row.confidential is False for row in ours)
        assert ROWS.rows(connection, {"assessment_id": "no such assessment"}) == []


def test_update_counts_only_the_rows_it_changed(app, assessment_id):
    from sqlalchemy import update

    claim = Prepared(
        update(Assessment.__table__)
        .where(Assessment.__table__.c.id == bindparam("id"), Assessment.__table__.c.version == bindparam("old"))
        .values(version=bindparam("new"), updated_at=bindparam("now"))
    )
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        connection = db.session.connection()
        assert claim.run(connection, {"id": assessment_id, "old": 1, "new": 2, "now": now}) == 1
        assert claim.run(connection, {"id": assessment_id, "old": 1, "new": 3, "now": now}) == 0
        db.session.commit()
        assert db.session.get(Assessment, assessment_id).version == 2


def test_driver_errors_come_out_as_sqlalchemy_errors_and_the_session_recovers(app, assessment_id):
    with app.app_context():
        _write(assessment_id)
        with pytest.raises(IntegrityError):  # the same question twice breaks the unique constraint
            _write(assessment_id)
        db.session.rollback()
        db.session.execute(AuditEvent.__table__.insert().values(action="still works"))
        db.session.commit()
        assert db.session.scalar(select(AuditEvent.action)) == "still works"


def test_a_missing_table_is_an_sqlalchemy_error(app):
    from sqlalchemy import Column, Integer, MetaData, Table

    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    query = Prepared(select(missing.c.id).where(missing.c.id == bindparam("id")))
    with app.app_context():
        with pytest.raises((OperationalError, ProgrammingError)):
            query.rows(db.session.connection(), {"id": 1})
        db.session.rollback()


def test_only_plain_parameters_are_accepted(app):
    expanding = Prepared(select(ANSWERS.c.id).where(ANSWERS.c.id.in_(bindparam("ids", expanding=True))))
    with app.app_context(), pytest.raises(ValueError, match="plain bindparam"):
        expanding.rows(db.session.connection(), {"ids": [1]})


def test_a_column_default_left_to_sqlalchemy_is_refused(app, assessment_id):
    """SQLAlchemy would fill in `updated_at` on its own; a prepared statement cannot."""
    from sqlalchemy import update

    no_timestamp = Prepared(update(ANSWERS).where(ANSWERS.c.id == bindparam("id")).values(revision=bindparam("r")))
    with app.app_context(), pytest.raises(ValueError, match="updated_at"):
        no_timestamp.run(db.session.connection(), {"id": 1, "r": 2})


def test_a_write_on_a_fresh_connection_is_committed_by_its_commit(app, assessment_id):
    """The statement begins the connection's transaction as execute() would, so commit()
    commits it; closing without a commit leaves nothing behind."""
    now = dt.datetime.now(dt.timezone.utc)
    row = {"assessment_id": assessment_id, "question_id": "kept", "value": "yes", "revision": 1,
           "confidential": False, "now": now}
    with app.app_context():
        with db.engine.connect() as connection:
            INSERT.run(connection, row)
            connection.commit()
        with db.engine.connect() as connection:
            INSERT.run(connection, dict(row, question_id="dropped"))
        stored = db.session.scalars(select(Answer.question_id).where(Answer.assessment_id == assessment_id)).all()
        assert stored == ["kept"]
