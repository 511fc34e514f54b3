"""breakeven: bisection agrees with a brute-force scan, certificates on both sides, honest
reports when there is no threshold or the answer is not monotone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kantokuen.analysis.breakeven import (
    Grid,
    Target,
    breakeven,
    lever_grid,
    monotonicity_doubt,
    parse_target,
)
from kantokuen.cli import main
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import LoadedCase, load, with_overrides
from kantokuen.planner.solve import SolveOptions, plan_case
from tests.analysis.tiny import SCALE_THRESHOLD, loaded, write
from tests.factory import day
from tests.reaction_witnesses import CEILING, EARLY_ORDER, SLOW_UNIT, witness_case, witness_data

ONE = SolveOptions(time_limit=20, workers=1)


def scan(base: LoadedCase, grid: Grid, target: Target) -> list[bool]:
    """Brute force: solve every grid value with the full planner."""
    out = []
    for k in range(grid.steps + 1):
        inst = Instance(with_overrides(base, {grid.path: grid.value(k)}, "scan").case)
        plan = plan_case(inst, ONE).plan
        out.append(
            plan is not None and (target.by is None or plan.x_day <= inst.case.day(target.by))
        )
    return out


def first_flip(values: list[bool]) -> int:
    return next(k for k in range(1, len(values)) if values[k] != values[k - 1])


def test_withdrawal_scale_agrees_with_a_scan(tmp_path: Path) -> None:
    """Scales 2.5..3.5 in steps of 0.05: the scan flips between 3.10 and 3.15, as does the
    bisection."""
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
    found = breakeven(
        base,
        "levers.withdrawal_scale",
        Target(),
        lever_grid(base, "levers.withdrawal_scale", None, None),
        ONE,
    )
    assert (found.threshold, found.bracket) == (f"{SCALE_THRESHOLD:g}", ["3.12", "3.13"])
    assert found.solves <= 12
    assert (
        found.meets is not None and found.meets.result is not None and found.meets.result.verified
    )
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
    assert (
        found.fails is not None
        and found.fails.verdict == "GO"
        and found.fails.x_day == "1941-08-11"
    )


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
    found = breakeven(
        loaded(tmp_path),
        "levers.withdrawal_scale",
        Target(),
        lever_grid(loaded(tmp_path), "levers.withdrawal_scale", "0:2", None),
        ONE,
    )
    assert found.outcome == "never" and found.threshold is None and "No threshold" in found.message


def test_not_monotone_is_said(tmp_path: Path) -> None:
    """With a Soviet reaction, ordering early stops the withdrawals before halving holds, and
    ordering late misses the deadline: go only in between, which bisection cannot bracket."""
    changes = {
        "soviet_reaction": {"enabled": True, "detection_lag_days": 3, "halt_withdrawals": True},
        "fronts.east.withdrawals": [{"date": "1941-08-10", "cumulative": 8}],
        "criteria.decision_deadline.decision_to_attack_days": 0,
    }
    base = loaded(tmp_path, None, changes)
    grid = lever_grid(base, "levers.mobilization_order", "1941-07-11:1941-08-10", None)
    found = breakeven(base, "levers.mobilization_order", Target(), grid, ONE)
    assert found.outcome == "not-monotone" and "Not monotone" in found.message
    assert found.method == "scan" and found.solves == grid.steps + 1 and len(found.witnesses) == 2


def witness(tmp_path: Path, changes: dict[str, Any]) -> str:
    """A hand-worked case of tests/reaction_witnesses.py as a case file."""
    path = tmp_path / "witness.yaml"
    path.write_text(yaml.safe_dump(witness_data(changes), sort_keys=False))
    return str(path)


def test_an_earlier_order_can_be_a_no_go_when_the_soviets_react(tmp_path: Path) -> None:
    """Worked by hand in tests/reaction_witnesses.py: ordering on day 0 is a no-go, on day 1 a go
    with X-Day day 2. The order is not bisected but scanned, and the witnesses are those two."""
    base = load(witness(tmp_path, EARLY_ORDER))
    grid = lever_grid(base, "levers.mobilization_order", f"{day(0)}:{day(3)}", None)
    found = breakeven(base, "levers.mobilization_order", Target(), grid, ONE)
    assert (found.method, found.outcome, found.solves) == ("scan", "not-monotone", 4)
    assert [(w.value, w.verdict, w.x_day) for w in found.witnesses] == [
        ("1941-07-02", "GO", "1941-07-03"),
        ("1941-07-01", "NO-GO", None),
    ]
    assert (
        "levers.mobilization_order = 1941-07-02 gives GO with X-Day 1941-07-03, but "
        "1941-07-01, earlier, gives NO-GO."
    ) in found.message
    assert "the Soviets react to the order" in found.message and found.scan_reason
    # the target still flips once, so the threshold stands (every value was solved)
    assert found.threshold == "1941-07-02" and found.direction == "up"
    assert found.bracket == ["1941-07-01", "1941-07-02"]
    assert found.fails is not None and found.fails.verdict == "NO-GO"
    assert [e.x_day for e in found.evaluations] == [None, "1941-07-03", "1941-07-03", "1941-07-04"]


def test_an_earlier_order_can_give_a_later_x_day_when_the_soviets_react(tmp_path: Path) -> None:
    """With the slow optional unit every order is a go, but the day-0 order must wait for it:
    X-Day 1941-07-10 against 1941-07-03 for the day-1 order. Go at every value, yet not monotone."""
    base = load(witness(tmp_path, {**EARLY_ORDER, **SLOW_UNIT}))
    grid = lever_grid(base, "levers.mobilization_order", f"{day(0)}:{day(3)}", None)
    found = breakeven(base, "levers.mobilization_order", Target(), grid, ONE)
    assert found.outcome == "not-monotone" and found.threshold is None
    assert [(w.value, w.x_day) for w in found.witnesses] == [
        ("1941-07-02", "1941-07-03"),
        ("1941-07-01", "1941-07-10"),
    ]
    assert "met at every value" in found.message


def test_a_large_scan_is_capped_at_a_coarser_step(tmp_path: Path) -> None:
    """Four values, at most three solves: every second day is solved, and the answer says so."""
    base = load(witness(tmp_path, EARLY_ORDER))
    grid = lever_grid(base, "levers.mobilization_order", f"{day(0)}:{day(3)}", None)
    found = breakeven(base, "levers.mobilization_order", Target(), grid, ONE, max_scan=3)
    assert found.solves == 3 and found.step == "2 days"
    assert [e.value for e in found.evaluations] == ["1941-07-01", "1941-07-03", "1941-07-04"]
    assert "more than the 3 solves a scan may take" in found.message
    assert [w.value for w in found.witnesses] == ["1941-07-03", "1941-07-01"]


def test_faster_withdrawals_under_the_ceiling_are_scanned(tmp_path: Path) -> None:
    """Worked by hand in tests/reaction_witnesses.py: at scale 0.5 a go on day 7; at 1.0 the
    room freed under the ceiling is filled on the other front: no-go."""
    base = load(witness(tmp_path, CEILING))
    grid = lever_grid(base, "levers.withdrawal_scale", "0.5:1", 0.5)
    found = breakeven(base, "levers.withdrawal_scale", Target(), grid, ONE)
    assert (found.method, found.outcome) == ("scan", "not-monotone")
    assert (found.threshold, found.direction) == ("0.5", "down")
    assert [(w.value, w.verdict, w.x_day) for w in found.witnesses] == [
        ("0.5", "GO", "1941-07-08"),
        ("1", "NO-GO", None),
    ]


def test_where_monotonicity_is_in_doubt() -> None:
    """The rule breakeven and the properties share: only the Soviet reaction takes it away."""

    def doubt(changes: dict[str, Any], lever: str) -> str | None:
        found = monotonicity_doubt(witness_case(changes), f"levers.{lever}")
        return found.helps if found else None

    assert doubt(EARLY_ORDER, "mobilization_order") == "down"
    assert doubt(EARLY_ORDER, "withdrawal_scale") is None  # one front: faster only weakens it
    assert doubt({**EARLY_ORDER, "soviet_reaction.enabled": False}, "mobilization_order") is None
    # a reaction that neither halts anything nor reinforces changes nothing
    no_halt = {**EARLY_ORDER, "soviet_reaction.halt_withdrawals": False}
    assert doubt(no_halt, "mobilization_order") is None
    assert doubt(CEILING, "withdrawal_scale") == "up"
    assert doubt({**CEILING, "soviet_reaction.ceiling": 60.0}, "withdrawal_scale") is None
    assert doubt(CEILING, "north_share") is None


def test_north_share_between_two_no_gos_names_three_values(tmp_path: Path) -> None:
    """Bisection, not in doubt, still says what it sees: no shipping is a no-go, all of it starves
    the South, and half of it works; the three values are the witnesses."""
    changes = {
        "criteria.halving.enabled": False,
        "shipping.south_requirements": {"indochina": {"by": day(10), "tons": 5000}},
    }
    base = loaded(tmp_path, None, changes)
    grid = lever_grid(base, "levers.north_share", "0:1", 0.5)
    found = breakeven(base, "levers.north_share", Target(), grid, ONE)
    assert (found.method, found.outcome) == ("bisection", "not-monotone")
    assert [(w.value, w.verdict) for w in found.witnesses] == [
        ("0%", "NO-GO"),
        ("50%", "GO"),
        ("100%", "NO-GO"),
    ]


def test_bisection_names_the_pair_it_sees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the order bisected with the reaction on (the rule switched off here), X-Day getting
    later toward the side that meets the target is reported with the two values that show it."""
    monkeypatch.setattr("kantokuen.analysis.breakeven.monotonicity_doubt", lambda case, path: None)
    base = load(witness(tmp_path, {**EARLY_ORDER, **SLOW_UNIT}))
    grid = lever_grid(base, "levers.mobilization_order", f"{day(0)}:{day(3)}", None)
    found = breakeven(
        base, "levers.mobilization_order", parse_target("x-day<=1941-07-04"), grid, ONE
    )
    assert (found.method, found.outcome, found.threshold) == (
        "bisection",
        "not-monotone",
        "1941-07-02",
    )
    assert [(w.value, w.x_day) for w in found.witnesses] == [
        ("1941-07-02", "1941-07-03"),
        ("1941-07-04", "1941-07-04"),
    ]
    assert "1941-07-04, later (closer to the side that meets the target)" in found.message


