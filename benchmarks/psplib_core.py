"""Baseline (c): the scheduling core on PSPLIB RCPSP instances (single-mode, renewable resources).

The same CP-SAT building blocks the planner uses for movements — fixed-size interval variables,
one cumulative per capacity, precedences as linear inequalities, a greedy schedule as the
first hint — applied to the textbook problem with published optima, so the core can be checked
against known results. Each activity's start domain is cut to [earliest start, horizon − tail]
from the critical path; the horizon is a serial-schedule makespan (a feasible upper bound);
groups of activities that pairwise cannot run together (on any resource) get a redundant
no-overlap, which cuts j309_2 from ~38 s to ~3 s on two cores (BENCHMARKS.md).

    python -m benchmarks psplib --time-limit 10 ../shared/psplib/j30/*.sm

prints one JSON line per instance: name, makespan, status (OPTIMAL / FEASIBLE / UNKNOWN /
INFEASIBLE), lower_bound (the best proven bound), seconds.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

import psplib
from ortools.sat.python import cp_model

from kantokuen.models.plan import Status
from kantokuen.planner.solver import new_solver, run


@dataclass(frozen=True)
class Rcpsp:
    """A single-mode RCPSP: durations, demands per renewable resource, successors."""

    name: str
    durations: tuple[int, ...]
    demands: tuple[tuple[int, ...], ...]
    capacities: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]


def read_instance(path: str) -> Rcpsp:
    """A PSPLIB `.sm` file as an Rcpsp (renewable resources only, first mode)."""
    data = psplib.parse(path, instance_format="psplib")
    renewable = [i for i, r in enumerate(data.resources) if r.renewable]
    durations, demands, successors = [], [], []
    for act in data.activities:
        if len(act.modes) != 1:
            raise ValueError(
                f"{path}: activity with {len(act.modes)} modes; only single-mode RCPSP is supported"
            )
        mode = act.modes[0]
        durations.append(mode.duration)
        demands.append(tuple(mode.demands[i] for i in renewable))
        successors.append(tuple(act.successors))
    name = os.path.splitext(os.path.basename(path))[0]
    return Rcpsp(
        name,
        tuple(durations),
        tuple(demands),
        tuple(data.resources[i].capacity for i in renewable),
        tuple(successors),
    )


def _topological(p: Rcpsp) -> list[int]:
    indegree = [0] * len(p.durations)
    for succ in p.successors:
        for j in succ:
            indegree[j] += 1
    order, ready = [], [i for i, d in enumerate(indegree) if d == 0]
    while ready:
        i = ready.pop()
        order.append(i)
        for j in p.successors[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    if len(order) != len(p.durations):
        raise ValueError(f"{p.name}: the precedence graph has a cycle")
    return order


def earliest_starts(p: Rcpsp) -> list[int]:
    """Critical-path earliest start of each activity (resources ignored)."""
    est = [0] * len(p.durations)
    for i in _topological(p):
        for j in p.successors[i]:
            est[j] = max(est[j], est[i] + p.durations[i])
    return est


def tails(p: Rcpsp) -> list[int]:
    """Longest path from each activity's start to the end of the project (its own duration
    included)."""
    tail = list(p.durations)
    for i in reversed(_topological(p)):
        for j in p.successors[i]:
            tail[i] = max(tail[i], p.durations[i] + tail[j])
    return tail


def serial_schedule(p: Rcpsp) -> list[int]:
    """Serial schedule generation, latest-finish-time priority: a feasible schedule (upper
    bound)."""
    n = len(p.durations)
    tail = tails(p)
    preds: list[list[int]] = [[] for _ in range(n)]
    for i, succ in enumerate(p.successors):
        for j in succ:
            preds[j].append(i)
    horizon = sum(p.durations) + 1
    free = [[cap] * horizon for cap in p.capacities]
    start = [-1] * n
    done: set[int] = set()
    while len(done) < n:
        eligible = [i for i in range(n) if i not in done and all(q in done for q in preds[i])]
        i = max(eligible, key=lambda a: (tail[a], -a))  # longest tail ⇔ earliest latest finish
        t = max((start[q] + p.durations[q] for q in preds[i]), default=0)
        while not all(
            free[r][d] >= p.demands[i][r]
            for r in range(len(free))
            for d in range(t, t + p.durations[i])
        ):
            t += 1
        for r in range(len(free)):
            for d in range(t, t + p.durations[i]):
                free[r][d] -= p.demands[i][r]
        start[i] = t
        done.add(i)
    return start


def incompatible(p: Rcpsp, i: int, j: int) -> bool:
    """Two activities that together need more of some resource than there is can never overlap."""
    return any(p.demands[i][r] + p.demands[j][r] > cap for r, cap in enumerate(p.capacities))


def incompatibility_cliques(p: Rcpsp, min_size: int = 3) -> list[list[int]]:
    """Groups of pairwise incompatible activities (greedy clique cover of the conflict graph).

    A cumulative only sees one resource at a time; a group whose members clash on *different*
    resources is still a disjunctive resource, and a no-overlap over it propagates much more
    (edge finding). Greedy: grow a clique from every uncovered conflict edge, densest first.
    """
    n = len(p.durations)
    adj = {
        i: {
            j
            for j in range(n)
            if j != i and p.durations[i] and p.durations[j] and incompatible(p, i, j)
        }
        for i in range(n)
    }
    degree = {i: len(adj[i]) for i in range(n)}
    covered: set[tuple[int, int]] = set()
    out: list[list[int]] = []
    for i in sorted(range(n), key=lambda a: (-degree[a], a)):
        for j in sorted(adj[i], key=lambda a: (-degree[a], a)):
            if (i, j) in covered:
                continue
            clique = [i, j]
            for k in sorted(adj[i] & adj[j], key=lambda a: (-degree[a], a)):
                if all(k in adj[m] for m in clique):
                    clique.append(k)
            covered.update((a, b) for a in clique for b in clique)
            if len(clique) >= min_size:
                out.append(clique)
    return out


@dataclass(frozen=True)
class RcpspResult:
    """One JSON line of `python -m benchmarks psplib`."""

    name: str
    makespan: int | None
    status: str
    lower_bound: int
    seconds: float

    def json(self) -> str:
        return json.dumps(asdict(self))


VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "no incompatibility no-overlaps": {"cliques": False},
    "pairs as no-overlaps too": {"clique_min_size": 2},
    "two proof workers (default_lp + max_lp, no LNS)": {
        "params": {"num_full_subsolvers": 2, "use_lns": False},
        "subsolvers": ("default_lp", "max_lp"),
    },
    "max_lp + objective_lb_search (no LNS)": {
        "params": {"num_full_subsolvers": 2, "use_lns": False},
        "subsolvers": ("max_lp", "objective_lb_search"),
    },
    "timetable edge finding + overload checker": {
        "params": {
            "use_timetable_edge_finding_in_cumulative": True,
            "use_overload_checker_in_cumulative": True,
        }
    },
}
"""Devices tried on the hardest j30 instance (issue 17; BENCHMARKS.md, PSPLIB ablation): the
default, without the redundant no-overlaps, with incompatible pairs as no-overlaps too, CP-SAT
with both workers on full proof searches instead of one plus LNS (the optimum is found at once
from the hint; only the proof is left), and the cumulative's stronger propagators."""


