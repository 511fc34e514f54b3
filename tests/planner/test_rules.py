"""Per rule: a case where the rule decides X-Day, and one where it makes the case infeasible.

Every case comes from tests/factory.py: by default one home division is ready on day 4,
sails that day, lands on day 5 and reaches the front on day 7.
"""

from __future__ import annotations

from typing import Any

import pytest

from kantokuen.models.certify import check_certificate
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.verify import CHECKS, verify
from kantokuen.planner.model import CONSTRAINTS
from kantokuen.planner.solve import Outcome, SolveOptions, plan_case
from tests.factory import day, division, make

OPTIONS = SolveOptions(time_limit=20, workers=1, seed=0)


def solve(changes: dict[str, Any] | None = None) -> Outcome:
    outcome = plan_case(Instance(make(changes)), OPTIONS)
    if outcome.plan is not None:
        assert verify(make(changes), outcome.plan) == []
    return outcome


def x_day(changes: dict[str, Any] | None = None) -> int:
    outcome = solve(changes)
    assert outcome.status == Status.OPTIMAL, outcome.status
    assert outcome.plan is not None
    return outcome.plan.x_day


def infeasible(changes: dict[str, Any]) -> bool:
    return solve(changes).status == Status.INFEASIBLE


def test_every_constraint_family_has_a_verifier_check_and_back() -> None:
    """The planner's constraint families and the verifier's checks name the same rules, in order."""
    assert [name for name, _ in CONSTRAINTS] == [name for name, _ in CHECKS]


def test_baseline_chain() -> None:
    """Ready day 4 + 1 day at sea + 2 days by rail: X-Day is day 7."""
    assert x_day() == 7


def test_mobilization_after_order_binds() -> None:
    """An order on day 3 delays everything three days: X-Day 10."""
    assert x_day({"levers.mobilization_order": day(3)}) == 10


def test_mobilization_after_order_infeasible() -> None:
    """A division needing 38 days to mobilize cannot land and entrain within 40 days."""
    assert infeasible({"units.div.mobilization_days": 38})


def test_unit_availability_binds() -> None:
    """A unit available only from day 2 is ready on day 6: X-Day 9."""
    assert x_day({"units.div.available": day(2)}) == 9


def test_depot_capacity_binds() -> None:
    """A depot for 20,000 men mobilizes two 20,000-man divisions one after the other:
    the second starts on day 4, is ready on 8 and arrives on 11."""
    assert x_day({"regions.home.depot_men": 20000, "units.div.count": 2}) == 11


def test_depot_capacity_infeasible() -> None:
    """A depot smaller than one division can never mobilize it."""
    assert infeasible({"regions.home.depot_men": 10000})


def test_sea_voyage_binds() -> None:
    """Three days' march to the port: sails day 7, X-Day 10."""
    assert x_day({"units.div.travel_to_port_days": 3}) == 10


def test_sea_voyage_infeasible() -> None:
    """A 40-day voyage cannot end within the horizon."""
    assert infeasible(
        {"sea_routes.moji_pusan.sail_days": 40, "sea_routes.moji_pusan.cycle_days": 40}
    )


def test_shipping_pool_capacity_binds() -> None:
    """10,000 t holds one 8,000 t division at a time for its 3-day cycle: the second sails on
    day 7 and arrives on day 10."""
    assert x_day({"shipping.pool.0.tons": 10000, "units.div.count": 2}) == 10


def test_shipping_pool_steps_bind() -> None:
    """The pool has no ships until day 6 (requisitioning): sail day 6, X-Day 9."""
    pool = [{"date": day(0), "tons": 0}, {"date": day(6), "tons": 20000}]
    assert x_day({"shipping.pool": pool}) == 9


def test_shipping_pool_capacity_infeasible() -> None:
    """A North share of 30% of 20,000 t (6,000 t) cannot carry an 8,000 t division."""
    assert infeasible({"levers.north_share": 0.3})


def test_ship_must_return_within_horizon() -> None:
    """A 30-day cycle starting no earlier than day 4 does not end by day 33: no plan."""
    assert infeasible({"sea_routes.moji_pusan.cycle_days": 31, "calendar.horizon_days": 33})


