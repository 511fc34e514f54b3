"""On tiny cases the planner's X-Day equals an exhaustive search's (and no-go means none exists)."""

from __future__ import annotations

import pytest
from hypothesis import event, given, reject, settings

from kantokuen.models.loader import load_case
from tests.conftest import examples
from tests.factory import make
from tests.property.bruteforce import SearchTooLarge, earliest_x_day
from tests.property.support import solve, x_day
from tests.strategies import TINY, Sizes, case_of, tightened_cases

# Bigger tiny cases for the nightly run: more units, longer legs and more waiting.
LARGER = Sizes(
    max_templates=4, max_count=2, max_units=4, max_fronts=2, max_leg_days=3, max_wait=2, max_slack=2
)


def _agree(data: dict, budget: int = 200_000) -> None:
    case = case_of(data)
    try:
        brute = earliest_x_day(case, budget)
    except SearchTooLarge:
        # The oracle gave up, not the planner: counted in the statistics, and another case drawn.
        event("exhaustive search too large: case not compared")
        reject()
    assert x_day(solve(case)) == (brute[0] if brute else None)


@settings(max_examples=examples(120))
@given(tightened_cases(TINY))
def test_planner_x_day_equals_the_exhaustive_search(data: dict) -> None:
    """≤ 4 units, horizons under ~12 days: the planner's X-Day (or no-go) is the brute force's."""
    _agree(data)


@pytest.mark.slow
@settings(max_examples=examples(150))
@given(tightened_cases(LARGER))
def test_planner_x_day_equals_the_exhaustive_search_on_larger_tiny_cases(data: dict) -> None:
    """The same on somewhat longer legs and waits (nightly; a bigger search budget)."""
    _agree(data, budget=2_000_000)


def test_exhaustive_search_finds_the_hand_worked_answers() -> None:
    """The brute force itself, against answers worked by hand: one division lands on day 7
    (ready day 4, one day at sea, two on the railway); the teaching case's X-Day is day 8."""
    assert earliest_x_day(make())[0] == 7  # type: ignore[index]
    assert earliest_x_day(make({"calendar.horizon_days": 6})) is None
    teaching = load_case("cases/teaching/two_divisions.yaml")
    short = teaching.model_copy(
        update={"calendar": teaching.calendar.model_copy(update={"horizon_days": 12})}
    )
    assert earliest_x_day(short)[0] == 8  # type: ignore[index]
