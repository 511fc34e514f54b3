"""Solving: lexicographic stages, status mapping, plan extraction and verification.

Stage 1 minimizes X-Day. Each later stage fixes the proven optimum of the stages before it
(`x_day == X*`), so a secondary term can never trade X-Day away: least North share when it is
`auto`, then least shipping ton-days. OPTIMAL means those stages are proven. A last tidy-up
stage moves every unit as early as the resources allow (least Σ arrival days); it is best
effort within a small share of the time limit, never changes a proven term, and its bound is
reported, but it does not decide the status. A plan leaves this module only after the verifier
has passed it.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from kantokuen.models.instance import Facility, Instance
from kantokuen.models.plan import Plan, Status, UnitPlan
from kantokuen.models.verify import Violation, handled, objective_terms, verify
from kantokuen.planner.certificate import no_go_certificate
from kantokuen.planner.heuristics import (
    Schedule,
    _date_allows,
    earliest_arrival,
    iterated_list_schedule,
    relaxation_bound,
    ton_days_floor,
)
from kantokuen.planner.lns import SHARE as LNS_SHARE
from kantokuen.planner.lns import improve, steps_for
from kantokuen.planner.model import Model, UnitVars, build, queue_days, symmetry_groups
from kantokuen.planner.solver import (
    DETERMINISTIC_PER_SECOND,
    WALL_SLACK,
    Run,
    Search,
    new_solver,
    run,
)
from kantokuen.planner.solver import PlannerBug as PlannerBug  # callers import it from here too


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0
    workers: int = 0  # 0: all cores
    seed: int = 0
    # The arrival-days tidy-up (the last, best-effort stage): off where nothing reads the
    # arrival days, as in a sweep's store, where it was most of every go point's time.
    tidy: bool = True

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
    # Seconds per phase (build, warm_start, lns, solve_<stage>, verify); wall_cap_<stage>: the wall
    # cap (seconds) ended that stage; presolve_retry_<stage>: seconds lost to the presolve crash.
    timings: dict[str, float] = field(default_factory=dict)
    certificate: dict[str, Any] | None = None  # a no-go's certificate (planner.certificate)
    # What gave X-Day's bound: "relaxation" (each port and line alone, the date criteria),
    # "flow relaxation" (planner/flow_bound) or "search" (CP-SAT's own); "" without a plan.
    bound_source: str = ""


def map_status(code: Any) -> Status:
    """The one place where CP-SAT statuses become ours (a solution with no proof is FEASIBLE)."""
    if code == cp_model.OPTIMAL:
        return Status.OPTIMAL
    if code == cp_model.FEASIBLE:
        return Status.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return Status.INFEASIBLE
    if code == cp_model.MODEL_INVALID:  # `planner.solver.run` raises first, with CP-SAT's message
        raise PlannerBug(["CP-SAT status MODEL_INVALID"], "CP-SAT rejected the planner's model")
    return Status.UNKNOWN


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
        for kind, leg in u.legs.items():
            out += [leg.start, leg.queue]
            if kind != "rail":  # the rail leg ends on `entrain`
                out.append(leg.end)
    return out


def extract_plan(m: Model, solver: cp_model.CpSolver) -> Plan:
    """The solver's values as a Plan (only the legs a unit actually uses)."""
    units = []
    for u in m.units:
        present = u.present if isinstance(u.present, int) else solver.value(u.present)
        if not present:
            units.append(UnitPlan(id=u.spec.id, committed=False))
            continue
        move = next(
            k
            for k, lit in enumerate(u.move_lits)
            if (lit if isinstance(lit, int) else solver.value(lit))
        )
        by_sea = u.spec.moves[move].sea is not None
        sail = solver.value(u.sail) if by_sea and u.sail is not None else None
        mobilize = solver.value(u.mobilize)
        debark = sail + u.spec.moves[move].sail_days if sail is not None else None
        entrain = solver.value(u.entrain)
        handling = {
            kind: _handled(m, u, move, kind, solver, day)
            for kind, day in (("embark", sail), ("debark", debark), ("rail", entrain))
            if day is not None
        }
        units.append(
            UnitPlan(
                id=u.spec.id,
                committed=True,
                move=move,
                mobilize=mobilize,
                ready=mobilize + u.spec.mobilization_days,
                sail=sail,
                debark=debark,
                entrain=entrain,
                arrive=solver.value(u.arrive),
                loading=handling.get("embark", ()),
                unloading=handling.get("debark", ()),
                entraining=handling["rail"],
            )
        )
    x_day = solver.value(m.x_day)
    chosen = 100 * solver.value(m.share_pct) if m.share_pct is not None else 0
    share = m.inst.plan_share_bp(x_day, chosen)
    return Plan(x_day=x_day, north_share_bp=share, units=tuple(units))


