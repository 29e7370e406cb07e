"""How an agency knows what an answer says, and the note that names the evidence.

Every scored answer may say how it is known: the agency's own view (the default), a document
that shows it, or a check made outside the unit. The note says what the evidence is (its
title, date, and who holds it). Both travel with the answer: the wizard, the workbook, the
answers JSON and carry-over.
"""

from __future__ import annotations

from typing import Any

from .answers import N_, Problem

VIEW, DOCUMENTED, CHECKED = "view", "documented", "checked"
KINDS = (VIEW, DOCUMENTED, CHECKED)
LABELS = {
    VIEW: N_("Our view"),
    DOCUMENTED: N_("Documented"),
    CHECKED: N_("Checked outside the unit"),
}
HINTS = {
    VIEW: N_("What we believe, with no document to show it."),
    DOCUMENTED: N_("A written procedure, a report, statistics or a curriculum shows it."),
    CHECKED: N_("An audit, an inspection, an exercise or an evaluation checked it."),
}
NOTE_LIMIT = 300

def evidence_problem(kind: Any, note: Any) -> Problem | None:
    """What is wrong with the evidence given for an answer, if anything."""
    if kind not in (None, "", *KINDS):
        return Problem("evidence-kind")
    if isinstance(note, str) and len(note) > NOTE_LIMIT:
        return Problem("evidence-note-too-long", {"limit": NOTE_LIMIT, "length": len(note)})
    return None


def normalized(kind: Any, note: Any) -> tuple[str | None, str | None]:
    """(kind, note) as stored: "our view" without a note is no evidence at all (None, None)."""
    text = note.strip() if isinstance(note, str) else ""
    chosen = kind if kind in KINDS else VIEW
    if chosen == VIEW and not text:
        return None, None
    return chosen, text or None
