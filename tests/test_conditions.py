"""The rule language, as a table of cases."""

from __future__ import annotations

import pytest

from questionnaires.conditions import ConditionError, parse

ANSWERS = {"agency_type": "coast-guard", "borders": ["sea", "land"], "staff_size": 120, "flag": "no", "empty": ""}

CASES = [
    ({"equals": ["agency_type", "coast-guard"]}, True),
    ({"equals": ["agency_type", "customs"]}, False),
    ({"equals": ["missing", "x"]}, False),
    ({"not_equals": ["agency_type", "customs"]}, True),
    ({"not_equals": ["missing", "customs"]}, False),
    ({"in": ["agency_type", ["customs", "coast-guard"]]}, True),
    ({"in": ["agency_type", ["customs"]]}, False),
    ({"contains": ["borders", "sea"]}, True),
    ({"contains": ["borders", "air"]}, False),
    ({"contains": ["agency_type", "coast-guard"]}, False),
    ({"gt": ["staff_size", 100]}, True),
    ({"gte": ["staff_size", 120]}, True),
    ({"lt": ["staff_size", 120]}, False),
    ({"lte": ["staff_size", 120]}, True),
    ({"gt": ["agency_type", 1]}, False),
    ({"answered": "staff_size"}, True),
    ({"answered": "empty"}, False),
    ({"answered": "missing"}, False),
    ({"equals": ["flag", "no"]}, True),
    ({"all": [{"contains": ["borders", "sea"]}, {"gt": ["staff_size", 100]}]}, True),
    ({"all": [{"contains": ["borders", "sea"]}, {"gt": ["staff_size", 1000]}]}, False),
    ({"any": [{"contains": ["borders", "air"]}, {"equals": ["agency_type", "coast-guard"]}]}, True),
    ({"any": [{"contains": ["borders", "air"]}, {"equals": ["agency_type", "customs"]}]}, False),
    ({"not": {"contains": ["borders", "none"]}}, True),
    ({"not": {"any": [{"contains": ["borders", "sea"]}]}}, False),
]


@pytest.mark.parametrize("raw, expected", CASES)
def test_truth_table(raw, expected):
    assert parse(raw).evaluate(ANSWERS) is expected


def test_questions_named():
    condition = parse({"all": [{"equals": ["a", 1]}, {"not": {"answered": "b"}}]})
    assert list(condition.questions()) == ["a", "b"]


@pytest.mark.parametrize("raw, message", [
    ({}, "exactly one operator"),
    ({"equals": ["a", 1], "in": ["b", [1]]}, "exactly one operator"),
    ({"equals": "a"}, "takes [question_id, value]"),
    ({"in": ["a", "b"]}, "takes [question_id, [value, ...]]"),
    ({"gt": ["a", "b"]}, "compares with a number"),
    ({"any": []}, "takes a list of conditions"),
    ({"all": [{"equals": ["a", 1]}, {"oops": 1}]}, "all[1]: unknown operator 'oops'"),
    ({"answered": ["a"]}, "takes a question id"),
])
def test_bad_conditions_explain(raw, message):
    with pytest.raises(ConditionError) as caught:
        parse(raw)
    assert message in str(caught.value)
