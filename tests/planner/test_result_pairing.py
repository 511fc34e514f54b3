"""A result pairs each plan unit with its case unit by id, as the verifier does, never by
position: a plan that lists its units in another order reports each unit's own dates."""

from __future__ import annotations

from kantokuen.models.instance import Instance
from kantokuen.models.loader import load_case
from kantokuen.models.plan import Plan
from kantokuen.models.verify import verify
from kantokuen.planner.result import (
    criteria_results,
    shipping_summary,
    strength_series,
    unit_timelines,
)
from kantokuen.planner.solve import SolveOptions, plan_case


def test_a_reversed_plan_gives_the_same_unit_rows() -> None:
    # two_divisions: home_div-1 and home_div-2 (8,000 t, by sea) and korea_div (6,000 t, rail
    # only). Reversed, the plan lists korea_div first: paired by position, the first case unit
    # (home_div-1) would report the Korea division's rail-only dates.
    inst = Instance(load_case("cases/teaching/two_divisions.yaml"))
    plan = plan_case(inst, SolveOptions(time_limit=20, workers=1, seed=0)).plan
    assert plan is not None
    reversed_plan = Plan(
        x_day=plan.x_day, north_share_bp=plan.north_share_bp, units=tuple(reversed(plan.units))
    )
    assert verify(inst.case, reversed_plan) == []
    rows = unit_timelines(inst, reversed_plan)
    assert rows == unit_timelines(inst, plan)
    korea = next(row for row in rows if row["id"] == "korea_div")
    assert korea["route"] == "korea_front" and korea["sail"] is None
    assert shipping_summary(inst, reversed_plan) == shipping_summary(inst, plan)
    assert strength_series(inst, reversed_plan) == strength_series(inst, plan)
    assert criteria_results(inst, reversed_plan, []) == criteria_results(inst, plan, [])