def _handled(
    m: Model, u: UnitVars, k: int, kind: str, solver: cp_model.CpSolver, day: int
) -> tuple[tuple[int, int], ...]:
    """A leg's days and amounts from the solver's values, or () when they are the default: the
    whole load on the leg's own `day` (sailing, landing or entraining day)."""
    leg, move = u.legs[kind], u.spec.moves[k]
    facility = next(f for f in u.spec.facilities(move) if f[0] == kind)
    load = u.spec.load_at(facility, move)
    days = queue_days(solver.value(leg.queue), load, m.inst.rate(facility))
    return () if days == ((day, load),) or not days else days


@dataclass(frozen=True)
class Tuning:
    """The planner's speed-ups, each on by default and switchable to measure it
    (`python -m benchmarks run` reports each one's effect)."""

    warm_start: bool = True  # iterated list scheduling: first plan, hint and X-Day upper bound
    relaxation_bound: bool = True  # X-Day bound from relaxations; simple bounds on later terms
    symmetry_breaking: bool = True  # identical units of a `count:` group in order
    lp_subsolvers: bool = (
        True  # interleave the default and max-LP searches (else CP-SAT's portfolio)
    )
    lns: bool = True  # neighbourhood search around the warm start on large cases (planner/lns)
    flow_bound: bool = True  # X-Day bound from the movement's flow relaxation (planner/flow_bound)


WARM_START_SHARE = 0.1  # of the time limit, for the warm start (the stages' budget is the rest)
FLOW_BOUND_SHARE = 0.05  # of the time limit, for the flow relaxation's bound (charged nominally)


def warm_start_passes(inst: Instance, time_limit: float) -> int:
    """Perturbed list-scheduling passes for the warm start: about a tenth of the time limit at
    ~30 µs per unit and pass, between 4 and 64. A count, not a clock, so results stay
    deterministic."""
    per_pass = 30e-6 * max(len(inst.units), 1)
    return max(4, min(64, int(WARM_START_SHARE * time_limit / per_pass)))


def _warm_start(inst: Instance, options: SolveOptions, lower: int | None) -> Schedule:
    """The best of the warm start's list schedules (its plan is verified before use)."""
    return iterated_list_schedule(
        inst, warm_start_passes(inst, options.time_limit), options.seed, lower
    )


def list_plan(
    inst: Instance, passes: int, seed: int = 0, stop_at: int | None = None
) -> Plan | None:
    """The best of `passes` list schedules as a plan the verifier has passed, or None when list
    scheduling finds no X-Day (which proves nothing: CP-SAT may still find one)."""
    return _verified(inst, iterated_list_schedule(inst, passes, seed, stop_at).plan)


def _verified(inst: Instance, plan: Plan | None) -> Plan | None:
    """The plan once the verifier has passed it (a plan it fails is a planner bug)."""
    if plan is None:
        return None
    violations = verify(inst.case, plan)
    if violations:
        raise PlannerBug(violations)
    return plan


def in_symmetry_order(m: Model, plan: Plan) -> Plan:
    """The same plan with the timelines of each symmetry group's units sorted the way
    `identical_units_in_order` wants them (committed first, by sailing or entraining day)."""
    units = list(plan.units)
    for members in symmetry_groups(m.inst):
        timelines = [units[i] for i in members]
        key = "sail" if m.units[members[0]].sail is not None else "entrain"
        timelines.sort(key=lambda up: (not up.committed, getattr(up, key) or 0))
        for i, up in zip(members, timelines, strict=True):
            units[i] = up.model_copy(update={"id": m.inst.units[i].id})
    return plan.model_copy(update={"units": tuple(units)})


