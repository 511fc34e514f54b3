"""Historical fidelity of cases/kantokuen_1941.yaml (issue 4): the shipped case reproduces the
record of summer 1941, and the counterfactuals move the answer the way history says they should.

The exact answers are golden (tests/test_golden.py); these tests state the historical claims
themselves, so a recalibration that keeps the numbers but loses the history fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kantokuen.models.plan import Result
from kantokuen.models.scenarios import load
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions

CASE = str(Path(__file__).resolve().parents[1] / "cases" / "kantokuen_1941.yaml")
OPTIONS = SolveOptions(time_limit=120.0, workers=1, seed=0)

DECISION_DEADLINE = dt.date(1941, 8, 10)  # CHERNAYA; KAWADA "early to mid August"
PLANNED_READINESS = dt.date(1941, 9, 5)  # STILLE: full readiness of the crash schedule
WEATHER_DEADLINE = dt.date(1941, 10, 24)  # STILLE/KAWADA: mid-October to 1 November, midpoint


def run(scenario: str | None, *sets: str) -> Result:
    return solve(load(CASE, scenario, sets), OPTIONS)


def date(text: str | None) -> dt.date:
    assert text is not None
    return dt.date.fromisoformat(text)


def test_historical_is_a_no_go_on_the_halving_criterion() -> None:
    # Soviet transfers by 10 Aug were a small fraction of the 30 divisions (bulk from September):
    # the halving criterion fails by the decision deadline, as IGHQ concluded on 9 Aug 1941.
    result = run("historical")
    assert result.status == "INFEASIBLE" and not result.go
    assert "halving" in result.conflict
    assert any("halving criterion" in line for line in result.explanation)


def test_the_crash_schedule_movement_itself_was_feasible() -> None:
    # With the Soviet criteria off, all 22 divisions and 850,000 men are in place before the
    # planned full readiness of 5 Sep, within the 10 Aug decision window.
    result = run("crash-schedule")
    assert result.status == "OPTIMAL" and result.go
    assert date(result.x_day) <= PLANNED_READINESS
    assert date(result.decision_day) <= DECISION_DEADLINE
    assert sum(u["men"] for u in result.units if u["committed"]) == 850_000
    assert round(sum(u["combat"] for u in result.units if u["committed"]), 6) == 22  # divisions
    assert result.shipping["north_tons"] == 800_000


def test_without_halving_the_force_ratio_still_forbids_the_attack() -> None:
    # The halving criterion was the planners' shorthand for 2:1 superiority: with the 1941
    # withdrawals, 22 Japanese divisions face ~25 Soviet (x 0.75), far short of 2:1.
    result = run("historical", "criteria.halving.enabled=false")
    assert not result.go
    assert result.conflict[0] == "force_ratio"


def test_halving_met_gives_go_in_late_august_before_the_weather() -> None:
    result = run("halving-met")
    assert result.status == "OPTIMAL" and result.go
    x_day = date(result.x_day)
    assert (
        dt.date(1941, 8, 20) <= x_day <= dt.date(1941, 9, 5)
    )  # the planned opening: 29 Aug-10 Sep
    campaign = next(c for c in result.criteria if c.name == "weather")
    assert campaign.holds and x_day + dt.timedelta(days=49) <= WEATHER_DEADLINE


def test_an_earlier_order_never_makes_x_day_later() -> None:
    # Under the same criteria the 25 Jun order is never later than the 7 Jul one.
    assert date(run("early-order-movement").x_day) <= date(run("crash-schedule").x_day)
    assert date(run("early-order-halving-met").x_day) <= date(run("halving-met").x_day)


def test_the_trigger_is_soviet_not_japanese() -> None:
    # Neither an earlier order, nor more shipping for the North, nor dropping the South
    # changes the historical no-go: each still fails on the halving criterion.
    for scenario in ("early-order", "north-priority", "no-south"):
        result = run(scenario)
        assert not result.go, scenario
        assert "halving" in result.conflict, scenario


def test_a_soviet_reaction_closes_the_window() -> None:
    result = run("soviet-reinforce")
    assert not result.go and result.conflict == ["halving"]
