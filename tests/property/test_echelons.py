"""Handling over days (DESIGN §1c): the answer does not hinge on how a case cuts its units into
echelons.

A case is drawn, one of its `count:` entries is made divisible by k (its lift, men and combat
value multiples of k, so the parts are exact), and a second case cuts each of its units into k
equal parts with the same totals. Any plan of the whole units gives a plan of the parts: each
part takes its share of the whole unit's place in every facility's queue, lands on its first
unloading day, holds its ships no longer and arrives no later. So splitting never makes X-Day
later (the issue allows one day for a ship's or a train's grain; with tons there is none), and
merging never makes it earlier, nor a no-go of a go.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from tests.property.support import solve, x_day
from tests.strategies import case_of, tightened_cases

Data = dict[str, Any]


def exact_parts(data: Data, key: str, k: int) -> tuple[Data, Data]:
    """(whole, parts): the case with unit entry `key` rounded so that k parts are exact, and the
    same case with each of its units cut into k equal parts (k times the count, a k-th of the
    lift, men and combat value each)."""
    whole = copy.deepcopy(data)
    unit = whole["units"][key]
    unit["lift_tons"] = max(unit["lift_tons"] // k, 1) * k
    unit["men"] = unit["men"] // k * k
    # Combat value in thousandths of a division-equivalent, as the planner counts it.
    unit["combat_value"] = round(unit.get("combat_value", 0.0) * 1000) // k * k / 1000
    parts = copy.deepcopy(whole)
    part = parts["units"][key]
    part["count"] = unit.get("count", 1) * k
    part["lift_tons"] = unit["lift_tons"] // k
    part["men"] = unit["men"] // k
    part["combat_value"] = round(unit["combat_value"] * 1000) // k / 1000
    return whole, parts


def answers(data: Data, pick: st.DataObject, k: int) -> tuple[int | None, int | None]:
    """X-Day of the whole units and of their parts (None: no-go)."""
    key = pick.draw(st.sampled_from(sorted(data["units"])))
    whole, parts = exact_parts(data, key, k)
    return x_day(solve(case_of(whole))), x_day(solve(case_of(parts)))


@settings(max_examples=examples(25))
@given(tightened_cases(), st.sampled_from([2, 3]), st.data())
def test_splitting_a_unit_never_makes_x_day_later_by_more_than_a_day(
    data: Data, k: int, pick: st.DataObject
) -> None:
    """Cutting a unit into k equal parts with the same totals: a go stays a go, and X-Day moves
    later by at most one day."""
    whole, parts = answers(data, pick, k)
    if whole is not None:
        assert parts is not None, "cutting a unit into parts turned go into no-go"
        assert parts <= whole + 1, f"parts: X-Day {parts}, whole units: {whole}"


@settings(max_examples=examples(25))
@given(tightened_cases(), st.sampled_from([2, 3]), st.data())
def test_merging_units_never_makes_x_day_earlier(data: Data, k: int, pick: st.DataObject) -> None:
    """Merging k equal parts into one unit with the same totals: never an earlier X-Day, and
    never a go where the parts are a no-go."""
    whole, parts = answers(data, pick, k)
    if parts is None:
        assert whole is None, "merging parts turned no-go into go"
    elif whole is not None:
        assert whole >= parts, f"whole units: X-Day {whole}, parts: {parts}"
