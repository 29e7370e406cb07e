"""The questionnaire as an XLSX workbook, out and back in, with openpyxl.

Out: one sheet per section, one row per question (a multiple-choice question has one row per
option, answered Yes or No), an answer cell with a drop-down of the localized choices or a
validated number, and a comment cell. A scored question also has how its answer is known (a
drop-down: our view, documented, checked outside the unit) and a note on the evidence. Only answer and comment cells can be edited; the sheets
are protected without a password, so a user can still unlock them.

In: everything is checked before anything is kept. Hostile files (too large, a zip bomb,
macros, another questionnaire, formulas, not a workbook at all) are refused with a message.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation

from questionnaires import Question, Questionnaire, tr
from questionnaires.answer_types import Cell, check, handler
from questionnaires.answers import MESSAGES, is_empty
from questionnaires.answers import Problem as AnswerProblem
from questionnaires.evidence import KINDS as EVIDENCE_KINDS
from questionnaires.evidence import LABELS as EVIDENCE_LABELS
from questionnaires.evidence import NOTE_LIMIT, VIEW, evidence_problem, normalized
from questionnaires.text import LANGUAGES

from .i18n import Translator
from .paper import PaperQuestion, paper_form

MAX_BYTES = 5 * 1024 * 1024  # an answered workbook is about 60 KB
# A blank workbook of every section unpacks to about 210 KB; every text answer and comment
# written to its limit, in a script of three bytes a letter, would add about 1 MB. Reading
# costs about 0.6 s a MB of sheets at worst, so this also bounds the time of an upload.
MAX_UNCOMPRESSED = 3 * 1024 * 1024
# The parts of a real workbook shrink about ten times when zipped. A part that shrank far
# more holds little but repetition: a zip bomb, even when the rest of the file does not.
MAX_RATIO = 100
RATIO_FROM = 64 * 1024  # smaller parts cannot hold enough to matter
EXTRA_SHEETS = 10  # sheets a person may add for their own notes; they are not read
MAX_LISTED = 200  # problems listed to the person; the rest are counted
# Content types of the parts that hold macros (VBA projects, Excel 4 macro sheets).
MACRO_TYPES = (b"vbaproject", b"macroenabled", b"macrosheet")
META_SHEET = "tna"
LISTS_SHEET = "lists"
COLUMNS = ("id", "question", "hint", "condition", "answer", "comment", "evidence", "evidence_note")
ANSWER_COLUMN, COMMENT_COLUMN, EVIDENCE_COLUMN, NOTE_COLUMN = 5, 6, 7, 8
OPTION_SEPARATOR = ":"


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    question: str
    message: str


class WorkbookError(ValueError):
    """A file that is not a workbook of this questionnaire; nothing in it is read."""


SHEET_TITLE_LIMIT = 31  # what a spreadsheet allows


def sheet_title(text: str) -> str:
    """A sheet name within the limit, cut after a whole word and ended with "…" when it is too
    long, never in the middle of a word (unless one word alone is longer than the limit)."""
    # A straight apostrophe may not start or end a name: the typographic one may.
    clean = " ".join(re.sub(r"[\[\]:*?/\\]", " ", text).replace("'", "’").split())
    if len(clean) <= SHEET_TITLE_LIMIT:
        return clean
    room = clean[:SHEET_TITLE_LIMIT - 1]
    words = room if clean[SHEET_TITLE_LIMIT - 1] == " " else room.rsplit(" ", 1)[0]
    if len(words) < SHEET_TITLE_LIMIT // 2:  # one very long word: cut it rather than lose it
        words = room
    return words.rstrip(" ,;.:-–(") + "…"


def _sheet_title(number: int, title: str) -> str:
    return sheet_title(f"{number}. {title}")


def write_workbook(
    questionnaire: Questionnaire, agency_type: str | None, lang: str, answers: Mapping[str, Any] | None = None,
    reference: str = "", base_version: int = 0, other_work: Sequence[str] = (),
    evidence: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> bytes:
    """The workbook for an agency type doing this other work, filled in with `answers` if given
    (their other work then counts), and how each answer is known (`evidence`: kind, note)."""
    t = Translator(lang)
    answers = answers or {}
    evidence = evidence or {}
    other_work = questionnaire.other_functions(answers) if answers else list(other_work)
    book = Workbook()
    about = book.active
    about.title = sheet_title(t("How to fill in"))
    text_cell(about["A1"], tr(questionnaire.title, lang)).font = Font(bold=True, size=14)
    lines = [
        t("Answer in the column “Answer”: choose from the list where there is one. Add anything you want to say in “Comment”."),
        t("Some questions are asked only in some cases (see “Only if”): if that case is not yours, skip the question. If a question does not apply to your agency, choose “Not applicable” where the list offers it."),
        t("Multiple-choice questions have one line per choice: answer Yes or No."),
        t("For a scored question, you may say how you know the answer in “How it is known”, and name the evidence (its title, date, and who holds it) in “Evidence”."),
        t("Other cells are locked so that the file can be read back. You can unlock a sheet (no password) but do not change the ids."),
        t("When you are done, upload the file with your private link, or give it to the person who sent it."),
    ]
    for i, line in enumerate(lines, start=3):
        text_cell(about.cell(row=i, column=1), line).alignment = Alignment(wrap_text=True)
    about.column_dimensions["A"].width = 110

    meta = book.create_sheet(META_SHEET)
    for key, value in (("questionnaire", questionnaire.id), ("version", questionnaire.version), ("language", lang),
                       ("agency_type", agency_type or ""), ("reference", reference), ("base_version", base_version)):
        _append(meta, [key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    ranges: dict[tuple[str, ...], str] = {}

    def list_range(values: tuple[str, ...]) -> str:
        """The hidden column that holds these values; the same list is written once."""
        if values not in ranges:
            letter = get_column_letter(len(ranges) + 1)
            for row, value in enumerate(values, start=1):
                text_cell(lists.cell(row=row, column=len(ranges) + 1), value)
            ranges[values] = f"{LISTS_SHEET}!${letter}$1:${letter}${len(values)}"
        return ranges[values]

    header_fill = PatternFill("solid", fgColor="DDDDDD")
    headers = [t("Id"), t("Question"), t("Hint"), t("Only if"), t("Answer"), t("Comment"), t("How it is known"), t("Evidence")]
    kind_rule = Cell("list", t("Choose how this is known from the list"), values=tuple(t(EVIDENCE_LABELS[k]) for k in EVIDENCE_KINDS))
    note_rule = Cell("text", t("Up to %(limit)s characters.", limit=t.number(NOTE_LIMIT)), high=NOTE_LIMIT)
    for number, paper in enumerate(paper_form(questionnaire, agency_type, lang, other_work)):
        sheet = book.create_sheet(_sheet_title(number, paper.title))
        _append(sheet, headers)
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), header_fill
        if paper.condition:
            _append(sheet, ["", paper.condition])
            sheet.cell(row=sheet.max_row, column=2).font = Font(italic=True)
        kinds, notes = _validation(kind_rule, list_range), _validation(note_rule, list_range)
        for pq in paper.questions:
            row = _write_question(sheet, pq, answers.get(pq.id), t, list_range)
            if pq.question.scored:
                kind, note = evidence.get(pq.id, (None, None))
                _write_evidence(sheet, row, kind, note, t, kinds, notes)
        for rule in (kinds, notes):
            if rule.sqref:
                sheet.add_data_validation(rule)
        for column, width in zip("ABCDEFGH", (24, 60, 40, 40, 30, 40, 26, 40), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_evidence(sheet: Any, row: int, kind: str | None, note: str | None, t: Translator,
                    kinds: DataValidation, notes: DataValidation) -> None:
    """How the answer is known, and the note on the evidence, on the question's own row."""
    for column in (EVIDENCE_COLUMN, NOTE_COLUMN):
        sheet.cell(row=row, column=column).protection = Protection(locked=False)
    text_cell(sheet.cell(row=row, column=EVIDENCE_COLUMN), t(EVIDENCE_LABELS[kind]) if kind in EVIDENCE_LABELS and kind != VIEW else None)
    text_cell(sheet.cell(row=row, column=NOTE_COLUMN), note or None).alignment = Alignment(wrap_text=True, vertical="top")
    kinds.add(sheet.cell(row=row, column=EVIDENCE_COLUMN))
    notes.add(sheet.cell(row=row, column=NOTE_COLUMN))


