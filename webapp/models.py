"""Tables. An assessment belongs to an agency; answers are keyed by stable question ids; every
assessment records the questionnaire id and version it was answered against."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import db

DRAFT = "draft"
SUBMITTED = "submitted"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _uuid() -> str:
    return str(uuid.uuid4())


def new_token() -> str:
    """The private resume link: 192 random bits, never derived from an id."""
    return secrets.token_urlsafe(24)


class Agency(db.Model):
    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    country: Mapped[str | None] = mapped_column(String(2))
    name: Mapped[str | None] = mapped_column(String(200))
    agency_type: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    assessments: Mapped[list[Assessment]] = relationship(back_populates="agency")


class Assessment(db.Model):
    __tablename__ = "assessment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True, default=new_token)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    # Sent with the start form, so that a double-clicked "Start" creates one assessment.
    creation_key: Mapped[str | None] = mapped_column(String(64))

    agency: Mapped[Agency | None] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("creation_key", name="uq_assessment_creation_key"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED

    @property
    def reference(self) -> str:
        return self.reference_for(self.id)

    @staticmethod
    def reference_for(assessment_id: str) -> str:
        """A short public reference for the report; unlike the token it grants no access."""
        return "TNA-" + assessment_id.replace("-", "")[:8].upper()

    def answer_values(self) -> dict[str, Any]:
        """Question id -> stored value, read with one query and kept until the next save."""
        cached = self.__dict__.get("_values")
        if cached is None:
            rows = db.session.execute(
                select(Answer.question_id, Answer.value).where(Answer.assessment_id == self.id)
            )
            cached = self.__dict__["_values"] = {qid: value for qid, value in rows}
        return dict(cached)

    def forget_values(self) -> None:
        self.__dict__.pop("_values", None)


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_answer_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSON)
    # The assessment version that last wrote this answer: a page rendered at an older version
    # must not silently overwrite it.
    revision: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class RenderedReport(db.Model):
    """A rendered PDF, keyed by everything it depends on, shared by all workers and servers."""

    __tablename__ = "rendered_report"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    assessment_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
