"""Tables. An assessment belongs to an agency; answers are keyed by stable question ids; every
assessment records the questionnaire id and version it was answered against."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from sqlalchemy import JSON, Date, Double, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from questionnaires.text import clean_text

from webapp.core.db import db
from webapp.core.status import DRAFT, EDITABLE  # noqa: E402


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time as UTC: SQLite gives back the naive time that was written."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class FreeText(TypeDecorator[str]):
    """Text that people type (names, notes, reasons, comments), cleaned on its way into the
    database whichever way it came: a form, a workbook, the command line. Bidirectional
    controls can make "gpj.exe" read as "exe.jpg"; they are never stored."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return clean_text(value) if isinstance(value, str) else value


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    return value


class FreeJSON(TypeDecorator[Any]):
    """JSON whose text (an answer, the answers an audit event records) is cleaned as FreeText is."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return _cleaned(value)


def _uuid() -> str:
    return str(uuid.uuid4())


def new_token() -> str:
    """The private resume link: 192 random bits, never derived from an id."""
    return secrets.token_urlsafe(24)


class Agency(db.Model):
    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    country: Mapped[str | None] = mapped_column(String(2))
    name: Mapped[str | None] = mapped_column(FreeText(200))
    agency_type: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

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
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id", name="fk_assessment_reviewed_by"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    review_note: Mapped[str | None] = mapped_column(FreeText(4000))
    # Sent with the start form, so that a double-clicked "Start" creates one assessment.
    creation_key: Mapped[str | None] = mapped_column(String(64))
    # How far a reviewer checked it: self-assessed, under validation, validated (validation.py).
    validation: Mapped[str] = mapped_column(String(16), default="self-assessed", server_default="self-assessed", index=True)
    # The earlier assessment whose answers this one started from, if any.
    previous_id: Mapped[str | None] = mapped_column(ForeignKey("assessment.id", name="fk_assessment_previous"))

    agency: Mapped[Agency | None] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("creation_key", name="uq_assessment_creation_key"),
        # The portfolio's list of reports, newest first, reads this index in order.
        Index("ix_assessment_published", "status", "published_at", "id"),
    )
    __mapper_args__ = {"version_id_col": version}

    def answer_rows(self) -> dict[str, Answer]:
        """Question id -> stored answer row, cleared ones included."""
        return {row.question_id: row for row in self.answers}

    def answer_evidence(self) -> dict[str, tuple[str | None, str | None]]:
        """Question id -> how its stored answer is known (kind, note), for the answers that have a value."""
        return {row.question_id: row.known for row in self.answers if row.value is not None}

    def answer_values(self) -> dict[str, Any]:
        """Question id -> stored value. A cleared answer keeps its row, with no value and the
        version that cleared it, so that a stale tab cannot bring it back; it is left out here."""
        return {row.question_id: row.value for row in self.answers if row.value is not None}

    @property
    def submitted(self) -> bool:
        """Sent for review: the official can no longer change the answers."""
        return self.status not in EDITABLE

    @property
    def reference(self) -> str:
        return self.reference_for(self.id)

    @staticmethod
    def reference_for(assessment_id: str) -> str:
        """A short public reference for the report; unlike the token it grants no access."""
        return "TNA-" + assessment_id.replace("-", "")[:8].upper()


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_answer_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(FreeJSON)
    # The assessment version that last wrote this answer: a page rendered at an older version
    # must not silently overwrite it.
    revision: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    # Free text the official marked as confidential is never shown to donors.
    confidential: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Carried over from the previous assessment and not yet confirmed or changed.
    carried: Mapped[bool] = mapped_column(default=False, server_default="0")
    # How the agency knows it (questionnaires/evidence.py; empty: its own view), and what the evidence is.
    evidence: Mapped[str | None] = mapped_column(String(16))
    evidence_note: Mapped[str | None] = mapped_column(FreeText(300))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")

    @property
    def known(self) -> tuple[str | None, str | None]:
        """How the answer is known: (kind, note), (None, None) for the agency's view without a note."""
        return self.evidence, self.evidence_note





