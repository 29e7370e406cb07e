"""Who is asked what: every agency type gets the questions its work lets it answer, and the
source document's four subjects reach every agency type that does the work.

The tables below are what a technical-assistance officer would check by hand: a question a
type can only answer "Not applicable" wastes an official's time and dilutes the scores.
"""

from __future__ import annotations

import itertools
import re

import pytest

from questionnaires.model import Questionnaire
from tests.helpers import WIDEST_BORDERS, fill_answers

FRONT_LINE = ["border-police", "immigration", "coast-guard", "airport-liaison", "customs"]

# Questions each type can only answer "Not applicable": the work is another agency's.
CANNOT_ANSWER: dict[str, dict[str, str]] = {
    "coast-guard": {
        "border_denial_of_entry": "entry decisions are taken at the border post, not at sea",
        "border_carrier_obligations": "carriers' document checks are enforced where passengers land",
        "prot_return": "returns are carried out by immigration",
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "inv_prosecution": "convictions are the work of prosecutors and courts",
        "doc_issuing": "a coast guard issues no passports",
    },
    "border-police": {
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "inv_prosecution": "convictions are the work of prosecutors and courts",
        "prev_root_causes": "root causes are a matter of State policy",
    },
    "immigration": {
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "inv_prosecution": "convictions are the work of prosecutors and courts",
        "prev_root_causes": "root causes are a matter of State policy",
    },
    "customs": {
        "border_unofficial_points": "customs works at official crossing points and ports",
        "sea_mothership": "customs does not board stateless vessels at sea",
        "border_denial_of_entry": "customs does not decide on entry",
        "border_carrier_obligations": "carriers' document checks are an immigration matter",
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "inv_prosecution": "convictions are the work of prosecutors and courts",
    },
    "airport-liaison": {
        "border_unofficial_points": "an airport has no green border",
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "inv_prosecution": "convictions are the work of prosecutors and courts",
    },
    "anti-corruption": {
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "coop_information": "routes and groups are shared by law enforcement",
    },
    "prosecution": {
        "prot_rights": "prosecutors have no officers who meet migrants",
        "prot_asylum": "referral for international protection happens where migrants are found",
        "doc_first_line": "prosecutors do not check documents at the border",
    },
    "ministry": {
        "prot_rights": "a ministry has no officers who meet migrants",
        "prot_child_identification": "children are identified by the agencies that meet them",
        "train_trainers": "a ministry has no trainers of its own",
    },
    "training-academy": {
        "inv_prosecution": "an academy does not prosecute",
        "border_official_points": "an academy does not control borders",
    },
    "criminal-investigation": {
        "border_official_points": "investigators do not staff border posts",
        "doc_first_line": "investigators are not the front line that checks documents",
        "inv_prosecution": "convictions are the work of prosecutors and courts",
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
        "voa_issued": "visas are decided by immigration and consulates",
    },
    "financial-intelligence": {
        "inv_methods": "an intelligence unit analyses payments; it does not run investigations",
        "inv_special_techniques": "undercover work and interception are the work of investigators",
        "prot_rights": "a financial intelligence unit never meets migrants",
        "doc_first_line": "a financial intelligence unit checks no travel documents",
        "train_trainers": "a financial intelligence unit has no trainers on smuggling",
    },
    "consular": {
        "border_official_points": "consulates work abroad, not at border posts",
        "voa_risk_indicators": "visas on arrival are given at the border, not at consulates",
        "prot_asylum": "asylum is claimed on the State's territory, not at its consulates",
        "inv_methods": "consulates do not investigate",
        "train_documents_second_line": "consulates have no second-line examiners",
    },
    "child-protection": {
        "doc_first_line": "social workers check no travel documents",
        "inv_methods": "child protection services do not investigate",
        "coop_information": "routes and groups are shared by law enforcement",
        "prot_return": "returns are carried out by immigration",
        "train_documents_first_line": "social workers check no travel documents",
    },
    "document-examination": {
        "border_official_points": "a document unit does not control borders",
        "coop_mla": "mutual legal assistance is a channel of prosecutors and central authorities",
    },
    "forensic-laboratory": {
        "doc_first_line": "a laboratory has no front line",
        "train_trainers": "a laboratory has no trainers on smuggling",
    },
}