def _write_question(sheet: Any, pq: PaperQuestion, value: Any, t: Translator, list_range: Callable[[tuple[str, ...]], str]) -> int:
    """The question's row, and its answer cell as its answer type makes it; a type whose
    answer is a list gets one row per option, ticked Yes or No. Returns the question's row."""
    question = pq.question
    kind = handler(question)
    _append(sheet, [question.id, pq.text, pq.hint, pq.condition])
    row: int = sheet.max_row
    for column in (2, 3, 4):
        sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    if kind.many:
        sheet.cell(row=row, column=2).font = Font(bold=True)
        validation = _validation(kind.tick_cell(t), list_range)
        for option_id, label in pq.choices:
            _append(sheet, [f"{question.id}{OPTION_SEPARATOR}{option_id}", "    " + label, "", "",
                            kind.tick_value(value, option_id, t)])
            _editable(sheet, sheet.max_row)
            validation.add(sheet.cell(row=sheet.max_row, column=ANSWER_COLUMN))
        sheet.add_data_validation(validation)
        return row
    _editable(sheet, row)
    answer = sheet.cell(row=row, column=ANSWER_COLUMN)
    rule = kind.cell(question, t)
    text_cell(answer, None if is_empty(value) else kind.cell_value(question, value, t))
    if rule.wrap:
        answer.alignment = Alignment(wrap_text=True, vertical="top")
    validation = _validation(rule, list_range)
    sheet.add_data_validation(validation)
    validation.add(answer)
    return row


