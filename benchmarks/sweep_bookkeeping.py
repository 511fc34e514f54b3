"""Sweep bookkeeping: what a sweep costs per point around the solve, measured with a no-op solve.

The planner is replaced by `Replay`: the plan of one real solve, given each point's North share
and passed through the verifier as `plan_case` passes its own last plan (so verification is
counted), with no search. Everything else is the real sweep: the grid planned and every point's
overrides checked, the case sent to the workers once, each point's overrides applied and
validated, the derived tables, the criteria's margins, the answer shipped back, the store row
written, the progress bar drawn (into a string). Two measurements:

- the whole sweep on the local pool: wall seconds per point once the workers run (steady), and
  the planning before it, per point;
- one process, phase by phase, milliseconds per point (median over the points).

    python -m benchmarks.sweep_bookkeeping                       # v1 halving-met, 400 points
    python -m benchmarks.sweep_bookkeeping --case FILE.yaml --scenario S --points 200 --low 0.5

The lever must be `levers.north_share` on a case whose share is a fixed number, over a range
where the replayed plan holds (every point go; the benchmark fails otherwise, it never counts a
point the verifier rejected).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import io
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.sweep_throughput import grid_of
from kantokuen.analysis import store as st
from kantokuen.analysis.executors import LocalExecutor
from kantokuen.analysis.sweep import (
    SweepRun,
    plan_sweep,
    point_options,
    point_row,
    run_sweep,
    solve_point,
)
from kantokuen.analysis.sweep_point import point_answer
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import load, with_overrides
from kantokuen.models.verify import verify
from kantokuen.planner.solve import Outcome, PlannerBug, SolveOptions, plan_case
from kantokuen.reports.progress import SweepProgress

V1 = str(Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "kantokuen_1941_v1.yaml")
"""The v1 case (the historical case before issue 14, a benchmark instance only): its
`halving-met` is a go that proves, which this measurement needs."""
LEVER = "levers.north_share"
TARGET_MS = 5.0


@dataclasses.dataclass(frozen=True)
class Replay:
    """A no-op planner: one solved outcome, its plan given the point's North share and checked
    by the verifier, as `plan_case` checks the plan it returns."""

    outcome: Outcome

    def __call__(self, inst: Instance, options: SolveOptions) -> Outcome:
        plan = self.outcome.plan
        assert plan is not None
        plan = plan.model_copy(update={"north_share_bp": inst.plan_share_bp(plan.x_day, 0)})
        violations = verify(inst.case, plan)
        if violations:
            raise PlannerBug(violations)
        return dataclasses.replace(self.outcome, plan=plan, seconds=0.0, timings={})


class _Listener:
    """The real progress bar (drawn into a string) and a clock of the stored points."""

    def __init__(self) -> None:
        from rich.console import Console

        self.bar = SweepProgress(Console(file=io.StringIO(), force_terminal=True, width=100))
        self.times: list[float] = []

    def started(self, run: SweepRun) -> None:
        self.bar.started(run)

    def point(self, row: dict[str, Any]) -> None:
        self.bar.point(row)
        self.times.append(time.perf_counter())

    def stop(self) -> None:
        self.bar.stop()  # the live display gives standard output back


def replay_of(case: str, scenario: str | None, low: float) -> tuple[Any, Replay, SolveOptions]:
    """The base case, a Replay of the real solve at the range's low end, and the options."""
    base = load(case, scenario)
    assert isinstance(base.case.levers.north_share, float | int), "needs a fixed North share"
    options = point_options(60.0, 0)  # as a sweep solves its points
    outcome = plan_case(Instance(with_overrides(base, {LEVER: low}).case), options)
    assert outcome.plan is not None, f"no go at {LEVER}={low}: nothing to replay"
    return base, Replay(outcome), options


def measure_sweep(
    points: int,
    case: str = V1,
    scenario: str | None = "halving-met",
    low: float = 0.6,
    high: float = 0.8,
    workers: int = 2,
) -> dict[str, Any]:
    """A whole sweep with the no-op solve on the local pool: seconds per point."""
    base, replay, _ = replay_of(case, scenario, low)
    started = time.perf_counter()
    plan = plan_sweep(base, grid_of(points, LEVER, low, high))
    planned = time.perf_counter()
    listener = _Listener()
    with tempfile.TemporaryDirectory() as folder:
        try:
            run = run_sweep(
                plan,
                str(Path(folder) / "bookkeeping.sqlite"),
                LocalExecutor(workers),
                solve=functools.partial(solve_point, planner=replay),
                listener=listener,
            )
        finally:
            listener.stop()
        rows = st.read_points(str(Path(folder) / "bookkeeping.sqlite"))
    ended = time.perf_counter()
    assert run.solved == points and not run.interrupted, run
    assert all(r["go"] and not r["error"] for r in rows), "a replayed point was not go"
    first, last = listener.times[0], listener.times[-1]
    return {
        "points": points,
        "workers": workers,
        "plan_ms_per_point": round(1000 * (planned - started) / points, 3),
        "first_point_s": round(first - planned, 3),
        "steady_ms_per_point": round(1000 * (last - first) / (points - 1), 3),
        "total_s": round(ended - started, 3),
        "total_ms_per_point": round(1000 * (ended - started) / points, 3),
    }


