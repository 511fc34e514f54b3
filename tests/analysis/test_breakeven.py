"""breakeven: bisection agrees with a brute-force scan, certificates on both sides, honest
reports when there is no threshold or the answer is not monotone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from analysis.breakeven import Grid, Target, breakeven, lever_grid, parse_target
from cli import main
from models.instance import Instance
from models.scenarios import LoadedCase, with_overrides
from planner.solve import SolveOptions, plan_case
from tests.analysis.tiny import SCALE_THRESHOLD, loaded, write

ONE = SolveOptions(time_limit=20, workers=1)


def scan(base: LoadedCase, grid: Grid, target: Target) -> list[bool]:
    """Brute force: solve every grid value with the full planner."""
    out = []
    for k in range(grid.steps + 1):
        inst = Instance(with_overrides(base, {grid.path: grid.value(k)}, "scan").case)
        plan = plan_case(inst, ONE).plan
        out.append(plan is not None and (target.by is None or plan.x_day <= inst.case.day(target.by)))
    return out


def first_flip(values: list[bool]) -> int:
    return next(k for k in range(1, len(values)) if values[k] != values[k - 1])


def test_withdrawal_scale_agrees_with_a_scan(tmp_path: Path) -> None:
    """Scales 2.5..3.5 in steps of 0.05: the scan flips between 3.10 and 3.15, as does the bisection."""
    base = loaded(tmp_path)
    grid = lever_grid(base, "levers.withdrawal_scale", "2.5:3.5", 0.05)
    values = scan(base, grid, Target())
    k = first_flip(values)
    assert values == [False] * k + [True] * (len(values) - k)  # monotone, so a threshold exists
    found = breakeven(base, "levers.withdrawal_scale", Target(), grid, ONE)
    assert found.outcome == "threshold" and found.direction == "up"
    assert found.threshold == grid.text(k) == "3.15" and found.bracket == ["3.1", "3.15"]
    assert found.solves < len(values) / 2


def test_withdrawal_scale_to_a_hundredth(tmp_path: Path) -> None:
    """Over the default range 0..10 at 0.01 the threshold is 3.13, in a dozen evaluations, with a
    verified plan at 3.13 and the halving conflict at 3.12."""
    base = loaded(tmp_path)
    found = breakeven(base, "levers.withdrawal_scale", Target(), lever_grid(base, "levers.withdrawal_scale", None, None),
                      ONE)
    assert (found.threshold, found.bracket) == (f"{SCALE_THRESHOLD:g}", ["3.12", "3.13"])
    assert found.solves <= 12
    assert found.meets is not None and found.meets.result is not None and found.meets.result.verified
    assert found.meets.x_day == "1941-08-15"
    assert found.fails is not None and "halving" in found.fails.conflict
    assert found.total_solves == found.solves + 1 + found.explanation_checks


def test_order_date_agrees_with_a_scan(tmp_path: Path) -> None:
    """The latest order that still gives X-Day by 10 Aug, over whole days, matches the scan."""
    base = loaded(tmp_path, "halving-met")
    target = parse_target("x-day<=1941-08-10")
    grid = lever_grid(base, "levers.mobilization_order", "1941-07-20:1941-08-08", None)
    values = scan(base, grid, target)
    k = first_flip(values)
    assert values == [True] * k + [False] * (len(values) - k)
    found = breakeven(base, "levers.mobilization_order", target, grid, ONE)
    assert found.direction == "down" and found.threshold == grid.text(k - 1) == "1941-08-02"
    assert found.fails is not None and found.fails.verdict == "GO" and found.fails.x_day == "1941-08-11"


def test_north_share_agrees_with_a_scan(tmp_path: Path) -> None:
    """The smallest North share keeping the X-Day of 100%, in whole percents, matches the scan."""
    base = loaded(tmp_path, None, {"criteria.halving.enabled": False})
    best = plan_case(Instance(base.case), ONE).plan
    assert best is not None
    target = Target(base.case.date(best.x_day))
    grid = lever_grid(base, "levers.north_share", "0.3:1.0", 0.05)
    values = scan(base, grid, target)
    k = first_flip(values)
    assert values == [False] * k + [True] * (len(values) - k)
    found = breakeven(base, "levers.north_share", target, grid, ONE)
    assert found.threshold == grid.text(k) == "80%"


def test_no_threshold_in_the_range(tmp_path: Path) -> None:
    found = breakeven(loaded(tmp_path), "levers.withdrawal_scale", Target(),
                      lever_grid(loaded(tmp_path), "levers.withdrawal_scale", "0:2", None), ONE)
    assert found.outcome == "never" and found.threshold is None and "No threshold" in found.message


def test_not_monotone_is_said(tmp_path: Path) -> None:
    """With a Soviet reaction, ordering early stops the withdrawals before halving holds, and
    ordering late misses the deadline: go only in between, which bisection cannot bracket."""
    changes = {"soviet_reaction": {"enabled": True, "detection_lag_days": 3, "halt_withdrawals": True},
               "fronts.east.withdrawals": [{"date": "1941-08-10", "cumulative": 8}],
               "criteria.decision_deadline.decision_to_attack_days": 0}
    base = loaded(tmp_path, None, changes)
    grid = lever_grid(base, "levers.mobilization_order", "1941-07-11:1941-08-10", None)
    found = breakeven(base, "levers.mobilization_order", Target(), grid, ONE)
    assert found.outcome == "not-monotone" and "Not monotone" in found.message


def test_grid_values() -> None:
    grid = Grid("levers.withdrawal_scale", "float", 0.0, 10.0, 0.01)
    assert (grid.steps, grid.value(313), grid.value(1000)) == (1000, 3.13, 10.0)
    days = Grid("levers.mobilization_order", "date", dt.date(1941, 6, 22), dt.date(1941, 8, 10), 7)
    assert days.steps == 7 and days.value(7) == dt.date(1941, 8, 10) and days.value(1) == dt.date(1941, 6, 29)


@pytest.mark.parametrize("text", ["x-day < 1941-08-01", "xday<=soon", "stop"])
def test_bad_targets(text: str) -> None:
    with pytest.raises(ValueError, match="is not a target"):
        parse_target(text)


# --- The command -------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args, "--workers", "1"])


def test_cli_breakeven_json(tmp_path: Path) -> None:
    result = run("breakeven", write(tmp_path), "--lever", "levers.withdrawal_scale", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["outcome"], data["threshold"], data["bracket"]) == ("threshold", "3.13", ["3.12", "3.13"])
    assert data["meets"]["result"]["verified"] and data["fails"]["conflict"]


def test_cli_breakeven_text(tmp_path: Path) -> None:
    result = run("breakeven", write(tmp_path), "-s", "halving-met", "--lever", "levers.mobilization_order",
                 "--target", "x-day<=1941-08-10")
    assert result.exit_code == 0, result.output
    assert "Threshold 1941-08-02" in result.stdout and "Solves:" in result.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--lever", "levers.nope"], 1, "--lever levers.nope: no such field in the case"),
    (["--lever", "shipping.pool.0.tons"], 1, "give --range LO:HI for this field"),
    (["--lever", "name"], 1, "not a number or a date"),
    (["--lever", "levers.withdrawal_scale", "--target", "soon"], 2, "is not a target"),
    (["--lever", "levers.withdrawal_scale", "--range", "3"], 2, "is not of the form LO:HI"),
    (["--lever", "levers.withdrawal_scale", "--range", "5:1"], 2, "must be below"),
    (["--lever", "levers.mobilization_order", "--range", "1941-07-01:soon"], 2, "is not a date"),
])
def test_cli_breakeven_bad_input(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run("breakeven", write(tmp_path), *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and "Traceback" not in result.output
