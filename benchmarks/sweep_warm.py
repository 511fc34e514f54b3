"""Warm starts between neighbouring sweep points: does a point's plan, given to the next point
as a hint (`plan_case(..., hint=)`), make the next point faster, with the same proven answer?

One process walks consecutive points of one axis. Each point is solved twice, one right after
the other (so machine load hits both alike): cold, as a sweep solves it today, and warm, with the
previous point's warm plan as the hint. Both plans pass the verifier (`plan_case` returns no
other). Reported: seconds per point each way, how often the hint was better than the list
schedule's plan (so it started the search), and whether the proven answers agree (status,
X-Day, and each term the solver proved).

    python -m benchmarks.sweep_warm                     # v1 halving-met, 12 points
    python -m benchmarks.sweep_warm --case FILE.yaml --scenario S --points 6 --time-limit 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kantokuen.analysis.sweep import point_options
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import load, with_overrides
from kantokuen.planner.solve import Outcome, plan_case, usable_hint

V1 = str(Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "kantokuen_1941_v1.yaml")
"""The v1 case (the historical case before issue 14, a benchmark instance only): its
`halving-met` is a go that proves, which this measurement needs."""


def _proven(out: Outcome) -> tuple[Any, ...]:
    """What a sweep stores that does not depend on the search path: status, and every term
    whose bound met its value."""
    proven = {k: v for k, v in out.objective.items() if out.bound.get(k) == v}
    return (out.status.value, tuple(sorted(proven.items())))


def measure(
    points: int = 12,
    case: str = V1,
    scenario: str | None = "halving-met",
    lever: str = "levers.north_share",
    low: float = 0.5,
    step: float = 0.01,
    time_limit: float = 60.0,
) -> dict[str, Any]:
    """Cold and warm seconds per point over `points` neighbours, and what the hints did."""
    base = load(case, scenario)
    options = point_options(time_limit, 0)  # as a sweep solves its points
    cold_s: list[float] = []
    warm_s: list[float] = []
    used = same = 0
    previous = None
    for i in range(points):
        value = round(low + i * step, 6)
        inst = Instance(with_overrides(base, {lever: value}).case)
        t = time.perf_counter()
        cold = plan_case(inst, options)
        cold_s.append(time.perf_counter() - t)
        inst = Instance(inst.case)  # fresh tables, as a sweep point has
        t = time.perf_counter()
        warm = plan_case(inst, options, hint=previous)
        warm_s.append(time.perf_counter() - t)
        hint = usable_hint(inst, previous)
        used += hint is not None
        same += _proven(cold) == _proven(warm)
        previous = warm.plan or previous
    return {
        "case": Path(case).name,
        "scenario": scenario,
        "lever": lever,
        "values": f"{low}, {round(low + step, 6)}, …, {round(low + (points - 1) * step, 6)}",
        "points": points,
        "cold_s": round(statistics.mean(cold_s), 3),
        "warm_s": round(statistics.mean(warm_s), 3),
        "hint_verified": used,
        "same_proven_answer": same,
    }


def summary(r: dict[str, Any]) -> dict[str, Any]:
    """The target row: measured text, pass/fail, how far."""
    ratio = r["cold_s"] / r["warm_s"] if r["warm_s"] else 0.0
    return {
        "measured": (
            f"{r['points']} neighbours of `{r['lever']}` ({r['values']}) on {r['case']} / "
            f"{r['scenario']}: {r['cold_s']:.3f} s a point cold, {r['warm_s']:.3f} s warm "
            f"(the neighbour's plan passed the verifier as a hint at {r['hint_verified']} of "
            f"{r['points'] - 1}); same proven answer at {r['same_proven_answer']} of "
            f"{r['points']}"
        ),
        "ok": ratio > 1.1 and r["same_proven_answer"] == r["points"],
        "how_far": f"{ratio:.2f}× as fast with the hint",
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default=V1)
    parser.add_argument("--scenario", default="halving-met")
    parser.add_argument("--lever", default="levers.north_share")
    parser.add_argument("--points", type=int, default=12)
    parser.add_argument("--low", type=float, default=0.5)
    parser.add_argument("--step", type=float, default=0.01)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    scenario = None if args.scenario in ("", "-") else args.scenario
    r = measure(args.points, args.case, scenario, args.lever, args.low, args.step, args.time_limit)
    print(r)
    print(summary(r))


if __name__ == "__main__":
    main()
