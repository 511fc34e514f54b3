"""Numbers worked out by hand, checked on both sides: the verifier's own arithmetic
(`models.verify`) and the planner's tables (`models.instance.Instance`), and where a solve is
cheap, the planner's answer and the brute-force oracle's.

Every case is tests/factory.py's: day 0 is 1 July 1941, the order goes out that day, one home
division crosses Moji → Pusan (1 day at sea, ship cycle 3 days) and rides 2 days to the front.
"""

from __future__ import annotations

from typing import Any

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Plan, Status, UnitPlan
from kantokuen.models.verify import (
    Violation,
    force_needed,
    halving_holds,
    pool_on,
    south_shortfalls,
    soviet_strength,
    strength_on,
    verify,
)
from kantokuen.planner.solve import Outcome, SolveOptions, plan_case
from tests.factory import day, make
from tests.property.bruteforce import earliest_x_day

OPTIONS = SolveOptions(time_limit=20, workers=1, seed=0)


def solve(changes: dict[str, Any]) -> Outcome:
    return plan_case(Instance(make(changes)), OPTIONS)


def both_pools(changes: dict[str, Any], days: int) -> tuple[list[int], list[int]]:
    """The pool per day as the verifier and as the planner see it."""
    case = make(changes)
    return [pool_on(case, d) for d in range(days)], list(Instance(case).pool[:days])


# --- A pool that shrinks and grows again ---------------------------------------------------

# 14,000 t from day 0, 7,000 t from day 3, 20,000 t from day 6. One 14,000 t division, ready
# on day 1 (one day to mobilize); ports and rail take 20,000 t a day, so only shipping binds.
DIP = {
    "shipping.pool": [
        {"date": day(0), "tons": 14000},
        {"date": day(3), "tons": 7000},
        {"date": day(6), "tons": 20000},
    ],
    "units.div.lift_tons": 14000,
    "units.div.mobilization_days": 1,
    "ports.moji.tons_per_day": 20000,
    "ports.pusan.tons_per_day": 20000,
    "rail.pusan_front.tons_per_day": 20000,
}


def test_the_pool_is_the_latest_step_not_the_largest() -> None:
    # Each step holds until the next: 14,000 on days 0-2, 7,000 on days 3-5, 20,000 from day 6.
    expected = [14000] * 3 + [7000] * 3 + [20000] * 2
    verifier, planner = both_pools(DIP, 8)
    assert verifier == planner == expected


def test_no_pool_before_the_first_step() -> None:
    # The first step is dated day 2: on days 0 and 1 there is no shipping at all.
    verifier, planner = both_pools({"shipping.pool": [{"date": day(2), "tons": 9000}]}, 4)
    assert verifier == planner == [0, 0, 9000, 9000]


def test_verifier_flags_the_ship_still_at_sea_when_the_pool_drops() -> None:
    # Sailing on day 1, the division holds 14,000 t on days 1, 2 and 3 (cycle 3 days). Day 3
    # has only 7,000 t (North share 100%): one violation, on day 3. The old "largest step so
    # far" pool said 14,000 t on day 3 and passed this plan.
    up = UnitPlan(id="div", move=0, mobilize=0, ready=1, sail=1, debark=2, entrain=2, arrive=4)
    plan = Plan(x_day=4, north_share_bp=10_000, units=(up,))
    assert verify(make(DIP), plan) == [
        Violation("shipping_pool_capacity", "day 3: 14,000 t at sea > North capacity 7,000 t")
    ]


def test_planner_waits_for_the_pool_to_grow_again() -> None:
    # The ship needs 14,000 t on three days in a row. Ready on day 1: sailing on day 1 or 2
    # runs into days 3-5 (7,000 t); the first window is days 6-8 (20,000 t). Sail on day 6,
    # land on day 7, entrain at once, two days by rail: X-Day is day 9.
    outcome = solve(DIP)
    assert outcome.status == Status.OPTIMAL
    assert outcome.plan is not None and outcome.plan.x_day == 9
    assert outcome.plan.unit("div").sail == 6
    brute = earliest_x_day(make(DIP))
    assert brute is not None and brute[0] == 9


# --- The Soviet reaction ------------------------------------------------------------------

