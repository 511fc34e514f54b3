"""A case that some valid plan satisfies is never no-go, and its X-Day is never later."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.verify import objective_terms, verify
from kantokuen.planner.solve import plan_case
from tests.conftest import examples
from tests.property.support import OPTIONS, solve, x_day
from tests.strategies import Witnessed, witnessed_cases


@settings(max_examples=examples(80))
@given(witnessed_cases())
def test_a_witnessed_case_is_go_no_later_than_its_witness(w: Witnessed) -> None:
    """The planner's X-Day is at most the witness's; at the same X-Day, its secondary terms
    (North share when auto, then shipping ton-days) are no worse than the witness's either
    (the arrival-days tidy-up is best effort and not compared)."""
    outcome = solve(w.case)
    assert outcome.status == Status.OPTIMAL, "a case with a valid plan was reported no-go"
    assert outcome.plan is not None
    mine = objective_terms(w.case, outcome.plan)
    witness = objective_terms(w.case, w.plan)
    order = ["x_day", "north_share_pct", "ton_days"]
    assert [mine[k] for k in order] <= [witness[k] for k in order]


def test_decision_day_before_day_zero_is_invalid() -> None:
    """Found by the witness property: the verifier accepted a plan whose decision day
    (X-Day − decision-to-attack days) fell before day 0 when halving and the decision deadline
    were off, which the planner (rightly) never produces."""
    from kantokuen.models.plan import Plan, UnitPlan
    from tests.factory import make

    inst = Instance(
        make(
            {
                "criteria.decision_deadline.enabled": False,
                "criteria.decision_deadline.decision_to_attack_days": 10,
            }
        )
    )
    plan = Plan(
        x_day=7,
        north_share_bp=10_000,
        units=(
            UnitPlan(id="div", move=0, mobilize=0, ready=4, sail=4, debark=5, entrain=5, arrive=7),
        ),
    )
    assert [v.rule for v in verify(inst.case, plan)] == ["x_day_in_horizon"]


@pytest.mark.parametrize("required", [False, True])
def test_unit_available_after_the_horizon(required: bool) -> None:
    """Found by the witness property: a unit available only after the horizon makes the model
    invalid (status UNKNOWN, the CLI's exit 3 "no answer in time"). An optional one must simply
    stay home (go, X-Day 7 as without it); a required one makes the case a proven no-go."""
    from tests.factory import day, division, make

    case = make({"units.late": division(required=required, available=day(60))})
    outcome = plan_case(Instance(case), OPTIONS)
    if required:
        assert outcome.status == Status.INFEASIBLE
    else:
        assert outcome.status == Status.OPTIMAL and x_day(outcome) == 7


def test_optional_unit_that_cannot_mobilize_in_time_stays_home() -> None:
    """Found by the brute-force property: an optional unit that could not finish mobilizing
    within the horizon made the whole case no-go (the horizon bound on its mobilization was
    enforced even when it stayed home). Fixed in planner/model.py (mobilization_after_order)."""
    from tests.factory import day, division, make

    case = make({"units.late": division(required=False, available=day(38))})
    assert x_day(solve(case)) == 7
