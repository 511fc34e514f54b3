"""Explore on the tiny race (tests/analysis/tiny.py), where every share is worked out by hand.

The race: the Eastern front has 10 division-equivalents and sends 4·scale west by day 100,
linearly, so on day D it holds 10 − 0.04·scale·D; the halving needs ≤ 5 by the decision day,
at most the deadline (day 40), and the attack follows 5 days later. The movement is done by
day 13, so go ⇔ the halving holds on some decision day ≤ the deadline:

- scale uniform on [1, 5], deadline day 40: go ⇔ 10 − 1.6·scale ≤ 5 ⇔ scale ≥ 3.125, a share
  (5 − 3.125) / 4 = 15/32 of the box; its edge u = 17/32 is a stratum edge of a 64-world
  Latin hypercube, so exactly 30 of 64 worlds are go, whatever the seed.
- scenario halving-met (scale 4), deadline uniform over days 30..45: the halving first holds
  on day ⌈5 / 0.16⌉ = 32, so go ⇔ deadline ≥ day 32: 14 of the 16 days, 28 of 32 worlds.
- scale triangular on [1, 5] with its mode at the case's 1.0: P(scale ≥ 3.125) =
  (5 − 3.125)² / 16 = 0.2197…; a 64-world hypercube lands within one world of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kantokuen.analysis import store as st
from kantokuen.analysis.explore import (
    ExplorePlan,
    plan_explore,
    run_explore,
    solve_world,
    summarize,
    wilson,
)
from kantokuen.analysis.sweep import Point, StopFlag
from kantokuen.cli import main
from kantokuen.models.errors import CaseError
from kantokuen.models.scenarios import LoadedCase, load
from tests.analysis.tiny import day, write

SCALE = "levers.withdrawal_scale"
DEADLINE = "criteria.decision_deadline.date"


class Inline:
    """Solves the worlds one after another in this process (the executors are tested with
    sweeps; here only the answers matter)."""

    name = "inline"

    def run(
        self,
        base: LoadedCase,
        options: Any,
        solve: Callable[..., dict[str, Any]],
        points: Iterable[Point],
        stop: Callable[[], bool],
    ) -> Iterator[tuple[Point, dict[str, Any]]]:
        for point in points:
            if stop():
                return
            yield point, solve(base, point.levers, options)


def explore(
    loaded: LoadedCase, store: Path, samples: int, **options: Any
) -> tuple[ExplorePlan, dict[str, Any]]:
    plan = plan_explore(loaded, samples, time_limit=20, **options)
    run_explore(plan, str(store), Inline())
    return plan, summarize(plan, st.read_points(str(store)))


def test_p_go_is_the_share_of_the_box_where_the_halving_holds(tmp_path: Path) -> None:
    loaded = load(write(tmp_path))
    _, found = explore(loaded, tmp_path / "e.sqlite", 64, vary_ranges=[f"{SCALE}=1:5"], seed=11)
    assert found["samples"] == 64 and found["worlds"]["proven"] == 64
    assert found["p_go"] == 30 / 64 == 15 / 32
    low, high = found["p_go_interval"]
    assert (low, high) == wilson(30, 64) and low < 15 / 32 < high
    halving = next(c for c in found["criteria"] if c["name"] == "halving")
    assert halving["fails"] == 34  # every no-go world is the halving's
    assert halving["binds"] == 30  # and it sets X-Day in every go world
    top = found["sensitivity"]["outputs"]["go"][0]
    assert top["path"] == SCALE and top["prcc"] > 0.8 and top["significant"]
    box = found["boxes"]["boxes"][0]  # P(go) ≤ ½: PRIM looks for go
    assert found["boxes"]["outcome"] == "go"
    assert [r["path"] for r in box["restrictions"]] == [SCALE]
    assert 3.1 < box["restrictions"][0]["low"] <= 3.2 and box["restrictions"][0]["high"] is None
    assert box["density"] == 1.0 and box["coverage"] == 1.0


def test_a_date_range_splits_by_whole_days(tmp_path: Path) -> None:
    loaded = load(write(tmp_path), "halving-met")
    _, found = explore(
        loaded, tmp_path / "e.sqlite", 32, vary_ranges=[f"{DEADLINE}={day(30)}:{day(45)}"]
    )
    assert found["p_go"] == 28 / 32
    assert found["x_day"]["earliest"] == day(37)  # decision on day 32, attack 5 days later
    assert found["x_day_quantiles"]["50"] == day(37)
    assert found["soviet_share"]["halving_needs"] == 0.5


def test_a_triangular_range_declared_in_the_case(tmp_path: Path) -> None:
    uncertainties = {SCALE: {"low": 1, "high": 5, "distribution": "triangular", "source": "T"}}
    changes = {"uncertainties": uncertainties, "sources": {"T": {"title": "hand-made"}}}
    loaded = load(write(tmp_path, changes))
    plan, found = explore(loaded, tmp_path / "e.sqlite", 64, seed=3)
    assert plan.ranges[0].mode == 1.0 and plan.ranges[0].origin == "case"
    assert abs(found["p_go"] - (5 - 3.125) ** 2 / 16) <= 1 / 64


def test_policies_are_paired_on_the_same_worlds(tmp_path: Path) -> None:
    """Scale 5 halves the front by day 25: every deadline from day 30 is go, so the 4 worlds
    with a deadline before day 32 are gained and each go world attacks 7 days earlier."""
    loaded = load(write(tmp_path), "halving-met")
    plan, found = explore(
        loaded,
        tmp_path / "e.sqlite",
        32,
        vary_ranges=[f"{DEADLINE}={day(30)}:{day(45)}"],
        policies=[f"fast={SCALE}=5"],
    )
    fast = plan.policies[1]
    for w, world in enumerate(plan.worlds):  # the policy's world w is the baseline's world w
        assert (w, "fast") in plan.index[plan.key(w, fast)]
        levers = next(p.levers for p in plan.sweep.points if p.key == plan.key(w, fast))
        assert levers == {**world, SCALE: 5}
    [policy] = found["policies"]
    assert (policy["paired_worlds"], policy["gained"], policy["lost"]) == (32, 4, 0)
    assert policy["p_go"] == 1.0 and policy["delta_p_go"] == 4 / 32
    assert policy["x_day_shift"]["worlds"] == 28
    assert policy["x_day_shift"]["median"] == policy["x_day_shift"]["max"] == -7


def test_identical_worlds_are_solved_once(tmp_path: Path) -> None:
    loaded = load(write(tmp_path), "halving-met")
    plan = plan_explore(loaded, 32, vary_ranges=[f"{DEADLINE}={day(30)}:{day(45)}"])
    assert len(plan.worlds) == 32 and len(plan.sweep.points) == 16  # two worlds per day
    assert sorted(len(v) for v in plan.index.values()) == [2] * 16


def test_a_resumed_explore_stores_the_same_rows(tmp_path: Path) -> None:
    """Stop after 10 worlds, run again: the store holds what one uninterrupted run stores."""
    loaded = load(write(tmp_path))
    plan = plan_explore(loaded, 24, seed=5, vary_ranges=[f"{SCALE}=1:5"])

    class StopAfter:
        def __init__(self, stop: StopFlag) -> None:
            self.stop, self.count = stop, 0

        def started(self, run: Any) -> None: ...

        def point(self, row: dict[str, Any]) -> None:
            self.count += 1
            if self.count == 10:
                self.stop.signal = 2

    stop = StopFlag()
    first = run_explore(
        plan, str(tmp_path / "r.sqlite"), Inline(), listener=StopAfter(stop), stop=stop
    )
    assert first.interrupted and first.solved == 10
    second = run_explore(plan, str(tmp_path / "r.sqlite"), Inline())
    assert (second.skipped, second.solved) == (10, 14)
    run_explore(plan, str(tmp_path / "whole.sqlite"), Inline())

    def answers(store: Path) -> dict[str, tuple[Any, ...]]:
        keep = ("levers", "status", "go", "x_day", "margins", "details", "gap")
        return {r["point_key"]: tuple(r[k] for k in keep) for r in st.read_points(str(store))}

    assert answers(tmp_path / "r.sqlite") == answers(tmp_path / "whole.sqlite")
    assert len(answers(tmp_path / "whole.sqlite")) == 24


def test_a_world_records_why_it_is_no_go_and_how_near_it_came(tmp_path: Path) -> None:
    loaded = load(write(tmp_path))
    options = plan_explore(loaded, 2, vary_ranges=[f"{SCALE}=1:2"]).sweep.options
    no_go = solve_world(loaded, {SCALE: 1.0}, options)
    assert no_go["go"] is False
    assert no_go["details"]["reasons"] == ["decision_deadline", "halving"]
    assert no_go["details"]["soviet_share"] == 0.84  # 10 − 0.04·40 = 8.4 of 10 on day 40
    go = solve_world(loaded, {SCALE: 4.0}, options)
    assert go["go"] is True and "halving" in go["details"]["binds"]


def test_explore_json_has_the_documented_keys_and_repeats_with_the_seed(tmp_path: Path) -> None:
    path = write(tmp_path)
    args = ["explore", path, "--samples", "12", "--seed", "4", "--vary-range", f"{SCALE}=1:5"]
    args += ["--workers", "2", "--time-limit", "20", "--json"]
    first = CliRunner().invoke(main, [*args, "--store", str(tmp_path / "a.sqlite")])
    assert first.exit_code == 0, first.output
    found = json.loads(first.stdout)
    for key in ("p_go", "p_go_interval", "x_day_quantiles", "sensitivity", "boxes", "policies"):
        assert key in found
    assert (found["samples"], found["seed"], found["method"]) == (12, 4, "lhs")
    assert found["labels"][SCALE] == "Speed of Soviet withdrawals westward (× history)"
    again = CliRunner().invoke(main, [*args, "--store", str(tmp_path / "b.sqlite")])
    assert again.stdout == first.stdout  # same seed, fresh store: the same table
    resumed = CliRunner().invoke(main, [*args, "--store", str(tmp_path / "a.sqlite")])
    assert resumed.stdout == first.stdout and "already in the store" in resumed.stderr


def test_explore_text_and_markdown_say_how_sure_and_what_decides(tmp_path: Path) -> None:
    path = write(tmp_path)
    args = ["explore", path, "--samples", "16", "--vary-range", f"{SCALE}=1:5", "--workers", "1"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert (
        "How sure: Go in" in text.stdout and "Go or no-go turns on: Speed of Soviet" in text.stdout
    )
    md = CliRunner().invoke(main, [*args, "--format", "md"])
    assert md.stdout.startswith("# Explore: race") and "**How sure.**" in md.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vary-range", "ports.nope.tons_per_day=1:2"], "ports.nope.tons_per_day names nothing"),
        (["--vary-range", f"{SCALE}=5:1"], "LOW 5 is not below HIGH 1"),
        (["--vary-range", "levers.north_share=0:2"], "levers.north_share: input should be less"),
        (["--policy", "x=levers.nope=1", "--vary-range", f"{SCALE}=1:5"], "not a field of levers"),
        ([], "nothing to explore"),
        (["--method", "sobol", "--vary-range", f"{SCALE}=1:5"], "needs at least 6 samples"),
    ],
)
def test_bad_explore_input_is_one_error_exit_1(
    tmp_path: Path, args: list[str], message: str
) -> None:
    path = write(tmp_path)
    result = CliRunner().invoke(main, ["explore", path, "--samples", "4", *args])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_declared_range_the_case_cannot_take_names_its_line(tmp_path: Path) -> None:
    """A withdrawal range whose high end passes the next point's total breaks the case."""
    uncertainties = {
        "fronts.east.withdrawals.0.cumulative": {"low": 1, "high": 5, "source": "T"},
    }
    changes = {
        "uncertainties": uncertainties,
        "sources": {"T": {"title": "hand-made"}},
        "fronts.east.withdrawals": [
            {"date": day(50), "cumulative": 2},
            {"date": day(100), "cumulative": 4},
        ],
    }
    path = write(tmp_path, changes)
    result = CliRunner().invoke(main, ["explore", path, "--samples", "4"])
    assert result.exit_code == 1
    line = next(
        i for i, t in enumerate(Path(path).read_text().splitlines(), 1) if "withdrawals.0.cum" in t
    )
    assert result.stderr.startswith(
        f"Error: {path}:{line}: uncertainties.fronts.east.withdrawals.0.cumulative: with "
        "fronts.east.withdrawals.0.cumulative=5"
    ), result.stderr


