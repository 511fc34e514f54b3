"""The verifier: a valid hand-made plan passes; each broken plan is reported under exactly its
rule."""

from __future__ import annotations

from typing import Any

import pytest

from kantokuen.models.plan import Plan, UnitPlan
from kantokuen.models.verify import (
    CHECKS,
    earliest_arrival,
    expand_units,
    objective_terms,
    south_shortfalls,
    verify,
)
from tests.factory import day, make


def leg(
    uid: str,
    m: int,
    sail: int | None = None,
    debark: int | None = None,
    entrain: int | None = None,
    arrive: int | None = None,
    mob_days: int = 4,
) -> UnitPlan:
    """A unit that mobilizes on day m and, unless told otherwise, sails at once, lands a day
    later, entrains the same day and arrives two days after that."""
    ready = m + mob_days
    sail = ready if sail is None else sail
    debark = sail + 1 if debark is None else debark
    entrain = debark if entrain is None else entrain
    arrive = entrain + 2 if arrive is None else arrive
    return UnitPlan(
        id=uid,
        move=0,
        mobilize=m,
        ready=ready,
        sail=sail,
        debark=debark,
        entrain=entrain,
        arrive=arrive,
    )


def plan(x: int, *units: UnitPlan, share: int = 10000) -> Plan:
    return Plan(x_day=x, north_share_bp=share, units=units)


def rules(changes: dict[str, Any], p: Plan) -> set[str]:
    return {v.rule for v in verify(make(changes), p)}


def test_valid_plan_passes() -> None:
    """Ready day 4, sail 4, land 5, entrain 5, arrive 7, X-Day 7: no violation."""
    assert verify(make(), plan(7, leg("div", 0))) == []


TWO = {"units.div.count": 2, "units.div.lift_tons": 6000}

BROKEN = [
    (
        "route_choice",
        {"criteria.force_ratio.enabled": False},
        plan(7, UnitPlan(id="div", committed=False)),
    ),
    ("route_choice", {}, plan(7, leg("div", 0), leg("ghost", 0))),
    (
        "mobilization_after_order",
        {"levers.mobilization_order": day(2)},
        plan(9, leg("div", 1, sail=6)),
    ),
    (
        "depot_capacity",
        {"regions.home.depot_men": 20000, "units.div.count": 2},
        plan(8, leg("div-1", 0), leg("div-2", 0, sail=5)),
    ),
    ("sea_voyage", {}, plan(8, leg("div", 0, debark=6))),
    ("sea_voyage", {}, plan(8, leg("div", 0, sail=3))),
    ("shipping_pool_capacity", {"shipping.pool.0.tons": 5000}, plan(7, leg("div", 0))),
    ("shipping_pool_capacity", {}, plan(7, leg("div", 0), share=9000)),
    (
        "embarkation_throughput",
        {**TWO, "ports.pusan.tons_per_day": 20000, "rail.pusan_front.tons_per_day": 20000},
        plan(7, leg("div-1", 0), leg("div-2", 0)),
    ),
    (
        "debarkation_throughput",
        {**TWO, "ports.moji.tons_per_day": 20000, "rail.pusan_front.tons_per_day": 20000},
        plan(7, leg("div-1", 0), leg("div-2", 0)),
    ),
    (
        "rail_capacity",
        {**TWO, "ports.moji.tons_per_day": 20000, "ports.pusan.tons_per_day": 20000},
        plan(7, leg("div-1", 0), leg("div-2", 0)),
    ),
    ("rail_capacity", {}, plan(7, leg("div", 0, entrain=4, arrive=6))),
    (
        "x_day_in_horizon",
        {"criteria.decision_deadline.enabled": False, "criteria.weather.enabled": False},
        plan(41, leg("div", 0)),
    ),
    ("required_arrivals", {"criteria.force_ratio.enabled": False}, plan(6, leg("div", 0))),
    ("force_ratio", {"criteria.force_ratio.ratio": 2}, plan(7, leg("div", 0))),
    ("halving_criterion", {"criteria.halving.enabled": True}, plan(7, leg("div", 0))),
    (
        "halving_criterion",
        {"criteria.halving": {"measure": "tanks"}, "fronts.east.tanks": 300},
        plan(7, leg("div", 0)),
    ),
    (
        "armour_air_criterion",
        {
            "criteria.armour_air": {"fraction": 0.333},
            "fronts.east.tanks": 300,
            "fronts.east.aircraft": 90,
        },
        plan(7, leg("div", 0)),
    ),
    ("decision_deadline", {"criteria.decision_deadline.date": day(6)}, plan(7, leg("div", 0))),
    ("weather_deadline", {"criteria.weather.deadline": day(6)}, plan(7, leg("div", 0))),
    (
        "south_readiness",
        {"shipping.south_requirements": {"indochina": {"by": day(3), "tons": 1}}},
        plan(7, leg("div", 0)),
    ),
]