class SectionValidation(db.Model):
    """A reviewer validated a section's answers, in a mission or from documents. A change the
    official makes afterwards reopens it."""

    __tablename__ = "section_validation"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # validated, reopened
    validated_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    validated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reopened_at: Mapped[dt.datetime | None] = mapped_column()
    # The assessment version that wrote it: a page shown at an older version must not undo it.
    revision: Mapped[int] = mapped_column(Integer, default=1)

    validator: Mapped[User | None] = relationship()


class AnswerValidation(db.Model):
    """A reviewer's level for one answer, with the reason. The official's answer is kept; this
    level counts instead, as long as the answer is the one it was given for."""

    __tablename__ = "answer_validation"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(FreeText(1000))
    # The answer as it was when the level was given.
    value: Mapped[Any] = mapped_column(FreeJSON, nullable=True)
    validated_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    validated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(db.Model):
    """A signed-in person. Officials may also work with a private link alone, with no account."""

    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(FreeText(200))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of the login cookie; changing it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    # The language of the e-mails the person gets: the one chosen for the invitation, then the
    # page language at each sign-in.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    agency: Mapped[Agency | None] = relationship()

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"


class Invitation(db.Model):
    """An invitation to set a password. Only a hash of its token is stored."""

    __tablename__ = "invitation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    invited_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[dt.datetime] = mapped_column()
    accepted_at: Mapped[dt.datetime | None] = mapped_column()

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditEvent(db.Model):
    """Who did what, when, with the values before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str | None] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(64))
    before: Mapped[Any] = mapped_column(FreeJSON, nullable=True)
    after: Mapped[Any] = mapped_column(FreeJSON, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class Comment(db.Model):
    """A TA officer's comment on a section or an answer; a clarification request goes back to
    the official and is shown on the page it is about."""

    __tablename__ = "review_comment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    section_id: Mapped[str | None] = mapped_column(String(80))
    question_id: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(FreeText(4000))
    clarification: Mapped[bool] = mapped_column(default=False)
    # The official's reply to a clarification request is a comment on it (author empty when the
    # official works with the private link alone).
    reply_to_id: Mapped[str | None] = mapped_column(
        ForeignKey("review_comment.id", ondelete="CASCADE", name="fk_review_comment_reply_to"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A thread marked resolved by a reviewer: a question no longer waits for the official.
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    resolved_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id", name="fk_review_comment_resolved_by"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class Contact(db.Model):
    """An address the official asked us to keep for one assessment ("remind me"): one reminder
    after 14 days without a save, and news of the reviewer's questions and of publication.
    Without that choice an address typed to receive the link is used once and not stored."""

    __tablename__ = "assessment_contact"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the last reminder went; a save after it makes the next one possible.
    reminded_at: Mapped[dt.datetime | None] = mapped_column()


class Adjustment(db.Model):
    """A person's change to the computed recommendations: add, remove or re-prioritize a part."""

    __tablename__ = "recommendation_adjustment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    resource_id: Mapped[str] = mapped_column(String(80))
    part_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))  # add, remove, priority
    priority: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(FreeText(2000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class PublishedScore(db.Model):
    """A section's level in a published assessment, kept so the portfolio aggregates in SQL."""

    __tablename__ = "published_score"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[float | None] = mapped_column()
    gap: Mapped[float | None] = mapped_column()


class PublishedProfile(db.Model):
    """The agency as the assessment described it when it was published. The agency row follows
    the latest draft; donors' figures and filters read this, so a later draft never rewrites
    what was published."""

    __tablename__ = "published_profile"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str | None] = mapped_column(FreeText(200))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    agency_type: Mapped[str | None] = mapped_column(String(40), index=True)
    # Validated by a reviewer in every section when it was published.
    validated: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The agency the portfolio counts it for: its agency, or the assessment itself if it has none.
    agency_key: Mapped[str | None] = mapped_column(String(36), index=True)
    # The years in which this is its agency's latest published assessment: from current_from
    # up to, not including, current_until (CURRENT_FOREVER while no newer one is published).
    # Both empty if a newer one was published in the same year: it never is the latest of a year.
    current_from: Mapped[int | None] = mapped_column(Integer, index=True)
    current_until: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_published_profile_group", "country", "agency_type", "current_from", "current_until"),)

    assessment: Mapped[Assessment] = relationship()


CURRENT_FOREVER = 9999


class PortfolioFigure(db.Model):
    """Sums and counts over the assessments that are their agency's latest published one for
    the same years, kept per country and type of agency, so that the portfolio adds up rows per
    group, whose number does not grow with the assessments, instead of every published row.
    Kept up to date in the transaction that publishes (webapp/portfolio/figures.py).

    kind "agency": how many agencies the group holds (item and part empty).
    kind "level": item is a section, total the sum of its levels.
    kind "gap": item is a topic, total the sum of its gaps.
    kind "demand": item and part name a recommended part, high counts the high-priority ones."""

    __tablename__ = "portfolio_figure"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    current_until: Mapped[int] = mapped_column(Integer, primary_key=True)
    current_from: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    agency_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    item: Mapped[str] = mapped_column(String(80), primary_key=True)
    part: Mapped[str] = mapped_column(String(80), primary_key=True)
    agencies: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Double, default=0.0)
    high: Mapped[int] = mapped_column(Integer, default=0)


