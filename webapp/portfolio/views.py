"""Donors: published reports only, read-only, and aggregates across agencies."""

from __future__ import annotations

from uuid import UUID


from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from questionnaires import tr
from reports.i18n import country_names
from reports.regions import region_names
from reports.render import render_body
from webapp.core.db import db
from webapp.core.exports import XLSX, csv_text, download, xlsx_bytes
from webapp.core.definitions import catalogue, questionnaire
from webapp.core.i18n import current_language
from webapp.core.models import Assessment
from webapp.core.reports import report_for
from webapp.core.roles import permission_required
from webapp.core.status import PUBLISHED
from webapp.portfolio import service as portfolio

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def _labels(lang: str) -> dict[str, dict[str, str]]:
    q, c = questionnaire(), catalogue()
    return {
        "section": {s.id: tr(s.title, lang) for s in q.sections},
        "topic": {t.id: tr(t.title, lang) for t in q.topics},
        "agency_type": {o.id: tr(o.label, lang) for o in q.agency_types()},
        "part": c.part_titles(lang),
    }


@bp.get("/")
@permission_required("read-portfolio")
def index():
    lang = current_language()
    filters = portfolio.parse_filters(request.args)
    by_type = portfolio.heat_map(filters, "agency_type")
    by_country = portfolio.heat_map(filters, "country")
    names = country_names(lang)
    with_data = set(portfolio.countries())
    search = request.args.get("q", "").strip()[:portfolio.SEARCH_LIMIT]
    page = request.args.get("page", "1")
    return render_template(
        "portfolio/index.html", filters=filters, by_type=by_type, by_country=by_country,
        gaps=portfolio.frequent_gaps(filters), demand=portfolio.demand(filters),
        published=portfolio.published(filters, search, int(page) if page.isdigit() and len(page) < 7 else 1,
                                      portfolio.PAGE_SIZE, names),
        search=search, labels=_labels(lang),
        page_args={k: v for k, v in request.args.items() if k != "page"},
        clear_args={k: v for k, v in request.args.items() if k not in ("page", "q")}, regions=region_names(lang),
        years=portfolio.years(), sections=questionnaire().sections, min_agencies=portfolio.MIN_AGENCIES,
        types_shown=sorted({g for g, _ in by_type}), countries_shown=[c for c in names if c in {g for g, _ in by_country}],
        # The countries with data, and the one chosen even if it has none (a link kept from before).
        country_choices={code: name for code, name in names.items() if code in with_data or code == filters.country},
        level_names={k: tr(v, lang) for k, v in questionnaire().levels.items()},
        **_trends(filters), national=_published_national(),
    )


def _published_national():
    from webapp.core.models import NationalReport

    return db.session.scalars(db.select(NationalReport).where(NationalReport.status == PUBLISHED)
                              .order_by(NationalReport.published_at.desc())).all()


TREND_GROUPS = ("", "region", "agency_type")


def _trend_by() -> str:
    by = request.args.get("trend_by", "")
    return by if by in TREND_GROUPS else ""


def _trends(filters) -> dict:
    """Mean level per section by year (all agencies in the filter, for the chart; and by the
    chosen group, for the table), and topics' levels before and after training."""
    overall = portfolio.trends(filters)
    by = _trend_by()
    grouped = portfolio.trends(filters, by) if by else overall
    trend_years = sorted({y for _g, _s, y in overall} | {y for _g, _s, y in grouped})
    return {
        "trend_overall": overall, "trend_grouped": grouped, "trend_by": by, "trend_years": trend_years,
        "trend_groups": sorted({g for g, _s, _y in grouped}), "before_after": portfolio.training_before_after(filters),
    }