def test_embarkation_throughput_binds() -> None:
    """Moji loads 10,000 t a day: two 6,000 t divisions sail on days 4 and 5; X-Day 8."""
    assert x_day({"units.div.count": 2, "units.div.lift_tons": 6000}) == 8


def test_embarkation_throughput_infeasible() -> None:
    """With the attack due by day 7 the second division cannot load in time."""
    assert infeasible(
        {
            "units.div.count": 2,
            "units.div.lift_tons": 6000,
            "criteria.decision_deadline.date": day(7),
        }
    )


def test_debarkation_throughput_binds() -> None:
    """Two divisions from two ports both could sail on day 4, but Pusan unloads 10,000 t a
    day: one lands on day 6, arriving day 8."""
    changes = {
        "units.div2": division(
            lift_tons=6000, moves=[{"sea": "osaka_pusan", "rail": "pusan_front"}]
        ),
        "units.div.lift_tons": 6000,
        "rail.pusan_front.tons_per_day": 20000,
        "shipping.pool.0.tons": 40000,
    }
    assert x_day(changes) == 8


def test_debarkation_throughput_infeasible() -> None:
    """The same two divisions cannot both be unloaded by day 5 for an attack on day 7."""
    changes = {
        "units.div2": division(
            lift_tons=6000, moves=[{"sea": "osaka_pusan", "rail": "pusan_front"}]
        ),
        "units.div.lift_tons": 6000,
        "rail.pusan_front.tons_per_day": 20000,
        "shipping.pool.0.tons": 40000,
        "criteria.weather.deadline": day(7),
    }
    assert infeasible(changes)


def test_rail_capacity_binds() -> None:
    """Both divisions land on day 5 (ports doubled) but the line takes 10,000 t a day: the
    second entrains on day 6 and arrives on day 8."""
    changes = {
        "units.div.count": 2,
        "units.div.lift_tons": 6000,
        "ports.moji.tons_per_day": 20000,
        "ports.pusan.tons_per_day": 20000,
    }
    assert x_day(changes) == 8


def test_rail_capacity_infeasible() -> None:
    """...and cannot both arrive by day 7."""
    changes = {
        "units.div.count": 2,
        "units.div.lift_tons": 6000,
        "ports.moji.tons_per_day": 20000,
        "ports.pusan.tons_per_day": 20000,
        "criteria.weather.deadline": day(7),
    }
    assert infeasible(changes)


def test_route_choice_takes_the_faster_move() -> None:
    """A North China division may go by sea (X-Day 7) or by rail (9 days): it takes the sea."""
    china = division(
        origin="china",
        moves=[{"rail": "china_front"}, {"sea": "moji_pusan", "rail": "pusan_front"}],
    )
    assert x_day({"units.div": china, "ports.moji.region": "china"}) == 7


def test_route_choice_binds_when_the_sea_is_closed() -> None:
    """With no ships at all it goes by rail: ready day 4 + 9 days: X-Day 13."""
    china = division(
        origin="china",
        moves=[{"rail": "china_front"}, {"sea": "moji_pusan", "rail": "pusan_front"}],
    )
    assert (
        x_day({"units.div": china, "ports.moji.region": "china", "shipping.pool.0.tons": 0}) == 13
    )


def test_route_choice_infeasible_without_any_usable_move() -> None:
    """A required unit whose only move needs ships cannot go when there are none."""
    assert infeasible({"shipping.pool.0.tons": 0})


def test_x_day_in_horizon_binds() -> None:
    """A decision 10 days before the attack cannot come before day 0: X-Day 10."""
    assert x_day({"criteria.decision_deadline.decision_to_attack_days": 10}) == 10


def test_x_day_in_horizon_infeasible() -> None:
    """A decision 41 days ahead of an attack inside a 40-day horizon is impossible."""
    assert infeasible({"criteria.decision_deadline.decision_to_attack_days": 41})


def test_required_arrivals_binds() -> None:
    """Without the force ratio, X-Day is still the day the last required unit arrives (7)."""
    assert x_day({"criteria.force_ratio.enabled": False}) == 7


