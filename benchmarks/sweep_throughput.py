"""Sweep throughput: points per second of the local process pool vs Dask, on the same sweeps.

Each measurement runs a real sweep (`analysis.sweep.run_sweep`) into a fresh temporary store,
so it counts everything a user waits for: starting the pool or the cluster, shipping the case
to the workers, solving, and writing every point to SQLite. One axis (`levers.north_share` by
default) is split into N distinct values to get a sweep of exactly N points.

    python -m benchmarks.sweep_throughput                       # teaching case, sizes 25..800
    python -m benchmarks.sweep_throughput --case cases/kantokuen_1941.yaml --sizes 20,60 \\
        --lever levers.withdrawal_scale --low 1 --high 5 --time-limit 10
    python -m benchmarks.sweep_throughput --scheduler tcp://host:8786   # Dask on a running cluster

`measure(...)` returns the numbers (a list of dicts) for the benchmark runner; `pays_off(...)`
says from what size Dask's throughput reaches the local pool's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kantokuen.analysis.executors import DaskExecutor, LocalExecutor
from kantokuen.analysis.sweep import SweepRun, plan_sweep, run_sweep
from kantokuen.models.scenarios import load

TEACHING = str(Path(__file__).resolve().parents[1] / "cases" / "teaching" / "two_divisions.yaml")


@dataclass
class Measurement:
    """One sweep of `points` points on one executor."""

    executor: str
    points: int
    workers: int
    seconds: float  # wall time of the run (`run_sweep`), pool startup included
    plan_s: float  # before it: parsing --vary, the grid, every point's overrides checked
    first_point_s: float  # from the start until the first point was stored (startup + one solve)
    points_per_s: float  # points / seconds
    steady_points_per_s: float  # after the first point: throughput once the workers run
    mean_solve_s: float  # mean solve time of one point, as measured in the worker
    go: int


class _Clock:
    """Sweep listener that notes when the first and the last point were stored."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.first: float | None = None
        self.last: float | None = None
        self.solve_seconds: list[float] = []
        self.go = 0

    def started(self, run: SweepRun) -> None:
        pass

    def point(self, row: dict[str, Any]) -> None:
        now = time.perf_counter()
        self.first = self.first or now
        self.last = now
        self.solve_seconds.append(float(row.get("solve_seconds") or 0.0))
        self.go += bool(row.get("go"))


def grid_of(
    points: int, lever: str = "levers.north_share", low: float = 0.3, high: float = 1.0
) -> list[str]:
    """A one-axis `--vary` with exactly `points` distinct values between low and high."""
    if points == 1:
        return [f"{lever}={high}"]
    values = sorted({round(low + (high - low) * i / (points - 1), 6) for i in range(points)})
    assert len(values) == points, "too many points for six decimals"
    return [f"{lever}=" + ",".join(repr(v) for v in values)]


def measure_one(
    executor: str,
    points: int,
    case: str = TEACHING,
    scenario: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    time_limit: float = 60.0,
    lever: str = "levers.north_share",
    low: float = 0.3,
    high: float = 1.0,
) -> Measurement:
    """Run one sweep of `points` points on `executor` ('local' or 'dask') and time it."""
    workers = workers or os.cpu_count() or 1
    base = load(case, scenario)
    planned = time.perf_counter()
    plan = plan_sweep(base, grid_of(points, lever, low, high), time_limit=time_limit)
    plan_s = time.perf_counter() - planned
    runner = LocalExecutor(workers) if executor == "local" else DaskExecutor(workers, scheduler)
    with tempfile.TemporaryDirectory() as folder:
        clock = _Clock()
        run = run_sweep(plan, str(Path(folder) / "bench.sqlite"), runner, listener=clock)
        ended = time.perf_counter()
    assert run.solved == points and not run.interrupted, run
    seconds = ended - clock.t0
    first = (clock.first or ended) - clock.t0
    steady_span = (clock.last or ended) - (clock.first or ended)
    return Measurement(
        executor=executor if not scheduler else f"dask@{scheduler}",
        points=points,
        workers=workers,
        seconds=round(seconds, 3),
        plan_s=round(plan_s, 3),
        first_point_s=round(first, 3),
        points_per_s=round(points / seconds, 2),
        steady_points_per_s=round((points - 1) / steady_span, 2) if steady_span > 0 else 0.0,
        mean_solve_s=round(sum(clock.solve_seconds) / len(clock.solve_seconds), 4),
        go=clock.go,
    )