# The source document's four subjects and the capacities the earlier questionnaire could not
# express: subject -> {agency type: the questions that type must be asked}.
SUBJECTS: dict[str, dict[str, set[str]]] = {
    "screening at visas on arrival": {
        **{t: {"voa_issued", "voa_risk_indicators", "voa_list_checks", "voa_refusal"}
           for t in ["border-police", "immigration", "airport-liaison"]},
        "ministry": {"voa_issued", "voa_policy_review"},
    },
    "public information campaigns": {
        t: {"prev_campaigns", "prev_campaign_audience", "prev_campaign_channels", "prev_campaign_evaluation"}
        for t in ["ministry", "immigration"]
    },
    "training on fraudulent documents": {
        **{t: {"train_documents_first_line", "train_documents_second_line", "train_documents_refresher"}
           for t in ["border-police", "immigration", "airport-liaison", "document-examination", "training-academy"]},
        **{t: {"train_documents_first_line", "train_documents_refresher"} for t in ["coast-guard", "customs"]},
    },
    "unaccompanied and separated children": {
        **{t: {"prot_child_identification", "prot_child_referral"} for t in FRONT_LINE},
        **{t: {"prot_child_age"} for t in ["border-police", "immigration", "coast-guard", "airport-liaison", "prosecution"]},
        "immigration": {"prot_child_identification", "prot_child_age", "prot_child_guardian", "prot_child_best_interests",
                        "prot_child_referral"},
        "ministry": {"prot_child_law"},
        "prosecution": {"prot_child_age", "prot_child_proceedings"},
    },
    "screening of vulnerable migrants and possible victims of trafficking": {t: {"prot_screening"} for t in FRONT_LINE},
    "financial investigation and confiscation": {
        t: {"inv_financial"} for t in ["border-police", "coast-guard", "customs", "prosecution"]},
    "special investigative techniques": {
        t: {"inv_special_techniques"} for t in ["border-police", "coast-guard", "customs", "prosecution"]},
    "witness protection": {"prosecution": {"inv_witnesses", "inv_witness_protection"}},
    "people hidden in vehicles, containers and vessels": {
        t: {"border_concealment"} for t in ["border-police", "immigration", "coast-guard", "customs"]},
    "consular notification": {
        t: {"prot_consular"} for t in ["border-police", "immigration", "coast-guard", "airport-liaison"]},
    "lost and stolen documents, and other States' verification requests": {
        **{t: {"doc_lost_stolen"} for t in ["border-police", "airport-liaison"]},
        "immigration": {"doc_lost_stolen", "doc_verification_requests"},
        "ministry": {"doc_verification_requests"},
        "document-examination": {"doc_verification_requests"},
    },
    "an immigration service at sea borders": {"immigration": {"sea_routes", "sea_port_checks", "sea_disembarkation"}},
    "trainers' own grasp of smuggling against trafficking": {"training-academy": {"train_trainers_distinguish"}},
    "referral to protection by customs": {"customs": {"prot_screening", "prot_asylum", "prot_child_referral"}},
    "investigation by criminal investigation police": {"criminal-investigation": {
        "inv_distinguish", "inv_detection", "inv_methods", "inv_special_techniques", "inv_financial", "coop_information",
        "corruption_investigation", "prot_screening"}},
    "proceeds of smuggling (UNTOC art. 12)": {
        "financial-intelligence": {"inv_financial", "fin_indicators", "fin_reporting", "fin_dissemination"},
        "criminal-investigation": {"inv_financial"}},
    "visa decisions at consulates (Protocol art. 11)": {
        t: {"visa_risk_indicators", "visa_document_checks", "visa_revocation"} for t in ["consular", "immigration"]},
    "information abroad (Protocol art. 15)": {
        "consular": {"prev_campaigns", "prev_campaign_audience", "prev_campaign_channels", "prev_campaign_evaluation"}},
    "children in care (Protocol art. 16(4))": {"child-protection": {
        "prot_child_age", "prot_child_guardian", "prot_child_best_interests", "prot_child_care", "prot_screening"}},
}


def _border_choices(agency_type: str) -> list[list[str]]:
    widest = WIDEST_BORDERS.get(agency_type)
    if widest is None:
        return [["none"]]
    return [list(c) for n in range(1, len(widest) + 1) for c in itertools.combinations(widest, n)]


def asked(questionnaire: Questionnaire, agency_type: str) -> list[str]:
    """Every question an agency of this type can be asked, with any borders it can have and any
    answers that open follow-ups, in questionnaire order."""
    profile = {q.id for q in questionnaire.profile.questions}
    seen: set[str] = set()
    for borders, fill in itertools.product(_border_choices(agency_type), ("strong", "weak")):
        answers = fill_answers(questionnaire, {"name": "A", "agency_type": agency_type, "borders": borders, "fill": fill})
        seen |= {q.id for q in questionnaire.visible_questions(answers)}
    return [q.id for q in questionnaire.all_questions() if q.id in seen and q.id not in profile]


@pytest.fixture(scope="module")
def asked_by_type(questionnaire):
    return {o.id: asked(questionnaire, o.id) for o in questionnaire.agency_types()}


