"""Knock-out tests: leave one constraint family out of the model, on a tiny case where its rule
binds, solve for the earliest X-Day, and check that the verifier flags exactly that rule.

A knock-out that the verifier lets through means the verifier misses the rule; one that it
blames on another rule means planner and verifier file the same rule under different names.
The base case (tests/factory.py) is one home division, ready on day 4, sailing that day,
landing on day 5 and reaching the front on day 7.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from ortools.sat.python import cp_model

from kantokuen.models.plan import Plan, UnitPlan
from kantokuen.models.verify import verify
from kantokuen.planner.model import CONSTRAINTS, Model, build
from kantokuen.planner.solve import extract_plan
from tests.factory import day, division, inst

TWO_SMALL = {"units.div.count": 2, "units.div.lift_tons": 6000}
HALVING = {
    "criteria.halving.enabled": True,
    "criteria.force_ratio.enabled": False,
    "fronts.east.initial_strength": 10,
    # 0.3 div.-eq. leave per day: strength 4.9 ≤ 5 first on day 17 (5.2 on day 16).
    "fronts.east.withdrawals": [{"date": day(20), "cumulative": 6}],
}
# 300 tanks, 10 leaving a day: a third (0.333 × 300 = 99.9) first on day 21 (100 on day 20).
ARMOUR = {
    "criteria.armour_air": {"fraction": 0.333, "measures": ["tanks"]},
    "criteria.force_ratio.enabled": False,
    "fronts.east.tanks": {"initial": 300, "withdrawals": [{"date": day(30), "cumulative": 300}]},
}
CHINA_BY_RAIL_ONLY = {
    "units.div": division(
        origin="china",
        moves=[{"rail": "china_front"}, {"sea": "moji_pusan", "rail": "pusan_front"}],
    ),
    "ports.moji.region": "china",
    "shipping.pool.0.tons": 0,
}


@dataclass(frozen=True)
class Knockout:
    """A case where the rule binds; the earliest X-Day with the rule (None: no-go) and without."""

    changes: dict[str, Any]
    with_rule: int | None
    without_rule: int
    why: str = field(default="", compare=False)


KNOCKOUTS: dict[str, Knockout] = {
    # Each entry says why the rule binds on its case, and what the optimum does without it.
    "mobilization_after_order": Knockout(
        {
            "units.div": division(
                origin="korea",
                mobilization_days=0,
                available=day(45),
                moves=[{"rail": "korea_front"}],
            ),
            "rail.korea_front.transit_days": 0,
            "criteria.weather.deadline": day(40),
            "criteria.decision_deadline.date": day(40),
        },
        None,
        40,
        "a required unit available only on day 45, after the 40-day horizon: no-go. Its "
        "mobilization day's domain is clamped to the horizon, so without the rule it starts on "
        "day 40 and, needing no time to mobilize or travel, arrives the same day (see also "
        "test_mobilization_after_order_is_also_held_by_the_domains)",
    ),
    "depot_capacity": Knockout(
        {"regions.home.depot_men": 20000, "units.div.count": 2},
        11,
        8,
        "a 20,000-man depot mobilizes two divisions one after the other; without it both are "
        "ready on day 4 and Moji loads them on days 4 and 5",
    ),
    "sea_voyage": Knockout(
        {**TWO_SMALL, "rail.pusan_front.tons_per_day": 20000},
        8,
        7,
        "Moji loads one 6,000 t division a day (days 4 and 5); without the rule one sails "
        "before it is ready and both entrain on day 5",
    ),
    "shipping_pool_capacity": Knockout(
        {"shipping.pool.0.tons": 10000, "units.div.count": 2},
        10,
        8,
        "10,000 t carry one 8,000 t division per 3-day cycle; without the rule both are at sea",
    ),
    "embarkation_throughput": Knockout(
        {**TWO_SMALL, "ports.pusan.tons_per_day": 20000, "rail.pusan_front.tons_per_day": 20000},
        8,
        7,
        "Moji alone loads 10,000 t a day (Pusan and the line take both at once)",
    ),
    "debarkation_throughput": Knockout(
        {
            "units.div2": division(
                lift_tons=6000, moves=[{"sea": "osaka_pusan", "rail": "pusan_front"}]
            ),
            "units.div.lift_tons": 6000,
            "rail.pusan_front.tons_per_day": 20000,
            "shipping.pool.0.tons": 40000,
        },
        8,
        7,
        "two divisions sail from Moji and Osaka on day 4; Pusan unloads 10,000 t a day",
    ),
    "rail_capacity": Knockout(
        {**TWO_SMALL, "ports.moji.tons_per_day": 20000, "ports.pusan.tons_per_day": 20000},
        8,
        7,
        "both divisions land on day 5; the line takes 10,000 t a day",
    ),
    "x_day_in_horizon": Knockout(
        {"criteria.decision_deadline.decision_to_attack_days": 10},
        10,
        7,
        "a decision 10 days ahead of the attack cannot come before day 0",
    ),
    "required_arrivals": Knockout(
        {"criteria.force_ratio.enabled": False},
        7,
        0,
        "with the force ratio off only the required division's arrival holds X-Day back",
    ),
    "force_ratio": Knockout(
        {**TWO_SMALL, "units.div.required": False, "criteria.force_ratio.ratio": 2},
        8,
        0,
        "two optional divisions, both needed at 2:1; nothing else holds X-Day back",
    ),
    "halving_criterion": Knockout(
        HALVING, 17, 7, "the Soviets are down to half only on day 17; the division is there on 7"
    ),
    "armour_air_criterion": Knockout(
        ARMOUR, 21, 7, "Soviet tanks are down to a third only on day 21; the division is there on 7"
    ),
    "decision_deadline": Knockout(
        {**HALVING, "criteria.decision_deadline.date": day(16)},
        None,
        17,
        "halving first holds on day 17, a day after the deadline: no-go; without the deadline "
        "the decision comes on day 17",
    ),
    "weather_deadline": Knockout(
        {"criteria.weather.deadline": day(16), "criteria.weather.campaign_days": 10},
        None,
        7,
        "a 10-day campaign ending by day 16 needs X-Day ≤ 6; the division arrives on day 7",
    ),
    "south_readiness": Knockout(
        {
            "levers.north_share": "auto",
            "units.div.count": 2,
            "shipping.south_requirements": {"indochina": {"by": day(20), "tons": 12000}},
        },
        10,
        8,
        "the South's 12,000 t leave the North 40%: one division at sea at a time; without the "
        "rule both sail on days 4 and 5 with 80% of the pool",
    ),
}


# Handling over days (DESIGN §1c): the same families, on cases where a unit takes several days
# at a facility, or a port passes parts of units; each knock-out is flagged as its own rule.
BIG_DIVISION = {"units.div.lift_tons": 12000}
FIVE_SMALL = {"units.div.count": 5, "units.div.lift_tons": 6000, "shipping.pool.0.tons": 40000}
OVER_DAYS: dict[str, Knockout] = {
    "sea_voyage": Knockout(
        BIG_DIVISION,
        10,
        7,
        "a 12,000 t division at 10,000 t/day: loaded on days 4-5, unloaded on 6-7, entrained on "
        "7-8 (X-Day 10); without the rule its loading and unloading days float free",
    ),
    "embarkation_throughput": Knockout(
        {**FIVE_SMALL, "ports.pusan.tons_per_day": 30000, "rail.pusan_front.tons_per_day": 30000},
        9,
        7,
        "Moji passes 30,000 t in three days (parts of units on the same day): the last two sail "
        "on day 6; without the rule all five load on day 4",
    ),
    "debarkation_throughput": Knockout(
        {**FIVE_SMALL, "ports.moji.tons_per_day": 30000, "rail.pusan_front.tons_per_day": 30000},
        9,
        7,
        "Pusan passes the five divisions in three days; without the rule all land on day 5",
    ),
    "rail_capacity": Knockout(
        {**BIG_DIVISION, "ports.moji.tons_per_day": 20000, "ports.pusan.tons_per_day": 20000},
        8,
        7,
        "the 12,000 t division entrains on days 5 and 6 of a 10,000 t/day line",
    ),
    "shipping_pool_capacity": Knockout(
        {
            **BIG_DIVISION,
            "shipping.pool": [{"date": day(0), "tons": 0}, {"date": day(5), "tons": 20000}],
        },
        11,
        10,
        "no ships until day 5 and ships are held from the first loading day: loading on days 5-6; "
        "without the rule it loads on days 4-5",
    ),
}


Solved = tuple[Model, cp_model.CpSolver]


def solve(changes: dict[str, Any], omit: frozenset[str] = frozenset()) -> Solved | None:
    """The model without the omitted families, solved for the earliest X-Day (None: no plan)."""
    m = build(inst(changes), omit=omit)
    m.cp.minimize(m.terms["x_day"])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 20
    code = solver.solve(m.cp)
    if code == cp_model.INFEASIBLE:
        return None
    assert code == cp_model.OPTIMAL, solver.status_name(code)
    return m, solver


def broken_rules(m: Model, plan: Plan) -> set[str]:
    return {v.rule for v in verify(m.inst.case, plan)}


@pytest.mark.parametrize("rule", sorted(KNOCKOUTS))
def test_knocked_out_rule_is_the_one_flagged(rule: str) -> None:
    """With the rule the earliest X-Day is later (or there is none); without it the optimum
    breaks the rule, and the verifier blames that rule and no other."""
    k = KNOCKOUTS[rule]
    full = solve(k.changes)
    if k.with_rule is None:
        assert full is None, k.why
    else:
        assert full is not None, k.why
        assert extract_plan(*full).x_day == k.with_rule, k.why
        assert broken_rules(full[0], extract_plan(*full)) == set()
    knocked = solve(k.changes, omit=frozenset({rule}))
    assert knocked is not None
    plan = extract_plan(*knocked)
    assert plan.x_day == k.without_rule, k.why
    assert broken_rules(knocked[0], plan) == {rule}


@pytest.mark.parametrize("rule", sorted(OVER_DAYS))
def test_knocked_out_rule_over_days_is_the_one_flagged(rule: str) -> None:
    """As above, on a case where handling over days binds."""
    k = OVER_DAYS[rule]
    full = solve(k.changes)
    assert full is not None and extract_plan(*full).x_day == k.with_rule, k.why
    assert broken_rules(full[0], extract_plan(*full)) == set()
    knocked = solve(k.changes, omit=frozenset({rule}))
    assert knocked is not None
    plan = extract_plan(*knocked)
    assert plan.x_day == k.without_rule, k.why
    assert broken_rules(knocked[0], plan) == {rule}


def test_route_choice_knocked_out() -> None:
    """A North China division goes by rail (9 days, X-Day 13) when there are no ships. Without the
    rule it takes no move at all: nothing then holds it back but its fastest conceivable arrival
    (day 7, by sea), and X-Day is 7. `extract_plan` cannot express a committed unit without a move
    (it assumes the rule: `next()` over no true move literal raises StopIteration), so the plan is
    written out here with `move=None`. The force ratio is off: a unit without a move counts for
    nothing with the verifier, so the force ratio would be broken too."""
    changes = {**CHINA_BY_RAIL_ONLY, "criteria.force_ratio.enabled": False}
    full = solve(changes)
    assert full is not None and extract_plan(*full).x_day == 13
    knocked = solve(changes, omit=frozenset({"route_choice"}))
    assert knocked is not None
    m, solver = knocked
    (unit,) = m.units
    assert not any(solver.value(lit) for lit in unit.move_lits)
    mobilize = solver.value(unit.mobilize)
    plan = Plan(
        x_day=solver.value(m.x_day),
        north_share_bp=10000,
        units=(
            UnitPlan(
                id=unit.spec.id,
                move=None,
                mobilize=mobilize,
                ready=mobilize + unit.spec.mobilization_days,
                entrain=solver.value(unit.entrain),
                arrive=solver.value(unit.arrive),
            ),
        ),
    )
    assert plan.x_day == 7
    assert broken_rules(m, plan) == {"route_choice"}


def test_mobilization_after_order_is_also_held_by_the_domains() -> None:
    """Inside the horizon the rule is enforced twice: `create_variables` starts the domain of
    each unit's mobilization day at its earliest day (order or availability), and the horizon
    bounds sailing and entraining, which come after readiness. With the order on day 3 the
    earliest X-Day stays 10 without the family, and the plan stays valid. Only a unit available
    after the horizon (its domain clamped to the last day) shows the family at work."""
    changes = {"levers.mobilization_order": day(3)}
    knocked = solve(changes, omit=frozenset({"mobilization_after_order"}))
    assert knocked is not None
    plan = extract_plan(*knocked)
    assert plan.x_day == 10
    assert broken_rules(knocked[0], plan) == set()


def test_rail_only_units_entrain_once_ready_under_rail_capacity() -> None:
    """Two Korean divisions by rail only, through a 20,000-man depot: the second mobilizes on
    days 4-7 and entrains on day 8 (X-Day 11). "Entrain no earlier than the railhead" is part of
    rail_capacity on both sides (DESIGN rule 5): knocking out sea_voyage changes nothing for
    them, knocking out rail_capacity lets the second entrain before it is ready, and the
    verifier flags exactly rail_capacity. (The delay must come from the depot: a unit
    mobilizing at its earliest day cannot entrain early anyway, since the domain of its arrival
    day starts at its earliest arrival.)"""
    changes = {
        "units.div": division(origin="korea", count=2, moves=[{"rail": "korea_front"}]),
        "regions.korea.depot_men": 20000,
    }
    full = solve(changes)
    assert full is not None and extract_plan(*full).x_day == 11
    no_sea = solve(changes, omit=frozenset({"sea_voyage"}))
    assert no_sea is not None and extract_plan(*no_sea).x_day == 11
    knocked = solve(changes, omit=frozenset({"rail_capacity"}))
    assert knocked is not None
    plan = extract_plan(*knocked)
    assert plan.x_day < 11
    assert broken_rules(knocked[0], plan) == {"rail_capacity"}


# Families whose knock-out needs more than the table above, each with its own test.
EXPLAINED: dict[str, Callable[[], None]] = {
    "route_choice": test_route_choice_knocked_out,
}


def test_every_constraint_family_has_a_knockout_test() -> None:
    """A new family needs a knock-out case (or a test explaining why it cannot be broken)."""
    names = [name for name, _ in CONSTRAINTS]
    assert not set(KNOCKOUTS) & set(EXPLAINED)
    assert sorted(KNOCKOUTS.keys() | EXPLAINED.keys()) == sorted(names)


def test_omit_rejects_unknown_family() -> None:
    with pytest.raises(ValueError, match="no constraint family named depot"):
        build(inst(), omit=frozenset({"depot"}))


def test_omitting_nothing_builds_the_same_model() -> None:
    case = inst(KNOCKOUTS["south_readiness"].changes)
    assert str(build(case).cp.proto) == str(build(case, omit=frozenset()).cp.proto)