def looks_like_formula(text: str) -> bool:
    """Text that a spreadsheet would run as a formula if it were typed into a cell."""
    return text.strip().startswith("=")


def text_cell(cell: Any, value: Any) -> Any:
    """Every value the workbook holds goes in through here. Text stays text: openpyxl stores a
    string that starts with "=" as a live formula, so the cell is typed as text again, and text
    that looks like a formula gets the quote prefix a spreadsheet gives text typed after an
    apostrophe. Reading the workbook back takes such a cell as text (see `_Row.formula`)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def _append(sheet: Any, values: Sequence[Any]) -> None:
    """A new row of these values, each written by `text_cell`."""
    sheet.append(list(values))
    row = sheet._current_row  # the row that append wrote
    for column, value in enumerate(values, start=1):
        text_cell(sheet.cell(row=row, column=column), value)


def _validation(rule: Cell, list_range: Callable[[tuple[str, ...]], str]) -> DataValidation:
    """The spreadsheet's check of a cell, as the answer type describes it."""
    shown = {"allow_blank": True, "error": rule.error, "showErrorMessage": True}
    if rule.kind == "list":
        return DataValidation(type="list", formula1=f"={list_range(rule.values)}", **shown)
    if rule.kind == "whole":
        return DataValidation(type="whole", operator="between", formula1=str(rule.low), formula2=str(rule.high), **shown)
    return DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(rule.high), **shown)


def _editable(sheet: Any, row: int) -> None:
    for column in (ANSWER_COLUMN, COMMENT_COLUMN):
        sheet.cell(row=row, column=column).protection = Protection(locked=False)