def test_required_arrivals_infeasible() -> None:
    """The required division cannot arrive before a weather-forced X-Day of 6."""
    assert infeasible({"criteria.force_ratio.enabled": False, "criteria.weather.deadline": day(6)})


def test_force_ratio_binds() -> None:
    """Two optional divisions; 2:1 against one Soviet division needs both. They sail on days
    4 and 5 (Moji loads one a day), so X-Day is 8 — versus 7 when 1:1 suffices."""
    changes = {"units.div.count": 2, "units.div.required": False, "criteria.force_ratio.ratio": 2}
    assert x_day(changes) == 8
    assert x_day({**changes, "criteria.force_ratio.ratio": 1}) == 7


def test_force_ratio_leaves_unneeded_optional_units_home() -> None:
    """At 1:1 only one optional division is committed (ton-days favour leaving one home)."""
    outcome = solve({"units.div.count": 2, "units.div.required": False})
    assert outcome.plan is not None
    assert sum(u.committed for u in outcome.plan.units) == 1


def test_force_ratio_infeasible() -> None:
    """Two divisions can never be 3:1 against one Soviet division."""
    assert infeasible(
        {"units.div.count": 2, "units.div.required": False, "criteria.force_ratio.ratio": 3}
    )


HALVING = {
    "criteria.halving.enabled": True,
    "criteria.force_ratio.enabled": False,
    "fronts.east.initial_strength": 10,
    # 0.3 div.-eq. leave per day: strength 4.9 ≤ 5 first on day 17 (5.2 on day 16).
    "fronts.east.withdrawals": [{"date": day(20), "cumulative": 6}],
}


def test_halving_criterion_binds() -> None:
    """The Soviets are down to half only on day 17: X-Day 17 although the division is there on 7."""
    assert x_day(HALVING) == 17


def test_halving_criterion_scale_binds() -> None:
    """Withdrawals twice as fast halve the front on day 9 (4.6 left; 5.2 on day 8)."""
    assert x_day({**HALVING, "levers.withdrawal_scale": 2.0}) == 9


def test_halving_criterion_infeasible() -> None:
    """At half the historical rate only 3 divisions ever leave: never halved."""
    assert infeasible({**HALVING, "levers.withdrawal_scale": 0.5})


def test_decision_deadline_binds() -> None:
    """Halving on day 17 and a decision deadline on day 17: X-Day 17 with zero margin."""
    assert x_day({**HALVING, "criteria.decision_deadline.date": day(17)}) == 17


def test_decision_deadline_adds_the_attack_lag() -> None:
    """Decision on day 17 (halving), attack 5 days later: X-Day 22."""
    assert x_day({**HALVING, "criteria.decision_deadline.decision_to_attack_days": 5}) == 22


def test_decision_deadline_infeasible() -> None:
    """A deadline on day 16 comes before the Soviets are halved."""
    assert infeasible({**HALVING, "criteria.decision_deadline.date": day(16)})


def test_weather_deadline_binds() -> None:
    """A 10-day campaign ending by day 17 needs X-Day ≤ 7, which the division just makes."""
    assert x_day({"criteria.weather.deadline": day(17), "criteria.weather.campaign_days": 10}) == 7


def test_weather_deadline_infeasible() -> None:
    """One day less and the campaign cannot finish before winter."""
    assert infeasible({"criteria.weather.deadline": day(16), "criteria.weather.campaign_days": 10})


def test_soviet_reaction_halts_withdrawals() -> None:
    """Detected on day 10 (order + 10), withdrawals stop at 3 div.-eq.: never halved."""
    changes = {**HALVING, "soviet_reaction": {"enabled": True, "detection_lag_days": 10}}
    assert infeasible(changes)


SOUTH = {
    "levers.north_share": "auto",
    "units.div.count": 2,
    # 12,000 t of 20,000 t for the South leaves at most 40% (8,000 t) to the North.
    "shipping.south_requirements": {"indochina": {"by": day(20), "tons": 12000}},
}


def test_south_readiness_binds() -> None:
    """Auto share capped at 40%: one division at sea at a time, the second sails on day 7:
    X-Day 10, and the smallest share giving it is 40%."""
    outcome = solve(SOUTH)
    assert outcome.plan is not None and outcome.plan.x_day == 10
    assert outcome.plan.north_share_bp == 4000


