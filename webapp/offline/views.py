"""Paper and spreadsheets: out and back in, without losing or silently overwriting an answer."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from reports.i18n import LANGUAGES
from reports.render import render_blank
from reports.workbook import MAX_LISTED, WorkbookError, read_workbook, write_workbook
from webapp.core import store
from webapp.core.definitions import questionnaire
from webapp.core.exports import XLSX, download
from webapp.core.links import assessment_or_404
from webapp.core.i18n import current_language
from webapp.core.pdfs import PdfKey, pdf_download
from webapp.offline.answers import answers_csv, answers_json

bp = Blueprint("offline", __name__)


def _choice() -> tuple[str | None, str, list[str]]:
    """The agency type, language and other work asked for; an unknown type or work is a 404,
    not a guess."""
    q = questionnaire()
    agency_type = request.args.get("agency_type") or None
    if agency_type is not None and agency_type not in {o.id for o in q.agency_types()}:
        abort(404)
    work = request.args.getlist("work")
    if work and (agency_type is None or not set(work) <= {o.id for o in q.other_work_options()}):
        abort(404)
    lang = request.args.get("lang")
    return agency_type, lang if lang in LANGUAGES else current_language(), q.other_functions({"agency_type": agency_type, "other_functions": work})


def _name(agency_type: str | None, work: list[str], lang: str) -> str:
    return "-".join(["questionnaire", agency_type or "all", *work, lang])


@bp.get("/blank.pdf")
def blank_pdf():
    agency_type, lang, work = _choice()
    key = PdfKey("blank", "", f"{agency_type or 'all'}:{','.join(work)}:{lang}")
    return pdf_download(key, lambda: render_blank(questionnaire(), agency_type, lang, work),
                        f"{_name(agency_type, work, lang)}.pdf", public=True)


@bp.get("/workbook.xlsx")
def blank_workbook():
    agency_type, lang, work = _choice()
    return download(write_workbook(questionnaire(), agency_type, lang, other_work=work), XLSX, f"{_name(agency_type, work, lang)}.xlsx")


@bp.get("/a/<token>/workbook.xlsx")
def workbook(token: str):
    assessment = assessment_or_404(token)
    answers = assessment.answer_values()
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else assessment.language
    data = write_workbook(questionnaire(), answers.get("agency_type"), lang, answers, assessment.reference, assessment.version,
                          evidence=assessment.answer_evidence())
    return download(data, XLSX, f"{assessment.reference}.xlsx")


@bp.get("/a/<token>/answers.json")
def as_json(token: str):
    assessment = assessment_or_404(token)
    text = json.dumps(answers_json(assessment, questionnaire()), ensure_ascii=False, indent=2)
    return download(text.encode(), "application/json", f"{assessment.reference}-answers.json")


@bp.get("/a/<token>/answers.csv")
def as_csv(token: str):
    assessment = assessment_or_404(token)
    return download(answers_csv(assessment, questionnaire()).encode(), "text/csv",
                     f"{assessment.reference}-answers.csv")


@bp.route("/a/<token>/import", methods=["GET", "POST"])
def import_workbook(token: str):
    """Upload a filled workbook into a draft: every problem listed, nothing saved until the
    whole file is clean, and nothing saved since the download overwritten without asking."""
    assessment = assessment_or_404(token)
    if assessment.submitted:
        return redirect(url_for("wizard.check", token=token))
    if request.method == "GET":
        return render_template("offline/import.html", assessment=assessment)
    upload = request.files.get("workbook")
    if upload is None or not upload.filename:
        return render_template("offline/import.html", assessment=assessment, error=_("Choose the filled workbook (.xlsx) to upload.")), 400
    data = upload.read()
    lang = current_language()
    try:
        imported, problems = read_workbook(data, questionnaire(), lang)
    except WorkbookError as exc:
        return render_template("offline/import.html", assessment=assessment, error=str(exc)), 400
    if problems or imported is None:
        return render_template("offline/import.html", assessment=assessment, problems=problems, listed=MAX_LISTED), 400
    values, base_version, evidence = store.workbook_values(assessment, imported, request.form.get("keep_file") == "yes")
    conflicts = store.save_page(assessment, values, base_version, comments=imported.comments, evidence=evidence)
    if conflicts:
        q = questionnaire()
        rows = [(q.question(qid), theirs, sent) for qid, (theirs, sent) in conflicts.items()]
        return render_template("offline/import.html", assessment=assessment, conflicts=rows), 409
    flash(ngettext("The workbook is imported: %(num)s answer. Check it, then submit.", "The workbook is imported: %(num)s answers. Check them, then submit.", len(imported.answers)), "success")
    return redirect(url_for("wizard.check", token=token))