@pytest.mark.parametrize(
    ("rule", "changes", "broken"), BROKEN, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BROKEN)]
)
def test_broken_plan_reports_exactly_its_rule(
    rule: str, changes: dict[str, Any], broken: Plan
) -> None:
    """Breaking one rule makes the verifier report that rule and no other."""
    assert rules(changes, broken) == {rule}


def test_every_rule_has_a_broken_plan_test() -> None:
    """Each verifier check is exercised by at least one broken plan above."""
    assert {name for name, _ in CHECKS} <= {rule for rule, _, _ in BROKEN}


def test_all_violations_are_reported() -> None:
    """A plan whose division lands a day late breaks five rules; all five are reported at once."""
    got = rules(
        {"criteria.weather.deadline": day(6), "criteria.decision_deadline.date": day(6)},
        plan(7, leg("div", 0, debark=6, entrain=6, arrive=8)),
    )
    assert got == {
        "weather_deadline",
        "decision_deadline",
        "sea_voyage",
        "required_arrivals",
        "force_ratio",
    }


def test_objective_terms_recomputed() -> None:
    """X-Day, the North share (counted only when auto), shipping ton-days (8,000 t held for the
    3-day cycle) and arrival days (day 7)."""
    assert objective_terms(make(), plan(7, leg("div", 0))) == {
        "x_day": 7,
        "north_share_pct": 0,
        "ton_days": 24000,
        "arrival_days": 7,
    }
    auto = make({"levers.north_share": "auto"})
    assert objective_terms(auto, plan(7, leg("div", 0), share=4000))["north_share_pct"] == 40


def test_every_violation_of_one_rule_is_reported() -> None:
    """A 5,000 t pool under the 8,000 t division's ship: it is over the limit on each of the
    three days of its cycle (4, 5, 6), and each day is reported."""
    got = [v.message for v in verify(make({"shipping.pool.0.tons": 5000}), plan(7, leg("div", 0)))]
    assert got == [f"day {d}: 8,000 t at sea > North capacity 5,000 t" for d in (4, 5, 6)]


def test_units_expand_with_the_ids_the_planner_uses() -> None:
    """`count: 12` gives div-01..div-12 (zero-padded to two digits), `count: 1` the key itself,
    in case order; the same ids as models.instance.unit_ids."""
    from kantokuen.models.instance import unit_ids

    case = make(
        {
            "units.div.count": 12,
            "units.korea_div": {
                "name": "Korea division",
                "origin": "korea",
                "men": 20000,
                "lift_tons": 6000,
                "mobilization_days": 2,
                "front": "east",
                "moves": [{"rail": "korea_front"}],
            },
        }
    )
    ids = [u.id for u in expand_units(case)]
    assert ids == [f"div-{n:02d}" for n in range(1, 13)] + ["korea_div"]
    assert ids == unit_ids("div", 12) + unit_ids("korea_div", 1)
    hundred = expand_units(make({"units.div.count": 100}))
    assert [u.id for u in hundred][:2] == ["div-001", "div-002"]


def test_earliest_start_is_the_later_of_order_and_availability() -> None:
    """Order on day 2, the division available from day 5: it may start on day 5. Its fastest
    arrival: 5 + 4 days to mobilize + 1 at sea + 2 by rail = day 12."""
    case = make({"levers.mobilization_order": day(2), "units.div.available": day(5)})
    (unit,) = expand_units(case)
    assert unit.earliest_start == 5
    assert earliest_arrival(unit, unit.moves[0]) == 12
    assert expand_units(make({"levers.mobilization_order": day(2)}))[0].earliest_start == 2


def test_units_are_matched_by_id_not_position() -> None:
    """Two divisions listed in reverse order are checked against their own timelines: a
    valid plan stays valid, and a broken unit is named as itself."""
    changes = {
        **TWO,
        "ports.moji.tons_per_day": 20000,
        "ports.pusan.tons_per_day": 20000,
        "rail.pusan_front.tons_per_day": 20000,
    }
    late = leg("div-2", 0, sail=5)
    assert verify(make(changes), plan(8, late, leg("div-1", 0))) == []
    broken = plan(8, leg("div-2", 0, debark=7, entrain=7, arrive=9), leg("div-1", 0))
    assert [str(v) for v in verify(make(changes), broken)] == [
        "[sea_voyage] div-2 debarks on day 7, not 5",
        "[required_arrivals] div-2 arrives on day 9, after X-Day 8",
    ]


def test_south_requirement_after_the_horizon_is_measured_on_the_last_day() -> None:
    """A requirement dated day 50 in a 40-day horizon is measured on day 40: the pool there is
    12,000 t (a drop on day 30), so 6,000 t leaves the North at most 50%."""
    pool = [{"date": day(0), "tons": 20000}, {"date": day(30), "tons": 12000}]
    case = make(
        {
            "shipping.pool": pool,
            "shipping.south_requirements": {"late": {"by": day(50), "tons": 6000}},
        }
    )
    assert south_shortfalls(case, 5000) == []
    assert south_shortfalls(case, 5100) == [f"late: South has 5,880 t on {day(50)}, needs 6,000 t"]