def test_no_type_is_asked_a_question_it_can_only_answer_not_applicable(questionnaire, asked_by_type):
    assert set(CANNOT_ANSWER) == set(asked_by_type), "every agency type has a row"
    lines, wrong = [], []
    for agency_type, ids in asked_by_type.items():
        cannot = [q for q in ids if q in CANNOT_ANSWER[agency_type]]
        wrong += [f"{agency_type} is asked {q!r}, but {CANNOT_ANSWER[agency_type][q]}" for q in cannot]
        lines.append(f"{agency_type:22} asked {len(ids):3}  only 'Not applicable': {len(cannot)}")
    print("\n" + "\n".join(lines))
    assert not wrong, "\n".join(wrong)
    for reasons in CANNOT_ANSWER.values():
        for qid in reasons:
            questionnaire.question(qid)  # the table names real questions


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_each_subject_reaches_every_agency_type_that_does_the_work(subject, asked_by_type):
    missing = [f"{agency_type}: {sorted(wanted - set(asked_by_type[agency_type]))}"
               for agency_type, wanted in SUBJECTS[subject].items() if not wanted <= set(asked_by_type[agency_type])]
    assert not missing, f"{subject} is not asked of " + "; ".join(missing)


def test_child_questions_have_no_gate(questionnaire):
    """A "No" to an earlier question must not hide the children's questions: they depend only on
    the kind of agency."""
    profile = {q.id for q in questionnaire.profile.questions}
    for question in questionnaire.all_questions():
        if question.topic == "protection.children":
            assert question.condition is None or set(question.condition.questions()) <= profile, question.id


def test_visas_on_arrival_can_be_answered_by_a_state_that_issues_none(questionnaire):
    gate = questionnaire.question("voa_issued")
    assert "do not issue visas on arrival" in gate.choice("no").label["en"]
    answers = {"agency_type": "border-police", "borders": ["air"], "voa_issued": "no"}
    shown = {q.id for q in questionnaire.visible_questions(answers)}
    assert "voa_issued" in shown and not shown & {"voa_risk_indicators", "voa_list_checks", "voa_refusal"}


def test_anti_corruption_questions_are_about_the_posts_overseen(questionnaire, asked_by_type):
    """An anti-corruption body cannot tell whether "staff" means its own or those it oversees: the
    corruption questions speak of officials in border and migration posts."""
    corruption = {q.id for q in questionnaire.section("corruption").questions}
    for qid in asked_by_type["anti-corruption"]:
        if qid in corruption:
            text = questionnaire.question(qid).text["en"]
            assert not re.search(r"\bstaff\b|\byour\b", text), f"{qid}: {text}"
    assert "posts it oversees" in questionnaire.section("corruption").intro["en"]


def test_only_examiners_are_asked_about_examiners(questionnaire, asked_by_type):
    for agency_type, ids in asked_by_type.items():
        if agency_type in ("document-examination", "forensic-laboratory", "training-academy"):
            continue
        for qid in ids:
            assert "your examiners" not in questionnaire.question(qid).text["en"], (agency_type, qid)


def test_options_climb_and_never_score_backwards(questionnaire):
    for question in questionnaire.all_questions():
        if question.scored and question.type == "single":
            levels = [o.level for o in question.options]
            assert levels == sorted(levels) and len(set(levels)) == len(levels), (question.id, levels)
    posts = questionnaire.question("corruption_vulnerable_posts")
    assert posts.choice("trusted").level < posts.choice("standard").level, "picking people one trusts is no selection"
    review = questionnaire.question("inv_case_review")
    assert review.choice("none").level == 0, "not reviewing cases is the weakest answer"
    extradition = [o.label["en"] for o in questionnaire.question("coop_extradition").options[:2]]
    assert extradition == ["There is no legal basis", "There is a legal basis, but it has never been used"]


# An option that joins several conditions: "X, and Y", "X, with Y", "As above, ...", "Also ...".
JOINED = re.compile(r", and |, with |^As above|^Also |^All of these|\bplus\b|; ")


def test_options_that_join_conditions_tell_people_to_choose_the_highest_fully_true(questionnaire):
    missing = [q.id for q in questionnaire.all_questions()
               if q.scored and q.type == "single" and any(JOINED.search(o.label["en"]) for o in q.options)
               and not q.cumulative]
    assert not missing
    hint = questionnaire.question("border_concealment").hint
    assert hint is not None and hint["en"].endswith("Choose the highest option that is fully true.")
    assert hint["fr"].endswith("Choisissez l'option la plus élevée qui est entièrement vraie.")
    assert questionnaire.question("voa_list_checks").hint == {
        "en": "Choose the highest option that is fully true.",
        "fr": "Choisissez l'option la plus élevée qui est entièrement vraie.",
        "es": "Elija la opción más alta que sea del todo cierta."}


def test_the_form_shows_the_instruction(questionnaire):
    from reports.paper import paper_form

    border = next(s for s in paper_form(questionnaire, "border-police", "es") if s.section.id == "border-control")
    concealment = next(q for q in border.questions if q.question.id == "border_concealment")
    assert concealment.hint.endswith("Elija la opción más alta que sea del todo cierta.")