def solve_rcpsp(
    p: Rcpsp, time_limit: float = 10.0, workers: int = 2, seed: int = 0, variant: str = "default"
) -> RcpspResult:
    """Minimum makespan with CP-SAT (intervals + cumulative), hinted with the serial schedule;
    `variant` names one of `VARIANTS`."""
    how = VARIANTS[variant]
    started = time.perf_counter()
    greedy = serial_schedule(p)
    horizon = max(s + d for s, d in zip(greedy, p.durations, strict=True))
    est, tail = earliest_starts(p), tails(p)
    cp = cp_model.CpModel()
    starts = [
        cp.new_int_var(est[i], horizon - tail[i], f"start[act-{i}]")
        for i in range(len(p.durations))
    ]
    intervals = [
        cp.new_fixed_size_interval_var(s, d, f"busy[act-{i}]")
        for i, (s, d) in enumerate(zip(starts, p.durations, strict=True))
    ]
    for i, succ in enumerate(p.successors):
        for j in succ:
            cp.add(starts[j] >= starts[i] + p.durations[i])
    for r, cap in enumerate(p.capacities):
        used = [(iv, dem[r]) for iv, dem in zip(intervals, p.demands, strict=True) if dem[r] > 0]
        if used:
            cp.add_cumulative([iv for iv, _ in used], [d for _, d in used], cap)
    if how.get("cliques", True):
        for clique in incompatibility_cliques(p, how.get("clique_min_size", 3)):
            cp.add_no_overlap([intervals[i] for i in clique])
    makespan = cp.new_int_var(
        max(e + t for e, t in zip(est, tail, strict=True)), horizon, "makespan"
    )
    for s, d in zip(starts, p.durations, strict=True):
        cp.add(makespan >= s + d)
    cp.minimize(makespan)
    for s, g in zip(starts, greedy, strict=True):
        cp.add_hint(s, g)
    # CP-SAT's parallel portfolio on what is left of the wall-clock limit, as the published
    # results are measured (the deterministic interleaved modes are several times slower here).
    left = time_limit - (time.perf_counter() - started)
    solver = new_solver(left, workers=workers, seed=seed, search="parallel")
    for name, value in how.get("params", {}).items():
        setattr(solver.parameters, name, value)
    solver.parameters.subsolvers.extend(how.get("subsolvers", ()))
    code = run(solver, cp).code
    status = {
        cp_model.OPTIMAL: Status.OPTIMAL,
        cp_model.FEASIBLE: Status.FEASIBLE,
        cp_model.INFEASIBLE: Status.INFEASIBLE,
    }.get(code, Status.UNKNOWN)
    value = round(solver.objective_value) if status in (Status.OPTIMAL, Status.FEASIBLE) else None
    if value is not None:
        check_schedule(p, [solver.value(s) for s in starts], value)
    bound = round(solver.best_objective_bound) if value is not None else makespan.proto.domain[0]
    return RcpspResult(
        p.name, value, status.value, int(bound), round(time.perf_counter() - started, 3)
    )


def check_schedule(p: Rcpsp, start: list[int], makespan: int) -> None:
    """Independent check of a schedule: precedences, capacities every period, the makespan."""
    for i, succ in enumerate(p.successors):
        for j in succ:
            if start[j] < start[i] + p.durations[i]:
                raise AssertionError(
                    f"{p.name}: activity {j} starts before its predecessor {i} ends"
                )
    end = max(s + d for s, d in zip(start, p.durations, strict=True))
    if end != makespan:
        raise AssertionError(f"{p.name}: reported makespan {makespan}, schedule ends at {end}")
    for r, cap in enumerate(p.capacities):
        load = [0] * (end + 1)
        for s, d, dem in zip(start, p.durations, p.demands, strict=True):
            for t in range(s, s + d):
                load[t] += dem[r]
        if max(load) > cap:
            raise AssertionError(f"{p.name}: resource {r} over capacity")