def measure_phases(
    points: int,
    case: str = V1,
    scenario: str | None = "halving-met",
    low: float = 0.6,
    high: float = 0.8,
) -> dict[str, float]:
    """One process, each phase of a point on its own: median milliseconds per point."""
    base, replay, options = replay_of(case, scenario, low)
    started = time.perf_counter()
    plan = plan_sweep(base, grid_of(points, LEVER, low, high))
    planning = (time.perf_counter() - started) / points
    phases: dict[str, list[float]] = {
        k: []
        for k in (
            "overrides",
            "instance_and_verification",
            "margins_and_answer",
            "solve_point",
            "store_row",
            "progress",
        )
    }
    listener = _Listener()
    with tempfile.TemporaryDirectory() as folder:
        conn = st.connect(str(Path(folder) / "phases.sqlite"), create=True)
        run_id = st.start_run(conn, "phases", points)
        listener.started(SweepRun(total=points, skipped=0, todo=points))
        for point in plan.points:
            t1 = time.perf_counter()
            loaded = with_overrides(base, point.levers)
            t2 = time.perf_counter()
            inst = Instance(loaded.case)
            outcome = replay(inst, options)
            t3 = time.perf_counter()
            point_answer(inst, outcome)
            t4 = time.perf_counter()
            answer = solve_point(base, point.levers, options, planner=replay)
            t5 = time.perf_counter()
            row = point_row(plan, point, answer)
            st.write_point(conn, run_id, row)
            t6 = time.perf_counter()
            listener.point(row)
            t7 = time.perf_counter()
            assert answer.get("go"), answer
            for name, (a, b) in zip(
                phases,
                ((t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6), (t6, t7)),
                strict=True,
            ):
                phases[name].append(b - a)
        listener.stop()
        conn.close()
    out = {"plan_and_check": round(1000 * planning, 3)}
    out |= {k: round(1000 * statistics.median(v), 3) for k, v in phases.items()}
    # What the sweep pays per point beyond the planner's search, in one process: the grid and
    # its check before the run, the worker's whole point (`solve_point` with the no-op: the
    # overrides, tables, verification and margins), the store row and the progress bar.
    out["per_point"] = round(
        out["plan_and_check"] + out["solve_point"] + out["store_row"] + out["progress"], 3
    )
    return out


def measure(
    points: int = 400,
    case: str = V1,
    scenario: str | None = "halving-met",
    low: float = 0.6,
    high: float = 0.8,
    workers: int = 2,
) -> dict[str, Any]:
    """Both measurements, with what they were taken on."""
    return {
        "case": Path(case).name,
        "scenario": scenario,
        "lever": LEVER,
        "low": low,
        "high": high,
        "target_ms": TARGET_MS,
        "sweep": measure_sweep(points, case, scenario, low, high, workers),
        "phases_ms": measure_phases(min(points, 100), case, scenario, low, high),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default=V1)
    parser.add_argument("--scenario", default="halving-met")
    parser.add_argument("--points", type=int, default=400)
    parser.add_argument("--low", type=float, default=0.6)
    parser.add_argument("--high", type=float, default=0.8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    scenario = None if args.scenario in ("", "-") else args.scenario
    result = measure(args.points, args.case, scenario, args.low, args.high, args.workers)
    sweep, phases = result["sweep"], result["phases_ms"]
    print(
        f"{result['case']} / {scenario}, {LEVER} in [{args.low}, {args.high}], "
        f"{sweep['points']} points, {sweep['workers']} workers, no-op solve"
    )
    print(
        f"whole sweep: {sweep['total_s']} s ({sweep['total_ms_per_point']} ms/point); steady "
        f"{sweep['steady_ms_per_point']} ms/point; planning {sweep['plan_ms_per_point']} "
        f"ms/point; first point after {sweep['first_point_s']} s"
    )
    print("one process, median ms per point:")
    for name, ms in phases.items():
        print(f"  {name:28} {ms:8.3f}")


if __name__ == "__main__":
    main()
