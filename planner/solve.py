"""Solving: lexicographic stages, status mapping, plan extraction and verification.

Stage 1 minimizes X-Day. Each later stage fixes the proven optimum of the stages before it
(`x_day == X*`), so a secondary term can never trade X-Day away: least North share when it is
`auto`, then least ton-days. A plan leaves this module only after the verifier has passed it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from models.instance import Instance
from models.plan import Plan, Status, UnitPlan
from models.verify import Violation, verify
from planner.model import Model, build


class PlannerBug(RuntimeError):
    """A plan failed the independent verifier: a bug in the planner, never a user error."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        shown = "; ".join(str(v) for v in violations[:5])
        super().__init__(f"planner produced a plan that fails verification: {shown}")


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0
    workers: int = 0  # 0: all cores
    seed: int = 0

    @property
    def num_workers(self) -> int:
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True)
class Outcome:
    """The planner's answer: a verified plan, or none (no-go or no answer in time)."""

    status: Status
    plan: Plan | None
    objective: dict[str, int]
    bound: dict[str, int]
    seconds: float
    stages: tuple[str, ...] = ()


def map_status(code: Any) -> Status:
    """The one place where CP-SAT statuses become ours (a solution with no proof is FEASIBLE)."""
    if code == cp_model.OPTIMAL:
        return Status.OPTIMAL
    if code == cp_model.FEASIBLE:
        return Status.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return Status.INFEASIBLE
    return Status.UNKNOWN


def _solver(options: SolveOptions, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = options.num_workers
    solver.parameters.random_seed = options.seed
    # Same seed and worker count → same plan, even with several workers.
    solver.parameters.interleave_search = options.num_workers > 1
    return solver


def _hint(m: Model, solver: cp_model.CpSolver) -> None:
    m.cp.clear_hints()  # type: ignore[no-untyped-call]
    for var in _decision_vars(m):
        m.cp.add_hint(var, solver.value(var))


def _decision_vars(m: Model) -> list[cp_model.IntVar]:
    out: list[cp_model.IntVar] = [m.x_day]
    if m.share_pct is not None:
        out.append(m.share_pct)
    for u in m.units:
        out += [u.mobilize, u.entrain, u.arrive]
        if u.sail is not None:
            out.append(u.sail)
        out += [lit for lit in u.move_lits if not isinstance(lit, int)]
        if not isinstance(u.present, int) and len(u.move_lits) > 1:
            out.append(u.present)
        if u.arrived_by_x is not None:
            out.append(u.arrived_by_x)
    return out


def _solve_stage(m: Model, solver: cp_model.CpSolver) -> Any:
    """Solve one stage; if CP-SAT's presolve crashes on the previous stage's hint (seen with
    OR-Tools 9.15: `IndexError: absl::btree_map::at`), solve the stage again without hints."""
    try:
        return solver.solve(m.cp)
    except IndexError:
        m.cp.clear_hints()  # type: ignore[no-untyped-call]
        return solver.solve(m.cp)


def extract_plan(m: Model, solver: cp_model.CpSolver) -> Plan:
    """The solver's values as a Plan (only the legs a unit actually uses)."""
    units = []
    for u in m.units:
        present = u.present if isinstance(u.present, int) else solver.value(u.present)
        if not present:
            units.append(UnitPlan(id=u.spec.id, committed=False))
            continue
        move = next(k for k, lit in enumerate(u.move_lits) if (lit if isinstance(lit, int) else solver.value(lit)))
        by_sea = u.spec.moves[move].sea is not None
        sail = solver.value(u.sail) if by_sea and u.sail is not None else None
        mobilize = solver.value(u.mobilize)
        units.append(UnitPlan(
            id=u.spec.id, committed=True, move=move, mobilize=mobilize,
            ready=mobilize + u.spec.mobilization_days, sail=sail,
            debark=sail + u.spec.moves[move].sail_days if sail is not None else None,
            entrain=solver.value(u.entrain), arrive=solver.value(u.arrive)))
    share = m.inst.fixed_share_bp if m.share_pct is None else 100 * solver.value(m.share_pct)
    assert share is not None
    return Plan(x_day=solver.value(m.x_day), north_share_bp=share, units=tuple(units))


def plan_case(inst: Instance, options: SolveOptions) -> Outcome:
    """Earliest X-Day and its plan, lexicographically optimal in the secondary terms."""
    started = time.perf_counter()
    deadline = started + options.time_limit
    m = build(inst)
    stages = ["x_day"] + (["north_share_pct"] if m.share_pct is not None else []) + ["ton_days"]
    objective: dict[str, int] = {}
    bound: dict[str, int] = {}
    status = Status.OPTIMAL
    best: cp_model.CpSolver | None = None
    for i, term in enumerate(stages):
        remaining = deadline - time.perf_counter()
        # The first stage decides go/no-go: give it most of the time; later stages share the rest.
        budget = remaining * (0.7 if i == 0 else 1 / (len(stages) - i))
        expr = m.terms[term]
        m.cp.minimize(expr)
        solver = _solver(options, budget)
        code = _solve_stage(m, solver)
        stage_status = map_status(code)
        if stage_status in (Status.INFEASIBLE, Status.UNKNOWN) and best is None:
            if stage_status == Status.UNKNOWN and time.perf_counter() - started >= options.time_limit * 0.95:
                stage_status = Status.TIME_LIMIT
            return Outcome(stage_status, None, {}, {}, time.perf_counter() - started, tuple(stages[: i + 1]))
        if stage_status not in (Status.OPTIMAL, Status.FEASIBLE):
            status = Status.FEASIBLE  # a later stage ran out of time: keep the previous plan
            break
        best = solver
        value = round(solver.objective_value)
        objective[term] = value
        bound[term] = round(solver.best_objective_bound)
        if stage_status != Status.OPTIMAL:
            status = Status.FEASIBLE
        _hint(m, solver)
        # Fix this term at its value before optimizing the next one.
        if stage_status == Status.OPTIMAL:
            m.cp.add(expr == value)
        else:
            m.cp.add(expr <= value)
    assert best is not None
    plan = extract_plan(m, best)
    violations = verify(inst, plan)
    if violations:
        raise PlannerBug(violations)
    return Outcome(status, plan, objective, bound, time.perf_counter() - started, tuple(stages))
