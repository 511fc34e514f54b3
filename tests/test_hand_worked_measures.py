"""Soviet formations, several measures and a North share schedule, worked out by hand and
checked on both sides: the verifier's own arithmetic (`models.verify`) and the planner's tables
(`models.instance.Instance`); where a solve is cheap, the planner's answer and the brute-force
oracle's.

Every case is tests/factory.py's: day 0 is 1 July 1941, the order goes out that day, one home
division crosses Moji → Pusan (1 day at sea, ship cycle 3 days) and rides 2 days to the front.
"""

from __future__ import annotations

from typing import Any

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.verify import north_share_on, pool_on, soviet_strength, strength_on, verify
from kantokuen.planner.heuristics import iterated_list_schedule, relaxation_bound
from kantokuen.planner.solve import SolveOptions, Tuning, plan_case
from tests.factory import day, make
from tests.property.bruteforce import earliest_x_day

OPTIONS = SolveOptions(time_limit=20, workers=1, seed=0)

# East: 10 div.-eq. (floor 1), 12 withdrawn by day 40 (0.3 a day), new formations from day 10
# to day 30 adding 3 (0.15 a day); 2,700 tanks, 900 withdrawn by day 30 (30 a day), 60 formed by
# day 20 (3 a day); 90 aircraft as a bare number (no schedules). West: 6 div.-eq. with 2 formed
# by day 20 (0.1 a day), no tanks, 30 aircraft with 10 withdrawn by day 10 (1 a day). Withdrawals
# run at 1.5 × the schedule; formations are never scaled.
SOVIETS = {
    "fronts": {
        "east": {
            "name": "East",
            "initial_strength": 10,
            "floor": 1,
            "withdrawals": [{"date": day(40), "cumulative": 12}],
            "formations": [
                {"date": day(10), "cumulative": 0},
                {"date": day(30), "cumulative": 3},
            ],
            "tanks": {
                "initial": 2700,
                "withdrawals": [{"date": day(30), "cumulative": 900}],
                "formations": [{"date": day(20), "cumulative": 60}],
            },
            "aircraft": 90,
        },
        "west": {
            "name": "West",
            "initial_strength": 6,
            "formations": [{"date": day(20), "cumulative": 2}],
            "aircraft": {"initial": 30, "withdrawals": [{"date": day(10), "cumulative": 10}]},
        },
    },
    "levers.withdrawal_scale": 1.5,
}

# Division-equivalents. East on day d: 10 − 1.5 × 0.3 d + formed(d), formed 0 to day 10, then
# 0.15 a day; day 12: 10 − 5.4 + 0.3 = 4.9; day 20: 10 − 9 + 1.5 = 2.5; day 30: 10 − 13.5 + 3 =
# −0.5, raised to the floor 1. West: 6 + 0.1 d to day 20, 8 after (not scaled).
HAND_DIVISIONS = {  # day: (East, West) in milli-div.-eq.
    0: (10000, 6000),
    5: (7750, 6500),
    10: (5500, 7000),
    12: (4900, 7200),
    20: (2500, 8000),
    30: (1000, 8000),
}
# Tanks (East only): 2,700 − 1.5 × 30 d + 3 d to day 20; day 30: 2,700 − 1,350 + 60 = 1,410.
HAND_TANKS = {0: 2_700_000, 1: 2_658_000, 7: 2_406_000, 10: 2_280_000, 20: 1_860_000, 30: 1_410_000}
# Aircraft: East 90 throughout; West 30 − 1.5 d to day 10, then 15.
HAND_AIRCRAFT = {
    0: (90_000, 30_000),
    5: (90_000, 22_500),
    10: (90_000, 15_000),
    30: (90_000, 15_000),
}