def test_auto_share_is_smallest_for_earliest_x_day() -> None:
    """Without the South, both sail on days 4 and 5 (X-Day 8): needs 16,000 t = 80%."""
    outcome = solve({**SOUTH, "criteria.south_readiness.enabled": False})
    assert outcome.plan is not None and outcome.plan.x_day == 8
    assert outcome.plan.north_share_bp == 8000


def test_south_readiness_infeasible() -> None:
    """A South need of 13,000 t leaves 35% (7,000 t): the 8,000 t division never sails."""
    assert infeasible({**SOUTH, "shipping.south_requirements.indochina.tons": 13000})


def test_fixed_share_starving_south_is_no_go() -> None:
    """A fixed North share of 100% leaves the South nothing: South readiness fails."""
    assert infeasible({"shipping.south_requirements": {"indochina": {"by": day(20), "tons": 1}}})


# --- Soviet formations and other measures (DESIGN §1c) ---------------------------------------

# 0.3 div.-eq. leave a day and new formations add 0.1 a day (both to day 40): the front loses
# 0.2 a day, 10 − 0.2 d ≤ 5 first on day 25 (without the formations: day 17, see HALVING).
FORMATIONS = {
    **HALVING,
    "fronts.east.withdrawals": [{"date": day(40), "cumulative": 12}],
    "fronts.east.formations": [{"date": day(40), "cumulative": 4}],
}


def test_formations_delay_halving() -> None:
    """New formations hold the front up: halved only on day 25."""
    assert x_day(FORMATIONS) == 25


def test_formations_are_not_scaled_by_the_withdrawal_scale() -> None:
    """At scale 2, 0.6 leave a day and still 0.1 are formed: 10 − 0.5 d ≤ 5 on day 10 (scaled
    formations would make it 10 − 0.4 d: day 13)."""
    assert x_day({**FORMATIONS, "levers.withdrawal_scale": 2.0}) == 10


def test_formations_can_keep_the_front_from_halving() -> None:
    """Formations as fast as the withdrawals (0.3 a day): the front never falls."""
    assert infeasible(
        {**FORMATIONS, "fronts.east.formations": [{"date": day(40), "cumulative": 12}]}
    )


# 300 tanks, 10 leaving a day: half (150) gone on day 15, a third (≤ 99.9) on day 21.
TANKS = {
    "criteria.force_ratio.enabled": False,
    "fronts.east.tanks": {"initial": 300, "withdrawals": [{"date": day(30), "cumulative": 300}]},
}


def test_halving_criterion_on_another_measure_binds() -> None:
    """The halving criterion on tanks: 300 − 10 d ≤ 150 on day 15."""
    assert x_day({**TANKS, "criteria.halving": {"fraction": 0.5, "measure": "tanks"}}) == 15


def test_armour_air_criterion_binds() -> None:
    """Tanks down to a third (0.333 × 300 = 99.9): 100 on day 20, 90 on day 21."""
    assert x_day({**TANKS, "criteria.armour_air": {"fraction": 0.333, "measures": ["tanks"]}}) == 21


def test_armour_air_criterion_tests_every_measure() -> None:
    """Aircraft too: 90 leaving 2.5 a day (to day 36) are at most 29.97 (0.333 × 90) from day
    25 (27.5; 30 on day 24): the later of the two measures (tanks: day 21) decides."""
    aircraft = {"initial": 90, "withdrawals": [{"date": day(36), "cumulative": 90}]}
    changes = {
        **TANKS,
        "fronts.east.aircraft": aircraft,
        "criteria.armour_air": {"fraction": 0.333},
    }
    assert x_day(changes) == 25


def test_armour_air_criterion_infeasible() -> None:
    """Tank formations (5 a day to day 30) halve the net loss: 300 − 5 d, and both schedules
    end on day 30 with 150 tanks left: never down to a third."""
    formed = [{"date": day(30), "cumulative": 150}]
    changes = {
        **TANKS,
        "fronts.east.tanks.formations": formed,
        "criteria.armour_air.fraction": 0.333,
    }
    assert infeasible(changes)


# --- A North share schedule ------------------------------------------------------------------

