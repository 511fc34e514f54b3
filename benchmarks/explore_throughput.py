"""Explore throughput: worlds per second of `explore` against points per second of a sweep of
the same size, on the same case and executor, in one run (compare the ratio, not the clock).

The explore samples the case's declared uncertainties (Latin hypercube, seed 1); the sweep
varies one of them (the Far Eastern Front's withdrawals by 10 Aug) over as many values, so both
solve the same kind of world; they run in the order explore, sweep, sweep, explore and each
kind's faster run counts. Each is timed from the plan to the last stored answer; the
explore also times its design and checks (plan) and its analysis (summarize: sensitivity,
PRIM). The per-world overhead is what a world costs beyond its own solve: wall time × workers
÷ worlds − the mean solve time measured in the worker.

    python -m benchmarks.explore_throughput                    # 500 worlds, historical
    python -m benchmarks.explore_throughput --worlds 200
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from kantokuen.analysis import store as st
from kantokuen.analysis.executors import LocalExecutor
from kantokuen.analysis.explore import plan_explore, run_explore, summarize
from kantokuen.analysis.sweep import plan_sweep, run_sweep
from kantokuen.models.scenarios import load

HISTORICAL = str(Path(__file__).resolve().parents[1] / "cases" / "kantokuen_1941.yaml")
SWEPT = "fronts.far_eastern.withdrawals.1.cumulative"


class _Solves:
    """Listener: the solve seconds each stored answer reports."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def started(self, run: Any) -> None: ...

    def point(self, row: dict[str, Any]) -> None:
        self.seconds.append(float(row.get("solve_seconds") or 0.0))


def _rates(count: int, seconds: float, solves: list[float], workers: int) -> dict[str, float]:
    mean = sum(solves) / len(solves)
    return {
        "seconds": round(seconds, 2),
        "per_s": round(count / seconds, 2),
        "mean_solve_s": round(mean, 4),
        "overhead_per_world_s": round(seconds * workers / count - mean, 4),
    }


def _explore(loaded: Any, worlds: int, seed: int, workers: int, folder: str) -> dict[str, Any]:
    started = time.perf_counter()
    plan = plan_explore(loaded, worlds, "lhs", seed, time_limit=60.0)
    planned = time.perf_counter()
    solves = _Solves()
    store = str(Path(folder) / f"e{time.monotonic_ns()}.sqlite")
    run_explore(plan, store, LocalExecutor(workers), listener=solves)
    ran = time.perf_counter()
    found = summarize(plan, st.read_points(store))
    summarized = time.perf_counter()
    out = _rates(len(plan.sweep.points), ran - planned, solves.seconds, workers)
    return out | {
        "solves": len(plan.sweep.points),
        "uncertainties": len(plan.ranges),
        "p_go": found["p_go"],
        "plan_s": round(planned - started, 2),
        "summarize_s": round(summarized - ran, 2),
        "total_s": round(summarized - started, 2),
    }


def _sweep(loaded: Any, worlds: int, seed: int, workers: int, folder: str) -> dict[str, Any]:
    low, high = 2.0, 4.0
    values = ",".join(repr(round(low + (high - low) * i / (worlds - 1), 6)) for i in range(worlds))
    started = time.perf_counter()
    grid = plan_sweep(loaded, [f"{SWEPT}={values}"], time_limit=60.0, seed=seed)
    planned = time.perf_counter()
    solves = _Solves()
    store = str(Path(folder) / f"s{time.monotonic_ns()}.sqlite")
    run_sweep(grid, store, LocalExecutor(workers), listener=solves)
    ran = time.perf_counter()
    return _rates(worlds, ran - planned, solves.seconds, workers) | {
        "plan_s": round(planned - started, 2)
    }


def measure(
    worlds: int = 500,
    case: str = HISTORICAL,
    scenario: str = "historical",
    workers: int | None = None,
    seed: int = 1,
) -> dict[str, Any]:
    """Explore `worlds` worlds and sweep as many points on the local pool, in the order
    explore, sweep, sweep, explore (the machine is shared: a load that grows or falls during
    the run then weighs on both alike), keeping each one's faster run."""
    workers = workers or os.cpu_count() or 1
    loaded = load(case, scenario)
    runs: dict[str, list[dict[str, Any]]] = {"explore": [], "sweep": []}
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("explore", "sweep", "sweep", "explore"):
            measure_one = _explore if kind == "explore" else _sweep
            runs[kind].append(measure_one(loaded, worlds, seed, workers, folder))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    return {
        "case": os.path.relpath(case, Path(__file__).resolve().parents[1]),
        "scenario": scenario,
        "worlds": worlds,
        "workers": workers,
        "seed": seed,
        "load_average": [round(x, 2) for x in (*load_start, *os.getloadavg())],
        "explore": best["explore"],
        "sweep": best["sweep"],
        "all_runs": runs,
        "explore_vs_sweep": round(best["explore"]["per_s"] / best["sweep"]["per_s"], 3),
    }


def markdown(data: dict[str, Any]) -> list[str]:
    """The BENCHMARKS.md section."""
    e, s = data["explore"], data["sweep"]
    return [
        "",
        "## Explore throughput",
        "",
        f"`benchmarks.explore_throughput.measure`: `{data['case']}` scenario "
        f"`{data['scenario']}`, local process pool, {data['workers']} workers, one CP-SAT worker "
        f"per world. Explore: {data['worlds']} worlds (Latin hypercube, seed {data['seed']}) over "
        f"the case's {e['uncertainties']} declared uncertainties ({e['solves']} distinct "
        f"solves); sweep: `{SWEPT}` over {data['worlds']} values in [2, 4]. One run, in the "
        f"order explore, sweep, sweep, explore, each kind's faster run shown (load average "
        f"{data['load_average'][0]} at the start, {data['load_average'][3]} at the end).",
        "",
        "| | solves | wall (solving) | per second | mean solve | overhead per world |",
        "|---|---|---|---|---|---|",
        f"| explore | {e['solves']} | {e['seconds']:.1f} s | {e['per_s']:.2f} | "
        f"{e['mean_solve_s']:.3f} s | {e['overhead_per_world_s']:.3f} s |",
        f"| sweep | {data['worlds']} | {s['seconds']:.1f} s | {s['per_s']:.2f} | "
        f"{s['mean_solve_s']:.3f} s | {s['overhead_per_world_s']:.3f} s |",
        "",
        f"- Explore solves {data['explore_vs_sweep']:.2f}× as many worlds per second as the "
        f"sweep solves points. Around the solving: the design and the checks of every range's "
        f"ends {e['plan_s']:.2f} s, the analysis (Wilson interval, quantiles, sensitivity, PRIM) "
        f"{e['summarize_s']:.2f} s; {e['total_s']:.1f} s in all (P(go) = {e['p_go']}).",
        "- Mean solve is the worker's whole world: its case built and validated, planned, "
        "verified (and, for explore, the Soviet share and the criteria that fail or bind). "
        "Overhead per world = wall × workers ÷ worlds − mean solve: starting the pool, sending "
        "each world, writing it to SQLite, idle workers at the end.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worlds", type=int, default=500)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    data = measure(args.worlds, workers=args.workers)
    print(json.dumps(data, indent=2))
    print("\n".join(markdown(data)))


if __name__ == "__main__":
    main()
