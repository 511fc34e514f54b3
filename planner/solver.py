"""The one place that makes and runs CP-SAT solvers (every solve in the code base goes here).

A solve's budget is a share of the time limit in seconds, but CP-SAT stops on it in
*deterministic* time (its count of work done, the same on any machine under any load), so the
same seed and worker count give the same plan however busy the machine is. A wall-clock cap
(what is left of the whole command's deadline) is only a safety net: when it, not the
deterministic budget, ends a solve, the answer may depend on machine load, and `Run` says so.

`run` maps the failures that are ours: a model CP-SAT calls invalid is a planner bug, and the
presolve crash of OR-Tools 9.15 on some hints is worked around by solving again without them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ortools.sat.python import cp_model

Search = Literal["lp", "portfolio", "feasibility", "parallel"]
"""How CP-SAT searches. `lp`: the planner's interleaved default and max-LP full searches, one
task at a time (proves X-Day and no-go fastest on these models; BENCHMARKS.md, "CP-SAT
parameters"). `portfolio`: CP-SAT's own portfolio, interleaved when there are several workers.
`feasibility`: one worker, CP-SAT's default search (assumption cores are only reliable with one
worker, and one worker keeps yes/no checks deterministic). `parallel`: CP-SAT's parallel
portfolio on a wall-clock budget, not reproducible: only for the PSPLIB baseline, which is
measured against published wall-clock results (interleaved, j3029_3 is not proven in 200 s;
in parallel it is in ~50 s on two cores). The planner never uses it."""

DETERMINISTIC_PER_SECOND: dict[Search, float] = {
    "lp": 0.25,
    "portfolio": 0.25,
    "feasibility": 2.0,
}
"""Deterministic seconds granted per second of budget. Measured on the 2-core development
machine (OR-Tools 9.15). With handling over days (a facility's queue per unit and facility,
issue 13) a long `lp` stage accrues far less deterministic time per wall second than the
one-day model did (1.25-1.6): on cases/kantokuen_1941.yaml auto-share the share stage 1.81
det in 16.1 s and the tidy-up 5.86 in 43.3 s, on the synthetic 100- and 300-unit cases (seed
1) the tidy-up 3.0 in 10.9 s and 3.0 in 18.5 s, all with 2 workers on a machine loaded about
twice over: 0.11-0.28 per wall second, so about 0.25-0.55 unloaded. A one-worker `feasibility`
check on max-north-34div accrued 2.5-3.1 per wall second, on late-autumn 1.2-1.5 (one-day
model; those checks are settled in presolve now). Each value sits at or below the low end of
its long-run range, so a solve that uses its whole budget normally ends before its wall-clock
share, with room for a slower or busier machine; the wall cap catches the rest."""

WALL_SLACK = 2.0
"""Without a deadline, a solve's wall-clock cap is this many times its budget (plus a second
for loading the model): a safety net for a machine much slower than the one measured."""

MIN_SECONDS = 0.05  # CP-SAT needs a little time even to load a model

PRESOLVE_CRASH = "btree"
"""OR-Tools 9.15's presolve sometimes dies on a hint with `IndexError: absl::btree_map::at`;
only that error is worked around (`run`), any other IndexError is a bug and propagates."""


class PlannerBug(RuntimeError):
    """A bug in the planner, never a user error: a plan that fails the independent verifier, or
    a model that CP-SAT rejects as invalid."""

    def __init__(
        self,
        violations: Sequence[object],
        what: str = "planner produced a plan that fails verification",
    ) -> None:
        self.violations = list(violations)
        shown = "; ".join(str(v) for v in self.violations[:5])
        super().__init__(f"{what}: {shown}")


def new_solver(
    seconds: float,
    *,
    workers: int = 1,
    seed: int = 0,
    search: Search = "lp",
    wall_cap: float | None = None,
) -> cp_model.CpSolver:
    """A CP-SAT solver with a budget of `seconds`, counted in deterministic time, and a
    wall-clock cap of `wall_cap` seconds (default: `WALL_SLACK` × the budget + 1 s).

    Same seed and worker count → same answer, even with several workers: `lp` and `portfolio`
    use CP-SAT's interleaved search, its deterministic parallel mode; `feasibility` uses one
    worker whatever `workers` says. (`parallel` alone gives that up; see `Search`.)"""
    budget = max(seconds, MIN_SECONDS)
    solver = cp_model.CpSolver()
    params = solver.parameters
    cap = WALL_SLACK * budget + 1.0 if wall_cap is None else wall_cap
    if search == "parallel":
        cap = min(cap, budget)  # a wall-clock budget: stopping on it is expected
    else:
        params.max_deterministic_time = budget * DETERMINISTIC_PER_SECOND[search]
    params.max_time_in_seconds = max(cap, MIN_SECONDS)
    params.num_workers = 1 if search == "feasibility" else max(workers, 1)
    params.random_seed = seed
    if search == "lp":
        params.interleave_search = True
        params.subsolvers.extend(("default_lp", "max_lp"))
        params.interleave_batch_size = 1  # one task at a time: a stage ends once one task proves it
    elif search == "portfolio":
        params.interleave_search = params.num_workers > 1
    # CP-SAT's own SIGINT handler stops a search cleanly on Ctrl-C, but installing it from a
    # worker thread (Dask workers) crashes the process: only the main thread may use it.
    params.catch_sigint_signal = threading.current_thread() is threading.main_thread()
    return solver


@dataclass(frozen=True)
class Run:
    """How one solve ended: CP-SAT's status code, and what a caller must report about it."""

    code: Any  # cp_model.OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN (MODEL_INVALID raises)
    wall_capped: bool = False  # the wall-clock cap, not the deterministic budget, stopped it
    presolve_retry: float | None = None  # seconds lost to the presolve crash (None: no crash)


def run(solver: cp_model.CpSolver, model: cp_model.CpModel) -> Run:
    """Solve `model`. A presolve crash on the hints (`PRESOLVE_CRASH`) is survived by solving
    again without hints, and reported; a model CP-SAT calls invalid raises `PlannerBug` with
    CP-SAT's own validation message."""
    retry: float | None = None
    started = time.perf_counter()
    try:
        code = solver.solve(model)
    except IndexError as exc:
        if PRESOLVE_CRASH not in str(exc):
            raise
        retry = time.perf_counter() - started
        model.clear_hints()  # type: ignore[no-untyped-call]
        code = solver.solve(model)
    if code == cp_model.MODEL_INVALID:
        message = model.validate() or solver.response_proto.solution_info or "no message"
        raise PlannerBug([message], "CP-SAT rejected the planner's model as invalid")
    params = solver.parameters
    first_only = params.stop_after_first_solution  # its FEASIBLE is an answer, not a limit
    stopped = code == cp_model.UNKNOWN or (code == cp_model.FEASIBLE and not first_only)
    wall_capped = stopped and solver.deterministic_time < params.max_deterministic_time
    return Run(code, wall_capped, retry)
