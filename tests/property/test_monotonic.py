"""Monotonicity, the basis of `breakeven`: turning a lever the helpful way never hurts — where
it holds.

Each property takes a case (on either side of the go/no-go line), turns one lever the helpful
way, and checks that a go stays go with an X-Day no later than before. More shipping, a larger
North share and later deadlines only widen what a plan may do, and leave the Soviet side as it
was: the old plan still works, whatever the Soviets do. An earlier order and faster withdrawals
also move the Soviet reaction (DESIGN §1c), and there monotonicity can fail: the properties
assert it only where `analysis.breakeven.monotonicity_doubt` (the rule breakeven follows) says it
is guaranteed, and hand-built witnesses (tests/reaction_witnesses.py) show each exception.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kantokuen.analysis.breakeven import monotonicity_doubt
from tests.conftest import examples
from tests.factory import day
from tests.property.support import solve, x_day
from tests.reaction_witnesses import CEILING, EARLY_ORDER, SLOW_UNIT, witness_case
from tests.strategies import case_of, tightened_cases

Data = dict[str, Any]


def assert_no_worse(before: Data, after: Data) -> None:
    """`after` is go whenever `before` is, with an X-Day no later."""
    old, new = x_day(solve(case_of(before))), x_day(solve(case_of(after)))
    if old is not None:
        assert new is not None, "helping a lever turned go into no-go"
        assert new <= old, f"helping a lever moved X-Day from day {old} to day {new}"


def helped(data: Data, change: Callable[[Data], None]) -> Data:
    out = copy.deepcopy(data)
    change(out)
    return out


@settings(max_examples=examples(40))
@given(tightened_cases(), st.sampled_from([1.1, 1.5, 2.0, 4.0]), st.integers(0, 5000))
def test_more_shipping_never_hurts(data: Data, factor: float, extra: int) -> None:
    """More tons in every step of the shipping pool never make X-Day later."""

    def more(d: Data) -> None:
        for step in d["shipping"]["pool"]:
            step["tons"] = int(step["tons"] * factor) + extra

    assert_no_worse(data, helped(data, more))


@settings(max_examples=examples(40))
@given(tightened_cases(), st.integers(0, 20))
def test_a_larger_north_share_never_hurts(data: Data, more: int) -> None:
    """A larger fixed North share never makes X-Day later (with South readiness off: a larger
    North share may starve the South, which is what that criterion is for)."""
    data["criteria"]["south_readiness"]["enabled"] = False
    share = data["levers"]["north_share"]
    if share == "auto":
        data["levers"]["north_share"] = share = 0.5

    def larger(d: Data) -> None:
        d["levers"]["north_share"] = min(1.0, share + more / 20)

    assert_no_worse(data, helped(data, larger))


@settings(max_examples=examples(40))
@given(tightened_cases(), st.sampled_from([0.25, 0.5, 1.0, 2.0, 5.0]))
def test_faster_soviet_withdrawals_never_hurt(data: Data, more: float) -> None:
    """A larger withdrawal scale (the Soviets strip the Far East faster) never makes X-Day later,
    unless reaction reinforcements shared by several fronts can reach the ceiling: then the room
    faster withdrawals free on one front is refilled and shared out, and another front may grow
    stronger (see the witness below). Such cases keep their reaction, halt and reinforcements,
    but get a ceiling the reinforcements cannot reach."""
    if monotonicity_doubt(case_of(data), "levers.withdrawal_scale"):
        reaction = data["soviet_reaction"]
        # Every formation of the schedules counts towards the ceiling too.
        initial = sum(
            front["initial_strength"]
            + max((p["cumulative"] for p in front.get("formations", [])), default=0)
            for front in data["fronts"].values()
        )
        horizon = data["calendar"]["horizon_days"]
        reaction["ceiling"] = initial + reaction["reinforce_per_day"] * horizon + 1
        assert monotonicity_doubt(case_of(data), "levers.withdrawal_scale") is None

    def faster(d: Data) -> None:
        d["levers"]["withdrawal_scale"] = d["levers"]["withdrawal_scale"] + more

    assert_no_worse(data, helped(data, faster))


@settings(max_examples=examples(40))
@given(tightened_cases(), st.integers(1, 5))
def test_an_earlier_order_never_hurts(data: Data, days: int) -> None:
    """Ordering mobilization earlier (not before the calendar start) never makes X-Day later,
    when the Soviets do not react to it: with a reaction that halts withdrawals or brings
    reinforcements, an earlier order is also detected earlier (see the witnesses below)."""
    if monotonicity_doubt(case_of(data), "levers.mobilization_order"):
        data["soviet_reaction"]["enabled"] = False

    def earlier(d: Data) -> None:
        start = dt.date.fromisoformat(d["calendar"]["start"])
        order = dt.date.fromisoformat(d["levers"]["mobilization_order"]) - dt.timedelta(days=days)
        d["levers"]["mobilization_order"] = max(start, order).isoformat()

    assert_no_worse(data, helped(data, earlier))


@settings(max_examples=examples(30))
@given(tightened_cases(), st.integers(1, 10), st.sampled_from(["weather", "decision_deadline"]))
def test_a_later_deadline_never_hurts(data: Data, days: int, which: str) -> None:
    """A later weather deadline (or decision deadline) never makes X-Day later."""
    key = "deadline" if which == "weather" else "date"

    def later(d: Data) -> None:
        crit = d["criteria"][which]
        crit[key] = (dt.date.fromisoformat(crit[key]) + dt.timedelta(days=days)).isoformat()

    assert_no_worse(data, helped(data, later))


def test_an_earlier_order_can_hurt_when_the_soviets_react() -> None:
    """Found by the property above, and real: the Soviet reaction is keyed to the order (detection
    = order + lag), so an earlier order also halts Soviet withdrawals earlier. Worked by hand in
    tests/reaction_witnesses.py: ordering on day 0 halts the front at 0.4375 div.-eq., more than
    the two divisions can beat (no-go); ordering on day 1 lets it fall to 0.375 first (go, X-Day
    day 2). With a third, slower optional unit the day-0 order is a go, but only on day 9."""

    def x(changes: dict[str, Any], order: int) -> int | None:
        return x_day(solve(witness_case({**changes, "levers.mobilization_order": day(order)})))

    assert [x(EARLY_ORDER, order) for order in range(4)] == [None, 2, 2, 3]
    assert [x({**EARLY_ORDER, **SLOW_UNIT}, order) for order in range(2)] == [9, 2]
    assert monotonicity_doubt(witness_case(EARLY_ORDER), "levers.mobilization_order") is not None


def test_faster_withdrawals_can_hurt_under_the_reaction_ceiling() -> None:
    """Worked by hand in tests/reaction_witnesses.py: at scale 0.5 the two fronts sit at the
    ceiling, no reinforcement comes, and halving holds on day 7 (go). At scale 1.0 the Western
    front falls to its floor, the ceiling counts the strength it would have had, and the room is
    filled with reinforcements for the Eastern front from day 4: the total stays above the
    halving line (no-go). A halt alone is harmless: withdrawals stop, never reverse."""

    def x(scale: float) -> int | None:
        return x_day(solve(witness_case({**CEILING, "levers.withdrawal_scale": scale})))

    assert (x(0.5), x(1.0)) == (7, None)
    assert monotonicity_doubt(witness_case(CEILING), "levers.withdrawal_scale") is not None
