"""A demo portfolio for local use: agencies in eight countries of five regions, each assessed in
2025 and again in 2026, with training delivered in between to some of them. Answers come from a
seeded generator, so every run makes the same data. Every agency name says "(demo)".

Only `tna demo-data` and `make run` call this, and only on the embedded SQLite database.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select

from questionnaires import Question, Questionnaire, tr
from questionnaires.answer_types import handler
from questionnaires.model import DONT_KNOW
from questionnaires.answer_types import check
from questionnaires.answers import is_empty
from reports.catalogue import Catalogue
from webapp.core.db import db
from webapp.core.models import Agency, Answer, Assessment, Training, User
from webapp.core.status import SUBMITTED

MARK = "(demo)"
# Country -> the agencies assessed there. Every agency type appears in at least three countries,
# so that no aggregate of the portfolio is hidden.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "KE": ("border-police", "immigration", "coast-guard", "prosecution", "anti-corruption", "training-academy", "document-examination",
           "criminal-investigation", "child-protection"),
    "GH": ("border-police", "immigration", "customs", "prosecution", "forensic-laboratory", "financial-intelligence", "consular"),
    "MA": ("border-police", "coast-guard", "customs", "airport-liaison", "ministry", "consular", "child-protection"),
    "MX": ("immigration", "customs", "airport-liaison", "prosecution", "document-examination", "criminal-investigation",
           "financial-intelligence"),
    "GT": ("border-police", "immigration", "anti-corruption", "training-academy", "forensic-laboratory", "consular", "child-protection"),
    "TR": ("coast-guard", "immigration", "airport-liaison", "ministry", "document-examination", "criminal-investigation",
           "financial-intelligence"),
    "PH": ("coast-guard", "customs", "anti-corruption", "training-academy", "forensic-laboratory"),
    "FJ": ("border-police", "prosecution", "ministry", "airport-liaison", "coast-guard"),
}
BORDERS = {"coast-guard": ["sea"], "airport-liaison": ["air"], "customs": ["land", "sea", "air"],
           "border-police": ["land", "sea", "air"], "immigration": ["land", "air"]}
# Some agencies do other work than their type's: an immigration service that investigates, a
# ministry that issues visas.
OTHER_WORK = {("MX", "immigration"): ["investigation"], ("MA", "ministry"): ["visa-issuance"]}
FIRST, SECOND = dt.datetime(2025, 4, 10, 10, 0), dt.datetime(2026, 4, 14, 10, 0)
TRAINING = (dt.date(2025, 10, 6), dt.date(2025, 10, 10))
TEXT = "Answered for the demo portfolio."


def already_there() -> bool:
    return db.session.scalar(select(Agency.id).where(Agency.name.like(f"%{MARK}")).limit(1)) is not None


def _choose(question: Question, level: float, rng: random.Random) -> Any:
    """A plausible answer near `level` for a scored question."""
    many = handler(question).many
    if rng.random() < 0.06:
        return [DONT_KNOW] if many else DONT_KNOW
    scored = [o for o in question.choices() if o.level is not None]
    wanted = max(0, min(4, round(level + rng.uniform(-1, 1))))
    best = min(scored, key=lambda o: (abs(o.level - wanted), rng.random()))
    if not many:
        return best.id
    others = [o for o in scored if o.id != best.id and not o.exclusive and (o.level or 0) <= best.level]
    picked = [best] + rng.sample(others, k=min(len(others), rng.randint(0, 2))) if not best.exclusive else [best]
    return [o.id for o in question.choices() if o in picked]


def answers_for(questionnaire: Questionnaire, profile: dict[str, Any], levels: dict[str, float], rng: random.Random) -> dict[str, Any]:
    """Every question that applies, answered; `levels` gives each section's capacity."""
    answers = dict(profile)
    for _pass in range(4):  # follow-ups appear as earlier answers are given
        for section in questionnaire.applicable_sections(answers):
            for question in section.visible_questions(answers):
                if question.id in answers:
                    continue
                if question.scored:
                    answers[question.id] = _choose(question, levels.get(section.id, 2.0), rng)
                else:
                    answers[question.id] = handler(question).sample(question, rng, {"text": TEXT, "country": profile["country"]})
    return {k: v for k, v in answers.items() if not is_empty(v) and check(questionnaire.question(k), v) is None}


