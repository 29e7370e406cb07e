"""An assessment's answers as data that can leave the product: JSON (the schema is in the
README; `tna report` reads it) and CSV."""

from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire, tr
from reports.build import answer_text
from questionnaires.evidence import VIEW
from webapp.core import validation
from webapp.core.models import Assessment, aware
from webapp.core.exports import csv_text

# 2: how each answer is known, and what a reviewer validated. Schema 1 files are still read.
SCHEMA = 2


def answers_json(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, Any]:
    answers = assessment.answer_values()
    lang = assessment.language
    stored = assessment.answer_rows()
    rows = []
    for section in questionnaire.applicable_sections(answers):
        for question in section.visible_questions(answers):
            if question.id in answers:
                row = stored[question.id]
                rows.append({"section": section.id, "question": question.id, "question_text": tr(question.text, lang),
                             "value": answers[question.id], "text": answer_text(question, answers[question.id], lang),
                             "evidence": row.evidence or VIEW, "evidence_note": row.evidence_note})
    shown = {row["question"] for row in rows}
    sections = validation.section_validations(assessment)
    levels = validation.answer_validations(assessment)
    return {
        "schema": SCHEMA,
        "questionnaire": questionnaire.id,
        "version": assessment.questionnaire_version,
        "reference": assessment.reference,
        "language": lang,
        "status": assessment.status,
        "submitted": assessment.submitted_at.date().isoformat() if assessment.submitted_at else None,
        "answers": {row["question"]: row["value"] for row in rows},
        "evidence": {row["question"]: {"kind": row["evidence"], "note": row["evidence_note"]}
                     for row in rows if row["evidence"] != VIEW or row["evidence_note"]},
        "validation": {
            "state": assessment.validation,
            "sections": {sid: {"state": v.state, "date": aware(v.validated_at).date().isoformat()}
                         for sid, v in sorted(sections.items())},
            "levels": {qid: {"level": v.level, "reason": v.reason} for qid, v in sorted(levels.items()) if qid in shown},
        },
        "shown": rows,
    }


def answers_csv(assessment: Assessment, questionnaire: Questionnaire) -> str:
    data = answers_json(assessment, questionnaire)
    header = ["section", "question", "question_text", "value", "text", "evidence", "evidence_note"]
    values = [[r["section"], r["question"], r["question_text"],
               "; ".join(r["value"]) if isinstance(r["value"], list) else r["value"], r["text"],
               r["evidence"], r["evidence_note"] or ""] for r in data["shown"]]
    return csv_text(header, values)
