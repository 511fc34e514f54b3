"""The verifier: a valid hand-made plan passes; each broken plan is reported under exactly its rule."""

from __future__ import annotations

from typing import Any

import pytest

from models.instance import Instance
from models.plan import Plan, UnitPlan
from models.verify import CHECKS, objective_terms, verify
from tests.factory import day, make


def leg(uid: str, m: int, sail: int | None = None, debark: int | None = None, entrain: int | None = None,
        arrive: int | None = None, mob_days: int = 4) -> UnitPlan:
    """A unit that mobilizes on day m and, unless told otherwise, sails at once, lands a day
    later, entrains the same day and arrives two days after that."""
    ready = m + mob_days
    sail = ready if sail is None else sail
    debark = sail + 1 if debark is None else debark
    entrain = debark if entrain is None else entrain
    arrive = entrain + 2 if arrive is None else arrive
    return UnitPlan(id=uid, move=0, mobilize=m, ready=ready, sail=sail, debark=debark, entrain=entrain, arrive=arrive)


def plan(x: int, *units: UnitPlan, share: int = 10000) -> Plan:
    return Plan(x_day=x, north_share_bp=share, units=units)


def rules(changes: dict[str, Any], p: Plan) -> set[str]:
    return {v.rule for v in verify(Instance(make(changes)), p)}


def test_valid_plan_passes() -> None:
    """Ready day 4, sail 4, land 5, entrain 5, arrive 7, X-Day 7: no violation."""
    assert verify(Instance(make()), plan(7, leg("div", 0))) == []


TWO = {"units.div.count": 2, "units.div.lift_tons": 6000}

BROKEN = [
    ("route_choice", {"criteria.force_ratio.enabled": False}, plan(7, UnitPlan(id="div", committed=False))),
    ("route_choice", {}, plan(7, leg("div", 0), leg("ghost", 0))),
    ("mobilization_after_order", {"levers.mobilization_order": day(2)}, plan(9, leg("div", 1, sail=6))),
    ("depot_capacity", {"regions.home.depot_men": 20000, "units.div.count": 2},
     plan(8, leg("div-1", 0), leg("div-2", 0, sail=5))),
    ("sea_voyage", {}, plan(8, leg("div", 0, debark=6))),
    ("sea_voyage", {}, plan(8, leg("div", 0, sail=3))),
    ("shipping_pool_capacity", {"shipping.pool.0.tons": 5000}, plan(7, leg("div", 0))),
    ("shipping_pool_capacity", {}, plan(7, leg("div", 0), share=9000)),
    ("embarkation_throughput", {**TWO, "ports.pusan.tons_per_day": 20000, "rail.pusan_front.tons_per_day": 20000},
     plan(7, leg("div-1", 0), leg("div-2", 0))),
    ("debarkation_throughput", {**TWO, "ports.moji.tons_per_day": 20000, "rail.pusan_front.tons_per_day": 20000},
     plan(7, leg("div-1", 0), leg("div-2", 0))),
    ("rail_capacity", {**TWO, "ports.moji.tons_per_day": 20000, "ports.pusan.tons_per_day": 20000},
     plan(7, leg("div-1", 0), leg("div-2", 0))),
    ("rail_capacity", {}, plan(7, leg("div", 0, entrain=4, arrive=6))),
    ("x_day_in_horizon", {"criteria.decision_deadline.enabled": False, "criteria.weather.enabled": False},
     plan(41, leg("div", 0))),
    ("required_arrivals", {"criteria.force_ratio.enabled": False}, plan(6, leg("div", 0))),
    ("force_ratio", {"criteria.force_ratio.ratio": 2}, plan(7, leg("div", 0))),
    ("halving_criterion", {"criteria.halving.enabled": True}, plan(7, leg("div", 0))),
    ("decision_deadline", {"criteria.decision_deadline.date": day(6)}, plan(7, leg("div", 0))),
    ("weather_deadline", {"criteria.weather.deadline": day(6)}, plan(7, leg("div", 0))),
    ("south_readiness", {"shipping.south_requirements": {"indochina": {"by": day(3), "tons": 1}}},
     plan(7, leg("div", 0))),
]


@pytest.mark.parametrize(("rule", "changes", "broken"), BROKEN, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BROKEN)])
def test_broken_plan_reports_exactly_its_rule(rule: str, changes: dict[str, Any], broken: Plan) -> None:
    """Breaking one rule makes the verifier report that rule and no other."""
    assert rules(changes, broken) == {rule}


def test_every_rule_has_a_broken_plan_test() -> None:
    """Each verifier check is exercised by at least one broken plan above."""
    assert {name for name, _ in CHECKS} <= {rule for rule, _, _ in BROKEN}


def test_all_violations_are_reported() -> None:
    """A plan whose division lands a day late breaks five rules; all five are reported at once."""
    got = rules({"criteria.weather.deadline": day(6), "criteria.decision_deadline.date": day(6)},
                plan(7, leg("div", 0, debark=6, entrain=6, arrive=8)))
    assert got == {"weather_deadline", "decision_deadline", "sea_voyage", "required_arrivals", "force_ratio"}


def test_objective_terms_recomputed() -> None:
    """X-Day, the North share (counted only when auto), shipping ton-days (8,000 t held for the
    3-day cycle) and arrival days (day 7)."""
    inst = Instance(make())
    assert objective_terms(inst, plan(7, leg("div", 0))) == {"x_day": 7, "north_share_pct": 0, "ton_days": 24000,
                                                              "arrival_days": 7}
    auto = Instance(make({"levers.north_share": "auto"}))
    assert objective_terms(auto, plan(7, leg("div", 0), share=4000))["north_share_pct"] == 40
