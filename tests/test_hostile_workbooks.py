"""Hostile workbooks: each file is built here as an attacker would build it, and uploaded with
a draft's private link. Each gets a 400 with a message the official can act on, in under a
second and under 1 MB of response, and nothing is saved."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from reports.workbook import MAX_LISTED, read_workbook, row_limit
from tests.helpers import Browser, answer_all, start, walk
from tests.test_offline import WIZARD, retagged, stored, upload

pytestmark = pytest.mark.timeout(60)

LINK = '=HYPERLINK("http://example.org/steal","Click")'


def answered_draft(app, questionnaire, **answers):
    """A draft answered in the wizard, its own workbook, and what it stored."""
    browser = Browser(app.test_client())
    token = start(browser)
    walk(browser, questionnaire, token, answer_all(questionnaire, dict(WIZARD, **answers)))
    workbook = browser.get(f"/a/{token}/workbook.xlsx").data
    return browser, token, workbook, stored(app, token)


@pytest.fixture
def draft(app, questionnaire):
    return answered_draft(app, questionnaire)


# --- building the files ----------------------------------------------------------------------

def rezip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None,
          method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same archive with each member passed through `change` (None drops it), plus `extra`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content, compress_type=method, compresslevel=9)
        for name, content in (extra or {}).items():
            target.writestr(name, content, compress_type=method, compresslevel=9)
    return out.getvalue()


def question_sheet(data: bytes, text: str) -> str:
    """The archive member of the question sheet whose XML holds `text`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(n for n in sorted(archive.namelist()) if n.startswith("xl/worksheets/sheet")
                    and f"<t>{text}</t>".encode() in archive.read(n))


def in_sheet(data: bytes, text: str, edit: Callable[[bytes], bytes]) -> bytes:
    name = question_sheet(data, text)
    return rezip(data, lambda n, content: edit(content) if n == name else content)


def far_row(number: int, value: str = "x") -> Callable[[bytes], bytes]:
    """A row numbered `number`, and no <dimension> to say how far the sheet goes."""
    cell = f'<c r="A{number}" t="inlineStr"><is><t>{value}</t></is></c>' if value else ""
    row = f'<row r="{number}">{cell}</row>'.encode()

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return xml.replace(b"</sheetData>", row + b"</sheetData>")
    return edit


def compressed_bomb(data: bytes) -> bytes:
    """A sheet of 9 MB of rows with unknown ids, squeezed several hundred times, next to a part
    of random bytes that keeps the archive as a whole under a ratio of 100."""
    rows = b'<row><c t="inlineStr"><is><t>nope</t></is></c></row>' * 170_000

    def edit(xml: bytes) -> bytes:
        return re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + rows + b"</sheetData>", xml, flags=re.S)
    name = question_sheet(data, "country")
    return rezip(data, lambda n, c: edit(c) if n == name else c, extra={"xl/media/noise.bin": os.urandom(300_000)})


def many_problems(data: bytes, questionnaire) -> bytes:
    """Every row of every question sheet, as far as a sheet may go, with an id that no question has."""
    limit = row_limit(questionnaire)
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>nope</t></is></c></row>' % (i, i)
                    for i in range(2, limit + 1))

    def edit(name: str, xml: bytes) -> bytes:
        if not name.startswith("xl/worksheets/sheet") or b"<t>Id</t>" not in xml:
            return xml
        return re.sub(rb"(<row r=\"1\">.*?</row>).*</sheetData>", rb"\1" + rows.replace(b"\\", b"\\\\") + b"</sheetData>", xml, flags=re.S)
    return rezip(data, edit)


