"""Every plan the planner returns is valid, and its objective is what the plan really scores."""

from __future__ import annotations

from hypothesis import given, settings

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.scenarios import load
from kantokuen.models.verify import objective_terms, verify
from kantokuen.planner.result import solve as solve_loaded
from tests.conftest import examples
from tests.factory import day, division, make
from tests.property.support import OPTIONS, case_file, solve
from tests.strategies import case_of, tightened_cases, witnessed_cases


@settings(max_examples=examples(60))
@given(tightened_cases())
def test_every_plan_passes_the_verifier_and_scores_its_objective(data: dict) -> None:
    """A returned plan has no violation, and recomputing its terms gives the reported objective."""
    case = case_of(data)
    outcome = solve(case)
    if outcome.plan is None:
        assert outcome.status == Status.INFEASIBLE
        return
    inst = Instance(case)
    assert verify(case, outcome.plan) == []
    terms = objective_terms(case, outcome.plan)
    assert set(outcome.objective) == (
        {"x_day", "ton_days", "arrival_days"}
        | ({"north_share_pct"} if inst.fixed_share_bp is None else set())
    )
    assert outcome.objective == {k: terms[k] for k in outcome.objective}
    assert all(
        outcome.bound[k] == outcome.objective[k] for k in outcome.objective
    )  # proven optimal


@settings(max_examples=examples(15))
@given(witnessed_cases())
def test_result_of_a_case_file_reports_its_verified_plan(w) -> None:
    """Through the loader and `planner.result.solve`, a go result carries its verified plan:
    X-Day date and index agree, the objective is the recomputed one, every criterion holds."""
    with case_file(w.data) as path:
        loaded = load(path)
    result = solve_loaded(loaded, OPTIONS)
    assert result.status == Status.OPTIMAL and result.go and result.verified
    case = loaded.case
    assert result.x_day == case.date(result.x_day_index).isoformat()
    assert (
        result.decision_day
        == case.date(
            result.x_day_index - case.criteria.decision_deadline.decision_to_attack_days
        ).isoformat()
    )
    assert result.objective["x_day"] == result.x_day_index
    assert all(c.holds for c in result.criteria)
    assert {u["id"] for u in result.units} == {u.id for u in Instance(case).units}


def test_the_solver_crash_on_hints_is_survived() -> None:
    """Found by the monotonicity properties (nightly profile): four Korean units whose lift
    equals the rail line's daily capacity, three of them available on day 2. The first stage
    (X-Day) solves; the second (ton-days) crashes inside CP-SAT with `IndexError:
    absl::btree_map::at` when given the first stage's solution as a hint, so the CLI says
    "internal error" (exit 5). Without hints the stage solves: every unit entrains on its own
    day, arrival days = 1 + 2 + 3 + 4 (the tidy-up stage, proven here)."""
    korea = {
        "origin": "korea",
        "lift_tons": 10000,
        "mobilization_days": 0,
        "combat_value": 0,
        "moves": [{"rail": "korea_front"}],
    }
    case = make(
        {
            "units": {
                "a": division(**korea, count=3, available=day(2)),
                "b": division(**korea, available=day(1)),
            },
            "calendar.horizon_days": 5,
            "rail.korea_front.transit_days": 0,
            "criteria.force_ratio.enabled": False,
            "criteria.required_arrivals.enabled": False,
        }
    )
    outcome = solve(case)
    assert outcome.objective["arrival_days"] == 1 + 2 + 3 + 4