# East: 10 div.-eq., withdrawing 4 by day 10 (0.4 a day); West: 6, withdrawing 1 by day 5
# (0.2 a day), never below 5. Withdrawals run at 1.5 × the schedule. The Soviets detect the
# order (day 0) 4 days later, halt withdrawals then, and bring 0.3 div.-eq. a day east, East
# taking a quarter and West three quarters, up to a Far East total of 15.
REACTION = {
    "fronts": {
        "east": {
            "name": "East",
            "initial_strength": 10,
            "reinforcement_share": 0.25,
            "withdrawals": [{"date": day(10), "cumulative": 4}],
        },
        "west": {
            "name": "West",
            "initial_strength": 6,
            "floor": 5,
            "reinforcement_share": 0.75,
            "withdrawals": [{"date": day(5), "cumulative": 1}],
        },
    },
    "levers.withdrawal_scale": 1.5,
    "soviet_reaction": {
        "enabled": True,
        "detection_lag_days": 4,
        "halt_withdrawals": True,
        "reinforce_per_day": 0.3,
        "ceiling": 15,
    },
    "criteria.force_ratio": {"ratio": 1.1, "soviet_factor": 3},
    "criteria.halving": {"enabled": True, "fraction": 0.7875},
}

# Days 0-4: East 10 − 1.5 × 0.4 d, West 6 − 1.5 × 0.2 d (West floored at 5 on day 4, where it
# would be 4.8). Withdrawals halt at detection (day 4): East stays at 7.6, West at 4.8 before
# reinforcement; the total 12.4 leaves room for 2.6 under the ceiling of 15. From day 5,
# R = min(0.3 × (d − 4), 2.6); East 7.6 + R/4, West 4.8 + 3R/4. R reaches the cap on day 13
# (0.3 × 9 = 2.7 > 2.6) and stays there: East 8.25, West 6.75, total 15.
HAND_STRENGTH = {  # day: (East, West) in milli-div.-eq.
    0: (10000, 6000),
    1: (9400, 5700),
    2: (8800, 5400),
    3: (8200, 5100),
    4: (7600, 5000),  # West at its floor
    5: (7675, 5025),  # R = 0.3
    6: (7750, 5250),  # R = 0.6
    12: (8200, 6600),  # R = 2.4
    13: (8250, 6750),  # R capped at 2.6
    20: (8250, 6750),
}


def test_soviet_reaction_strength_by_hand_on_both_sides() -> None:
    case = make(REACTION)
    verifier, planner = soviet_strength(case), Instance(case).strength
    for d, (east, west) in HAND_STRENGTH.items():
        assert strength_on(case, d) == {"east": east, "west": west}, d
        assert (verifier["east"][d], verifier["west"][d]) == (east, west), d
        assert (planner["east"][d], planner["west"][d]) == (east, west), d
    assert verifier == {f: list(days) for f, days in planner.items()}


def test_without_the_halt_withdrawals_go_on_after_detection() -> None:
    # Day 6 without the halt: East 10 − 1.5 × 2.4 = 6.4, West 6 − 1.5 × 1 = 4.5 (flat after its
    # last point, day 5); room 15 − 10.9 = 4.1 > R = 0.6: East 6.4 + 0.15 = 6.55, West
    # 4.5 + 0.45 = 4.95, raised to its floor of 5.
    # (A new mapping: tests.factory.make writes a dotted change into the dict it finds there.)
    case = make(
        {**REACTION, "soviet_reaction": {**REACTION["soviet_reaction"], "halt_withdrawals": False}}
    )
    assert strength_on(case, 6) == {"east": 6550, "west": 5000}
    assert (Instance(case).strength["east"][6], Instance(case).strength["west"][6]) == (6550, 5000)


