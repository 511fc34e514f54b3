"""The greedy baseline: valid plans, the teaching case's answers, never better than the planner."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import generate
from benchmarks.greedy import greedy
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import load
from kantokuen.models.verify import verify
from kantokuen.planner.solve import SolveOptions, plan_case
from tests.factory import day, division, make

TEACHING = str(Path(__file__).resolve().parents[2] / "cases" / "teaching" / "two_divisions.yaml")


@pytest.mark.parametrize(("scenario", "x_day"), [(None, 8), ("small-pool", 10)])
def test_teaching_case(scenario: str | None, x_day: int) -> None:
    """On the teaching case the greedy finds the hand-worked X-Day, and its plan verifies."""
    inst = Instance(load(TEACHING, scenario).case)
    result = greedy(inst)
    assert result.x_day == x_day
    assert result.plan is not None and verify(inst.case, result.plan) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_plan_verifies_and_planner_is_no_worse(seed: int, tmp_path) -> None:
    """On small synthetic cases every rule's plan passes the verifier, and the planner's X-Day
    (proven here) is never later than the greedy's."""
    inst = Instance(generate(12, seed).load(str(tmp_path)).case)
    result = greedy(inst)
    assert result.plan is not None and verify(inst.case, result.plan) == []
    outcome = plan_case(inst, SolveOptions(time_limit=20, workers=1))
    assert outcome.plan is not None and outcome.plan.x_day <= result.x_day


def test_no_x_day_when_the_deadline_is_too_early() -> None:
    """A decision deadline before the division can arrive: no rule gives an X-Day (no plan)."""
    inst = Instance(make({"criteria.decision_deadline.date": day(5)}))
    result = greedy(inst)
    assert result.plan is None and result.x_day is None and set(result.by_rule.values()) == {None}


def test_capacity_makes_the_greedy_wait() -> None:
    """Two divisions and a port that loads one a day: the second sails a day later (X-Day 8)."""
    inst = Instance(make({"units.div": division(count=2), "ports.moji.tons_per_day": 8000}))
    result = greedy(inst)
    assert result.x_day == 8
    assert result.plan is not None and sorted(u.sail for u in result.plan.units) == [4, 5]