def _store(agency: Agency, questionnaire: Questionnaire, answers: dict[str, Any], when: dt.datetime,
           previous: Assessment | None = None) -> Assessment:
    assessment = Assessment(agency=agency, questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
                            language="en", status=SUBMITTED, created_at=when - dt.timedelta(days=9), submitted_at=when,
                            previous_id=previous.id if previous else None)
    assessment.answers = [Answer(question_id=k, value=v) for k, v in answers.items()]
    db.session.add(assessment)
    db.session.commit()
    return assessment


def _validate_all(assessment: Assessment, questionnaire: Questionnaire, reviewer: User) -> None:
    """Every scored section validated as answered, ten days after submission: a validation mission."""
    from webapp.core import validation

    for section in validation.scored_sections(questionnaire, assessment.answer_values()):
        validation.validate_section(assessment, questionnaire, section, reviewer, {}, assessment.version)
    for done in validation.section_validations(assessment).values():
        done.validated_at = assessment.submitted_at + dt.timedelta(days=10)


def seed(questionnaire: Questionnaire, catalogue: Catalogue, reviewer: User) -> int:
    """Create and publish the demo assessments; returns how many."""
    from webapp.review.service import mark_reviewed, publish

    rng = random.Random(2026)
    type_names = {o.id: tr(o.label) for o in questionnaire.agency_types()}
    sections = [s.id for s in questionnaire.sections]
    # Parts on training capacity, which every type of agency is asked about, delivered to twelve
    # agencies: enough for the before and after of each topic to be shown.
    training_topics = {q.topic for s in questionnaire.sections if s.id == "training" for q in s.questions if q.topic}
    trained_parts = [(r.id, p.id) for r, p in catalogue.parts() if set(p.topics) & training_topics][:2]
    made = 0
    trained = 0
    for country, types in COUNTRIES.items():
        for agency_type in types:
            name = f"{type_names[agency_type]}, {country} {MARK}"
            agency = Agency(country=country, name=name, agency_type=agency_type)
            db.session.add(agency)
            base = {s: rng.uniform(0.6, 2.8) for s in sections}
            profile = {"country": country, "agency_name": name, "agency_type": agency_type,
                       "borders": BORDERS.get(agency_type, ["none"]), "other_functions": OTHER_WORK.get((country, agency_type), []),
                       "staff_size": rng.choice([120, 350, 800, 1500, 4000, 12000]),
                       "respondent_role": rng.choice(["manager", "training-officer", "specialist"])}
            first = _store(agency, questionnaire, answers_for(questionnaire, profile, base, rng), FIRST + dt.timedelta(days=rng.randint(0, 60)))
            part = None
            if trained < 12:
                part = trained_parts[trained % len(trained_parts)]
                db.session.add(Training(agency_id=agency.id, resource_id=part[0], part_id=part[1], starts_on=TRAINING[0],
                                        ends_on=TRAINING[1], participants=rng.randint(12, 30), audience="first-line",
                                        note="Demo training.", recorded_by=reviewer.id))
                trained += 1
            grown = {s: min(4.0, level + rng.uniform(0.0, 0.9)) for s, level in base.items()}
            second = _store(agency, questionnaire, answers_for(questionnaire, profile, grown, rng),
                            SECOND + dt.timedelta(days=rng.randint(0, 60)), previous=first)
            if rng.random() < 0.35:
                _validate_all(second, questionnaire, reviewer)
            for assessment in (first, second):
                mark_reviewed(assessment, reviewer)
                publish(assessment, reviewer, questionnaire, catalogue, at=assessment.submitted_at + dt.timedelta(days=12))
                assessment.reviewed_at = assessment.updated_at = assessment.published_at
                made += 1
            db.session.commit()
    # A published national report of the country with the most agencies.
    from webapp.national import service as national

    country = max(COUNTRIES, key=lambda c: len(COUNTRIES[c]))
    record = national.create(country, sorted(national.latest_of_each(national.submitted_in(country))), reviewer)
    if record is not None:
        national.publish(record, reviewer)
    return made
