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


# --- Handling over days (DESIGN §1c) --------------------------------------------------------

BIG = {"units.div.lift_tons": 12000}
"""A 12,000 t division at 10,000 t/day ports and line: two days at each."""


def big(**fields: Any) -> UnitPlan:
    """The 12,000 t division's valid plan: loaded on days 4-5, sails 5, lands and is unloaded on
    6-7, entrained on 7-8, arrives on 10; `fields` change it."""
    up = UnitPlan(
        id="div",
        move=0,
        mobilize=0,
        ready=4,
        sail=5,
        debark=6,
        entrain=8,
        arrive=10,
        loading=((4, 10000), (5, 2000)),
        unloading=((6, 10000), (7, 2000)),
        entraining=((7, 10000), (8, 2000)),
    )
    return up.model_copy(update=fields)


def test_a_unit_handled_over_days_passes() -> None:
    assert verify(make(BIG), plan(10, big())) == []


CONVERTED = {
    "conversions": {
        "ship_space": {"grt_per_man": 2, "grt_per_horse": 5, "grt_per_cargo_ton": 1},
        "handling": {"tons_per_man": 0.1, "tons_per_horse": 0.5},
        "train": {"men": 1000, "horses": 200, "cargo_tons": 500},
    },
    "units.div.lift_tons": None,
    "units.div.horses": 2000,
    "units.div.cargo_tons": 4000,
    "rail.pusan_front.tons_per_day": None,
    "rail.pusan_front.trains_per_day": 6,
    "shipping.pool.0.tons": 60000,
}
"""20,000 men, 2,000 horses, 4,000 t: 54,000 GRT, 7,000 handling tons, 38 trains."""
TRAINS = (*((d, 6) for d in range(5, 11)), (11, 2))


def test_a_converted_unit_passes_in_each_measure() -> None:
    """Loaded and unloaded in a day (7,000 t), 38 trains at 6 a day: days 5-11, arrives 13."""
    up = leg("div", 0, entrain=11, arrive=13).model_copy(update={"entraining": TRAINS})
    assert verify(make(CONVERTED), plan(13, up)) == []


OVER_DAYS = [
    # Loading on days 4 and 6: not consecutive.
    (
        "sea_voyage",
        BIG,
        plan(
            11,
            big(
                loading=((4, 10000), (6, 2000)),
                sail=6,
                debark=7,
                unloading=((7, 10000), (8, 2000)),
                entraining=((8, 10000), (9, 2000)),
                entrain=9,
                arrive=11,
            ),
        ),
    ),
    # Parts that add up to 11,000 t, not 12,000.
    ("sea_voyage", BIG, plan(10, big(loading=((4, 10000), (5, 1000))))),
    # Still loading on day 5 when it sails on day 4.
    (
        "sea_voyage",
        BIG,
        plan(
            9,
            big(
                sail=4,
                debark=5,
                unloading=((5, 10000), (6, 2000)),
                entraining=((6, 10000), (7, 2000)),
                entrain=7,
                arrive=9,
            ),
        ),
    ),
    # Unloaded from day 7, a day after landing (its ships would wait in the roads).
    (
        "sea_voyage",
        BIG,
        plan(
            11,
            big(
                unloading=((7, 10000), (8, 2000)),
                entraining=((8, 10000), (9, 2000)),
                entrain=9,
                arrive=11,
            ),
        ),
    ),
    # 24,000 t over three days, only 9,000 on the day in between (the port had 10,000).
    (
        "sea_voyage",
        {"units.div.lift_tons": 24000, "shipping.pool.0.tons": 40000},
        plan(
            13,
            big(
                loading=((4, 10000), (5, 9000), (6, 5000)),
                sail=6,
                debark=7,
                unloading=((7, 10000), (8, 10000), (9, 4000)),
                entraining=((9, 10000), (10, 10000), (11, 4000)),
                entrain=11,
                arrive=13,
            ),
        ),
    ),
    # No ships before day 5, and ships are held from the first loading day (4).
    (
        "shipping_pool_capacity",
        {**BIG, "shipping.pool": [{"date": day(0), "tons": 0}, {"date": day(5), "tons": 20000}]},
        plan(10, big()),
    ),
    # Unloading that runs on keeps the ships a day longer: div-1's are back on day 8, not 7,
    # and div-2 sails on 7 with a pool that carries one division.
    (
        "shipping_pool_capacity",
        {
            **BIG,
            "units.div.count": 2,
            "shipping.pool.0.tons": 12000,
            "ports.moji.tons_per_day": 24000,
            "rail.pusan_front.tons_per_day": 24000,
        },
        plan(
            11,
            big(
                id="div-1",
                loading=(),
                sail=4,
                debark=5,
                unloading=((5, 10000), (6, 2000)),
                entraining=(),
                entrain=6,
                arrive=8,
            ),
            big(
                id="div-2",
                loading=(),
                sail=7,
                debark=8,
                unloading=((8, 10000), (9, 2000)),
                entraining=(),
                entrain=9,
                arrive=11,
            ),
        ),
    ),
    # Two units' parts on day 4 at Moji: 6,000 + 5,000 t.
    (
        "embarkation_throughput",
        {
            "units.div.count": 2,
            "units.div.lift_tons": 6000,
            "ports.pusan.tons_per_day": 20000,
            "rail.pusan_front.tons_per_day": 20000,
        },
        plan(
            8,
            leg("div-1", 0),
            leg("div-2", 0, sail=5).model_copy(update={"loading": ((4, 5000), (5, 1000))}),
        ),
    ),
    # Entrained from day 6, before the last part is unloaded (day 7).
    ("rail_capacity", BIG, plan(10, big(entraining=((6, 10000), (7, 2000)), entrain=7, arrive=9))),
    # Seven trains on day 5 on a line that runs six.
    (
        "rail_capacity",
        CONVERTED,
        plan(
            12,
            leg("div", 0, entrain=10, arrive=12).model_copy(
                update={"entraining": ((5, 7), *((d, 6) for d in range(6, 10)), (10, 7))}
            ),
        ),
    ),
]


@pytest.mark.parametrize(
    ("rule", "changes", "broken"),
    OVER_DAYS,
    ids=[f"{r}-over-days-{i}" for i, (r, _, _) in enumerate(OVER_DAYS)],
)
def test_broken_handling_over_days_reports_exactly_its_rule(
    rule: str, changes: dict[str, Any], broken: Plan
) -> None:
    assert rules(changes, broken) == {rule}


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
