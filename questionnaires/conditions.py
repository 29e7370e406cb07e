"""The rule language of `show_if` and `applies_if`.

A condition is a map with one operator key:

    {equals: [agency_type, coast-guard]}        the answer is this value
    {not_equals: [agency_type, customs]}
    {in: [agency_type, [customs, immigration]]}  the answer is one of these values
    {contains: [borders, sea]}                   a multiple-choice answer includes this value
    {gt: [staff_size, 100]}  gte, lt, lte        numeric comparison
    {answered: staff_size}                       any answer was given
    {all: [cond, ...]}  {any: [cond, ...]}  {not: cond}
    {function: investigation}                    the agency does this work (see below)

A question that has no answer makes every comparison false.

`function` is shorthand, written out when the questionnaire is read (`expand_functions`): the
agency's type does this work by default, or the official ticked it among the other work the
agency does. So a question asked for a job is asked the same whether the job is a default or
an addition, and the written-out condition uses only the comparisons above.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from .answers import is_empty


def _contains(answer: Any, value: Any) -> bool:
    return isinstance(answer, list) and value in answer


def _is_in(answer: Any, values: Any) -> bool:
    return answer in values


def _numeric(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(answer: Any, value: Any) -> bool:
        return isinstance(answer, (int, float)) and not isinstance(answer, bool) and op(answer, value)

    return compare


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": operator.eq,
    "not_equals": operator.ne,
    "in": _is_in,
    "contains": _contains,
    "gt": _numeric(operator.gt),
    "gte": _numeric(operator.ge),
    "lt": _numeric(operator.lt),
    "lte": _numeric(operator.le),
}
LOGICAL = {"all": all, "any": any}


@dataclass(frozen=True)
class Compare:
    op: str
    question: str
    value: Any

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        if self.question not in answers or answers[self.question] is None:
            return False
        return bool(COMPARISONS[self.op](answers[self.question], self.value))

    def questions(self) -> Iterator[str]:
        yield self.question

    @property
    def raw(self) -> dict[str, Any]:
        return {self.op: [self.question, self.value]}


@dataclass(frozen=True)
class Answered:
    question: str

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return not is_empty(answers.get(self.question))

    def questions(self) -> Iterator[str]:
        yield self.question

    @property
    def raw(self) -> dict[str, Any]:
        return {"answered": self.question}


@dataclass(frozen=True)
class Logical:
    op: str
    items: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return LOGICAL[self.op](item.evaluate(answers) for item in self.items)

    def questions(self) -> Iterator[str]:
        for item in self.items:
            yield from item.questions()

    @property
    def raw(self) -> dict[str, Any]:
        return {self.op: [item.raw for item in self.items]}


@dataclass(frozen=True)
class Not:
    item: Condition

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return not self.item.evaluate(answers)

    def questions(self) -> Iterator[str]:
        yield from self.item.questions()

    @property
    def raw(self) -> dict[str, Any]:
        return {"not": self.item.raw}


Condition = Union[Compare, Answered, Logical, Not]


class ConditionError(ValueError):
    def __init__(self, where: str, message: str):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


def parse(raw: Any, where: str = "") -> Condition:
    """Compile a condition written in YAML. Errors name the path inside the condition."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConditionError(where, "a condition is a map with exactly one operator")
    (op, arg), = raw.items()
    here = f"{where}.{op}" if where else str(op)
    if op in COMPARISONS:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            raise ConditionError(here, f"'{op}' takes [question_id, value]")
        if op == "in" and not isinstance(arg[1], list):
            raise ConditionError(here, "'in' takes [question_id, [value, ...]]")
        if op in ("gt", "gte", "lt", "lte") and not isinstance(arg[1], (int, float)):
            raise ConditionError(here, f"'{op}' compares with a number")
        return Compare(op, arg[0], arg[1])
    if op == "answered":
        if not isinstance(arg, str):
            raise ConditionError(here, "'answered' takes a question id")
        return Answered(arg)
    if op in LOGICAL:
        if not isinstance(arg, list) or not arg:
            raise ConditionError(here, f"'{op}' takes a list of conditions")
        return Logical(op, tuple(parse(item, f"{here}[{i}]") for i, item in enumerate(arg)))
    if op == "not":
        return Not(parse(arg, here))
    known = ", ".join([*COMPARISONS, "answered", *LOGICAL, "not"])
    raise ConditionError(where, f"unknown operator {op!r} (known: {known})")


FUNCTION = "function"
OTHER_FUNCTIONS = "other_functions"


def expand_functions(raw: Any, holders: Mapping[str, Sequence[str]], where: str = "") -> Any:
    """The condition with each `{function: f}` written out as "the type does f by default, or
    f is ticked among the other work": `{any: [{in: [agency_type, [...]]}, {contains: [other_functions, f]}]}`.
    `holders` maps each function to the agency types that do it by default. Returns a new
    structure: YAML anchors may share one condition between questions."""
    if isinstance(raw, list):
        return [expand_functions(item, holders, f"{where}[{i}]") for i, item in enumerate(raw)]
    if not isinstance(raw, dict) or len(raw) != 1:
        return raw
    (op, arg), = raw.items()
    if op == FUNCTION:
        if not isinstance(arg, str) or arg not in holders:
            raise ConditionError(f"{where}.function" if where else "function", f"unknown function {arg!r}")
        return {"any": [{"in": ["agency_type", list(holders[arg])]}, {"contains": [OTHER_FUNCTIONS, arg]}]}
    if op in LOGICAL or op == "not":
        return {op: expand_functions(arg, holders, f"{where}.{op}" if where else str(op))}
    return raw


Simplified = Union[bool, Condition]


def simplify(condition: Condition | None, known: Mapping[str, Any]) -> Simplified:
    """The condition with the known answers put in: True, False, or what is left to ask."""
    if condition is None:
        return True
    if isinstance(condition, (Compare, Answered)):
        return condition.evaluate(known) if condition.question in known else condition
    if isinstance(condition, Not):
        inner = simplify(condition.item, known)
        return (not inner) if isinstance(inner, bool) else Not(inner)
    parts = [simplify(item, known) for item in condition.items]
    if condition.op == "all":
        if any(p is False for p in parts):
            return False
    elif any(p is True for p in parts):
        return True
    rest = tuple(p for p in parts if not isinstance(p, bool))
    if not rest:
        return condition.op == "all"
    return rest[0] if len(rest) == 1 else Logical(condition.op, rest)
