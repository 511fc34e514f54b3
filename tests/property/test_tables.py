"""The planner's tables and the verifier's own arithmetic agree exactly, on random Soviet sides
(withdrawals, formations, floors, men/tanks/aircraft with their own schedules, the reaction) and
random North shares (one number or a schedule by date). No solving: every day of the horizon is
compared, in every measure. Cases come from tests/factory.py (day 0 is 1 July 1941)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kantokuen.models.case import COUNT_MEASURES, MEASURES
from kantokuen.models.instance import Instance
from kantokuen.models.verify import north_share_on, pool_on, soviet_strength
from tests.conftest import examples
from tests.factory import day, make

HORIZON = 40


@st.composite
def schedule(draw: st.DrawFn, step: int) -> list[dict[str, Any]]:
    """A cumulative schedule of 0-3 points; each increment a multiple of 1/step (eighths of a
    division-equivalent make thousandths end in 5: rounding half to even is exercised)."""
    points, when, total = [], 0, 0
    for _ in range(draw(st.integers(0, 3))):
        when += draw(st.integers(1, 20))
        total += draw(st.integers(0, 12))
        points.append({"date": day(when), "cumulative": total / step if step > 1 else total})
    return points


@st.composite
def count(draw: st.DrawFn) -> Any:
    """A front's men, tanks or aircraft: absent, a bare number, or a measure with schedules."""
    form = draw(st.sampled_from(["none", "number", "measure"]))
    if form == "none":
        return None
    initial = draw(st.integers(0, 3000))
    if form == "number":
        return initial
    return {
        "initial": initial,
        "floor": draw(st.integers(0, initial)),
        "withdrawals": draw(schedule(1)),
        "formations": draw(schedule(1)),
    }


@st.composite
def soviet_sides(draw: st.DrawFn) -> dict[str, Any]:
    fronts = {}
    keys = ["east", "west"][: draw(st.integers(1, 2))]
    first_share = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
    for key in keys:
        initial = draw(st.integers(0, 40)) / 4
        front: dict[str, Any] = {
            "name": key.title(),
            "initial_strength": initial,
            "floor": draw(st.integers(0, int(initial))) / 2,
            "withdrawals": draw(schedule(8)),
            "formations": draw(schedule(8)),
            "reinforcement_share": first_share if key == "east" else 1 - first_share,
        }
        for measure in COUNT_MEASURES:
            value = draw(count())
            if value is not None:
                front[measure] = value
        fronts[key] = front
    changes: dict[str, Any] = {
        "calendar.horizon_days": HORIZON,
        "fronts": fronts,
        "levers.withdrawal_scale": draw(st.sampled_from([0.0, 0.5, 1.0, 1.25, 1.5, 3.0])),
    }
    if draw(st.booleans()):
        changes["soviet_reaction"] = {
            "enabled": True,
            "detection_lag_days": draw(st.integers(0, 20)),
            "halt_withdrawals": draw(st.booleans()),
            "reinforce_per_day": draw(st.sampled_from([0.0, 0.125, 0.5, 1.0])),
            "ceiling": float(draw(st.integers(0, 40))),
        }
    return changes


@st.composite
def north_shares(draw: st.DrawFn) -> dict[str, Any]:
    """One share, or a schedule of 1-3 steps (the first may come after day 0), over a pool
    that changes twice."""
    pool = [
        {"date": day(0), "tons": draw(st.integers(0, 30000))},
        {"date": day(draw(st.integers(1, 15))), "tons": draw(st.integers(0, 30000))},
        {"date": day(draw(st.integers(16, 30))), "tons": draw(st.integers(0, 30000))},
    ]
    if draw(st.booleans()):
        share: Any = draw(st.integers(0, 200)) / 200
    else:
        share, when = [], draw(st.integers(-3, 5))
        for _ in range(draw(st.integers(1, 3))):
            share.append({"date": day(when), "share": draw(st.integers(0, 200)) / 200})
            when += draw(st.integers(1, 15))
    return {"levers.north_share": share, "shipping.pool": pool}


@settings(max_examples=examples(80))
@given(soviet_sides())
def test_soviet_strength_agrees_in_every_measure(changes: dict[str, Any]) -> None:
    case = make(changes)
    inst = Instance(case)
    for measure in MEASURES:
        verifier = soviet_strength(case, measure)
        planner = {f: list(days) for f, days in inst.measures.get(measure, {}).items()}
        assert verifier == planner, measure


@settings(max_examples=examples(80))
@given(north_shares())
def test_north_capacity_agrees_every_day(changes: dict[str, Any]) -> None:
    case = make(changes)
    inst = Instance(case)
    for d in range(HORIZON + 1):
        share = north_share_on(case, d, 0)
        assert inst.share_on(d, 0) == share, d
        assert inst.north_capacity(d, 0) == share * pool_on(case, d) // 10_000, d
