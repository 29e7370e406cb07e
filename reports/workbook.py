"""The questionnaire as an XLSX workbook, out and back in, with openpyxl.

Out: one sheet per section, one row per question (a multiple-choice question has one row per
option, answered Yes or No), an answer cell with a drop-down of the localized choices or a
validated number, and a comment cell. Only answer and comment cells can be edited; the sheets
are protected without a password, so a user can still unlock them.

In: everything is checked before anything is kept. Hostile files (too large, a zip bomb,
macros, another questionnaire, formulas, not a workbook at all) are refused with a message.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from questionnaires import Question, Questionnaire, tr
from questionnaires.answer_types import check, handler
from questionnaires.answers import MESSAGES, is_empty

from questionnaires.text import LANGUAGES

from .i18n import Translator, country_names
from .paper import PaperQuestion, paper_form

MAX_BYTES = 5 * 1024 * 1024  # an answered workbook is about 60 KB
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
META_SHEET = "tna"
LISTS_SHEET = "lists"
COLUMNS = ("id", "question", "hint", "condition", "answer", "comment")
ANSWER_COLUMN, COMMENT_COLUMN = 5, 6
OPTION_SEPARATOR = ":"


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    question: str
    message: str


class WorkbookError(ValueError):
    """A file that is not a workbook of this questionnaire; nothing in it is read."""


def _sheet_title(number: int, title: str) -> str:
    clean = re.sub(r"[\[\]:*?/\\']", " ", title)
    return f"{number}. {clean}"[:31].strip()


def write_workbook(
    questionnaire: Questionnaire, agency_type: str | None, lang: str, answers: Mapping[str, Any] | None = None,
    reference: str = "", base_version: int = 0,
) -> bytes:
    """The workbook for an agency type, filled in with `answers` if given."""
    t = Translator(lang)
    answers = answers or {}
    book = Workbook()
    about = book.active
    about.title = t("How to fill in")[:31]
    about["A1"] = tr(questionnaire.title, lang)
    about["A1"].font = Font(bold=True, size=14)
    lines = [
        t("Answer in the column “Answer”: choose from the list where there is one. Add anything you want to say in “Comment”."),
        t("Leave a question blank if it does not apply (see “Only if”). Multiple-choice questions have one line per choice: answer Yes or No."),
        t("Other cells are locked so that the file can be read back. You can unlock a sheet (no password) but do not change the ids."),
        t("When you are done, upload the file with your private link, or give it to the person who sent it."),
    ]
    for i, line in enumerate(lines, start=3):
        about.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    about.column_dimensions["A"].width = 110

    meta = book.create_sheet(META_SHEET)
    for key, value in (("questionnaire", questionnaire.id), ("version", questionnaire.version), ("language", lang),
                       ("agency_type", agency_type or ""), ("reference", reference), ("base_version", base_version)):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    list_column = 0

    def list_range(values: list[str]) -> str:
        nonlocal list_column
        list_column += 1
        letter = get_column_letter(list_column)
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=list_column, value=value)
        return f"{LISTS_SHEET}!${letter}$1:${letter}${len(values)}"

    yes_no = list_range([t("Yes"), t("No")])
    countries = sorted(country_names(lang).values(), key=str.casefold)
    country_list = list_range(countries)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    headers = [t("Id"), t("Question"), t("Hint"), t("Only if"), t("Answer"), t("Comment")]
    for number, paper in enumerate(paper_form(questionnaire, agency_type, lang)):
        sheet = book.create_sheet(_sheet_title(number, paper.title))
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), header_fill
        if paper.condition:
            sheet.append(["", paper.condition])
            sheet.cell(row=sheet.max_row, column=2).font = Font(italic=True)
        for pq in paper.questions:
            _write_question(sheet, pq, answers.get(pq.id), lang, t, list_range, yes_no, country_list)
        for column, width in zip("ABCDEF", (24, 60, 40, 40, 30, 40), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_question(sheet: Any, pq: PaperQuestion, value: Any, lang: str, t: Translator, list_range: Callable[[list[str]], str],
                    yes_no: str, country_list: str) -> None:
    question = pq.question
    kind = question.type
    sheet.append([question.id, pq.text, pq.hint, pq.condition])
    row = sheet.max_row
    for column in (2, 3, 4):
        sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    if pq.many:
        sheet.cell(row=row, column=2).font = Font(bold=True)
        chosen = set(value or [])
        validation = DataValidation(type="list", formula1=f"={yes_no}", allow_blank=True)
        sheet.add_data_validation(validation)
        for option_id, label in pq.choices:
            sheet.append([f"{question.id}{OPTION_SEPARATOR}{option_id}", "    " + label, "", "",
                          t("Yes") if option_id in chosen else (t("No") if chosen else None)])
            _editable(sheet, sheet.max_row)
            validation.add(sheet.cell(row=sheet.max_row, column=ANSWER_COLUMN))
        return
    _editable(sheet, row)
    answer = sheet.cell(row=row, column=ANSWER_COLUMN)
    if kind in ("single", "yesno"):
        labels = [label for _id, label in pq.choices]
        validation = DataValidation(type="list", formula1=f"={list_range(labels)}", allow_blank=True,
                                    error=t("Choose an answer from the list"), showErrorMessage=True)
        answer.value = dict(pq.choices).get(value) if value is not None else None
    elif kind == "country":
        validation = DataValidation(type="list", formula1=f"={country_list}", allow_blank=True,
                                    error=t("Choose a country from the list"), showErrorMessage=True)
        answer.value = country_names(lang).get(value) if value else None
    elif kind == "number":
        low = int(question.min) if question.min is not None else 0
        high = int(question.max) if question.max is not None else 10**9
        validation = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
                                    error=t("Enter a whole number from %(min)s to %(max)s", min=low, max=high), showErrorMessage=True)
        answer.value = value
    else:
        validation = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(question.max_length),
                                    allow_blank=True, showErrorMessage=True,
                                    error=t("Keep this answer to %(limit)s characters or fewer", limit=question.max_length))
        answer.value = value
        answer.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.add_data_validation(validation)
    validation.add(answer)


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


def _refuse_hostile(data: bytes, t: Translator) -> None:
    if len(data) > MAX_BYTES:
        raise WorkbookError(t("The file is too large: a filled workbook is well under %(size)s MB.", size=MAX_BYTES // (1024 * 1024)))
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError(t("This is not an Excel workbook (.xlsx). Download the workbook again and fill that one in."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise WorkbookError(t("This workbook contains macros. Save it as a plain workbook (.xlsx) without macros and upload it again."))
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
            raise WorkbookError(t("This file expands to far more data than a workbook holds. It cannot be read."))
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
        raise WorkbookError(t("This workbook could not be read. Download the workbook again and fill that one in.")) from exc
    try:
        return _read(book, questionnaire, t)
    finally:
        book.close()


def _meta(book: Any, t: Translator) -> dict[str, Any]:
    if META_SHEET not in book.sheetnames:
        raise WorkbookError(t("This workbook was not made by this tool. Download the workbook and fill that one in."))
    meta = {}
    for row in book[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0]:
            meta[str(row[0])] = row[1]
    return meta


def _read(book: Any, questionnaire: Questionnaire, t: Translator) -> tuple[Imported | None, list[Problem]]:
    meta = _meta(book, t)
    if meta.get("questionnaire") != questionnaire.id:
        raise WorkbookError(t("This workbook is for another questionnaire. Download the workbook for this assessment."))
    if meta.get("version") != questionnaire.version:
        raise WorkbookError(t("This workbook is for version %(old)s of the questionnaire; this assessment uses version %(new)s. Download the workbook again.",
                              old=meta.get("version"), new=questionnaire.version))
    wb_lang = str(meta.get("language") or "")
    if wb_lang not in LANGUAGES:
        raise WorkbookError(t("This workbook was not made by this tool. Download the workbook and fill that one in."))
    known = {q.id: q for q in questionnaire.all_questions()}
    yes, no = Translator(wb_lang)("Yes"), Translator(wb_lang)("No")
    id_header = Translator(wb_lang)("Id")
    countries = {name.casefold(): code for code, name in country_names(wb_lang).items()}
    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    problems: list[Problem] = []
    ticked: dict[str, list[str]] = {}
    where: dict[str, tuple[str, int]] = {}
    for sheet_name in book.sheetnames:
        if sheet_name in (META_SHEET, LISTS_SHEET):
            continue
        first = next(book[sheet_name].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
        if not first or first[0] != id_header:
            continue  # the instructions, or a sheet the user added
        for row_number, row in enumerate(book[sheet_name].iter_rows(min_row=2, max_col=len(COLUMNS)), start=2):
            cells = list(row) + [None] * (len(COLUMNS) - len(row))
            key = cells[0].value if cells[0] is not None else None
            if not isinstance(key, str) or not key.strip():
                continue
            key = key.strip()
            qid, _sep, option_id = key.partition(OPTION_SEPARATOR)
            where.setdefault(qid, (sheet_name, row_number))
            question = known.get(qid)
            if question is None:
                problems.append(Problem(sheet_name, row_number, key, t("There is no question with this id. Do not change the ids.")))
                continue
            answer_cell, comment_cell = cells[ANSWER_COLUMN - 1], cells[COMMENT_COLUMN - 1]
            raw = answer_cell.value if answer_cell is not None else None
            if any(c is not None and c.data_type == "f" for c in (answer_cell, comment_cell)) or (isinstance(raw, str) and raw.startswith("=")):
                problems.append(Problem(sheet_name, row_number, key, t("This cell holds a formula. Type the answer itself.")))
                continue
            comment = comment_cell.value if comment_cell is not None else None
            if comment not in (None, ""):
                comments[qid] = str(comment)[:2000]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            text = str(raw).strip()
            if option_id:
                if text.casefold() in (yes.casefold(), "yes"):
                    ticked.setdefault(qid, []).append(option_id)
                elif text.casefold() not in (no.casefold(), "no"):
                    problems.append(Problem(sheet_name, row_number, key, t("Answer %(yes)s or %(no)s", yes=yes, no=no)))
                else:
                    ticked.setdefault(qid, [])
                continue
            value, message = _value(question, raw, text, wb_lang, countries, t)
            if message:
                problems.append(Problem(sheet_name, row_number, key, message))
            else:
                answers[qid] = value
    for qid, chosen in ticked.items():
        if chosen:
            answers[qid] = chosen
    for qid, value in list(answers.items()):
        problem = check(known[qid], value)
        if problem is not None:
            sheet_name, row_number = where[qid]
            problems.append(Problem(sheet_name, row_number, qid, problem.message(t(MESSAGES[problem.code]), t.number)))
            del answers[qid]
    visible = {q.id for q in questionnaire.visible_questions(answers)}
    answers = {qid: v for qid, v in answers.items() if qid in visible and not is_empty(v)}
    if problems:
        return None, problems
    return Imported(answers, comments, tuple(where), wb_lang, str(meta.get("reference") or ""), int(meta.get("base_version") or 0)), []


def _value(question: Question, raw: Any, text: str, wb_lang: str, countries: dict[str, str], t: Translator) -> tuple[Any, str]:
    kind = question.type
    if kind in ("single", "yesno"):
        by_label = {tr(o.label, wb_lang).casefold(): o.id for o in question.choices()}
        by_id = {o.id for o in question.choices()}
        if text.casefold() in by_label:
            return by_label[text.casefold()], ""
        if text in by_id:
            return text, ""
        return None, t("“%(value)s” is not one of the answers in the list", value=text[:80])
    if kind == "country":
        if text.casefold() in countries:
            return countries[text.casefold()], ""
        if text.upper() in set(countries.values()):
            return text.upper(), ""
        return None, t("“%(value)s” is not a country in the list", value=text[:80])
    if kind == "number":
        if isinstance(raw, bool):
            return None, t("Enter a whole number, like 250")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if not isinstance(raw, int):
            parsed, problem = handler(question).parse(question, text)
            if problem is not None:
                return None, t("Enter a whole number, like 250")
            raw = parsed
        return raw, ""
    return text, ""
