"""The jobs an agency does: each agency type has default functions, and the profile asks what
other work the agency does. A ticked job adds questions and fit exactly as a default one does,
and no profile option is offered that changes nothing."""

from __future__ import annotations

import itertools
import re

import pytest

from questionnaires.carry import carry_over, load_history
from questionnaires.conditions import ConditionError, expand_functions
from reports.analysis import analyse
from tests.helpers import WIDEST_BORDERS, fill_answers

REAL_BORDERS = ["land", "sea", "air"]


def _profile(questionnaire, agency_type, borders=None, other=()):
    return {"agency_type": agency_type, "borders": borders or WIDEST_BORDERS.get(agency_type, ["none"]),
            "other_functions": list(other), "voa_issued": "yes", "prev_campaigns": "regular"}


def _asked(questionnaire, answers) -> frozenset[str]:
    return frozenset(q.id for q in questionnaire.visible_questions(answers))


def _effect(questionnaire, answers):
    """What a profile answer can change: the questions asked, the functions (fit) and the core topics."""
    core = frozenset(t.id for t in questionnaire.topics if t.is_core(answers))
    return _asked(questionnaire, answers), questionnaire.functions_of(answers), core


def test_function_shorthand_is_written_out_and_checked():
    holders = {"investigation": ["border-police", "prosecution"]}
    raw = {"all": [{"function": "investigation"}, {"not": {"equals": ["voa_issued", "no"]}}]}
    assert expand_functions(raw, holders) == {"all": [
        {"any": [{"in": ["agency_type", ["border-police", "prosecution"]]}, {"contains": ["other_functions", "investigation"]}]},
        {"not": {"equals": ["voa_issued", "no"]}}]}
    assert raw["all"][0] == {"function": "investigation"}, "the YAML's own structure is not changed"
    with pytest.raises(ConditionError, match="unknown function 'cooking'"):
        expand_functions({"any": [{"function": "cooking"}]}, holders)


def test_every_agency_type_changes_something(questionnaire):
    effects = {o.id: _effect(questionnaire, _profile(questionnaire, o.id)) for o in questionnaire.agency_types()}
    for a, b in itertools.combinations(effects, 2):
        assert effects[a] != effects[b], f"{a} and {b} are asked the same and fit the same"


def test_the_four_new_types_are_offered(questionnaire):
    types = {o.id: o.label["en"] for o in questionnaire.agency_types()}
    assert "Criminal investigation police" in types["criminal-investigation"]
    assert types["consular"].startswith("Consular and visa service")
    assert types["child-protection"].startswith("Child protection or social welfare")
    assert types["financial-intelligence"] == "Financial intelligence unit"


def test_every_border_offered_changes_the_questions(questionnaire):
    """The borders question is asked only where some question depends on a border; there, each
    border opens questions that "none" does not."""
    asked_borders = []
    for option in questionnaire.agency_types():
        answers = _profile(questionnaire, option.id, ["none"])
        if not questionnaire.question("borders").holds(answers):
            # Not asked: then no border changes anything either.
            for border in REAL_BORDERS:
                assert _effect(questionnaire, dict(answers, borders=[border])) == _effect(questionnaire, answers), (option.id, border)
            continue
        asked_borders.append(option.id)
        for border in REAL_BORDERS:
            with_it = _effect(questionnaire, dict(answers, borders=[border]))
            assert with_it != _effect(questionnaire, answers), f"{option.id}: the border {border!r} changes nothing"
    assert "ministry" not in asked_borders and "consular" not in asked_borders
    assert {"border-police", "coast-guard", "customs", "airport-liaison", "immigration"} <= set(asked_borders)


def test_every_other_job_offered_adds_questions_and_fit(questionnaire):
    offered = [o.id for o in questionnaire.question("other_functions").options]
    assert {"investigation", "visa-issuance", "child-care", "public-information", "financial-intelligence"} <= set(offered)
    for option in questionnaire.agency_types():
        base = _profile(questionnaire, option.id)
        defaults = set(questionnaire.agency_functions[option.id])
        for function in offered:
            ticked = dict(base, other_functions=[function])
            if function in defaults:
                # Shown ticked and fixed: ticking it again changes nothing.
                assert _effect(questionnaire, ticked) == _effect(questionnaire, base), (option.id, function)
                continue
            # With some borders the agency can have (a border police on land only, for sea work).
            added = set()
            for borders in [base["borders"], ["none"], *([b] for b in REAL_BORDERS)]:
                before = dict(base, borders=borders)
                after = dict(before, other_functions=[function])
                added |= _asked(questionnaire, after) - _asked(questionnaire, before)
                assert not _asked(questionnaire, before) - _asked(questionnaire, after), "a job only adds"
            assert added, f"{option.id}: ticking {function!r} adds no question"
            assert function in questionnaire.functions_of(ticked)