def test_force_needed_and_halving_are_exact() -> None:
    # Force needed = ceil(1.1 × 3 × strength): day 0, East 3.3 × 10,000 = 33,000 exactly (in
    # binary floating point 1.1 × 3 is a hair above 3.3 and the ceiling would give 33,001);
    # day 5, East 3.3 × 7,675 = 25,327.5 → 25,328, West 3.3 × 5,025 = 16,582.5 → 16,583.
    # Halving (fraction 0.7875 of the day-0 total 16,000 = 12,600): day 4's total is 12,600,
    # equal, so it holds; day 3 (13,300) and day 6 (13,000, reinforced) do not; day 5 (12,700)
    # does not either.
    case = make(REACTION)
    inst = Instance(case)
    strength = soviet_strength(case)
    needed = force_needed(case, strength)
    assert (needed["east"][0], needed["east"][5], needed["west"][5]) == (33000, 25328, 16583)
    assert (
        inst.force_needed["east"][0],
        inst.force_needed["east"][5],
        inst.force_needed["west"][5],
    ) == (33000, 25328, 16583)
    holds = {d: halving_holds(case, strength, d) for d in (3, 4, 5, 6)}
    assert holds == {3: False, 4: True, 5: False, 6: False}
    assert {d: inst.halving_holds[d] for d in (3, 4, 5, 6)} == holds


def test_strength_rounds_the_exact_value_half_to_even() -> None:
    # 8.2 div.-eq., withdrawing 0.014 by day 2 at scale 1.5: on day 1, 8.2 − 1.5 × 0.007 =
    # 8.1895 exactly, 8,189.5 milli, rounded half to even: 8,190 (binary floating point gives
    # 8.189499999... and 8,189). Day 2: 8.2 − 0.021 = 8.179: 8,179.
    case = make(
        {
            "fronts.east.initial_strength": 8.2,
            "levers.withdrawal_scale": 1.5,
            "fronts.east.withdrawals": [{"date": day(2), "cumulative": 0.014}],
        }
    )
    assert soviet_strength(case)["east"][:3] == [8200, 8190, 8179]
    assert list(Instance(case).strength["east"][:3]) == [8200, 8190, 8179]


# --- South readiness after a pool drop ----------------------------------------------------

# 20,000 t until day 4, 10,000 t from day 5. The South needs 4,000 t by day 8 (1941-07-09),
# when the pool is 10,000 t: the North may have at most 60%. (The old "largest step so far"
# pool said 20,000 t on day 8 and allowed 80%.) The division is 6,000 t.
SOUTH = {
    "shipping.pool": [{"date": day(0), "tons": 20000}, {"date": day(5), "tons": 10000}],
    "shipping.south_requirements": {"indochina": {"by": day(8), "tons": 4000}},
    "units.div.lift_tons": 6000,
}


def test_south_limit_follows_the_drop() -> None:
    case = make({**SOUTH, "levers.north_share": 0.7})
    assert Instance(case).south_max_share_bp == 6000
    assert south_shortfalls(case, 6000) == []
    assert south_shortfalls(case, 7000) == [
        "indochina: South has 3,000 t on 1941-07-09, needs 4,000 t"
    ]


def test_verifier_rejects_a_share_the_drop_makes_too_large() -> None:
    # At 70% the division's ship fits (6,000 t ≤ 7,000 t on days 5 and 6) but the South has
    # 30% of 10,000 t = 3,000 t on day 8: only South readiness fails.
    up = UnitPlan(id="div", move=0, mobilize=0, ready=4, sail=4, debark=5, entrain=5, arrive=7)
    plan = Plan(x_day=7, north_share_bp=7000, units=(up,))
    assert [v.rule for v in verify(make({**SOUTH, "levers.north_share": 0.7}), plan)] == [
        "south_readiness"
    ]


def test_planner_refuses_the_fixed_share_and_picks_sixty_percent_when_auto() -> None:
    # Fixed at 70%: no plan can meet the South, a no-go. Auto: sailing on day 4 holds 6,000 t
    # on days 4-6, and days 5-6 have 10,000 t, so the North needs 60% — exactly what the South
    # leaves. X-Day 7 (land day 5, two days by rail) at 60%. The old pool gave 30%.
    assert solve({**SOUTH, "levers.north_share": 0.7}).status == Status.INFEASIBLE
    outcome = solve({**SOUTH, "levers.north_share": "auto"})
    assert outcome.status == Status.OPTIMAL and outcome.plan is not None
    assert (outcome.plan.x_day, outcome.plan.north_share_bp) == (7, 6000)
    brute = earliest_x_day(make({**SOUTH, "levers.north_share": "auto"}))
    assert brute is not None and (brute[0], brute[1].north_share_bp) == (7, 6000)