def truncated(data: bytes) -> bytes:
    name = question_sheet(data, "country")
    return rezip(data, lambda n, c: c[: len(c) // 2] if n == name else c)


def nul_character(data: bytes) -> bytes:
    return in_sheet(data, "country", lambda xml: xml.replace(b"<t>country</t>", b"<t>country&#0;</t>", 1))


def answered(data: bytes, qid: str, value: str) -> bytes:
    """The workbook with this text typed as the answer to `qid` (a string cell, not a formula)."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if row[0].value == qid:
                row[4].value = value
                row[4].data_type = "s"
                row[4].quotePrefix = False  # typed into a plain cell, not after an apostrophe
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def macro_content_type(data: bytes) -> bytes:
    def edit(name: str, content: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return content
        return content.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                               b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    return rezip(data, edit)


HOSTILE = [
    ("a row numbered ten million", lambda d, q: in_sheet(d, "country", far_row(10_000_000)), "has something in row 10,000,000"),
    ("a row numbered two billion", lambda d, q: in_sheet(d, "country", far_row(2_000_000_000)), "has something in row 2,000,000,000"),
    ("a sheet squeezed hundreds of times", lambda d, q: compressed_bomb(d), "expands to far more data than a workbook holds"),
    ("a truncated sheet", lambda d, q: truncated(d), "could not be read"),
    ("a NUL character in a cell", lambda d, q: nul_character(d), "could not be read"),
    ("a base version that is not a number", lambda d, q: retagged(d, "base_version", "abc"), "could not be read"),
    ("a formula after a tab", lambda d, q: answered(d, "train_comments", "\t=1+1"), "holds a formula"),
    ("a formula after a space", lambda d, q: answered(d, "train_comments", ' =HYPERLINK("http://example.org","x")'), "holds a formula"),
    ("macros declared in the content types", lambda d, q: macro_content_type(d), "contains macros"),
    ("thousands of problems", many_problems, "more problems"),
]


@pytest.mark.parametrize("name, make, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_workbook_gets_a_message_fast_and_changes_nothing(app, questionnaire, draft, name, make, message):
    browser, token, workbook, expected = draft
    hostile = make(workbook, questionnaire)
    blank = browser.get("/workbook.xlsx?agency_type=coast-guard&lang=en").data
    upload(browser, token, blank, status=302)  # warm: the first upload loads what every upload needs
    began = time.perf_counter()
    response = upload(browser, token, hostile, status=400)
    elapsed = time.perf_counter() - began
    body = response.get_data(as_text=True)
    assert message in body, name
    assert "Nothing was saved" in body
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s"
    assert len(response.data) < 1024 * 1024, f"{name}: {len(response.data)} bytes"
    assert stored(app, token) == expected


def test_the_problem_list_stops_at_a_few_hundred(app, questionnaire, draft):
    browser, token, workbook, _expected = draft
    problems = read_workbook(many_problems(workbook, questionnaire), questionnaire, "en")[1]
    assert len(problems) > MAX_LISTED
    body = upload(browser, token, many_problems(workbook, questionnaire), status=400).get_data(as_text=True)
    assert body.count("There is no question with this id") == MAX_LISTED
    assert f"…and {len(problems) - MAX_LISTED:,} more problems" in body


def test_an_empty_row_far_below_is_no_problem(app, questionnaire, draft):
    """A row far below with nothing in it (a row height set, say) is skipped, quickly."""
    browser, token, workbook, expected = draft
    began = time.perf_counter()
    upload(browser, token, in_sheet(workbook, "country", far_row(2_000_000_000, value="")), status=302)
    assert time.perf_counter() - began < 1.0
    assert stored(app, token) == expected


def test_text_that_looks_like_a_formula_goes_out_as_text_and_comes_back(app, questionnaire):
    """The app writes an answer that starts with "=" as text, never a live formula, and takes its
    own workbook back."""
    browser, token, workbook, expected = answered_draft(app, questionnaire, train_comments=LINK)
    assert expected["train_comments"] == LINK
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
    assert any(b"HYPERLINK" in xml for xml in sheets)
    cell = next(row[4] for sheet in load_workbook(io.BytesIO(workbook)).worksheets
                for row in sheet.iter_rows() if row[0].value == "train_comments")
    assert cell.data_type == "s" and cell.quotePrefix
    upload(browser, token, workbook, status=302)
    assert stored(app, token) == expected