def hint_plan(m: Model, plan: Plan) -> None:
    """Hint every decision variable with the plan's value (uncommitted units: their earliest
    day)."""
    m.cp.clear_hints()  # type: ignore[no-untyped-call]
    m.cp.add_hint(m.x_day, plan.x_day)
    if m.share_pct is not None:
        m.cp.add_hint(m.share_pct, plan.north_share_bp // 100)
    queue = queue_places(m.inst, plan)
    for u, up in zip(m.units, plan.units, strict=True):
        low = u.mobilize.proto.domain[0]
        if not isinstance(u.present, int):
            m.cp.add_hint(u.present, int(up.committed))
        for k, lit in enumerate(u.move_lits):
            if not isinstance(lit, int) and lit is not u.present:
                m.cp.add_hint(lit, int(up.committed and up.move == k))
        m.cp.add_hint(u.mobilize, up.mobilize if up.mobilize is not None else low)
        m.cp.add_hint(u.entrain, up.entrain if up.entrain is not None else low)
        m.cp.add_hint(u.arrive, up.arrive if up.arrive is not None else u.arrive.proto.domain[0])
        if u.sail is not None:
            m.cp.add_hint(u.sail, up.sail if up.sail is not None else low)
        if u.arrived_by_x is not None:
            m.cp.add_hint(u.arrived_by_x, int(up.arrive is not None and up.arrive <= plan.x_day))
        _hint_legs(m, u, up, low, queue)


def _hint_legs(m: Model, u: UnitVars, up: UnitPlan, low: int, queue: dict[Key, int]) -> None:
    """Hint a unit's handling with the plan's days and its place in each facility's queue
    (legs its move does not use, and an uncommitted unit's: their earliest day)."""
    used = {}
    if up.committed and up.move is not None:
        move = u.spec.moves[up.move]
        for facility in u.spec.facilities(move):
            used[facility[0]] = handled(up, facility[0], u.spec.load_at(facility, move))
    for kind, leg in u.legs.items():
        days = used.get(kind, [])
        start = days[0][0] if days else low
        m.cp.add_hint(leg.start, start)
        m.cp.add_hint(leg.queue, queue.get((u.spec.id, kind), 0))
        if kind != "rail":  # the rail leg ends on `entrain`, hinted with the unit
            m.cp.add_hint(leg.end, days[-1][0] if days else start)


Key = tuple[str, str]


def queue_places(inst: Instance, plan: Plan) -> dict[Key, int]:
    """Each committed unit's place in each facility's queue (`planner.model.Leg`), laid out
    from the plan's days: on each day, first the unit that runs on from the day before, then
    the units handled within the day, then the unit that runs on into the next day (it takes
    what the day has left). A plan made by the list scheduler or by the model is such a queue."""
    starting: dict[tuple[Facility, int], list[tuple[int, str, str, int]]] = defaultdict(list)
    carried: dict[tuple[Facility, int], int] = defaultdict(int)  # run on from an earlier day
    by_id = {up.id: up for up in plan.units}
    for spec in inst.units:
        up = by_id.get(spec.id)
        if up is None or not up.committed or up.move is None:
            continue
        move = spec.moves[up.move]
        for facility in spec.facilities(move):
            days = handled(up, facility[0], spec.load_at(facility, move))
            if not days:
                continue
            runs_on = len(days) > 1
            starting[facility, days[0][0]].append((int(runs_on), spec.id, facility[0], days[0][1]))
            for day, amount in days[1:]:
                carried[facility, day] += amount
    out: dict[Key, int] = {}
    for (facility, day), units in starting.items():
        rate = inst.rate(facility)
        at = day * rate + carried[facility, day]
        for crossing, uid, kind, first in sorted(units):
            out[uid, kind] = (day + 1) * rate - first if crossing else at
            at += first
    return out


def keep_split_pattern(m: Model, plan: Plan) -> None:
    """Hold every committed unit's handling at each facility to one day or to several, as in
    `plan`. For the tidy-up only: it never decides the status, and with the choice left open,
    CP-SAT's linear relaxation bounds the arrival days too loosely to stop within the tidy-up's
    1%, so it would spend its whole budget (BENCHMARKS.md, handling over days)."""
    for u, up in zip(m.units, plan.units, strict=True):
        if not up.committed or up.move is None:
            continue
        move = u.spec.moves[up.move]
        for facility in u.spec.facilities(move):
            leg = u.legs[facility[0]]
            days = handled(up, facility[0], u.spec.load_at(facility, move))
            m.cp.add(leg.end == leg.start + max(len(days) - 1, 0))


TIDY = "arrival_days"
TIDY_SHARE = 0.1  # of the time limit, kept for the tidy-up stage...
TIDY_SECONDS = 0.5  # ...at most this: it is best effort and was most of every go's solve time
TIDY_GAP = 0.01  # the tidy-up stops once within 1% of its bound


def simple_bounds(inst: Instance) -> dict[str, int]:
    """Bounds on the secondary terms that need no search: every required unit takes its route
    with the shortest ship cycle (none if it may go by rail), and arrives as early as it could
    with every resource free; optional units may stay home."""
    return {
        "ton_days": ton_days_floor(inst),
        TIDY: sum(earliest_arrival(s) for s in inst.units if s.required),
    }


def _reached_simple_bound(inst: Instance, plan: Plan | None, term: str) -> tuple[int, int] | None:
    """(value, bound) when the plan's value of a secondary term already proves it (equal to its
    simple bound; for the tidy-up, within its gap), else None."""
    bound = simple_bounds(inst).get(term) if plan is not None else None
    if plan is None or bound is None:
        return None
    value = objective_terms(inst.case, plan)[term]
    if value <= bound or (term == TIDY and value <= (1 + TIDY_GAP) * bound):
        return value, bound
    return None


def _meets_every_bound(inst: Instance, plan: Plan | None, lower: int, stages: list[str]) -> bool:
    """Whether the plan is at the X-Day bound and every later term at its simple bound: no
    other plan can then start the search better (a neighbour's would only cost its check)."""
    return proven(plan, lower) and all(
        _reached_simple_bound(inst, plan, term) is not None for term in stages[1:]
    )


def _stage_budget(left: float, stage: int, stages: list[str], time_limit: float) -> float:
    """The first stage decides go/no-go and X-Day: most of the `left` seconds; the other proven
    stages share the rest but for a small reserve, which is the tidy-up's (last stage) budget
    when there is a tidy-up."""
    tidy = stages[-1] == TIDY
    reserve = min(left, TIDY_SHARE * time_limit, TIDY_SECONDS) if tidy else 0.0
    if tidy and stage == len(stages) - 1:
        return reserve
    proven_left = len(stages) - int(tidy) - stage
    return (left - reserve) * (0.7 if stage == 0 else 1 / proven_left)


def _note_run(timings: dict[str, float], term: str, done: Run, solver: cp_model.CpSolver) -> None:
    """Put in the timings what makes a stage's answer less than reproducible or cost more: the
    wall cap ended it (its answer may depend on machine load), or its first attempt crashed in
    presolve and it was solved again without hints (seconds lost)."""
    if done.wall_capped:
        timings[f"wall_cap_{term}"] = round(solver.parameters.max_time_in_seconds, 4)
    if done.presolve_retry is not None:
        timings[f"presolve_retry_{term}"] = round(done.presolve_retry, 4)


def usable_hint(inst: Instance, hint: Plan | None) -> Plan | None:
    """A plan found for a neighbouring case (a sweep's point next to this one) as a warm start
    here: its timelines with this case's North share (an `auto` share keeps the plan's), if
    the verifier passes it for this case; else None."""
    if hint is None or [u.id for u in hint.units] != [s.id for s in inst.units]:
        return None
    chosen = hint.north_share_bp if inst.auto_share else 0
    plan = hint.model_copy(update={"north_share_bp": inst.plan_share_bp(hint.x_day, chosen)})
    return None if verify(inst.case, plan) else plan


def better_start(inst: Instance, a: Plan | None, b: Plan | None) -> Plan | None:
    """The better of two verified plans in the order of the stages (X-Day, North share when
    `auto`, ton-days, arrival days); `a` on a tie."""
    if a is None or b is None:
        return a or b
    terms_a, terms_b = objective_terms(inst.case, a), objective_terms(inst.case, b)  # in order
    return b if tuple(terms_b.values()) < tuple(terms_a.values()) else a


def no_go(
    started: float, stages: tuple[str, ...], timings: dict[str, float], certificate: Any
) -> Outcome:
    """A no-go: no plan, and the certificate of why (planner.certificate, or the flow
    relaxation's)."""
    seconds = time.perf_counter() - started
    return Outcome(Status.INFEASIBLE, None, {}, {}, seconds, stages, timings, certificate)


def proven(incumbent: Plan | None, lower: int) -> bool:
    """Whether the plan's X-Day is the bound already (False without a plan)."""
    return incumbent is not None and incumbent.x_day <= lower


def flow_certificate(inst: Instance, relaxed: int) -> dict[str, Any]:
    """A no-go proven by the flow relaxation (planner/flow_bound): no X-Day before `relaxed`
    (the relaxation bound), and on the days from there that the date criteria allow the
    movement cannot meet the arrival criteria even in that relaxation."""
    allowed = [x for x in range(relaxed, inst.horizon + 1) if _date_allows(inst, x)]
    days = ", ".join(str(inst.case.date(x)) for x in allowed[:5]) + (
        f" and {len(allowed) - 5} more" if len(allowed) > 5 else ""
    )
    before = f"no X-Day before {inst.case.date(relaxed)} (each unit, port and line alone)"
    note = (
        f"{before}; from there the date criteria allow only {days}, and on none of them can "
        "the movement meet the arrival criteria even in its flow relaxation (every port, line "
        "and ship shared): HiGHS's (its linear program) or CP-SAT's (in whole units) proof on "
        "that relaxation, which the verifier cannot re-check"
        if allowed
        else f"{before}, and the date criteria allow none after it"
    )
    return {"kind": "flow_relaxation", "open_days": allowed, "note": note}


def _flow_cap(options: SolveOptions, deadline: float) -> float:
    """Seconds a flow-relaxation question may take on the clock: its nominal share of the time
    limit with the usual slack, never past the deadline."""
    return min(WALL_SLACK * FLOW_BOUND_SHARE * options.time_limit, deadline - time.perf_counter())


def _flow_bound(
    inst: Instance,
    lower: int,
    upper: int,
    options: SolveOptions,
    deadline: float,
    started: float,
    timings: dict[str, float],
) -> int:
    """The X-Day bound raised by the flow relaxation (planner/flow_bound), charged its nominal
    share of the time limit; the clock only caps it (at twice the share, and the deadline),
    and a cap that ended it is in `timings` as `wall_cap_flow_bound`."""
    from kantokuen.planner.flow_bound import flow_bound  # SciPy: only when needed

    cap = _flow_cap(options, deadline)
    found = flow_bound(inst, lower, upper, cap, options.seed)
    if not found.complete and found.seconds >= cap:
        timings["wall_cap_flow_bound"] = round(time.perf_counter() - started, 4)
    return found.day


def _least_share(
    inst: Instance,
    x_day: int,
    options: SolveOptions,
    deadline: float,
    started: float,
    timings: dict[str, float],
) -> int | None:
    """The least whole percent of the pool the North needs for X-Day `x_day` by the flow
    relaxation (planner/flow_bound), or None when it gave no answer; charged like the X-Day
    bound (`_flow_bound`), its cap recorded as `wall_cap_flow_share_bound`."""
    from kantokuen.planner.flow_bound import least_share_pct  # SciPy: only when needed

    begun = time.perf_counter()
    cap = _flow_cap(options, deadline)
    least = least_share_pct(inst, x_day, cap)
    now = time.perf_counter()
    timings["flow_share_bound"] = round(now - begun, 4)
    if least is None and now - begun >= cap:
        timings["wall_cap_flow_share_bound"] = round(now - started, 4)
    return least


def _least_ton_days(
    inst: Instance,
    x_day: int,
    plan: Plan,
    value: int,
    options: SolveOptions,
    deadline: float,
    timings: dict[str, float],
) -> int | None:
    """A bound on the shipping ton-days with X-Day `x_day` and at most the plan's North share
    (the share stage fixed it, or capped it at the plan's), from the flow relaxation
    (planner/flow_bound): `value` (the plan's) when no whole-unit solution does better; None
    when it gave no answer. Charged like the X-Day bound (`_flow_bound`)."""
    from kantokuen.planner.flow_bound import least_ton_days  # SciPy: only when needed

    begun = time.perf_counter()
    cap = _flow_cap(options, deadline)
    least = least_ton_days(inst, x_day, plan.north_share_bp, value, cap, options.seed)
    timings["flow_ton_days_bound"] = round(time.perf_counter() - begun, 4)
    return least


@dataclass
class _Deferred:
    """The CP-SAT model of `plan_case`, built only when a stage needs a search. The bounds a
    stage settles are kept in order and added when it is built, so the model searched is the
    one building it first would give."""

    inst: Instance
    symmetry_breaking: bool
    settled: list[tuple[str, str, int]] = field(default_factory=list)
    built: Model | None = None

    def add(self, term: str, relation: str, value: int) -> None:
        """Bound an objective term: `relation` is "==", "<=" or ">="."""
        self.settled.append((term, relation, value))
        if self.built is not None:
            _bound_term(self.built, term, relation, value)

    def build(self, incumbent: Plan | None) -> None:
        """Build the model with every bound so far, hinted with the best plan so far."""
        m = build(self.inst, symmetry_breaking=self.symmetry_breaking)
        for term, relation, value in self.settled:
            _bound_term(m, term, relation, value)
        if incumbent is not None:
            hint_plan(m, in_symmetry_order(m, incumbent) if self.symmetry_breaking else incumbent)
        self.built = m


def _bound_term(m: Model, term: str, relation: str, value: int) -> None:
    """An objective term of the model held to a value: equal to it, at most or at least it."""
    expr = m.terms[term]
    if relation == "==":
        m.cp.add(expr == value)
    elif relation == "<=":
        m.cp.add(expr <= value)
    else:
        m.cp.add(expr >= value)


def plan_case(
    inst: Instance,
    options: SolveOptions,
    tuning: Tuning | None = None,
    deadline: float | None = None,
    hint: Plan | None = None,
) -> Outcome:
    """Earliest X-Day and its plan, lexicographically optimal in the secondary terms.

    A warm start (iterated list scheduling) gives a verified plan before any search; when its
    X-Day equals the relaxation bound, X-Day is proven without search. Each CP-SAT stage starts
    from the best plan so far, so a stage that runs out of time keeps that plan (FEASIBLE);
    OPTIMAL means every stage was proven.

    Stage budgets come from a ledger of the time limit, not from the clock: each stage is
    charged the deterministic time it used (at the rate `planner.solver` grants it), the warm
    start its nominal share, so what a later stage gets does not depend on machine load. The
    clock only caps every stage at the deadline (`deadline`, a `time.perf_counter()` value, when
    the caller's is sooner than the time limit from now); a stage it ends is in `timings` as
    `wall_cap_<term>`, and a stage solved again after the presolve crash as
    `presolve_retry_<term>`.

    `hint`: a plan of a neighbouring case (see `usable_hint`), only ever a warm start: the
    better of it and the list schedule starts the search; every stage still runs or is proven
    as without it, and the plan returned passes the verifier as always.
    """
    tuning = tuning or Tuning()
    started = time.perf_counter()
    # Extracting and verifying the plan takes ~0.1 ms per unit after the last stage: keep it
    # inside the time limit.
    extraction = min(0.1 * options.time_limit, 1e-4 * len(inst.units))
    deadline = min(started + options.time_limit, deadline or float("inf")) - extraction
    warm_share = WARM_START_SHARE * options.time_limit if tuning.warm_start else 0.0
    # Issue 17 hook: the neighbourhood search's steps are charged their nominal share too.
    lns_steps = steps_for(inst, options.time_limit) if tuning.warm_start and tuning.lns else 0
    if lns_steps:
        warm_share += LNS_SHARE * options.time_limit
    # Safety net: the steps stop once the warm start and they have had twice their shares.
    lns_deadline = min(started + WALL_SLACK * warm_share, deadline)
    left = options.time_limit - extraction - warm_share  # seconds of budget for the stages
    search: Search = "lp" if tuning.lp_subsolvers else "portfolio"
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - since, 4)
        return now

    lower = relaxation_bound(inst) if tuning.relaxation_bound else 0
    mark = lap("relaxation_bound", started)
    if lower is None:
        # Not even the relaxation has an X-Day: a no-go with no model and no search, provided
        # its certificate is one the verifier can check; otherwise the full model decides.
        certificate = no_go_certificate(inst)
        mark = lap("certificate", mark)
        if certificate["kind"] != "full_model":
            return no_go(started, ("x_day",), timings, certificate)
        lower = 0
    stages = (
        ["x_day"]
        + (["north_share_pct"] if inst.auto_share else [])
        + ["ton_days"]
        + ([TIDY] if options.tidy else [])
    )
    # Built only when a stage needs a search (a sweep's go points mostly never do).
    m = _Deferred(inst, tuning.symmetry_breaking)
    warm = _warm_start(inst, options, lower) if tuning.warm_start else None
    incumbent = _verified(inst, warm.plan) if warm is not None else None
    if hint is not None and not _meets_every_bound(inst, incumbent, lower, stages):
        incumbent = better_start(inst, incumbent, usable_hint(inst, hint))
    mark = lap("warm_start", mark)
    if warm is not None and incumbent is not None and lns_steps:
        # Issue 17 hook: large-neighbourhood search around the warm start (planner/lns.py).
        better, _ = improve(inst, warm, lns_steps, options.seed, lower, lns_deadline)
        if time.perf_counter() >= lns_deadline:
            # The clock, not the step count, may have ended it: its answer may then depend on
            # machine load (as with a stage's wall cap).
            timings["wall_cap_lns"] = round(lns_deadline - started, 4)
        if better is not warm:
            incumbent = better_start(inst, incumbent, _verified(inst, better.plan))
        mark = lap("lns", mark)
    source = "relaxation" if tuning.relaxation_bound else "search"
    if tuning.flow_bound and tuning.relaxation_bound and not proven(incumbent, lower):
        # Without a plan, every day of the horizon is asked: none passing is a no-go.
        upper = inst.horizon + 1 if incumbent is None else incumbent.x_day
        relaxed = lower
        raised = _flow_bound(inst, lower, upper, options, deadline, started, timings)
        source, lower = ("flow relaxation" if raised > lower else source), raised
        left -= FLOW_BOUND_SHARE * options.time_limit
        mark = lap("flow_bound", mark)
        if lower > inst.horizon:
            return no_go(started, ("x_day",), timings, flow_certificate(inst, relaxed))
    m.add("x_day", ">=", lower)
    if incumbent is not None:
        m.add("x_day", "<=", incumbent.x_day)
    started_from = incumbent  # verified (warm start, hint, neighbourhood search)
    bound: dict[str, int] = {}
    status = Status.OPTIMAL
    flows = tuning.flow_bound and tuning.relaxation_bound
    x_fixed: int | None = None  # X-Day once proven: the North share's bound is taken there

    def proven_without_search(term: str) -> bool:
        """Whether the plan so far already meets a bound on the term: X-Day at the relaxation
        bound, a secondary term at its simple bound, or the North share at the least the flow
        relaxation allows by the proven X-Day (then the term is fixed there); that least share
        is otherwise a floor for the search."""
        nonlocal x_fixed, left
        if term == "x_day" and incumbent is not None and incumbent.x_day == lower:
            bound[term] = x_fixed = lower
            m.add(term, "==", lower)
            return True
        reached = _reached_simple_bound(inst, incumbent, term) if tuning.relaxation_bound else None
        if reached is not None:
            value, bound[term] = reached
            m.add(term, "<=", value)
            return True
        if flows and term == "ton_days" and x_fixed is not None and incumbent is not None:
            value = objective_terms(inst.case, incumbent)[term]
            least = _least_ton_days(inst, x_fixed, incumbent, value, options, deadline, timings)
            left -= FLOW_BOUND_SHARE * options.time_limit
            if least is not None:
                bound[term] = least
                m.add(term, ">=", least)
                if value <= least:
                    m.add(term, "==", value)
                    return True
        if flows and term == "north_share_pct" and x_fixed is not None:
            least = _least_share(inst, x_fixed, options, deadline, started, timings)
            left -= FLOW_BOUND_SHARE * options.time_limit
            if least is not None and incumbent is not None:
                bound[term] = least
                m.add(term, ">=", least)
                if incumbent.north_share_bp == 100 * least:
                    m.add(term, "==", least)
                    return True
        return False

    for i, term in enumerate(stages):
        settled = proven_without_search(term)
        mark = time.perf_counter()  # a flow bound asked there has its own entry in `timings`
        if settled:
            continue
        if m.built is None:
            m.build(incumbent)
            mark = lap("build", mark)
        model = m.built
        assert model is not None
        if term == TIDY and incumbent is not None:
            keep_split_pattern(model, incumbent)
        model.cp.minimize(model.terms[term])
        budget = _stage_budget(left, i, stages, options.time_limit)
        solver = new_solver(
            budget,
            workers=options.num_workers,
            seed=options.seed,
            search=search,
            wall_cap=deadline - time.perf_counter(),
        )
        if term == TIDY:
            solver.parameters.relative_gap_limit = TIDY_GAP
            # Presolve was most of the tidy-up's time on the historical case and bought it
            # nothing: the hinted plan is kept or improved, and the 1% gap reached either way.
            solver.parameters.cp_model_presolve = False
        done = run(solver, model.cp)
        mark = lap(f"solve_{term}", mark)
        left -= solver.deterministic_time / DETERMINISTIC_PER_SECOND[search]
        _note_run(timings, term, done, solver)
        stage_status = map_status(done.code)
        if stage_status == Status.INFEASIBLE and incumbent is None:
            certificate = no_go_certificate(inst)
            mark = lap("certificate", mark)
            return no_go(started, tuple(stages[: i + 1]), timings, certificate)
        if stage_status == Status.INFEASIBLE:
            raise PlannerBug(
                [Violation("solve", f"stage {term} infeasible although a verified plan exists")]
            )
        if stage_status in (Status.OPTIMAL, Status.FEASIBLE):
            incumbent = extract_plan(model, solver)
            value = round(solver.objective_value)
            # A flow bound asked before the stage may be the better one.
            bound[term] = max(round(solver.best_objective_bound), bound.get(term, 0))
            _hint(model, solver)
        elif incumbent is None:
            # No plan and no proof within the stage's budget (deterministic, or the wall cap).
            return Outcome(
                Status.TIME_LIMIT,
                None,
                {},
                {},
                time.perf_counter() - started,
                tuple(stages[: i + 1]),
                timings,
            )
        else:
            # No plan from this stage in time: keep the incumbent, whose value is an upper bound.
            value = objective_terms(inst.case, incumbent)[term]
            bound[term] = lower if term == "x_day" else bound.get(term, 0)
        if stage_status == Status.OPTIMAL:
            m.add(term, "==", value)
            if term == "x_day":
                x_fixed = value
        else:
            if term != TIDY:
                status = Status.FEASIBLE
            m.add(term, "<=", value)
    assert incumbent is not None
    if incumbent is not started_from:  # that one passed the verifier before the stages
        violations = verify(inst.case, incumbent)
        mark = lap("verify", mark)
        if violations:
            raise PlannerBug(violations)
    terms = objective_terms(inst.case, incumbent)
    objective = {term: terms[term] for term in stages}
    if bound.get("x_day", lower) > lower:
        source = "search"
    return Outcome(
        status,
        incumbent,
        objective,
        bound,
        time.perf_counter() - started,
        tuple(stages),
        timings,
        bound_source=source,
    )