def both(case: Any, measure: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """A measure's table as the verifier and as the planner compute it."""
    planner = {f: list(days) for f, days in Instance(case).measures[measure].items()}
    return soviet_strength(case, measure), planner


def test_formations_add_unscaled_and_the_floor_holds_on_both_sides() -> None:
    case = make(SOVIETS)
    verifier, planner = both(case, "divisions")
    assert verifier == planner
    for d, (east, west) in HAND_DIVISIONS.items():
        assert strength_on(case, d) == {"east": east, "west": west}, d
        assert (planner["east"][d], planner["west"][d]) == (east, west), d


def test_tanks_and_aircraft_follow_their_own_schedules_on_both_sides() -> None:
    case = make(SOVIETS)
    tanks, planner_tanks = both(case, "tanks")
    assert tanks == planner_tanks
    assert list(tanks) == ["east"]  # West gives no tanks
    assert {d: tanks["east"][d] for d in HAND_TANKS} == HAND_TANKS
    aircraft, planner_aircraft = both(case, "aircraft")
    assert aircraft == planner_aircraft
    for d, (east, west) in HAND_AIRCRAFT.items():
        assert (aircraft["east"][d], aircraft["west"][d]) == (east, west), d
    assert "men" not in Instance(case).measures  # no front gives men


def test_the_reaction_halts_every_measure_and_reinforces_divisions_only() -> None:
    # Detected on day 14 (order day 0 + 14): every withdrawal stops at its day-14 level, the
    # formations go on, and 0.5 div.-eq. a day arrive from day 15, all to East.
    # Day 20, East: 10 − 1.5 × 4.2 + 1.5 + 0.5 × 6 = 8.2; tanks 2,700 − 1.5 × 420 + 60 = 2,130.
    # Day 30, East: 10 − 6.3 + 3 + 0.5 × 16 = 14.7; tanks stay 2,130 (formations end on day 20).
    reaction = {
        "enabled": True,
        "detection_lag_days": 14,
        "halt_withdrawals": True,
        "reinforce_per_day": 0.5,
        "ceiling": 100,
    }
    fronts = SOVIETS["fronts"]
    changes = {
        **SOVIETS,
        "fronts": {**fronts, "east": {**fronts["east"], "reinforcement_share": 1.0}},
        "soviet_reaction": reaction,
    }
    case = make(changes)
    for measure in ("divisions", "tanks", "aircraft"):
        verifier, planner = both(case, measure)
        assert verifier == planner, measure
    divisions, tanks = soviet_strength(case), soviet_strength(case, "tanks")
    assert (divisions["east"][20], divisions["east"][30]) == (8200, 14700)
    assert (tanks["east"][20], tanks["east"][30]) == (2_130_000, 2_130_000)
    # West's 30 aircraft lose 1.5 a day until day 10 (15 left) and nothing is added.
    assert soviet_strength(case, "aircraft")["west"][30] == 15_000


def test_a_count_is_rounded_half_to_even_to_a_thousandth() -> None:
    # 7 tanks, one withdrawn by day 16: 7 − 1/16 = 6.9375 on day 1 (6,937.5 thousandths → 6,938)
    # and 7 − 3/16 = 6.8125 on day 3 (6,812.5 → 6,812).
    case = make(
        {"fronts.east.tanks": {"initial": 7, "withdrawals": [{"date": day(16), "cumulative": 1}]}}
    )
    verifier, planner = both(case, "tanks")
    assert (verifier["east"][1], verifier["east"][3]) == (6938, 6812)
    assert verifier == planner


# --- A North share schedule ------------------------------------------------------------------

# 40% from day 0, 80% from day 5, 25% from day 10; the pool is 20,000 t, 10,000 t from day 8.
SCHEDULE = {
    "levers.north_share": [
        {"date": day(0), "share": 0.4},
        {"date": day(5), "share": 0.8},
        {"date": day(10), "share": 0.25},
    ],
    "shipping.pool": [{"date": day(0), "tons": 20000}, {"date": day(8), "tons": 10000}],
}
# North tons: 8,000 (days 0-4), 16,000 (5-7), 8,000 (8-9: 80% of the smaller pool), 2,500 after.
HAND_CAPACITY = [8000] * 5 + [16000] * 3 + [8000] * 2 + [2500] * 3


def test_the_share_in_force_is_the_latest_step_on_both_sides() -> None:
    case = make(SCHEDULE)
    inst = Instance(case)
    verifier = [north_share_on(case, d, 0) * pool_on(case, d) // 10_000 for d in range(13)]
    planner = [inst.north_capacity(d, 0) for d in range(13)]
    assert verifier == planner == HAND_CAPACITY


def test_no_share_before_the_first_step_on_both_sides() -> None:
    case = make({"levers.north_share": [{"date": day(3), "share": 0.5}]})
    assert [north_share_on(case, d, 0) for d in range(5)] == [0, 0, 0, 5000, 5000]
    assert list(Instance(case).share_by_day or ())[:5] == [0, 0, 0, 5000, 5000]


def test_the_planner_and_the_oracle_ride_the_schedule() -> None:
    # Two 8,000 t divisions, ready on day 4. On day 4 the North has 8,000 t: one sails (holds
    # days 4-6). From day 5 it has 16,000 t: the second sails on day 5 (Moji loads one a day).
    # Both are back by day 8, when capacity drops. Arrivals on days 7 and 8: X-Day 8.
    changes: dict[str, Any] = {**SCHEDULE, "units.div.count": 2}
    outcome = plan_case(Instance(make(changes)), OPTIONS)
    assert outcome.status == Status.OPTIMAL and outcome.plan is not None
    assert outcome.plan.x_day == 8
    assert outcome.plan.north_share_bp == 8000  # the step in force on day 8
    brute = earliest_x_day(make(changes))
    assert brute is not None and brute[0] == 8


def test_a_third_division_waits_for_a_ship_to_come_back() -> None:
    # Three divisions, sailing on days 4 and 5 as above. The third could load on day 6 (Moji:
    # one a day), but then three ships are out on day 6: 24,000 t > 16,000 t. On day 7 the
    # first is back: 16,000 t on day 7, and 8,000 t on days 8 and 9 (the second is back on day
    # 8), exactly the North's tons then. It lands on day 8 and arrives on day 10; from day 10
    # the North's 2,500 t carry no division. The oracle agrees.
    changes: dict[str, Any] = {**SCHEDULE, "units.div.count": 3}
    outcome = plan_case(Instance(make(changes)), OPTIONS)
    brute = earliest_x_day(make(changes))
    assert outcome.plan is not None and brute is not None
    assert outcome.plan.x_day == brute[0] == 10


# --- The relaxation bound and the warm start -------------------------------------------------


def test_the_relaxation_bound_knows_formations_and_the_armour_air_criterion() -> None:
    # 10 div.-eq. losing 0.3 and gaining 0.1 a day: halved on day 25. 300 tanks losing 10 a
    # day: at most 99.9 (0.333 of 300) from day 21. Both criteria depend on X-Day alone, so
    # the relaxation bound is the later day, 25, and the search proves it.
    changes = {
        "criteria.halving.enabled": True,
        "criteria.force_ratio.enabled": False,
        "criteria.armour_air": {"fraction": 0.333, "measures": ["tanks"]},
        "fronts.east.initial_strength": 10,
        "fronts.east.withdrawals": [{"date": day(40), "cumulative": 12}],
        "fronts.east.formations": [{"date": day(40), "cumulative": 4}],
        "fronts.east.tanks": {
            "initial": 300,
            "withdrawals": [{"date": day(30), "cumulative": 300}],
        },
    }
    inst = Instance(make(changes))
    assert relaxation_bound(inst) == 25
    assert relaxation_bound(Instance(make({**changes, "criteria.halving.enabled": False}))) == 21
    outcome = plan_case(inst, OPTIONS)
    assert outcome.plan is not None and outcome.plan.x_day == 25


def test_the_warm_start_rides_the_share_schedule() -> None:
    # List scheduling books each day's North tons from the schedule: it finds X-Day 8 (see
    # test_the_planner_and_the_oracle_ride_the_schedule), records the share of day 8, and the
    # verifier passes its plan; without any speed-up the search agrees.
    inst = Instance(make({**SCHEDULE, "units.div.count": 2}))
    schedule = iterated_list_schedule(inst, passes=4)
    assert schedule.plan is not None and schedule.plan.x_day == 8
    assert schedule.plan.north_share_bp == 8000
    assert verify(inst.case, schedule.plan) == []
    plain = Tuning(warm_start=False, relaxation_bound=False, symmetry_breaking=False)
    outcome = plan_case(inst, OPTIONS, plain)
    assert outcome.plan is not None and outcome.plan.x_day == 8
