"""Solving one sweep point, in a worker process: the base case with the point's lever values,
planned, verified and measured, answered as the store's fields.

Each point is solved with ONE CP-SAT worker and a fixed seed (`sweep_spec.POINT_CP_WORKERS`), so a
point's answer does not depend on how many points run beside it or where (local processes or a
Dask cluster): a resumed or distributed sweep gives the same numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kantokuen.models import __version__
from kantokuen.models.errors import CaseError
from kantokuen.models.instance import BP, Instance
from kantokuen.models.plan import CriterionResult, Plan
from kantokuen.models.scenarios import LoadedCase, with_overrides

if TYPE_CHECKING:
    from kantokuen.planner.solve import Outcome, SolveOptions


class Details(Protocol):
    """Facts of one solved point beyond the store's columns (planner and verifier types;
    `answer` is the point's `PointAnswer`)."""

    def __call__(self, inst: Any, outcome: Any, answer: Any) -> dict[str, Any]: ...


class SolvePoint(Protocol):
    def __call__(
        self, base: LoadedCase, levers: dict[str, Any], options: SolveOptions
    ) -> dict[str, Any]: ...


class Planner(Protocol):
    """What finds a point's plan: `planner.solve.plan_case` (the benchmarks put a no-op in its
    place to measure what a sweep costs around the solve)."""

    def __call__(self, inst: Instance, options: SolveOptions) -> Outcome: ...


@dataclass(frozen=True)
class PointAnswer:
    """What the store keeps of a solved point: the verdict, whether the verifier passed it (a
    go's plan, a no-go's certificate) and each criterion's margin."""

    status: str
    plan: Plan | None
    verified: bool
    criteria: list[CriterionResult]


def solve_point(
    base: LoadedCase,
    levers: dict[str, Any],
    options: SolveOptions,
    details: Details | None = None,
    planner: Planner | None = None,
) -> dict[str, Any]:
    """Solve one point; the answer as store fields (small, so it travels back cheaply).

    The same steps as `planner.result.solve` (plan, verify, measure the criteria) but without
    the no-go explanation: a minimal conflict costs seconds to tens of seconds per no-go point
    and the store keeps verdicts and margins, not explanations (`kantokuen explain` gives one
    for any point of interest). Nor does it build the rest of a full result (unit timelines,
    usage per day, strength series), which the store does not keep. The plan is the verified
    one `plan_case` returns; a no-go's certificate is checked by the verifier here, as
    `solve` does. `details` (a module-level function, so that it travels to the workers) adds
    facts of its own to the store's `details` column, e.g. `explore`'s.

    Bad input and planner bugs give the same answer however often they are retried, so they come
    back as `{"error": ...}` at once; anything else (out of memory, a lost worker) raises, and the
    executor retries it elsewhere before recording it as an error.
    """
    from kantokuen.planner.solve import PlannerBug, plan_case

    started = time.perf_counter()
    try:
        loaded = with_overrides(base, levers, "--vary")
        inst = Instance(loaded.case)
        outcome = (planner or plan_case)(inst, options)
        answer = point_answer(inst, outcome)
    except CaseError as exc:
        return {
            "error": "; ".join(str(p) for p in exc.problems),
            "solve_seconds": time.perf_counter() - started,
        }
    except PlannerBug as exc:
        return {"error": f"planner bug: {exc}", "solve_seconds": time.perf_counter() - started}
    case, plan = inst.case, answer.plan
    objective = {k: float(v) for k, v in outcome.objective.items()}
    return {
        "case_name": case.name,
        "status": answer.status,
        "go": plan is not None,
        "verified": answer.verified,
        "x_day": case.date(plan.x_day).isoformat() if plan else None,
        "x_day_index": plan.x_day if plan else None,
        "decision_day": case.date(plan.x_day - inst.decision_lag).isoformat() if plan else None,
        "north_share": plan.north_share_bp / BP if plan else None,
        "margins": {c.name: c.margin if c.enabled else None for c in answer.criteria},
        "objective": objective,
        "gap": x_day_gap(answer.status, objective, {k: float(v) for k, v in outcome.bound.items()}),
        # Wall time of the whole point (case, solve, verification): what a sweep pays for it.
        "solve_seconds": round(time.perf_counter() - started, 3),
        "version": __version__,
        "ortools_version": ortools_version(),
        "details": details(inst, outcome, answer) if details else None,
    }


def point_answer(inst: Instance, outcome: Outcome) -> PointAnswer:
    """The verdict and the criteria's margins of a planner outcome; a no-go's certificate must
    pass the verifier (`planner.result.verification_of`), as for a full result."""
    from kantokuen.planner.result import criteria_results, verification_of

    verified, _ = verification_of(inst.case, outcome)  # PlannerBug on a certificate it rejects
    criteria = criteria_results(inst, outcome.plan, [])
    return PointAnswer(outcome.status.value, outcome.plan, verified, criteria)


def ortools_version() -> str:
    from ortools import __version__ as version  # type: ignore[attr-defined]

    return str(version)


def x_day_gap(status: str, objective: dict[str, float], bound: dict[str, float]) -> float | None:
    """(objective − bound) / objective for X-Day; None when proven (optimal or no-go) or unknown."""
    if status in ("OPTIMAL", "INFEASIBLE") or "x_day" not in objective or "x_day" not in bound:
        return None
    value, best = objective["x_day"], bound["x_day"]
    return round((value - best) / max(abs(value), 1.0), 6)