def _table(name: str, filters, lang: str) -> tuple[list[str], list[list]]:
    labels = _labels(lang)
    if name in ("heat-agency-type", "heat-country"):
        by = "agency_type" if name == "heat-agency-type" else "country"
        rows = [[g, labels["section"].get(s, s), round(level, 2), n, v]
                for (g, s), (level, n, v) in sorted(portfolio.heat_map(filters, by).items())]
        return [_("Group"), _("Section"), _("Mean level"), _("Agencies"), _("Validated agencies")], rows
    if name == "trends":
        by = _trend_by()
        group_label = {"region": region_names(lang), "agency_type": labels["agency_type"]}.get(by, {})
        rows = [[group_label.get(g, g) if by else _("All agencies"), labels["section"].get(s, s), y, round(level, 2), n]
                for (g, s, y), (level, n) in sorted(portfolio.trends(filters, by).items())]
        return [_("Group"), _("Section"), _("Year"), _("Mean level"), _("Agencies")], rows
    if name == "training-before-after":
        return [_("Topic"), _("Agencies"), _("Level before"), _("Level after")], [
            [labels["topic"].get(x.topic_id, x.topic_id), x.agencies, round(x.before, 2), round(x.after, 2)]
            for x in portfolio.training_before_after(filters)]
    if name == "gaps":
        return [_("Topic"), _("Agencies"), _("Mean gap")], [[labels["topic"].get(t, t), n, round(g, 2)] for t, n, g in portfolio.frequent_gaps(filters, 100)]
    if name == "demand":
        return [_("Resource and part"), _("Agencies"), _("High priority")], [
            [labels["part"].get(f"{r}/{p}", f"{r}/{p}"), n, h] for r, p, n, h in portfolio.demand(filters, 500)]
    abort(404)


@bp.get("/export/<name>.csv")
@permission_required("read-portfolio")
def export_csv(name: str):
    header, rows = _table(name, portfolio.parse_filters(request.args), current_language())
    return download(csv_text(header, rows), "text/csv", f"{name}.csv")


@bp.get("/export/<name>.xlsx")
@permission_required("read-portfolio")
def export_xlsx(name: str):
    header, rows = _table(name, portfolio.parse_filters(request.args), current_language())
    return download(xlsx_bytes([(name, header, rows)]), XLSX, f"{name}.xlsx")


@bp.get("/work-plan.csv")
@permission_required("read-portfolio")
def work_plan():
    """One row per recommendation of each agency's latest published assessment."""
    lang = current_language()
    labels = _labels(lang)
    from reports.catalogue import AUDIENCE_LABELS

    audiences = {key: tr(label, lang) for key, label in AUDIENCE_LABELS.items()}
    # A stored resource id may name a resource since removed from the catalogue: shown as its id.
    titles = {r.id: tr(r.title, lang) for r in catalogue().resources}
    yes, no = _("yes"), _("no")
    rows = [
        [name, country, labels["agency_type"].get(agency_type, agency_type), Assessment.reference_for(aid),
         titles.get(resource_id, resource_id),
         labels["part"][f"{resource_id}/{part_id}"],
         priority, "; ".join(audiences[x] for x in who.split(",") if x in audiences), yes if adjusted else no]
        for name, country, agency_type, aid, resource_id, part_id, priority, who, adjusted
        in portfolio.work_plan(portfolio.parse_filters(request.args))
    ]
    header = [_("Agency"), _("Country"), _("Type of agency"), _("Reference"), _("Resource"), _("Part"),
              _("Priority"), _("Audience"), _("Changed by the reviewer")]
    return download(csv_text(header, rows), "text/csv", "work-plan.csv")


@bp.get("/report/<uuid:assessment_id>")
@permission_required("read-portfolio")
def report(assessment_id: UUID):
    """A published report, read-only. Free text the official marked confidential is withheld."""
    assessment = db.get_or_404(Assessment, str(assessment_id))
    if assessment.status != PUBLISHED:
        abort(404)
    built = report_for(assessment, current_language(), "donor")
    return render_template("portfolio/report.html", report=built, body=render_body(built), assessment=assessment,
                           history=portfolio.history(assessment))