TWO_DIVISIONS = {"units.div.count": 2}  # 8,000 t each; Moji loads one a day from day 4


def test_share_schedule_binds() -> None:
    """40% (8,000 t) until day 5, 80% from day 6: the first division sails on day 4 and holds
    8,000 t on days 4-6; the second can join it only once the North has 16,000 t, on day 6:
    lands on day 7, arrives on day 9 (40% throughout: day 10; 80% throughout: day 8)."""
    schedule = [{"date": day(0), "share": 0.4}, {"date": day(6), "share": 0.8}]
    outcome = solve({**TWO_DIVISIONS, "levers.north_share": schedule})
    assert outcome.plan is not None and outcome.plan.x_day == 9
    assert outcome.plan.north_share_bp == 8000  # the share in force on X-Day


def test_share_schedule_infeasible() -> None:
    """30% (6,000 t) until day 30, then nothing: the 8,000 t division never fits."""
    schedule = [{"date": day(0), "share": 0.3}, {"date": day(30), "share": 0.0}]
    assert infeasible({"levers.north_share": schedule})


def test_no_north_share_before_the_schedule_starts() -> None:
    """The first step is dated day 8: before it the North has no ships, so the division sails
    on day 8, lands on day 9 and arrives on day 11."""
    assert x_day({"levers.north_share": [{"date": day(8), "share": 1.0}]}) == 11


# The South needs 12,000 t of the 20,000 t pool by day 10: the North may have 40% that day.
SOUTH_BY_10 = {"shipping.south_requirements": {"indochina": {"by": day(10), "tons": 12000}}}


def test_south_readiness_uses_the_share_in_force_on_its_date() -> None:
    """80% until day 9 and 40% from day 10: the South has its 12,000 t on day 10, and both
    divisions sail on days 4 and 5 with 16,000 t: X-Day 8."""
    schedule = [{"date": day(0), "share": 0.8}, {"date": day(10), "share": 0.4}]
    changes = {**TWO_DIVISIONS, **SOUTH_BY_10, "levers.north_share": schedule}
    assert x_day(changes) == 8


def test_south_readiness_with_a_schedule_infeasible() -> None:
    """The North keeps 80% until day 11: on day 10 the South has 4,000 t of its 12,000 t."""
    schedule = [{"date": day(0), "share": 0.8}, {"date": day(11), "share": 0.4}]
    assert infeasible({**TWO_DIVISIONS, **SOUTH_BY_10, "levers.north_share": schedule})


# --- Handling over days (DESIGN §1c): a port or line handles at most its daily rate each day;
# a unit larger than what is left takes consecutive days, through when its last part is.

BIG_DIVISION = {"units.div.lift_tons": 12000}


def test_handling_over_days_binds() -> None:
    """A 12,000 t division at 10,000 t/day ports and line: loaded on days 4 and 5 (10,000 +
    2,000 t), sails on 5, lands on 6, unloaded on 6 and 7, entrained on 7 and 8, arrives on 10
    (8 + 2 days' transit)."""
    outcome = solve(BIG_DIVISION)
    assert outcome.plan is not None and outcome.plan.x_day == 10
    (up,) = outcome.plan.units
    assert up.loading == ((4, 10000), (5, 2000)) and up.sail == 5
    assert up.unloading == ((6, 10000), (7, 2000))
    assert up.entraining == ((7, 10000), (8, 2000)) and up.entrain == 8


def test_handling_over_days_infeasible() -> None:
    """...so it cannot be at the front by day 9."""
    assert infeasible({**BIG_DIVISION, "criteria.weather.deadline": day(9)})


FIVE_AT_MOJI = {
    "units.div.count": 5,
    "units.div.lift_tons": 6000,
    "ports.pusan.tons_per_day": 30000,
    "rail.pusan_front.tons_per_day": 30000,
    "shipping.pool.0.tons": 40000,
}


def test_parts_of_units_fill_a_port() -> None:
    """Moji loads 10,000 t a day and five 6,000 t divisions need 30,000 t: three days, not five
    (a unit takes what a day has left and finishes the next day). The last two sail on day 6
    and arrive on day 9; with one unit a day the last would sail on day 8."""
    outcome = solve(FIVE_AT_MOJI)
    assert outcome.plan is not None and outcome.plan.x_day == 9
    assert sorted(up.sail for up in outcome.plan.units) == [4, 5, 5, 6, 6]


