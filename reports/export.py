"""A report as plain JSON data: scores with coverage, and the ranked recommendations with their
reasons. The schema is documented in the README ("Machine-readable report")."""

from __future__ import annotations

from typing import Any

from .build import Line, Report

# 2: evidence on answers, and what a reviewer validated (README, "Machine-readable report").
SCHEMA_VERSION = 2


def _answer(line: Line) -> dict[str, Any]:
    return {"question": line.question_id, "value": line.value, "level": line.level, "text": line.answer,
            "evidence": line.evidence or "view", "evidence_note": line.evidence_note,
            "self_assessed_level": line.self_level if line.validated_level is not None else line.level,
            "validation_reason": line.validation_reason}


def report_data(report: Report) -> dict[str, Any]:
    m = report.meta
    return {
        "schema": SCHEMA_VERSION,
        "questionnaire": {"id": m.questionnaire_id, "version": m.questionnaire_version},
        "reference": m.reference,
        "date": m.date.isoformat(),
        "language": m.language,
        "agency_type": m.agency_type_id or None,
        "target": report.target,
        "overall": {"level": report.overall_level, "coverage": round(report.overall_coverage, 3),
                    "enough_information": report.overall_level is not None},
        "validation": {"share": round(report.validated_share, 3),
                       "date": report.validated_on.isoformat() if report.validated_on else None},
        "sections": [
            {
                "id": s.id, "level": s.level, "gap": s.gap, "asked": s.asked, "scored": s.scored,
                "coverage": round(s.coverage, 3), "enough_information": s.enough,
                "self_assessed_level": s.self_level, "validated": s.validated,
                "validated_share": round(s.validated_share, 3),
                "topics": [
                    {"id": t.id, "level": t.level, "gap": t.gap, "asked": t.asked, "scored": t.scored,
                     "coverage": round(t.coverage, 3), "enough_information": t.enough, "core": t.core}
                    for t in s.topics
                ],
            }
            for s in report.sections
        ],
        "recommendations": [
            {
                "rank": r.rank,
                "resource": r.resource_id,
                "part": r.part_id,
                "priority": r.priority,
                "audiences": list(r.audience_ids),
                "foundation": r.foundation_reason is not None,
                "adjusted_reason": r.adjusted_reason,
                "reasons": [
                    {
                        "topic": reason.topic_id, "level": reason.level, "target": reason.target,
                        "gap": reason.gap, "core": reason.core,
                        "answers": [_answer(line) for line in reason.evidence],
                        "answers_under_rank": reason.answers_under,
                    }
                    for reason in r.reasons
                ],
                "why": r.why,
            }
            for r in report.recommendations
        ],
    }
