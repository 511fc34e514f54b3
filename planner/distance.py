"""The earliest X-Day of a case alone (the planner's X-Day stage, no secondary terms), with a
verified plan: what `planner.binding` and `analysis.breakeven` ask when they move one thing.
(How far a conflict's members would have to move is in `planner.corrections`.)"""

from __future__ import annotations

from dataclasses import dataclass

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Plan, Status
from kantokuen.models.verify import verify
from kantokuen.planner.conflicts import (
    _out_of_time,
    seconds_left,
)
from kantokuen.planner.model import build
from kantokuen.planner.solve import PlannerBug, SolveOptions, extract_plan, map_status
from kantokuen.planner.solver import WALL_SLACK, new_solver, run


@dataclass(frozen=True)
class EarliestX:
    """The earliest X-Day of an instance (stage 1 of the planner only) with a verified plan."""

    status: Status
    plan: Plan | None
    bound: int | None = None  # proven lower bound on X-Day (None: infeasible or no answer)

    @property
    def x_day(self) -> int | None:
        return self.plan.x_day if self.plan is not None else None


def earliest_x_day(
    inst: Instance,
    options: SolveOptions,
    first_solution: bool = False,
    at_most: int | None = None,
    deadline: float | None = None,
) -> EarliestX:
    """Minimize X-Day only (or, with `first_solution`, stop at the first plan found: enough to
    know the answer is a go), optionally with X-Day capped at `at_most`; the plan found is
    verified like every plan the tool uses. The solve is the planner's X-Day stage: the same
    search, a budget of the time limit in deterministic time (so the same seed and workers
    give the same answer), capped by what is left before `deadline`."""
    left = seconds_left(deadline)
    if _out_of_time(left):
        return EarliestX(Status.TIME_LIMIT, None)
    m = build(inst)
    if at_most is not None:
        m.cp.add(m.x_day <= at_most)
    m.cp.minimize(m.x_day)
    # A solve's own wall-clock cap, not the whole of what is left: one hard solve must not
    # take the rest of the command's time.
    cap = WALL_SLACK * options.time_limit + 1.0
    solver = new_solver(
        options.time_limit,
        workers=options.num_workers,
        seed=options.seed,
        wall_cap=cap if left is None else min(cap, left),
    )
    solver.parameters.stop_after_first_solution = first_solution
    status = map_status(run(solver, m.cp).code)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return EarliestX(status, None)
    plan = extract_plan(m, solver)
    violations = verify(inst.case, plan)
    if violations:
        raise PlannerBug(violations)
    return EarliestX(status, plan, round(solver.best_objective_bound))