def test_bad_ranges_in_the_case_stop_every_command(tmp_path: Path) -> None:
    uncertainties = {SCALE: {"low": 2, "high": 5, "source": "T"}}  # the case ships 1.0
    path = write(tmp_path, {"uncertainties": uncertainties, "sources": {"T": {"title": "t"}}})
    for command in (["validate", path], ["explore", path, "--samples", "4"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1
        assert "the shipped value 1 of levers.withdrawal_scale lies outside 2..5" in result.stderr
    with pytest.raises(CaseError):
        load(path)


def flaky_world(base: LoadedCase, levers: dict[str, Any], options: Any) -> dict[str, Any]:
    """The real world solve, except that a withdrawal speed above 4 always raises."""
    if levers.get(SCALE, 0) > 4:
        raise RuntimeError("solver crashed on purpose")
    return solve_world(base, levers, options)


def test_dask_failures_then_retry_failed_give_the_rows_of_a_clean_run(tmp_path: Path) -> None:
    """On a Dask LocalCluster a world that keeps raising is stored as an error and the others as
    the local pool stores them; --retry-failed then solves only those, in place."""
    pytest.importorskip("distributed")
    from kantokuen.analysis.executors import DaskExecutor

    loaded = load(write(tmp_path))
    plan = plan_explore(loaded, 8, seed=2, vary_ranges=[f"{SCALE}=1:5"])
    store = str(tmp_path / "d.sqlite")
    run_explore(plan, store, DaskExecutor(2), solve=flaky_world)
    failed = summarize(plan, st.read_points(store))["worlds"]["errors"]
    assert failed == sum(1 for w in plan.worlds if w[SCALE] > 4) > 0
    retried = run_explore(plan, store, Inline(), retry_failed=True)
    assert (retried.skipped, retried.solved) == (8 - failed, failed)
    run_explore(plan, str(tmp_path / "clean.sqlite"), Inline())

    def answers(path: str) -> dict[str, tuple[Any, ...]]:
        keep = ("levers", "status", "go", "x_day", "margins", "details", "error")
        return {r["point_key"]: tuple(r[k] for k in keep) for r in st.read_points(path)}

    assert answers(store) == answers(str(tmp_path / "clean.sqlite"))
