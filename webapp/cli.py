"""The `tna` command: validate definitions, build a report from an answers file, upgrade the database."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from questionnaires import DEFAULT_QUESTIONNAIRE, DefinitionError, Questionnaire
from questionnaires.answer_types import check_all, from_file
from questionnaires.yamlio import load_yaml
from questionnaires.evidence import evidence_problem, normalized
from questionnaires.scoring import Validated
from reports.build import Checks, build_report
from reports.catalogue import DEFAULT_CATALOGUE, load_definitions
from reports.i18n import LANGUAGES
from reports.render import render_document, render_pdf


@click.group()
def main() -> None:
    """Training-needs assessment on the smuggling of migrants."""


@main.command()
@click.option("--questionnaire", "questionnaire_path", type=click.Path(dir_okay=False), default=str(DEFAULT_QUESTIONNAIRE), show_default=True)
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=str(DEFAULT_CATALOGUE), show_default=True)
def validate(questionnaire_path: str, catalogue_path: str) -> None:
    """Check the questionnaire and the catalogue together."""
    try:
        questionnaire, catalogue = load_definitions(questionnaire_path, catalogue_path)
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    from reports.catalogue import translation_problems
    from reports.i18n import catalogue_problems

    missing = translation_problems(questionnaire, catalogue, questionnaire_path, catalogue_path) + catalogue_problems()
    if missing:
        for problem in missing:
            click.echo(problem, err=True)
        click.echo(f"{len(missing)} missing translation(s).", err=True)
        sys.exit(1)
    for line in _stale_references(questionnaire_path, catalogue_path):
        click.echo(f"Warning: the database holds {line}. Reports show them by their ids.", err=True)
    questions = sum(1 for _ in questionnaire.all_questions())
    parts = sum(len(r.parts) for r in catalogue.resources)
    click.echo(
        f"OK: {questionnaire.id} v{questionnaire.version}: {len(questionnaire.sections)} sections, "
        f"{questions} questions, {len(questionnaire.topics)} topics; "
        f"{len(catalogue.resources)} resources with {parts} parts; "
        f"{_names(LANGUAGES)} complete."
    )


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write the table to this file (default: print it).")
@click.option("--questionnaire", "questionnaire_path", type=click.Path(dir_okay=False), default=str(DEFAULT_QUESTIONNAIRE), show_default=True)
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=str(DEFAULT_CATALOGUE), show_default=True)
def explain(output: str | None, questionnaire_path: str, catalogue_path: str) -> None:
    """Print the decision table: for each kind of agency and topic, the part chosen and why."""
    from reports.decision_table import decision_table

    try:
        questionnaire, catalogue = load_definitions(questionnaire_path, catalogue_path)
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    table = decision_table(questionnaire, catalogue)
    if output:
        Path(output).write_text(table, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(table, nl=False)


@main.command()
@click.argument("answers_file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the report (.pdf or .html). Not needed with --format json.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "json"]), default=None,
              help="pdf or html (default: from the output's suffix), or json: scores and ranked recommendations.")
@click.option("--assessment", "reference", help="Instead of an answers file: a stored assessment, by its reference (TNA-…) or id.")
@click.option("--audience", type=click.Choice(["official", "reviewer", "donor"]), default="donor", show_default=True,
              help="With --assessment: who will read it. Donors never see answers marked confidential.")
@click.option("--language", type=click.Choice(list(LANGUAGES)), default=None, help="Report language (default: the assessment's).")
@click.option("--questionnaire", "questionnaire_path", type=click.Path(dir_okay=False), default=str(DEFAULT_QUESTIONNAIRE))
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=str(DEFAULT_CATALOGUE))
def report(answers_file: str | None, output: str | None, fmt: str | None, reference: str | None, audience: str,
           language: str | None, questionnaire_path: str, catalogue_path: str) -> None:
    """Build the report from an answers file, or from a stored assessment, without the web server."""
    if (answers_file is None) == (reference is None):
        raise click.UsageError("Give either an answers file or --assessment, not both.")
    if reference is not None:
        built = _stored_report(reference, audience, language)
    else:
        try:
            questionnaire, catalogue = load_definitions(questionnaire_path, catalogue_path)
            data = _load_answers_file(answers_file)
            answers, info = _read_answers(answers_file, data, questionnaire)
        except DefinitionError as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            sys.exit(1)
        built = build_report(questionnaire, catalogue, answers, info, language or info.get("language", "en"),
                             checks=info["checks"])
    if fmt is None:
        fmt = "html" if output and Path(output).suffix.lower() in (".html", ".htm") else "pdf"
    if fmt == "json":
        import json

        from reports.export import report_data

        text = json.dumps(report_data(built), ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            click.echo(f"Wrote {output} ({len(built.recommendations)} recommendations).")
        else:
            click.echo(text)
        return
    if not output:
        raise click.UsageError("-o/--output is needed for a PDF or HTML report.")
    html = render_document(built)
    out = Path(output)
    out.write_bytes(html.encode("utf-8") if fmt == "html" else render_pdf(html))
    click.echo(f"Wrote {out} ({len(built.recommendations)} recommendations).")


def _load_answers_file(path: str) -> object:
    """An answers file: YAML, or the JSON that /a/<link>/answers.json gives."""
    if path.lower().endswith(".json"):
        import json

        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise DefinitionError([f"{path}: not valid JSON: {exc}"]) from exc
    return load_yaml(path)


def _names(languages: tuple[str, ...]) -> str:
    """English, French and Spanish."""
    from babel import Locale

    names = [Locale.parse(lang).english_name or lang for lang in languages]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _stale_references(questionnaire_path: str, catalogue_path: str) -> list[str]:
    """Stored references to parts the catalogue no longer has, in the app's database if it
    has one yet."""
    from sqlalchemy import inspect

    from webapp import create_app
    from webapp.core import store
    from webapp.core.db import db

    app = create_app({"TNA_QUESTIONNAIRE": questionnaire_path, "TNA_CATALOGUE": catalogue_path})
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    with app.app_context():
        if not inspect(db.engine).has_table("training"):
            return []
        return store.stale_references(app.extensions["tna.catalogue"])


def _stored_report(reference: str, audience: str, language: str | None):
    """The report of a stored assessment, built as the web app builds it for `audience`."""
    from sqlalchemy import select

    from webapp import create_app
    from webapp.core.db import db
    from webapp.core.models import Assessment
    from webapp.core.reports import report_for

    app = create_app()
    with app.app_context():
        wanted = reference.strip()
        prefix = wanted.upper().removeprefix("TNA-").lower()
        query = select(Assessment).where(Assessment.id.startswith(prefix, autoescape=True) if len(prefix) == 8 else Assessment.id == wanted)
        found = db.session.scalars(query.limit(2)).all()
        if len(found) != 1:
            raise click.ClickException(f"No single assessment has the reference or id {reference!r}.")
        return report_for(found[0], language or found[0].language or "en", audience)  # type: ignore[arg-type]


def _read_answers(path: str, data: object, questionnaire) -> tuple[dict, dict]:
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise DefinitionError([f"{path}: (top level): expected a map with an 'answers' map"])
    if data.get("questionnaire", questionnaire.id) != questionnaire.id:
        raise DefinitionError([f"{path}: questionnaire: expected {questionnaire.id!r}"])
    schema = data.get("schema", 1)
    if schema not in (1, 2):
        raise DefinitionError([f"{path}: schema: {schema!r} is not one this version reads (1 or 2)"])
    answers = {k: from_file(questionnaire, k, v) for k, v in data["answers"].items()}
    problems = [f"{path}: {p}" for p in check_all(questionnaire, answers)]
    checks = _checks_from_file(data, problems, path)
    if problems:
        raise DefinitionError(problems)
    date = data.get("date")
    info = {
        "reference": str(data.get("reference", "")),
        "date": date if isinstance(date, dt.date) else dt.date.today(),
        "status": str(data.get("status", "Prepared from an answers file")),
        "language": str(data.get("language", "en")),
        "checks": checks,
    }
    return answers, info


def _checks_from_file(data: dict, problems: list[str], path: str) -> Checks:
    """The evidence and validation of a schema 2 answers file (a schema 1 file has neither).
    Anything that is not as the schema says is a problem, never an exception."""

    def mapping(value: object, where: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            problems.append(f"{path}: {where}: expected a map of maps")
            return {}
        return value

    evidence: dict[str, tuple[str | None, str | None]] = {}
    for qid, given in mapping(data.get("evidence"), "evidence").items():
        problem = evidence_problem(given.get("kind"), given.get("note"))
        if problem is not None or given.get("kind") is None:
            problems.append(f"{path}: evidence.{qid}: {problem.message() if problem else 'expected a kind'}")
        elif (known := normalized(given["kind"], given.get("note")))[0] is not None:
            evidence[qid] = known
    found = data.get("validation") if isinstance(data.get("validation"), dict) else {}
    sections = {sid: v for sid, v in mapping(found.get("sections"), "validation.sections").items() if v.get("state") == "validated"}
    levels = {}
    for qid, v in mapping(found.get("levels"), "validation.levels").items():
        if type(v.get("level")) is int and v["level"] in range(5):
            levels[qid] = v
        else:
            problems.append(f"{path}: validation.levels.{qid}: expected a level from 0 to 4")
    try:
        on = max((dt.date.fromisoformat(str(v.get("date"))) for v in sections.values()), default=None)
    except ValueError:
        problems.append(f"{path}: validation.sections: a date is not YYYY-MM-DD")
        on = None
    return Checks(evidence, Validated({qid: v["level"] for qid, v in levels.items()}, frozenset(sections)),
                  {qid: str(v.get("reason") or "") for qid, v in levels.items()}, on)


def _agency_type_option(questionnaire, agency_type: str | None) -> None:
    known = [o.id for o in questionnaire.agency_types()]
    if agency_type is not None and agency_type not in known:
        raise click.BadParameter(f"use one of {', '.join(known)}", param_hint="--agency-type")


def _work_option(questionnaire: Questionnaire, agency_type: str | None, work: tuple[str, ...]) -> list[str]:
    offered = [o.id for o in questionnaire.other_work_options()]
    unknown = [w for w in work if w not in offered]
    if unknown:
        raise click.BadParameter(f"{unknown[0]!r}: use one of {', '.join(offered)}", param_hint="--work")
    if work and agency_type is None:
        raise click.BadParameter("give --agency-type too", param_hint="--work")
    return questionnaire.other_functions({"agency_type": agency_type, "other_functions": list(work)})


@main.command()
@click.option("--agency-type", default=None, help="The type of agency (default: every section).")
@click.option("--work", multiple=True, help="Other work the agency does (repeat for each), e.g. investigation.")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="en", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Where to write the PDF.")
def blank(agency_type: str | None, work: tuple[str, ...], lang: str, output: str) -> None:
    """Print the blank questionnaire an agency type is asked, as a PDF."""
    from reports.render import render_blank

    questionnaire, _catalogue = load_definitions()
    _agency_type_option(questionnaire, agency_type)
    other_work = _work_option(questionnaire, agency_type, work)
    Path(output).write_bytes(render_pdf(render_blank(questionnaire, agency_type, lang, other_work)))
    click.echo(f"Wrote {output}.")


@main.command()
@click.option("--agency-type", default=None, help="The type of agency (default: every section).")
@click.option("--work", multiple=True, help="Other work the agency does (repeat for each), e.g. investigation.")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="en", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Where to write the workbook (.xlsx).")
def workbook(agency_type: str | None, work: tuple[str, ...], lang: str, output: str) -> None:
    """Write the questionnaire as a workbook to fill in."""
    from reports.workbook import write_workbook

    questionnaire, _catalogue = load_definitions()
    _agency_type_option(questionnaire, agency_type)
    other_work = _work_option(questionnaire, agency_type, work)
    Path(output).write_bytes(write_workbook(questionnaire, agency_type, lang, other_work=other_work))
    click.echo(f"Wrote {output}.")


@main.command("import")
@click.argument("workbook_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--link", default=None, help="The private link of the draft assessment to put the answers in.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Or: write an answers file (YAML) for `tna report`.")
def import_(workbook_file: str, link: str | None, output: str | None) -> None:
    """Read a filled workbook (or an answers file, JSON or YAML): check every answer, then save
    them all or nothing."""
    from reports.workbook import MAX_LISTED, WorkbookError, read_workbook

    if (link is None) == (output is None):
        raise click.UsageError("Give either --link or -o, not both.")
    questionnaire, _catalogue = load_definitions()
    if workbook_file.lower().endswith((".json", ".yaml", ".yml")):
        imported, problems = _answers_as_import(workbook_file, questionnaire)
    else:
        try:
            imported, problems = read_workbook(Path(workbook_file).read_bytes(), questionnaire, "en")
        except WorkbookError as exc:
            raise click.ClickException(str(exc)) from exc
    if problems or imported is None:
        for p in problems[:MAX_LISTED]:
            click.echo(f"{workbook_file}: sheet {p.sheet!r}, row {p.row}, {p.question}: {p.message}", err=True)
        if len(problems) > MAX_LISTED:
            click.echo(f"…and {len(problems) - MAX_LISTED} more.", err=True)
        click.echo(f"{len(problems)} problem(s); nothing was saved.", err=True)
        sys.exit(1)
    if output:
        import yaml

        data = {"questionnaire": questionnaire.id, "language": imported.language, "answers": imported.answers}
        Path(output).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        click.echo(f"Wrote {output} ({len(imported.answers)} answers).")
        return
    _import_into(link or "", imported)


def _answers_as_import(path: str, questionnaire):
    """An answers file (JSON from /a/<link>/answers.json, or YAML), read like a workbook: it
    only adds answers, and any saved answer it would change is a conflict."""
    from reports.workbook import Imported, Problem

    try:
        answers, info = _read_answers(path, _load_answers_file(path), questionnaire)
    except DefinitionError as exc:
        return None, [Problem("", 0, "", problem) for problem in exc.problems]
    visible = {q.id for q in questionnaire.visible_questions(answers)}
    answers = {k: v for k, v in answers.items() if k in visible}
    evidence = {qid: known for qid, known in info["checks"].evidence.items() if qid in answers}
    return Imported(answers, {}, (), info["language"], "", 0, evidence), []


def _import_into(link: str, imported) -> None:
    from webapp import create_app
    from webapp.core import store

    token = store.token_from_link(link)
    app = create_app()
    with app.app_context():
        assessment = store.find_by_token(token) if token else None
        if assessment is None:
            raise click.ClickException("This link does not open an assessment.")
        if assessment.submitted:
            raise click.ClickException("This assessment is submitted; its answers can no longer change.")
        values, base, evidence = store.workbook_values(assessment, imported, keep_file=False)
        conflicts = store.save_page(assessment, values, base, comments=imported.comments, evidence=evidence)
        if conflicts:
            for qid in conflicts:
                click.echo(f"{qid}: a different answer was saved after the workbook was made", err=True)
            click.echo("Nothing was saved. Answer these in the browser, or upload the file there and choose.", err=True)
            sys.exit(1)
        click.echo(f"Saved {len(values)} answer(s) into {assessment.reference}.")


@main.command()
@click.option("--country", required=True, help="ISO 3166 alpha-2 code of the country.")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="en", show_default=True)
@click.option("--include-unreviewed", is_flag=True, help="Also take assessments submitted but not yet reviewed (the report says so).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Where to write the report (.pdf or .html).")
def national(country: str, lang: str, include_unreviewed: bool, output: str) -> None:
    """The national report of a country, from the latest reviewed assessment of each agency."""
    from reports.national import build_national
    from reports.render import render_national
    from webapp import create_app
    from webapp.national import service

    app = create_app()
    with app.app_context():
        rows = service.submitted_in(country.upper())
        latest = service.latest_of_each(rows, include_unreviewed)
        if not latest:
            raise click.ClickException(f"No agency of {country.upper()} has a reviewed assessment"
                                       + ("" if include_unreviewed else " (--include-unreviewed takes submitted ones too)") + ".")
        inputs = [service.agency_input(a, profile) for a, profile in rows if a.id in latest]
        report = build_national(app.extensions["tna.questionnaire"], app.extensions["tna.catalogue"], country.upper(), inputs, lang)
    html = render_national(report)
    Path(output).write_bytes(html.encode() if output.lower().endswith((".html", ".htm")) else render_pdf(html))
    click.echo(f"Wrote {output} ({len(inputs)} agencies).")


@main.command("demo-data")
def demo_data() -> None:
    """Seed the demo portfolio (local development on the embedded database only)."""
    from webapp import create_app
    from webapp.accounts import service as accounts
    from webapp.core.db import db

    app = create_app()
    if app.config["TNA_ENV"] == "production" or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        click.echo("Demo data is only created for local development on SQLite.")
        return
    from webapp import demo

    with app.app_context():
        if demo.already_there():
            click.echo("The demo portfolio is already there.")
            return
        reviewer = accounts.find_user(DEMO_USERS[1][0])
        if reviewer is None:
            reviewer = accounts.create_user(DEMO_USERS[1][0], DEMO_USERS[1][1], "ta", DEMO_PASSWORD)
        made = demo.seed(app.extensions["tna.questionnaire"], app.extensions["tna.catalogue"], reviewer)
        db.session.commit()
    click.echo(f"Demo portfolio: {made} published assessments of {made // 2} agencies \"(demo)\" in {len(demo.COUNTRIES)} countries, "
               "and a published national report of Kenya.")


@main.command("db-upgrade")
def db_upgrade() -> None:
    """Create the database or bring it to the latest schema."""
    from flask_migrate import upgrade

    from webapp import create_app

    app = create_app()
    with app.app_context():
        upgrade()
    click.echo(f"Database is up to date: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")


@main.command("portfolio-refresh")
def portfolio_refresh() -> None:
    """Recount the figures the donors' portfolio keeps, from the published assessments. Publishing
    keeps them up to date; run this after changing which topics a part of the catalogue addresses."""
    from webapp import create_app
    from webapp.core.db import db
    from webapp.portfolio import figures

    app = create_app()
    with app.app_context():
        agencies = figures.refresh_all()
        db.session.commit()
    click.echo(f"Portfolio figures recounted for {agencies} agencies.")


@main.command("send-reminders")
def send_reminders() -> None:
    """E-mail one reminder for each draft whose official kept an address and has not saved for
    14 days. For cron; running it twice, even at once, sends each reminder once. Links use
    TNA_BASE_URL."""
    from webapp import create_app
    from webapp.mail import service as mail

    app = create_app()
    if not app.config["TNA_BASE_URL"]:
        app.config["TNA_BASE_URL"] = "http://127.0.0.1:5000"
        click.echo(f"TNA_BASE_URL is not set: the links in the reminders point at {app.config['TNA_BASE_URL']}.", err=True)
    # Links are built on TNA_BASE_URL; the request only has to be one this site would answer.
    host = (app.config["TRUSTED_HOSTS"] or ["localhost"])[0]
    with app.test_request_context("/", base_url=f"http://{host}/"):
        counts = mail.send_reminders()
    click.echo(f"Reminders: {counts[mail.SENT]} sent, {counts[mail.LOGGED]} written to the mail log "
               f"(no mail server), {counts[mail.LIMITED]} over the limit, {counts[mail.FAILED]} failed.")
    if counts[mail.FAILED]:
        raise SystemExit(1)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator."""
    from webapp import create_app
    from webapp.accounts import service as accounts

    app = create_app()
    with app.test_request_context():
        problem = accounts.password_problem(password, email)
        if problem:
            raise click.ClickException(problem)
        if accounts.find_user(email):
            raise click.ClickException(f"An account for {email} already exists.")
        accounts.create_user(email, name, "admin", password)
    click.echo(f"Administrator {email} created. Sign in at /sign-in.")


DEMO_USERS = (
    ("official@demo.test", "Demo Official", "official"),
    ("ta@demo.test", "Demo TA Officer", "ta"),
    ("donor@demo.test", "Demo Donor", "donor"),
    ("admin@demo.test", "Demo Administrator", "admin"),
)
DEMO_PASSWORD = "demo-password-for-local-use"


@main.command("demo-users")
def demo_users() -> None:
    """Create demo accounts, for local development on the embedded database only."""
    from webapp import create_app
    from webapp.accounts import service as accounts
    from webapp.core.db import db
    from webapp.core.models import Agency

    app = create_app()
    if app.config["TNA_ENV"] == "production" or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        click.echo("Demo accounts are only created for local development on SQLite.")
        return
    with app.app_context():
        for email, name, role in DEMO_USERS:
            if accounts.find_user(email) is None:
                agency_id = None
                if role == "official":
                    agency = Agency(country="KE", name="Demo Coast Guard", agency_type="coast-guard")
                    db.session.add(agency)
                    db.session.commit()
                    agency_id = agency.id
                accounts.create_user(email, name, role, DEMO_PASSWORD, agency_id=agency_id)
    click.echo("Demo accounts (local development only), password: " + DEMO_PASSWORD)
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role:9} {email}")
