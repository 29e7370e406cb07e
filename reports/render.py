"""Report -> HTML, and HTML -> PDF bytes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from questionnaires import Questionnaire

from .build import Report
from .national import NationalReport
from .fetcher import STATIC_DIR, BundledAssetFetcher
from .i18n import Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=False,
)
# A string placed inside a CSS "..." literal.
_env.filters["css_string"] = lambda text: str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_body(report: Report) -> Markup:
    """The report as an HTML fragment, for embedding in a web page."""
    # The template is autoescaped, so every piece of user text in it is already escaped.
    t = Translator(report.meta.language)
    return Markup(_env.get_template("body.html").render(report=report, print=False, _=t, t=t, ngettext=t.plural))  # nosec B704


def render_document(report: Report) -> str:
    """The report as a standalone HTML document laid out for print."""
    t = Translator(report.meta.language)
    return _env.get_template("document.html").render(report=report, print=True, _=t, t=t, ngettext=t.plural)


def render_pdf(html: str, fetcher: BundledAssetFetcher | None = None) -> bytes:
    from weasyprint import HTML

    fetcher = fetcher or BundledAssetFetcher()
    document = HTML(string=html, base_url="asset:", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(pdf_variant=None, uncompressed_pdf=False)
    return pdf


def stylesheet(name: str) -> bytes:
    """A bundled stylesheet, so that the web page shows the report with the same styles."""
    return (STATIC_DIR / name).read_bytes()


def render_blank(questionnaire: Questionnaire, agency_type: str | None, lang: str, other_work: Sequence[str] = ()) -> str:
    """The blank questionnaire an agency type doing this other work is asked, as an HTML document
    for print."""
    from questionnaires import tr

    from .paper import paper_form

    t = Translator(lang)
    type_label = next((tr(o.label, t.lang) for o in questionnaire.agency_types() if o.id == agency_type), "")
    offered = questionnaire.other_work_options()
    work_labels = t.semicolon.join(tr(o.label, t.lang) for o in offered if o.id in other_work)
    return _env.get_template("blank.html").render(
        sections=paper_form(questionnaire, agency_type, t.lang, other_work), title=tr(questionnaire.title, t.lang), version=questionnaire.version,
        agency_type=type_label, other_work=work_labels, lang=t.lang, direction=t.direction, _=t, t=t,
    )


def render_national_body(report: NationalReport) -> Markup:
    t = Translator(report.language)
    return Markup(_env.get_template("national_body.html").render(report=report, print=False, _=t, t=t, ngettext=t.plural))  # nosec B704


def render_national(report: NationalReport) -> str:
    t = Translator(report.language)
    return _env.get_template("national.html").render(report=report, print=True, _=t, t=t, ngettext=t.plural)