def test_parts_of_units_fill_a_port_infeasible() -> None:
    """Three days of loading cannot end by day 5: no plan reaches the front by day 8."""
    assert infeasible({**FIVE_AT_MOJI, "criteria.weather.deadline": day(8)})


SHIPS_FROM_DAY_5 = {
    **BIG_DIVISION,
    "shipping.pool": [{"date": day(0), "tons": 0}, {"date": day(5), "tons": 20000}],
}


def test_ships_are_held_from_the_first_loading_day() -> None:
    """No ships until day 5: loading, which holds the ships, starts on day 5 (not on day 4 with
    the ships joining at sailing), so the division sails on 6 and arrives on 11."""
    outcome = solve(SHIPS_FROM_DAY_5)
    assert outcome.plan is not None and outcome.plan.x_day == 11
    assert outcome.plan.units[0].loading == ((5, 10000), (6, 2000))


def test_ships_are_held_from_the_first_loading_day_infeasible() -> None:
    """...and cannot arrive by day 10."""
    assert infeasible({**SHIPS_FROM_DAY_5, "criteria.weather.deadline": day(10)})


# --- Each resource in its own measure: men, horses and cargo converted by the case's factors.

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
"""20,000 men, 2,000 horses and 4,000 t: ship space 40,000 + 10,000 + 4,000 = 54,000 GRT;
handling 2,000 + 1,000 + 4,000 = 7,000 t; trains 20 + 10 + 8 = 38."""


def test_trains_bind() -> None:
    """Ready, loaded and sailing on day 4, landed and unloaded on 5; the line runs 6 trains a
    day, so the 38 trains leave on days 5-11 (6 a day, then 2) and the division arrives on 13."""
    outcome = solve(CONVERTED)
    assert outcome.plan is not None and outcome.plan.x_day == 13
    assert outcome.plan.units[0].entraining == (*((d, 6) for d in range(5, 11)), (11, 2))


def test_trains_infeasible() -> None:
    """...so not by day 12. The no-go is certified by the line, in trains: the division is at
    the railhead on day 5 at the earliest, its 38 trains take ceil(38 / 6) = 7 days of the line
    and the front is 2 days on: 5 + 7 − 1 + 2 = day 13."""
    changes = {**CONVERTED, "criteria.weather.deadline": day(12)}
    outcome = solve(changes)
    assert outcome.status == Status.INFEASIBLE and outcome.certificate is not None
    assert outcome.certificate["required_by"] == {
        "day": 13,
        "facility": "rail:pusan_front",
        "units": ["div"],
    }
    assert check_certificate(make(changes), outcome.certificate) == []


def test_ship_space_binds_in_grt() -> None:
    """The division needs 54,000 GRT of ships: a pool of exactly that carries it."""
    assert x_day({**CONVERTED, "shipping.pool.0.tons": 54000}) == 13


def test_ship_space_infeasible_in_grt() -> None:
    """One GRT less and it never sails."""
    assert infeasible({**CONVERTED, "shipping.pool.0.tons": 53999})


def test_handling_tons_bind() -> None:
    """Its 7,000 handling tons at a 6,000 t/day Moji: loaded on days 4 and 5, one day later
    throughout: X-Day 14."""
    outcome = solve({**CONVERTED, "ports.moji.tons_per_day": 6000})
    assert outcome.plan is not None and outcome.plan.x_day == 14
    assert outcome.plan.units[0].loading == ((4, 6000), (5, 1000))


@pytest.mark.parametrize("workers", [1, 2])
def test_deterministic_for_fixed_seed_and_workers(workers: int) -> None:
    """Two solves with the same seed and worker count give the same plan."""
    changes = {"units.div.count": 3, "units.div.lift_tons": 5000}
    options = SolveOptions(time_limit=20, workers=workers, seed=7)
    first = plan_case(Instance(make(changes)), options)
    second = plan_case(Instance(make(changes)), options)
    assert first.plan == second.plan