def test_a_ticked_job_is_asked_exactly_as_a_default_one(questionnaire):
    """The questions of a job do not depend on how the agency came by it."""
    for agency_type, function in [("criminal-investigation", "investigation"), ("consular", "visa-issuance"),
                                  ("child-protection", "child-care"), ("financial-intelligence", "financial-intelligence")]:
        by_default = _asked(questionnaire, _profile(questionnaire, agency_type))
        for other in ("ministry", "training-academy", "immigration"):
            ticked = _asked(questionnaire, _profile(questionnaire, other, other=[function]))
            job_questions = {q.id for q in questionnaire.all_questions()
                             if q.show_if and {"contains": ["other_functions", function]} in _leaves(q.show_if)}
            assert job_questions & by_default <= ticked, (agency_type, other, sorted(job_questions & by_default - ticked))


def _leaves(raw):
    if isinstance(raw, dict):
        (op, arg), = raw.items()
        if op in ("all", "any"):
            return [leaf for item in arg for leaf in _leaves(item)]
        if op == "not":
            return _leaves(arg)
    return [raw]


@pytest.mark.parametrize(("own_type", "stand_in", "function"), [
    ("criminal-investigation", "training-academy", "investigation"),
    ("consular", "training-academy", "visa-issuance"),
    ("child-protection", "training-academy", "child-care"),
    ("financial-intelligence", "training-academy", "financial-intelligence"),
])
def test_one_agency_answered_as_its_type_or_a_stand_in_plus_the_job_gets_the_same_high_items(
    own_type, stand_in, function, questionnaire, catalogue,
):
    """The same weak answers, once under the agency's own type and once under another type with
    the matching job ticked: for the gaps both show, the high-priority items are the same."""
    own = fill_answers(questionnaire, {"name": "A", "agency_type": own_type, "fill": "weak"})
    other = fill_answers(questionnaire, {"name": "A", "agency_type": stand_in, "fill": "weak", "other_functions": [function]})
    shared_answers = {k: v for k, v in own.items() if k not in ("agency_type", "other_functions", "borders")}
    other.update({k: v for k, v in shared_answers.items() if k in {q.id for q in questionnaire.visible_questions(other)}})
    own_recs, other_recs = analyse(questionnaire, catalogue, own).computed, analyse(questionnaire, catalogue, other).computed

    def high_by_topic(recs):
        return {(g.topic.id, f"{r.resource.id}/{r.part.id}") for r in recs if r.priority == "high" for g in r.gaps}

    def gap_topics(recs):
        return {g.topic.id for r in recs for g in r.gaps}

    # The topics the job makes core; others may be core to one of the two types by itself.
    job_topics = {t.id for t in questionnaire.topics if function in t.core_for_functions}
    shared = gap_topics(own_recs) & gap_topics(other_recs) & job_topics
    assert shared, "the job's gaps show in both"
    own_high = {item for item in high_by_topic(own_recs) if item[0] in shared}
    other_high = {item for item in high_by_topic(other_recs) if item[0] in shared}
    assert own_high and own_high == other_high


def test_a_stand_in_type_can_be_changed_on_a_repeat_and_what_still_applies_carries(questionnaire):
    """A unit that answered version 3 as "Border police" (there was no better type) repeats the
    assessment, and changes its type to criminal investigation police: its investigation answers
    are still there, and the border answers no longer count."""
    from questionnaires import DEFAULT_QUESTIONNAIRE

    history = load_history(DEFAULT_QUESTIONNAIRE, questionnaire)
    old = {"country": "KE", "agency_name": "Organized Crime Unit", "agency_type": "border-police", "borders": ["land"],
           "staff_size": 90, "respondent_role": "manager", "inv_methods": "interviews", "inv_financial": "never",
           "border_official_points": "some"}
    carried = carry_over(questionnaire, history, 3, old)
    assert carried.answers["agency_type"] == "border-police", "the type carries over: it still means the same"
    assert carried.answers["inv_methods"] == "interviews" and carried.answers["inv_financial"] == "never"
    changed = dict(carried.answers, agency_type="criminal-investigation")
    asked = _asked(questionnaire, changed)
    assert {"inv_methods", "inv_financial"} <= asked
    assert "border_official_points" not in asked and "borders" not in asked


