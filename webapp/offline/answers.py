"""An assessment's answers as data that can leave the product: JSON (the schema is in the
README; `tna report` reads it) and CSV."""

from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire, tr
from reports.build import answer_text
from webapp.core.models import Assessment
from webapp.core.exports import csv_text

SCHEMA = 1


def answers_json(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, Any]:
    answers = assessment.answer_values()
    lang = assessment.language
    rows = []
    for section in questionnaire.applicable_sections(answers):
        for question in section.visible_questions(answers):
            if question.id in answers:
                rows.append({"section": section.id, "question": question.id, "question_text": tr(question.text, lang),
                             "value": answers[question.id], "text": answer_text(question, answers[question.id], lang)})
    return {
        "schema": SCHEMA,
        "questionnaire": questionnaire.id,
        "version": assessment.questionnaire_version,
        "reference": assessment.reference,
        "language": lang,
        "status": assessment.status,
        "submitted": assessment.submitted_at.date().isoformat() if assessment.submitted_at else None,
        "answers": {row["question"]: row["value"] for row in rows},
        "shown": rows,
    }


def answers_csv(assessment: Assessment, questionnaire: Questionnaire) -> str:
    data = answers_json(assessment, questionnaire)
    header = ["section", "question", "question_text", "value", "text"]
    values = [[r["section"], r["question"], r["question_text"],
               "; ".join(r["value"]) if isinstance(r["value"], list) else r["value"], r["text"]] for r in data["shown"]]
    return csv_text(header, values)