class TrainingOutcome(db.Model):
    """For a trained agency and a topic the training addressed: the topic's level in the last
    published assessment submitted before the training, and in the first one submitted after
    it. Kept when an assessment is published and when training is recorded."""

    __tablename__ = "training_outcome"

    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    # The agency as the assessment after the training describes it.
    country: Mapped[str] = mapped_column(String(2), index=True)
    agency_type: Mapped[str] = mapped_column(String(40))
    before: Mapped[float] = mapped_column(Double)
    after: Mapped[float] = mapped_column(Double)


class PublishedGap(db.Model):
    __tablename__ = "published_gap"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    gap: Mapped[float] = mapped_column()


class PublishedRecommendation(db.Model):
    __tablename__ = "published_recommendation"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    priority: Mapped[str] = mapped_column(String(16))
    audiences: Mapped[str] = mapped_column(String(200))
    adjusted: Mapped[bool] = mapped_column(default=False)


class RenderedReport(db.Model):
    """A rendered PDF, keyed by everything it depends on, shared by all workers and servers
    (webapp/core/pdfs.py)."""

    __tablename__ = "rendered_report"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # What it shows ("assessment:<id>", "national:<id>", "blank") and the state it shows.
    scope: Mapped[str] = mapped_column(String(80), index=True)
    stamp: Mapped[str] = mapped_column(String(64))
    assessment_id: Mapped[str | None] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RateLimitCounter(db.Model):
    """Attempts of one client against one limit, in a window that ends at expires_at (Unix
    seconds). Written by webapp/ratelimit.py for the `limits` library."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Double, index=True)


class PublishedTopic(db.Model):
    """The level of each topic with enough answers, as published: the before and after of a
    topic that training addressed."""

    __tablename__ = "published_topic"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[float] = mapped_column()


PLAN_STATUSES = ("planned", "delivered", "dropped")


class PlanItem(db.Model):
    """What became of one recommendation of a published assessment: planned, delivered, or
    dropped (with the reason). A recommendation without a row is planned."""

    __tablename__ = "plan_item"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    reason: Mapped[str | None] = mapped_column(FreeText(2000))
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Training(db.Model):
    """Training delivered to an agency with one part of a resource."""

    __tablename__ = "training"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    resource_id: Mapped[str] = mapped_column(String(80))
    part_id: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(FreeText(2000))
    recorded_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NationalReport(db.Model):
    """A national report: the assessments of one country's agencies that a TA officer chose."""

    __tablename__ = "national_report"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    country: Mapped[str] = mapped_column(String(2), index=True)
    assessment_ids: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column()

    @property
    def reference(self) -> str:
        return f"NAT-{self.country}-" + self.id.replace("-", "")[:6].upper()