# --- reading a workbook back -------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    answers: dict[str, Any]
    comments: dict[str, str]
    asked: tuple[str, ...]  # the questions the workbook has a row for
    language: str
    reference: str
    base_version: int
    # How each answer is known, as stored (kind, note); (None, None) for a blank "our view".
    evidence: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def _refuse_hostile(data: bytes, t: Translator) -> None:
    if len(data) > MAX_BYTES:
        raise WorkbookError(t("The file is too large: a filled workbook is well under %(size)s MB.", size=MAX_BYTES // (1024 * 1024)))
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError(t("This is not an Excel workbook (.xlsx). Download the workbook again and fill that one in."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        members = archive.infolist()
        total = sum(info.file_size for info in members)
        if total > MAX_UNCOMPRESSED or any(
                info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1) for info in members):
            raise WorkbookError(t("This file expands to far more data than a workbook holds. It cannot be read."))
        types = archive.read("[Content_Types].xml").lower() if "[Content_Types].xml" in names else b""
        if any(name.lower().endswith("vbaproject.bin") for name in names) or any(kind in types for kind in MACRO_TYPES):
            raise WorkbookError(t("This workbook contains macros. Save it as a plain workbook (.xlsx) without macros and upload it again."))
        if "xl/workbook.xml" not in names:
            raise WorkbookError(t("This is not an Excel workbook (.xlsx). Download the workbook again and fill that one in."))


def read_workbook(data: bytes, questionnaire: Questionnaire, lang: str) -> tuple[Imported | None, list[Problem]]:
    """The answers in a filled workbook, or the problems in it. `lang` is the language of the
    messages; the workbook's own language is read from it."""
    t = Translator(lang)
    _refuse_hostile(data, t)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # a damaged or disguised file: openpyxl raises many kinds
        raise WorkbookError(_unreadable(t)) from exc
    try:
        return _read(book, questionnaire, t)
    except WorkbookError:
        raise
    except Exception as exc:  # the sheets are parsed only now, as they are read: damaged XML, a bad character
        raise WorkbookError(_unreadable(t)) from exc
    finally:
        book.close()


def _unreadable(t: Translator) -> str:
    return t("This workbook could not be read. Download the workbook again and fill that one in.")


def _meta(book: Any, t: Translator) -> dict[str, Any]:
    if META_SHEET not in book.sheetnames:
        raise WorkbookError(t("This workbook was not made by this tool. Download the workbook and fill that one in."))
    meta = {}
    for row in book[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0]:
            meta[str(row[0])] = row[1]
    return meta


@dataclass(frozen=True)
class _Row:
    """A row of a question sheet that names a question (or one option of it) in its id cell."""

    sheet: str
    number: int
    key: str
    answer: Any  # the cells, or None when the row has none there
    comment: Any
    evidence: Any = None
    note: Any = None

    @property
    def formula(self) -> bool:
        """A formula, or text that a spreadsheet would run as one (leading spaces and tabs do
        not hide it). Text written with a quote prefix, as the app writes it, is text."""
        return any(c is not None and (c.data_type == "f" or (
            isinstance(c.value, str) and looks_like_formula(c.value) and not c.style_array.quotePrefix))
            for c in (self.answer, self.comment, self.evidence, self.note))


@dataclass
class _Found:
    answers: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    # question id -> the options answered Yes, for a question with one row per option
    ticks: dict[str, list[str]] = field(default_factory=dict)
    evidence: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row: _Row, message: str) -> None:
        self.problems.append(Problem(row.sheet, row.number, row.key, message))


def _check_meta(book: Any, questionnaire: Questionnaire, t: Translator) -> dict[str, Any]:
    meta = _meta(book, t)
    if type(meta.get("base_version", 0)) is not int:  # a number the tool wrote; not text, not True
        raise WorkbookError(_unreadable(t))
    if meta.get("questionnaire") != questionnaire.id:
        raise WorkbookError(t("This workbook is for another questionnaire. Download the workbook for this assessment."))
    if meta.get("version") != questionnaire.version:
        raise WorkbookError(t("This workbook is for version %(old)s of the questionnaire; this assessment uses version %(new)s. Download the workbook again.",
                              old=meta.get("version"), new=questionnaire.version))
    if str(meta.get("language") or "") not in LANGUAGES:
        raise WorkbookError(t("This workbook was not made by this tool. Download the workbook and fill that one in."))
    return meta


def row_limit(questionnaire: Questionnaire) -> int:
    """The most rows a question sheet can have: its header, the line of its condition, and a
    row for every question of the questionnaire and for every option of a multiple choice."""
    return 2 + sum(1 + (len(q.choices()) if handler(q).many else 0) for q in questionnaire.all_questions())


def sheet_limit(questionnaire: Questionnaire) -> int:
    """The most sheets a workbook can have: the instructions, the two hidden sheets, one per
    section, and a few of a person's own."""
    return 3 + len(questionnaire.sections) + EXTRA_SHEETS


class _BelowLimit(Exception):
    def __init__(self, row: int):
        self.row = row


def _sheet_rows(sheet: Any, limit: int) -> Iterator[tuple[int, list[Any]]]:
    """(row number, its first len(COLUMNS) cells) for each row the sheet's file holds, up to row
    `limit`; a value in a row below it raises _BelowLimit.

    openpyxl's iter_rows yields an empty row for every row number the file skips, so a single
    row numbered in the millions costs millions of steps. This reads the file's own rows with
    openpyxl's parser (the one iter_rows uses), so the work follows the size of the file."""
    parser = WorkSheetParser(sheet._get_source(), sheet._shared_strings, data_only=False,
                             epoch=sheet.parent.epoch, date_formats=sheet.parent._date_formats,
                             timedelta_formats=sheet.parent._timedelta_formats)
    try:
        for number, parsed in parser.parse():
            if number > limit:
                if any(c["value"] not in (None, "") for c in parsed):
                    raise _BelowLimit(number)
                continue
            cells: list[Any] = [None] * len(COLUMNS)
            for c in parsed:
                if 1 <= c["column"] <= len(COLUMNS):
                    cells[c["column"] - 1] = ReadOnlyCell(sheet, **c)
            yield number, cells
    finally:
        parser.source.close()


def _rows(book: Any, id_header: str, limit: int, t: Translator) -> Iterator[_Row]:
    """Every row with an id, on every question sheet (the instructions, the hidden sheets and
    any sheet the user added are left alone). A question sheet with a value below `limit`
    rows is refused: no sheet of this questionnaire has that many."""
    for sheet_name in book.sheetnames:
        if sheet_name in (META_SHEET, LISTS_SHEET):
            continue
        first = next(book[sheet_name].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
        if not first or first[0] != id_header:
            continue
        try:
            for number, cells in _sheet_rows(book[sheet_name], limit):
                key = cells[0].value if cells[0] is not None and number > 1 else None
                if isinstance(key, str) and key.strip():
                    yield _Row(sheet_name, number, key.strip(), cells[ANSWER_COLUMN - 1], cells[COMMENT_COLUMN - 1],
                               cells[EVIDENCE_COLUMN - 1], cells[NOTE_COLUMN - 1])
        except _BelowLimit as below:
            raise WorkbookError(t("The sheet “%(sheet)s” has something in row %(row)s. A sheet of this questionnaire has at most %(most)s rows. Delete what is below them and upload the file again.",
                                  sheet=sheet_name, row=t.number(below.row), most=limit)) from None


def _read_row(row: _Row, known: Mapping[str, Question], words: Translator, t: Translator, found: _Found) -> None:
    """One row into `found`: its comment, and its answer (or tick) read by the question's type."""
    qid, _sep, option_id = row.key.partition(OPTION_SEPARATOR)
    found.where.setdefault(qid, (row.sheet, row.number))
    question = known.get(qid)
    if question is None:
        found.problem(row, t("There is no question with this id. Do not change the ids."))
        return
    if row.formula:
        found.problem(row, t("This cell holds a formula. Type the answer itself."))
        return
    comment = row.comment.value if row.comment is not None else None
    if comment not in (None, ""):
        found.comments[qid] = str(comment)[:2000]
    if question.scored and not option_id:
        _read_evidence(row, qid, words, t, found)
    raw = row.answer.value if row.answer is not None else None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return
    kind = handler(question)
    if option_id:
        ticked, problem = kind.from_tick(raw, words)
        if problem is not None:
            found.problem(row, _message(problem, t))
        elif ticked is not None:
            found.ticks.setdefault(qid, []).extend([option_id] if ticked else [])
        return
    value, problem = kind.from_cell(question, raw, words)
    if problem is not None:
        found.problem(row, _message(problem, t))
    else:
        found.answers[qid] = value


def _read_evidence(row: _Row, qid: str, words: Translator, t: Translator, found: _Found) -> None:
    """How the answer on this row is known: a label of the workbook's language (or an id)."""
    raw = row.evidence.value if row.evidence is not None else None
    note = row.note.value if row.note is not None else None
    text = str(raw).strip() if raw is not None else ""
    by_label = {words(EVIDENCE_LABELS[k]).casefold(): k for k in EVIDENCE_KINDS} | {k: k for k in EVIDENCE_KINDS}
    kind = by_label.get(text.casefold()) if text else VIEW
    note_text = str(note).strip() if note is not None else ""
    problem = AnswerProblem("not-in-list", {"value": text}) if kind is None else evidence_problem(kind, note_text)
    if problem is not None:
        found.problem(row, _message(problem, t))
        return
    found.evidence[qid] = normalized(kind, note_text)


def _message(problem: AnswerProblem, t: Translator) -> str:
    return problem.message(t(MESSAGES[problem.code]), t.number)


def _checks(found: _Found, known: Mapping[str, Question], t: Translator) -> dict[str, Any]:
    """The answers read, each checked by the engine as a form's would be; a failed one is a problem."""
    answers = dict(found.answers)
    answers.update({qid: chosen for qid, chosen in found.ticks.items() if chosen})
    for qid, value in list(answers.items()):
        problem = check(known[qid], value)
        if problem is not None:
            sheet_name, row_number = found.where[qid]
            found.problems.append(Problem(sheet_name, row_number, qid, _message(problem, t)))
            del answers[qid]
    return answers


def _read(book: Any, questionnaire: Questionnaire, t: Translator) -> tuple[Imported | None, list[Problem]]:
    if len(book.sheetnames) > sheet_limit(questionnaire):
        raise WorkbookError(t("This workbook has %(count)s sheets; one made by this tool has at most %(most)s. Download the workbook again and fill that one in.",
                              count=len(book.sheetnames), most=sheet_limit(questionnaire)))
    meta = _check_meta(book, questionnaire, t)
    words = Translator(str(meta["language"]))  # the workbook's language: its labels, Yes and No
    known = {q.id: q for q in questionnaire.all_questions()}
    found = _Found()
    for row in _rows(book, words("Id"), row_limit(questionnaire), t):
        _read_row(row, known, words, t, found)
    answers = _checks(found, known, t)
    visible = {q.id for q in questionnaire.visible_questions(answers)}
    answers = {qid: v for qid, v in answers.items() if qid in visible and not is_empty(v)}
    if found.problems:
        return None, found.problems
    return Imported(answers, found.comments, tuple(found.where), words.lang, str(meta.get("reference") or ""),
                    meta.get("base_version", 0), {qid: e for qid, e in found.evidence.items() if qid in answers}), []
