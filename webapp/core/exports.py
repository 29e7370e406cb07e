"""CSV and spreadsheet cells that are safe to open: every field quoted, and nothing that a
spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re

FORMULA_START = re.compile(r"^([=+\-@\t\r])")
# A spreadsheet that splits on ";" or "," would start a new cell there.
FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t]\s*)([=+\-@])")


# Either of the two above, to leave the many cells that hold neither untouched, and fast.
RISKY = re.compile(r"^[=+\-@\t\r]|[;,\t]\s*[=+\-@]")


def safe_cell(value: object) -> object:
    """A value that no spreadsheet will run as a formula."""
    if not isinstance(value, str) or not RISKY.search(value):
        return value
    value = FORMULA_START.sub(r"'\1", value)
    return FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)


def csv_text(header: list[str], rows: list[list]) -> str:
    """Every field quoted, so a separator inside a name never splits its cell."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """A workbook of (title, header, rows) sheets, every cell safe to open."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(data: bytes | str, mimetype: str, filename: str):
    """A file to save, never shown in the browser."""
    from flask import Response

    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