def test_an_official_adds_the_other_work_of_the_agency_in_the_wizard(app, questionnaire):
    """A consular service picks its type; its own work shows ticked and fixed; it adds "We
    receive unaccompanied or separated children" and gets the protection page."""
    from tests.helpers import Browser, form_data, saved, start, walk

    browser = Browser(app.test_client())
    token = start(browser)
    url = f"/a/{token}/section/profile"
    answers = {"country": "GH", "agency_name": "Consular Department", "agency_type": "consular", "staff_size": 40,
               "respondent_role": "manager", "other_functions": []}
    browser.post(url, form_data(questionnaire.profile, answers), csrf_from=url, status=302)
    page = browser.get(url).get_data(as_text=True)
    visa_box = re.search(r'<input type="checkbox" name="q_other_functions" value="visa-issuance"[^>]*>', page).group(0)
    assert "checked" in visa_box and "disabled" in visa_box, visa_box
    child_box = re.search(r'<input type="checkbox" name="q_other_functions" value="child-care"[^>]*>', page).group(0)
    assert "checked" not in child_box and "disabled" not in child_box
    # Borders are not asked of a consulate: the question waits, hidden, for border or sea work.
    assert re.search(r'hidden data-show-if="[^"]*other_functions[^"]*">\s*<input type="hidden" name="shown" value="borders" disabled>', page)

    answers["other_functions"] = ["child-care"]
    browser.post(url, form_data(questionnaire.profile, answers), csrf_from=url, status=302)
    assert saved(app, token)["other_functions"] == ["child-care"]
    visited = walk(browser, questionnaire, token, answers)
    assert "protection" in visited and "visas" in visited and "border-control" not in visited
    stored = saved(app, token)
    assert "prot_child_care" in stored and "visa_risk_indicators" in stored


def test_the_report_names_the_other_work_and_only_borders_that_were_asked(questionnaire, catalogue):
    from reports.build import build_report
    from reports.render import render_document

    answers = fill_answers(questionnaire, {"name": "Immigration", "agency_type": "immigration", "borders": ["air"],
                                           "other_functions": ["investigation", "visa-issuance"], "fill": "middling"})
    html = render_document(build_report(questionnaire, catalogue, answers, {"reference": "T"}))
    # Visa issuance is an immigration service's own work: only the investigation is "other".
    line = re.search(r'<p class="profile-line">(.*?)</p>', html).group(1)
    # The profile line names the work by its short name, as the list of functions does.
    assert "Other work: Investigation ·" in line and "Visa" not in line
    assert "Borders: Airports" in line
    # A ministry that answered "Airports" when it was still asked: the answer no longer describes it.
    ministry = fill_answers(questionnaire, {"name": "Ministry", "agency_type": "ministry", "borders": ["air"]})
    html = render_document(build_report(questionnaire, catalogue, ministry, {"reference": "T"}))
    assert "Borders:" not in html and "Other work:" not in html


def test_the_paper_form_of_a_type_has_the_pages_of_the_other_work_chosen(questionnaire):
    from reports.paper import paper_form

    plain = {s.section.id: s for s in paper_form(questionnaire, "consular", "en")}
    assert "protection" not in plain and plain["visas"].condition == ""
    assert "borders" not in {q.id for q in plain["profile"].questions}, "a consulate is not asked about borders"
    caring = {s.section.id: s for s in paper_form(questionnaire, "consular", "en", ["child-care"])}
    assert {q.id for q in caring["protection"].questions} >= {"prot_child_care", "prot_child_guardian"}
    # With no type, a section's condition reads one way only: the inner "or" is bracketed.
    every = {s.section.id: s for s in paper_form(questionnaire, None, "en")}
    assert "or (the answer to “What kind of agency is it?”" in every["sea"].condition, every["sea"].condition


def test_a_workbook_has_the_pages_of_the_other_work(questionnaire):
    import io

    from openpyxl import load_workbook

    from reports.workbook import read_workbook, write_workbook

    def ids(data: bytes) -> set[str]:
        book = load_workbook(io.BytesIO(data))
        return {str(row[0].value).partition(":")[0] for sheet in book.worksheets for row in sheet.iter_rows() if row[0].value}

    assert "inv_methods" not in ids(write_workbook(questionnaire, "ministry", "en"))
    assert "inv_methods" in ids(write_workbook(questionnaire, "ministry", "en", other_work=["investigation"]))
    # An assessment's own workbook follows the work its profile ticked, and reads back the same.
    answers = fill_answers(questionnaire, {"name": "Ministry", "agency_type": "ministry", "other_functions": ["investigation"]})
    data = write_workbook(questionnaire, "ministry", "en", answers)
    assert "inv_methods" in ids(data)
    imported, problems = read_workbook(data, questionnaire, "en")
    assert not problems and imported is not None
    assert imported.answers["other_functions"] == ["investigation"]
    assert imported.answers["inv_methods"] == answers["inv_methods"]
