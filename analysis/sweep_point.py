"""Solving one sweep point, in a worker process: the base case with the point's lever values,
planned, verified and measured, answered as the store's fields.

Each point is solved with ONE CP-SAT worker and a fixed seed (`sweep_spec.POINT_CP_WORKERS`), so a
point's answer does not depend on how many points run beside it or where (local processes or a
Dask cluster): a resumed or distributed sweep gives the same numbers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from kantokuen.models.errors import CaseError
from kantokuen.models.scenarios import LoadedCase, with_overrides

if TYPE_CHECKING:
    from kantokuen.planner.solve import SolveOptions


class Details(Protocol):
    """Facts of one solved point beyond the store's columns (planner and verifier types)."""

    def __call__(self, inst: Any, outcome: Any, result: Any) -> dict[str, Any]: ...


class SolvePoint(Protocol):
    def __call__(
        self, base: LoadedCase, levers: dict[str, Any], options: SolveOptions
    ) -> dict[str, Any]: ...


def solve_point(
    base: LoadedCase,
    levers: dict[str, Any],
    options: SolveOptions,
    details: Details | None = None,
) -> dict[str, Any]:
    """Solve one point; the answer as store fields (small, so it travels back cheaply).

    The same steps as `planner.result.solve` (plan, verify, measure the criteria) but without
    the no-go explanation: a minimal conflict costs seconds to tens of seconds per no-go point
    and the store keeps verdicts and margins, not explanations (`kantokuen explain` gives one
    for any point of interest). `details` (a module-level function, so that it travels to the
    workers) adds facts of its own to the store's `details` column, e.g. `explore`'s.

    Bad input and planner bugs give the same answer however often they are retried, so they come
    back as `{"error": ...}` at once; anything else (out of memory, a lost worker) raises, and the
    executor retries it elsewhere before recording it as an error.
    """
    from kantokuen.models.instance import Instance
    from kantokuen.planner.result import build_result
    from kantokuen.planner.solve import PlannerBug, plan_case

    started = time.perf_counter()
    try:
        loaded = with_overrides(base, levers, "--vary")
        inst = Instance(loaded.case)
        outcome = plan_case(inst, options)
        result = build_result(loaded, inst, outcome, options, [], [])
    except CaseError as exc:
        return {
            "error": "; ".join(str(p) for p in exc.problems),
            "solve_seconds": time.perf_counter() - started,
        }
    except PlannerBug as exc:
        return {"error": f"planner bug: {exc}", "solve_seconds": time.perf_counter() - started}
    return {
        "case_name": result.case,
        "status": result.status.value,
        "go": result.go,
        "x_day": result.x_day,
        "x_day_index": result.x_day_index,
        "decision_day": result.decision_day,
        "north_share": result.north_share,
        "margins": {c.name: c.margin if c.enabled else None for c in result.criteria},
        "objective": result.objective,
        "gap": x_day_gap(result.status.value, result.objective, result.bound),
        # Wall time of the whole point (case, solve, verification): what a sweep pays for it.
        "solve_seconds": round(time.perf_counter() - started, 3),
        "version": result.version,
        "ortools_version": result.ortools_version,
        "details": details(inst, outcome, result) if details else None,
    }


def x_day_gap(status: str, objective: dict[str, float], bound: dict[str, float]) -> float | None:
    """(objective − bound) / objective for X-Day; None when proven (optimal or no-go) or unknown."""
    if status in ("OPTIMAL", "INFEASIBLE") or "x_day" not in objective or "x_day" not in bound:
        return None
    value, best = objective["x_day"], bound["x_day"]
    return round((value - best) / max(abs(value), 1.0), 6)
