"""Loading checks everything; each error names the file and the path in it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from questionnaires import DefinitionError, load_questionnaire
from reports.catalogue import load_definitions
from tests.helpers import FIXTURES, WIDEST_BORDERS, fill_answers
from webapp.cli import main

MINIMAL = FIXTURES / "minimal.yaml"
MINIMAL_RESOURCES = FIXTURES / "minimal-resources.yaml"
INVALID = FIXTURES / "invalid"

CASES = [
    ("duplicate-question-id.yaml", "sections[1].questions[1].id: duplicate question id 'doc_q'"),
    ("duplicate-section-id.yaml", "sections[1].id: duplicate section id 'sea'"),
    ("unknown-condition-question.yaml", "sections[1].questions[1].show_if: names question 'no_such_question'"),
    ("forward-condition.yaml", "sections[0].applies_if: names question 'doc_q', which does not exist or does not come earlier"),
    ("condition-bad-value.yaml", "sections[0].applies_if: 'moon' is not a choice of question 'borders'"),
    ("unknown-operator.yaml", "sections[0]: Value error, bad condition: unknown operator 'includes'"),
    ("choice-without-level.yaml", "sections[0].questions[0]: Value error, options[1] ('full') has no level"),
    ("yesno-without-levels.yaml", "needs levels for 'yes' and 'no'"),
    ("unknown-topic.yaml", "sections[0].questions[0].topic: unknown topic 'sea.rescue'"),
    ("missing-english.yaml", "title: Value error, text needs an English version under 'en'"),
    ("unknown-key.yaml", "target_levle: Extra inputs are not permitted"),
    ("missing-profile-field.yaml", "profile.questions: the profile needs a question with id 'staff_size'"),
    ("duplicate-yaml-key.yaml", "duplicate key 'version'"),
    ("follow-up-not-under.yaml",
     "sections[1].questions[2].show_if: 'doc_more' follows up 'doc_q', but 'doc_other' come between them; put it directly under 'doc_q'"),
    ("follow-up-in-another-section.yaml",
     "sections[1].questions[0].show_if: 'doc_far' follows up 'sea_q', which is in another section; put it directly under 'sea_q'"),
    ("cumulative-yesno.yaml", "'cumulative' is for scored single-choice questions"),
]


def test_minimal_fixture_is_valid():
    questionnaire, catalogue = load_definitions(MINIMAL, MINIMAL_RESOURCES)
    assert [s.id for s in questionnaire.sections] == ["sea", "documents"]
    assert len(catalogue.resources) == 1


@pytest.mark.parametrize("name, expected", CASES)
def test_each_failure_names_file_and_path(name, expected):
    with pytest.raises(DefinitionError) as caught:
        load_definitions(INVALID / name, MINIMAL_RESOURCES)
    message = str(caught.value)
    assert str(INVALID / name) in message
    assert expected in message, message


def test_topic_that_no_part_addresses():
    with pytest.raises(DefinitionError) as caught:
        load_definitions(INVALID / "topic-without-part.yaml", MINIMAL_RESOURCES)
    assert f"{INVALID / 'topic-without-part.yaml'}: topics[0]: no part of any resource addresses topic 'air.modus-operandi'" in str(caught.value)


@pytest.mark.parametrize("name, expected", [
    ("resources-unknown-topic.yaml", "resources[0].parts[1].topics: unknown topic 'sea.teleportation'"),
    ("resources-duplicate-part.yaml", "resources[0].parts[1].id: duplicate part id 'tool-9'"),
    ("resources-unknown-function.yaml", "resources[0].functions: unknown function 'space-travel'"),
    # Who a resource serves is required: without it no agency can be told it fits.
    ("resources-without-functions.yaml", "resources[0].functions: Field required"),
])
def test_catalogue_failures_name_file_and_path(name, expected):
    with pytest.raises(DefinitionError) as caught:
        load_definitions(MINIMAL, INVALID / name)
    assert f"{INVALID / name}: {expected}" in str(caught.value)


def test_special_choices_are_always_offered_on_scored_questions():
    questionnaire = load_questionnaire(MINIMAL)
    sea = questionnaire.question("sea_q")
    assert [o.id for o in sea.choices()][-2:] == ["dont-know", "not-applicable"]
    assert [o.id for o in questionnaire.question("doc_more").choices()] == ["yes", "no"]


def test_yes_and_no_stay_strings():
    questionnaire = load_questionnaire(MINIMAL)
    assert questionnaire.question("doc_more").condition.value == "no"


def test_start_up_fails_on_a_broken_definition(monkeypatch, tmp_path):
    from webapp import create_app

    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    with pytest.raises(DefinitionError) as caught:
        create_app({"TNA_QUESTIONNAIRE": str(INVALID / "choice-without-level.yaml"), "TNA_CATALOGUE": str(MINIMAL_RESOURCES)})
    assert "has no level" in str(caught.value)


def test_cli_validate():
    runner = CliRunner()
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0, ok.output
    assert "OK: smuggling-of-migrants v4: 13 sections" in ok.output
    assert "15 resources" in ok.output
    bad = runner.invoke(main, ["validate", "--questionnaire", str(INVALID / "unknown-topic.yaml"), "--catalogue", str(MINIMAL_RESOURCES)])
    assert bad.exit_code == 1
    assert "unknown topic 'sea.rescue'" in bad.output


def test_real_questionnaire_shape(questionnaire):
    assert len(questionnaire.sections) >= 10
    for section in questionnaire.sections:
        assert len(section.questions) >= 4, section.id
    # No agency sees more than twelve questions on a page, whatever other work it does.
    everything = [o.id for o in questionnaire.question("other_functions").options]
    for agency_type in questionnaire.agency_types():
        answers = fill_answers(questionnaire, {"name": "A", "agency_type": agency_type.id, "other_functions": everything,
                                               "borders": WIDEST_BORDERS.get(agency_type.id, ["land", "sea", "air"])})
        for section in questionnaire.applicable_sections(answers):
            assert len(section.visible_questions(answers)) <= 12, (agency_type.id, section.id)
    types = {q.type for q in questionnaire.all_questions()}
    assert types == {"single", "multiple", "yesno", "number", "text", "country"}


def test_catalogue_has_the_fifteen_resources(catalogue):
    assert [r.id for r in catalogue.resources] == [
        "toolkit", "basic-training-manual", "in-depth-training-manual", "framework-for-action",
        "model-law", "legislative-guides", "assessment-guide", "competent-authorities-directory",
        "issue-paper-corruption", "issue-paper-sea", "issue-paper-air", "document-examination-training",
        "forensic-document-examination-guide", "forensic-lab-staff-equipment-manual",
        "international-law-of-migrant-smuggling",
    ]
    parts = {r.id: [p.id for p in r.parts] for r in catalogue.resources}
    assert {"tool-9-border-control", "tool-9-documents", "tool-9-root-causes", "tool-10"} <= set(parts["toolkit"])
    assert parts["in-depth-training-manual"] == ["module-1", "module-2", "module-3"]
    assert len(parts["framework-for-action"]) == 4
    assert {"chapter-1", "chapter-2", "protection-assistance", "cooperation-coordination", "smuggling-by-sea", "return"} <= set(parts["model-law"])
    assert parts["assessment-guide"] == ["chapter-x", "chapter-xii", "comprehensive-assessment"]
    assert parts["forensic-lab-staff-equipment-manual"] == ["whole-manual"]
    directory = catalogue.resource("competent-authorities-directory")
    assert next(p for p in directory.parts if p.id == "illicit-traffic-by-sea").topics == ()
    assert len(parts["competent-authorities-directory"]) == 4
    assert parts["document-examination-training"] == [f"objective-{c}" for c in "abcdef"]
    assert parts["forensic-document-examination-guide"] == ["border-agencies", "forensic-laboratories"]
    years = {r.id: r.year for r in catalogue.resources}
    assert years["competent-authorities-directory"] is None and years["document-examination-training"] is None
    # The Assessment Guide was "launched April 2013": its year of publication is not verified.
    assert years["assessment-guide"] is None and years["international-law-of-migrant-smuggling"] == 2014


def test_every_agency_type_has_a_mandate_and_sections_fit_it(questionnaire):
    types = [o.id for o in questionnaire.agency_types()]
    assert sorted(questionnaire.mandates) == sorted(types)
    assert [s.id for s in questionnaire.mandate("forensic-laboratory")] == ["forensic", "training"]
    lab = {"agency_type": "forensic-laboratory", "borders": ["none"]}
    assert [s.id for s in questionnaire.applicable_sections(lab)] == ["profile", "forensic", "training"]
    academy = {"agency_type": "training-academy", "borders": ["none"]}
    assert {q.topic for q in questionnaire.visible_questions(academy) if q.topic} == {
        "training.needs-analysis", "training.curriculum", "training.document-curriculum", "training.trainers",
        "training.delivery", "training.evaluation", "investigation.smuggling-vs-trafficking"}


def test_a_mandate_naming_an_unknown_section_is_reported(tmp_path):
    import yaml as _yaml
    from questionnaires import DEFAULT_QUESTIONNAIRE
    from questionnaires.yamlio import load_yaml

    raw = load_yaml(DEFAULT_QUESTIONNAIRE)
    raw["mandates"]["customs"] = ["border-control", "tea-room"]
    del raw["mandates"]["ministry"]
    path = tmp_path / "q.yaml"
    path.write_text(_yaml.safe_dump(raw, allow_unicode=True).replace("no: 0", "'no': 0"))
    with pytest.raises(DefinitionError) as exc:
        load_questionnaire(path)
    text = "\n".join(exc.value.problems)
    assert "mandates.customs: unknown section 'tea-room'" in text
    assert "agency type 'ministry' has no mandate" in text


def test_country_list_is_the_un_member_and_observer_states():
    from questionnaires.answers import country_codes
    from reports.i18n import country_names

    codes = country_codes()
    assert len(codes) == 195
    assert codes["VA"] == "Holy See" and codes["PS"] == "State of Palestine"
    assert codes["BO"] == "Bolivia (Plurinational State of)" and codes["TR"] == "Türkiye"
    assert codes["NO"] == "Norway"
    for not_a_state in ("AQ", "BV", "HK", "PR", "EH"):
        assert not_a_state not in codes
    assert set(country_names("fr")) == set(codes) and country_names("fr")["DE"] == "Allemagne"


def test_readme_mandate_table_matches_the_questionnaire(questionnaire):
    """The README's table of questions per agency type is the questionnaire's, in its order."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| agency type | sections | questions asked* |"):]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.strip().startswith("|"):
            break
        rows.append(line)
    counts_in_readme = [int(re.findall(r"\| (\d+) \|$", row.strip())[0]) for row in rows]
    profile = {q.id for q in questionnaire.profile.questions}
    counts = []
    for agency_type in [o.id for o in questionnaire.agency_types()]:
        answers = {"agency_type": agency_type, "borders": WIDEST_BORDERS.get(agency_type, ["none"]), "voa_issued": "yes",
                   "prev_campaigns": "regular"}
        counts.append(sum(1 for q in questionnaire.visible_questions(answers) if q.id not in profile))
    assert counts_in_readme == counts