def test_grid_values() -> None:
    grid = Grid("levers.withdrawal_scale", "float", 0.0, 10.0, 0.01)
    assert (grid.steps, grid.value(313), grid.value(1000)) == (1000, 3.13, 10.0)
    days = Grid("levers.mobilization_order", "date", dt.date(1941, 6, 22), dt.date(1941, 8, 10), 7)
    assert (
        days.steps == 7
        and days.value(7) == dt.date(1941, 8, 10)
        and days.value(1) == dt.date(1941, 6, 29)
    )


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
    assert (data["outcome"], data["threshold"], data["bracket"]) == (
        "threshold",
        "3.13",
        ["3.12", "3.13"],
    )
    assert data["meets"]["result"]["verified"] and data["fails"]["conflict"]


def test_cli_breakeven_text(tmp_path: Path) -> None:
    result = run(
        "breakeven",
        write(tmp_path),
        "-s",
        "halving-met",
        "--lever",
        "levers.mobilization_order",
        "--target",
        "x-day<=1941-08-10",
    )
    assert result.exit_code == 0, result.output
    assert "Threshold 1941-08-02" in result.stdout and "Solves:" in result.stdout


def test_cli_breakeven_gives_the_witnesses(tmp_path: Path) -> None:
    """The witnesses in the text and in --json."""
    args = [
        "breakeven",
        witness(tmp_path, EARLY_ORDER),
        "--lever",
        "levers.mobilization_order",
        "--range",
        f"{day(0)}:{day(3)}",
    ]
    text = run(*args)
    assert text.exit_code == 0, text.output
    assert "Witnesses:" in text.stdout and "1941-07-02: GO, X-Day 1941-07-03" in text.stdout
    assert "1941-07-01: NO-GO" in text.stdout and "earliest X-Day" in text.stdout
    data = json.loads(run(*args, "--json").stdout)
    assert (data["outcome"], data["method"]) == ("not-monotone", "scan")
    assert [(w["value"], w["go"], w["x_day"]) for w in data["witnesses"]] == [
        ("1941-07-02", True, "1941-07-03"),
        ("1941-07-01", False, None),
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--lever", "levers.nope"], 1, "--lever levers.nope: no such field in the case"),
        (["--lever", "shipping.pool.0.tons"], 1, "give --range LO:HI for this field"),
        (["--lever", "name"], 1, "not a number or a date"),
        (["--lever", "levers.withdrawal_scale", "--target", "soon"], 2, "is not a target"),
        (["--lever", "levers.withdrawal_scale", "--range", "3"], 2, "is not of the form LO:HI"),
        (["--lever", "levers.withdrawal_scale", "--range", "5:1"], 2, "must be below"),
        (
            ["--lever", "levers.mobilization_order", "--range", "1941-07-01:soon"],
            2,
            "is not a date",
        ),
    ],
)
def test_cli_breakeven_bad_input(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run("breakeven", write(tmp_path), *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and "Traceback" not in result.output


# --- Formations, measures and a North share schedule ------------------------------------------

# The race's front also raises new formations: 0.4 div.-eq. by day 40 (0.01 a day). On 10 Aug
# (day 40) halving needs 10 − 1.6 × scale + 0.4 ≤ 5: scale ≥ 3.375, so 3.4 on a 0.05 grid.
FORMATIONS = {"fronts.east.formations": [{"date": day(40), "cumulative": 0.4}]}


def test_formations_alone_keep_the_withdrawal_scale_monotone(tmp_path: Path) -> None:
    """Formations are never scaled: the front still only weakens as the scale grows, so there
    is no doubt, the scan is monotone, and the bisection finds the scan's flip."""
    base = loaded(tmp_path, None, FORMATIONS)
    assert monotonicity_doubt(base.case, "levers.withdrawal_scale") is None
    grid = lever_grid(base, "levers.withdrawal_scale", "3.0:3.6", 0.05)
    values = scan(base, grid, Target())
    k = first_flip(values)
    assert values == [False] * k + [True] * (len(values) - k)
    found = breakeven(base, "levers.withdrawal_scale", Target(), grid, ONE)
    assert (found.method, found.outcome, found.threshold) == ("bisection", "threshold", "3.4")
    assert found.threshold == grid.text(k)


def test_formations_count_toward_the_ceiling_and_halts_stop_every_measure() -> None:
    """The ceiling test counts formations (3 div.-eq. + 31 formed + 27 days × 1 > 60); an order
    detected earlier halts tank withdrawals too, so the order date is in doubt with no
    division-equivalent leaving at all."""

    def doubt(changes: dict[str, Any], lever: str) -> str | None:
        found = monotonicity_doubt(witness_case(changes), f"levers.{lever}")
        return found.helps if found else None

    roomy = {**CEILING, "soviet_reaction.ceiling": 60.0}
    assert doubt(roomy, "withdrawal_scale") is None
    formed = [{"date": day(20), "cumulative": 31}]
    assert doubt({**roomy, "fronts.west.formations": formed}, "withdrawal_scale") == "up"
    tanks_only = {
        **EARLY_ORDER,
        "fronts.east.withdrawals": [],
        "fronts.east.tanks": {"initial": 100, "withdrawals": [{"date": day(2), "cumulative": 50}]},
    }
    assert doubt(tanks_only, "mobilization_order") == "down"
    assert doubt({**tanks_only, "fronts.east.tanks": 100}, "mobilization_order") is None


# The race without halving: the two home divisions are ready on day 9 and Moji loads one a day.
# The North has all of the pool until day 9, then the share of step 1: with 80% (16,000 t) the
# second sails on day 10 beside the first (X-Day day 13, 14 Jul); with 40% it waits for the
# first ship's return on day 12 (X-Day 15); below 40% it never sails.
SCHEDULE = {
    "criteria.halving.enabled": False,
    "levers.north_share": [{"date": day(0), "share": 1.0}, {"date": day(10), "share": 0.3}],
}


def test_breakeven_on_a_step_of_the_share_schedule(tmp_path: Path) -> None:
    base = loaded(tmp_path, None, SCHEDULE)
    path = "levers.north_share.1.share"
    grid = lever_grid(base, path, None, None)
    assert (grid.kind, grid.lo, grid.hi) == ("share", 0, 100)  # no South need on its days
    found = breakeven(base, path, parse_target("x-day<=1941-07-14"), grid, ONE)
    assert (found.method, found.outcome, found.threshold) == ("bisection", "threshold", "80%")
    go = breakeven(base, path, Target(), grid, ONE)
    assert (go.outcome, go.threshold, go.bracket) == ("threshold", "40%", ["39%", "40%"])


def test_a_step_of_the_share_schedule_ranges_up_to_the_south_s_limit_on_its_days(
    tmp_path: Path,
) -> None:
    """The South needs 5,000 t of the 20,000 t pool on day 12, in step 1's days: at most 75%
    there; step 0 (days 0..9) may have it all."""
    south = {"shipping.south_requirements": {"indochina": {"by": day(12), "tons": 5000}}}
    base = loaded(tmp_path, None, {**SCHEDULE, **south})
    assert lever_grid(base, "levers.north_share.1.share", None, None).hi == 75
    assert lever_grid(base, "levers.north_share.0.share", None, None).hi == 100


def test_a_sweep_varies_one_step_of_the_share_schedule(tmp_path: Path) -> None:
    """`--vary levers.north_share.1.share=0.3,0.5,0.8`: no-go below 40%, day 15 at 50%, day 13
    at 80% (see SCHEDULE); `--set` on step 1 gives the same answer as the sweep's point."""
    from kantokuen.analysis.store import read_points

    file = write(tmp_path, SCHEDULE)
    store = tmp_path / "s.sqlite"
    args = ["sweep", file, "--vary", "levers.north_share.1.share=0.3,0.5,0.8"]
    result = CliRunner().invoke(main, args + ["--store", str(store), "--workers", "1"])
    assert result.exit_code == 0, result.output
    points = {p["levers"]["levers.north_share.1.share"]: p for p in read_points(str(store))}
    assert {v: (p["go"], p["x_day"]) for v, p in points.items()} == {
        0.3: (False, None),
        0.5: (True, "1941-07-16"),
        0.8: (True, "1941-07-14"),
    }
    solved = CliRunner().invoke(
        main, ["solve", file, "--set", "levers.north_share.1.share=0.8", "--json"]
    )
    assert json.loads(solved.output)["x_day"] == "1941-07-14"
