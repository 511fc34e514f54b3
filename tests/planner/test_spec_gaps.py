"""Gaps in the rules, decided (README, "The rules"): each decision is a test.

Cases from tests/factory.py: one division ready on day 4, landing on day 5, at the front on
day 7; decision lag 0 unless set; horizon 40.
"""

from __future__ import annotations

from typing import Any

from kantokuen.models.case import HORIZON_MEMBER
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.scenarios import LoadedCase
from kantokuen.planner.result import solve as solve_result
from kantokuen.planner.solve import SolveOptions, plan_case
from tests.factory import day, make

OPTIONS = SolveOptions(time_limit=20, workers=1, seed=0)


def loaded(changes: dict[str, Any]) -> LoadedCase:
    return LoadedCase(make(changes), "test.yaml", None, (), None)  # type: ignore[arg-type]


def test_a_required_unit_moves_within_the_horizon_even_with_required_arrivals_off() -> None:
    """`required: true` means committed and moved within the horizon; the required-arrivals
    criterion only ties the arrival to X-Day. A division that needs 38 days to mobilize cannot
    land within 40 days: a no-go whose conflict is the horizon, with the unit as witness."""
    result = solve_result(
        loaded({"units.div.mobilization_days": 38, "criteria.required_arrivals.enabled": False}),
        OPTIONS,
    )
    assert (result.go, result.status) == (False, Status.INFEASIBLE)
    assert result.conflict == [HORIZON_MEMBER]
    assert result.verified
    assert result.certificate is not None
    assert result.certificate["required_by"] == {"day": 41, "unit": "div"}  # 38 + 1 + 2
    assert [e["rule"] for e in result.certificate["exclusions"]] == ["movement"]


def test_with_required_arrivals_off_x_day_may_come_before_the_last_arrival() -> None:
    """The force ratio is met by day 7; a second, optional-strength division (combat 0) that
    arrives later no longer holds X-Day back once required arrivals are off."""
    slow = {
        "units.slow": {
            "name": "Slow",
            "origin": "korea",
            "men": 1000,
            "lift_tons": 100,
            "mobilization_days": 20,
            "combat_value": 0,
            "front": "east",
            "moves": [{"rail": "korea_front"}],
        }
    }
    on = plan_case(Instance(make(slow)), OPTIONS)
    off = plan_case(Instance(make(slow | {"criteria.required_arrivals.enabled": False})), OPTIONS)
    assert on.plan is not None and off.plan is not None
    assert (on.plan.x_day, off.plan.x_day) == (23, 7)


def test_the_decision_lag_stands_with_the_deadline_off() -> None:
    """The attack follows the decision by `decision_to_attack_days` whether or not the deadline
    is enforced: the decision day is X-Day − 10, and it cannot fall before day 0, so X-Day ≥ 10
    although the division is at the front on day 7."""
    changes = {
        "criteria.decision_deadline.decision_to_attack_days": 10,
        "criteria.decision_deadline.enabled": False,
    }
    outcome = plan_case(Instance(make(changes)), OPTIONS)
    assert outcome.plan is not None and outcome.plan.x_day == 10


def test_the_halving_criterion_is_tested_on_the_decision_day_with_the_deadline_off() -> None:
    """Halving holds from day 12 (half of 1 div.-eq. gone by then); with a lag of 10 days the
    decision may not come before day 12, so X-Day is 22 — deadline or not."""
    changes = {
        "criteria.decision_deadline.decision_to_attack_days": 10,
        "criteria.decision_deadline.enabled": False,
        "criteria.halving": {"enabled": True, "fraction": 0.5},
        "fronts.east.withdrawals": [{"date": day(12), "cumulative": 0.5}],
        "criteria.force_ratio.enabled": False,
    }
    outcome = plan_case(Instance(make(changes)), OPTIONS)
    assert outcome.plan is not None and outcome.plan.x_day == 22