def measure(
    sizes: Sequence[int] = (25, 100, 400, 800),
    executors: Sequence[str] = ("local", "dask"),
    case: str = TEACHING,
    scenario: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    time_limit: float = 60.0,
    lever: str = "levers.north_share",
    low: float = 0.3,
    high: float = 1.0,
) -> list[dict[str, Any]]:
    """Points/second of each executor at each sweep size, on the same sweeps (one dict each)."""
    out = []
    # Each sweep in a fresh process, as a user runs it: nothing warm from the previous one.
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        for executor in executors:
            with ProcessPoolExecutor(1, mp_context=context) as fresh:
                m = fresh.submit(
                    measure_one,
                    executor,
                    size,
                    case,
                    scenario,
                    workers,
                    scheduler if executor == "dask" else None,
                    time_limit,
                    lever,
                    low,
                    high,
                ).result()
            out.append(asdict(m) | {"case": Path(case).name, "scenario": scenario, "load": _load()})
    return out


def _load() -> float | None:
    """1-minute load average when the measurement ended (other work on the machine skews it)."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def pays_off(results: list[dict[str, Any]]) -> int | None:
    """The smallest measured size from which Dask's throughput is at least the local pool's
    (at that size and every larger one); None if it never is."""
    by_size: dict[int, dict[str, float]] = {}
    for r in results:
        kind = "local" if r["executor"] == "local" else "dask"
        by_size.setdefault(r["points"], {})[kind] = r["points_per_s"]
    sizes = sorted(s for s, v in by_size.items() if {"local", "dask"} <= v.keys())
    for i, size in enumerate(sizes):
        if all(by_size[s]["dask"] >= by_size[s]["local"] for s in sizes[i:]):
            return size
    return None


def machine() -> str:
    return (
        f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    head = (
        "| case | executor | points | workers | wall s | first point s | points/s | steady "
        "points/s | mean solve s | load |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in results:
        lines.append(
            f"| {r['case']}{' / ' + r['scenario'] if r['scenario'] else ''} | {r['executor']} | "
            f"{r['points']} | {r['workers']} | {r['seconds']} | {r['first_point_s']} | "
            f"{r['points_per_s']} | {r['steady_points_per_s']} | {r['mean_solve_s']} | "
            f"{r['load']} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default=TEACHING)
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--sizes", default="25,100,400,800", help="comma-separated sweep sizes")
    parser.add_argument("--executors", default="local,dask")
    parser.add_argument(
        "--workers", type=int, default=None, help="parallel points (default: all cores)"
    )
    parser.add_argument(
        "--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per point")
    parser.add_argument("--lever", default="levers.north_share")
    parser.add_argument("--low", type=float, default=0.3)
    parser.add_argument("--high", type=float, default=1.0)
    args = parser.parse_args(argv)
    results = measure(
        [int(s) for s in args.sizes.split(",")],
        args.executors.split(","),
        args.case,
        args.scenario,
        args.workers,
        args.scheduler,
        time_limit=args.time_limit,
        lever=args.lever,
        low=args.low,
        high=args.high,
    )
    print(f"Machine: {machine()}\n")
    print(table(results))
    size = pays_off(results)
    print()
    print(
        f"Dask pays off from {size} points on."
        if size
        else "Dask never reached the local pool's throughput at these sizes on this machine."
    )


if __name__ == "__main__":
    main()
