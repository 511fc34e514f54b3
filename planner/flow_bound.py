"""An X-Day bound from a time-indexed flow relaxation of the whole movement (issue 17).

The relaxation bound of `planner.heuristics` looks at each port and rail line alone, and
credits a facility with every day from the first on which any unit could reach it. On the
historical case the ships are requisitioned weeks after the order, so the ports and lines sit
idle for those weeks and that bound stays ten days short of the best plan. This relaxation
shares every resource at once and lets a facility work only on what has reached it.

For one candidate X-Day at a time it asks whether a *fractional* movement could meet the
arrival criteria by that day. Identical units (same template, measures, days and moves) form
one group; for each group and move it keeps cumulative counts by day — units sailed, units
through the debarkation port, units entrained (through the line) — each non-decreasing, and
for groups in a region with a depot the units that have started mobilizing. Every real plan
gives such counts (count only the units that arrive by X-Day), and its counts satisfy every
row below, so a day whose linear program has no solution is a day no plan can meet (DESIGN
§1b, with handling over days of §1c):

- a unit sails no sooner than it could be ready at its port, lands its sailing days later, is
  through the debarkation port no sooner than its landing plus its fewest unloading days (one
  block, at most the port's rate a day) and entrains no sooner than that;
- ships are held at least from the first of the fewest loading days a unit can take before it
  sails until the route's homeward days (its cycle less its sailing days) after the unit is
  through the debarkation port, so a unit whose unloading runs on in a busy port keeps its
  ships: North GRT held on each day ≤ North share × pool that day (the largest share the South
  allows when `auto`);
- a port or line is a fluid queue: the work it has done by the end of a day grows by at most
  its daily rate a day, is at most the work that has reached it (landed at the port; through
  the port, for its line; ready, for a unit that cannot be held up before it — bounded by the
  whole group from its first possible day), and covers every unit through it;
- in a region with a depot, the men mobilizing at once fit it, and a unit sails (or entrains,
  by rail only) no sooner than its mobilization is over;
- every required unit arrives by X-Day, and every front has its force ratio by X-Day from the
  units arrived by then.

Dropped (so the bound stays a relaxation): ships held for loading days beyond the fewest a unit
needs (a block in a busy port's queue, or one run across a night it could have avoided), the
handling blocks' day-by-day shape (a fluid queue may finish a unit sooner than one block
can). A day the linear program (HiGHS) allows is then asked again in whole units — every count
an integer, as in any plan — by CP-SAT, in exact integer arithmetic (every row has whole
coefficients): units move in echelons, and on the historical case that alone rules out days
the fractions allow (the record's movement: 30 Aug). The
answer is a day, never a plan: no plan comes from here. The linear program only ever lets a day
through to the exact check, so its floating point can make the bound weaker, never wrong, up to
HiGHS's own infeasibility verdict (default tolerances, rows of moderate size). When no day of
the horizon passes, the case is a no-go that rests on these proofs (`planner.solve`, certificate
kind `flow_relaxation`): the verifier cannot re-check a solver's proof, and the result says so.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from kantokuen.models.instance import BP, Facility, Instance, MoveOption, UnitSpec
from kantokuen.planner.heuristics import _date_allows, largest_share

# A size guard on the estimate of `too_large`: the historical case (16 groups) estimates ~70,000
# and solves a day in 0.01-0.6 s, the 1,000-unit benchmark case ~176,000 and 0.6 s; the 3,000-
# and 5,000-unit cases (~520,000 and ~850,000) take tens of seconds a day, past the planner's
# share of any time limit, and the relaxation raises nothing there (BENCHMARKS.md).
MAX_NONZEROS = 400_000


@dataclass(frozen=True)
class Group:
    """Identical units: `count` of them share every number the relaxation reads."""

    spec: UnitSpec  # the first member
    count: int


def groups(inst: Instance) -> list[Group]:
    """The units grouped by everything but their id and name."""
    by_key: dict[tuple[object, ...], list[UnitSpec]] = defaultdict(list)
    for s in inst.units:
        key = (
            s.template,
            s.origin,
            s.men,
            s.lift,
            s.handling,
            s.mobilization_days,
            s.earliest_start,
            s.combat,
            s.front,
            s.required,
            s.moves,
        )
        by_key[key].append(s)
    return [Group(members[0], len(members)) for members in by_key.values()]


@dataclass
class _Lp:
    """A linear feasibility problem under construction: columns with bounds, rows A·x ≤ b and
    A·x = b."""

    upper: list[float] = field(default_factory=list)
    ub_rows: list[dict[int, float]] = field(default_factory=list)
    ub_rhs: list[float] = field(default_factory=list)
    eq_rows: list[dict[int, float]] = field(default_factory=list)
    eq_rhs: list[float] = field(default_factory=list)

    def col(self, hi: float) -> int:
        self.upper.append(hi)
        return len(self.upper) - 1

    def le(self, terms: dict[int, float], rhs: float) -> None:
        if terms:
            self.ub_rows.append(terms)
            self.ub_rhs.append(rhs)
        elif rhs < 0:  # 0 ≤ rhs fails: an empty row that cannot hold
            self.ub_rows.append({self.col(0.0): 1.0})
            self.ub_rhs.append(rhs)

    def eq(self, terms: dict[int, float], rhs: float) -> None:
        if not terms:
            if rhs:
                self.le({}, -abs(rhs))  # 0 = rhs ≠ 0 cannot hold
            return
        self.eq_rows.append(terms)
        self.eq_rhs.append(rhs)

    def feasible(self, seconds: float) -> bool | None:
        """Whether the rows have a solution (None: HiGHS gave no answer in `seconds`)."""
        answer = self.least({}, seconds)
        return answer if answer is None or answer is False else True

    def least(self, cost: dict[int, float], seconds: float) -> float | bool | None:
        """The least value of the cost over the rows' solutions, False when they have none,
        None when HiGHS gave no answer in `seconds`."""
        # Imported here: SciPy takes longer to import than most answers take to find, and
        # only a plan not proven by the warm start ever needs it.
        import numpy as np
        from scipy.optimize import linprog
        from scipy.sparse import coo_matrix

        def matrix(rows: list[dict[int, float]]) -> coo_matrix | None:
            if not rows:
                return None
            r = [i for i, row in enumerate(rows) for _ in row]
            c = [j for row in rows for j in row]
            v = [x for row in rows for x in row.values()]
            return coo_matrix((v, (r, c)), shape=(len(rows), len(self.upper)))

        n = len(self.upper)
        if n == 0:
            return 0.0  # nothing to count (an empty row that cannot hold adds a column)
        c = np.zeros(n)
        for col, coef in cost.items():
            c[col] = coef
        res = linprog(
            c,
            A_ub=matrix(self.ub_rows),
            b_ub=np.array(self.ub_rhs) if self.ub_rows else None,
            A_eq=matrix(self.eq_rows),
            b_eq=np.array(self.eq_rhs) if self.eq_rows else None,
            bounds=np.column_stack([np.zeros(n), np.array(self.upper)]),
            method="highs",
            options={"time_limit": max(seconds, 0.01), "presolve": True},
        )
        if res.status == 0:
            return float(res.fun)
        if res.status == 2:
            return False
        return None

    def integral_feasible(
        self, seconds: float, seed: int, wall_cap: float | None = None
    ) -> bool | None:
        """Whether the rows have a solution in integers (every coefficient is one), by CP-SAT
        (None: no answer within `seconds` of deterministic time, or the wall-clock cap)."""
        from ortools.sat.python import cp_model

        from kantokuen.planner.solver import new_solver, run

        cp = cp_model.CpModel()
        xs = [cp.new_int_var(0, int(hi), f"c{i}") for i, hi in enumerate(self.upper)]
        for rows, rhs, equal in (
            (self.ub_rows, self.ub_rhs, False),
            (self.eq_rows, self.eq_rhs, True),
        ):
            for row, b in zip(rows, rhs, strict=True):
                assert all(coef == int(coef) for coef in row.values()), "a fractional row"
                expr = sum(int(coef) * xs[col] for col, coef in row.items())
                if equal:
                    cp.add(expr == int(b))
                else:
                    cp.add(expr <= math.floor(b))
        solver = new_solver(seconds, workers=1, seed=seed, search="feasibility", wall_cap=wall_cap)
        code = run(solver, cp).code
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True
        return False if code == cp_model.INFEASIBLE else None


@dataclass
class _Relaxation(_Lp):
    """The relaxation's rows and, for the shipping stage, its ton-days as a cost on them."""

    ton_days: dict[int, float] = field(default_factory=dict)


class _Series:
    """A non-decreasing count by day on [first, last]: 0 before `first`, its last value after
    `last`."""

    def __init__(self, lp: _Lp, first: int, last: int, most: float) -> None:
        self.first, self.last = first, last
        self.cols = [lp.col(most) for _ in range(max(last - first + 1, 0))]
        for a, b in zip(self.cols, self.cols[1:], strict=False):
            lp.le({a: 1.0, b: -1.0}, 0.0)

    def at(self, day: int) -> int | None:
        """The column counting by `day` (None: 0 on that day)."""
        if not self.cols or day < self.first:
            return None
        return self.cols[min(day, self.last) - self.first]


# What has reached a facility by a day: a count series' column (or None: none yet), or for a
# unit held up by nothing the relaxation tracks, the whole group from its first possible day.
Reached = Callable[[int], int | None]


@dataclass(frozen=True)
class _Use:
    """One group's use of a facility on one move: units through it by each day (`through`),
    the load of each in the facility's measure, and what has reached it."""

    through: _Series
    load: int
    count: float
    first: int  # the first day a unit of the group could reach the facility
    reached: Reached | None  # None: the whole group from `first` on


def _add(terms: dict[int, float], col: int | None, coef: float) -> None:
    if col is not None and coef:
        terms[col] = terms.get(col, 0.0) + coef


def _earliest(move: MoveOption, spec: UnitSpec) -> tuple[int, int]:
    """Earliest sailing (or, by rail only, entraining) day of a move, and its offset before the
    unit's ready day: travel to port for a sea move, none by rail only."""
    ready = spec.earliest_start + spec.mobilization_days
    if move.sea is None:
        return ready, 0
    return ready + move.travel_to_port_days, move.travel_to_port_days


@dataclass
class _Rows:
    """The rows shared by all groups, filled group by group."""

    held: dict[int, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    uses: dict[Facility, list[_Use]] = field(default_factory=lambda: defaultdict(list))
    arrived: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    depot: dict[str, dict[int, dict[int, float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    # Shipping ton-days of the units arrived by X-Day (lift × the route's cycle days each).
    ton_days: dict[int, float] = field(default_factory=dict)


def feasible_by(inst: Instance, x: int, seconds: float) -> bool | None:
    """Whether the relaxation (module doc) has a solution with X-Day `x` (None: no answer)."""
    return _relaxation(inst, x).feasible(seconds)


def least_share_pct(inst: Instance, x: int, seconds: float) -> int | None:
    """With `auto`: the least whole percent of the pool for the North with which the
    relaxation has a solution with X-Day `x` (the North's GRT at sea on each day ≤ share ×
    pool), at most the largest the South allows; None when it has none or gave no answer."""
    least = _relaxation(inst, x, variable_share=True).least({SHARE: 1.0}, seconds)
    if least is None or least is False:
        return None
    # HiGHS's optimum is within its tolerance (1e-7) of the true least share: a share a hair
    # above a whole percent needs the next one, one a hair below it does not.
    return max(0, math.ceil(100 * least - 1e-6))


def least_ton_days(
    inst: Instance, x: int, share_bp: int, below: int, seconds: float, seed: int = 0
) -> int | None:
    """A bound on the shipping ton-days of any plan with X-Day `x` and a North share of at most
    `share_bp` (`auto`; otherwise the case's share): the least ton-days of the units arrived by
    X-Day over the relaxation's solutions (a plan's ton-days count those units and perhaps
    more). When that least is below `below` (a plan's ton-days) by at most one unit's ton-days,
    the relaxation is asked again in whole units, with ton-days under `below`: no such solution
    proves `below`. None when
    there is no answer within about `seconds` (the whole-unit check gets a quarter of them in
    CP-SAT's deterministic time)."""
    if too_large(inst):
        return None
    started = time.perf_counter()
    lp = _relaxation(inst, x, share_bp=share_bp)
    least = lp.least(lp.ton_days, seconds)
    if least is None or least is False:
        return None
    # HiGHS's optimum is within its tolerance of the true least (whole tons × days).
    bound = max(0, math.ceil(least - 1e-6 * max(1.0, abs(least))))
    if bound >= below or below - bound > _one_unit_ton_days(inst):
        # Whole units can close a gap of about one unit's ton-days; a wider one would cost the
        # check its whole time for nothing (shipped early-order-halving-met: 2.4%, 3 s).
        return bound
    lp.le(lp.ton_days, float(below - 1))
    left = seconds - (time.perf_counter() - started)
    whole = lp.integral_feasible(seconds / 4, seed, left) if left > 0 else None
    return below if whole is False else bound


def fits_by(
    inst: Instance,
    x: int,
    seconds: float,
    whole_seconds: float,
    seed: int = 0,
    deadline: float | None = None,
) -> bool | None:
    """Whether the relaxation has a solution with X-Day `x`: the linear program first (within
    `seconds`), and a day it allows asked again in whole units (`whole_seconds` of CP-SAT's
    deterministic time, and never past `deadline`, a `time.perf_counter()` value). The rows
    are built once for both. None: no answer in time."""
    lp = _relaxation(inst, x)
    answer = lp.feasible(seconds)
    if not answer:
        return answer
    cap = None if deadline is None else deadline - time.perf_counter()
    return lp.integral_feasible(whole_seconds, seed, cap)


def _one_unit_ton_days(inst: Instance) -> int:
    """The most ton-days one unit's sea move can take."""
    return max(
        (s.lift * m.cycle_days for s in inst.units for m in s.moves if m.sea is not None),
        default=0,
    )


def integral_feasible_by(
    inst: Instance, x: int, seconds: float, seed: int = 0, wall_cap: float | None = None
) -> bool | None:
    """Whether the relaxation has a solution in whole units (every count an integer, as in any
    plan) with X-Day `x`, decided by CP-SAT in exact integer arithmetic (None: no answer within
    `seconds` of deterministic time). Stronger than the linear program where whole units
    matter: the record's movement fits by 30 Aug in fractions of echelons, not in echelons."""
    return _relaxation(inst, x).integral_feasible(seconds, seed, wall_cap)


SHARE = 0  # the column of the North share, when it is a variable


def _relaxation(
    inst: Instance, x: int, variable_share: bool = False, share_bp: int | None = None
) -> _Relaxation:
    """The rows of the relaxation at X-Day `x`; with `variable_share`, the North share is a
    variable (column `SHARE`) up to the largest share the South allows, instead of that share;
    with `share_bp` (`auto` only), that share instead of the largest."""
    lp, rows = _Relaxation(), _Rows()
    largest = largest_share(inst) if share_bp is None else share_bp
    if variable_share:
        column = lp.col(largest / BP)
        assert column == SHARE
    for g in groups(inst):
        _group(lp, rows, inst, g, x)
    for day, terms in rows.held.items():
        if variable_share:
            lp.le({**terms, SHARE: -float(inst.pool[day])}, 0.0)
        else:
            lp.le(terms, float(inst.north_capacity(day, largest)))
    for facility, uses in rows.uses.items():
        _fluid_queue(lp, inst.rate(facility), uses, x)
    for region, by_day in rows.depot.items():
        depot = inst.case.regions[region].depot_men
        assert depot is not None
        for terms in by_day.values():
            lp.le(terms, float(depot))
    if inst.enabled("force_ratio"):
        for front, need in inst.force_needed.items():
            terms = {c: -v for c, v in rows.arrived.get(front, {}).items()}
            lp.le(terms, -float(need[x]))
    lp.ton_days = rows.ton_days
    return lp


def _group(lp: _Lp, rows: _Rows, inst: Instance, g: Group, x: int) -> None:
    """One group's count series over its moves, their rows, and its share of the common rows."""
    spec, n = g.spec, float(g.count)
    by_x: dict[int, float] = {}  # units arrived by x, all moves
    ready_use: list[tuple[_Series, int]] = []  # series counted from the ready day, offset
    for move in spec.moves:
        first, offset = _earliest(move, spec)
        last_entrain = x - move.transit_days
        if move.sea is None:
            entrain = _Series(lp, first, last_entrain, n)
            ready_use.append((entrain, 0))
            rail_reached: Reached | None = None
        else:
            assert move.embark is not None and move.debark is not None
            sail = _Series(lp, first, last_entrain - move.sail_days, n)
            debark = _Series(lp, first + move.sail_days, last_entrain, n)
            entrain = _Series(lp, first + move.sail_days, last_entrain, n)
            ready_use.append((sail, offset))
            loading = _least_days(spec.handling, inst.rate(("embark", move.embark)))
            unloading = _least_days(spec.handling, inst.rate(("debark", move.debark)))
            _not_before(lp, debark, sail, move.sail_days + unloading - 1)
            _not_before(lp, entrain, debark, 0)
            _ships_held(
                rows.held, sail, debark, spec.lift, move.cycle_days - move.sail_days, x, loading
            )
            landed = _shifted(sail, move.sail_days)
            rows.uses[("embark", move.embark)].append(_Use(sail, spec.handling, n, first, None))
            rows.uses[("debark", move.debark)].append(
                _Use(debark, spec.handling, n, debark.first, landed)
            )
            rail_reached = debark.at
        rows.uses[("rail", move.rail)].append(
            _Use(entrain, move.rail_load, n, entrain.first, rail_reached)
        )
        _add(by_x, entrain.at(last_entrain), 1.0)
        if move.sea is not None:
            _add(rows.ton_days, entrain.at(last_entrain), float(spec.lift * move.cycle_days))
    if spec.required and inst.enabled("required_arrivals"):
        lp.eq(by_x, n)
    else:
        lp.le(by_x, n)
    for col, coef in by_x.items():
        _add(rows.arrived[spec.front], col, coef * spec.combat)
    depot = inst.case.regions[spec.origin].depot_men
    if depot is not None and spec.mobilization_days > 0:
        _depot(lp, spec, n, x, ready_use, rows.depot[spec.origin])


def _shifted(series: _Series, days: int) -> Reached:
    """The series read `days` later: sailed by day d − days is landed by day d."""
    return lambda day: series.at(day - days)


def _not_before(lp: _Lp, later: _Series, earlier: _Series, lag: int) -> None:
    """A unit counted in `later` by a day was counted in `earlier` `lag` days before."""
    for day, col in enumerate(later.cols, later.first):
        terms: dict[int, float] = {col: 1.0}
        _add(terms, earlier.at(day - lag), -1.0)
        lp.le(terms, 0.0)


def _least_days(load: int, rate: int) -> int:
    """The fewest days a unit's handling can take: one block, at most the rate a day."""
    return max(1, -(-load // rate)) if rate > 0 else 1


def _ships_held(
    held: dict[int, dict[int, float]],
    sail: _Series,
    debark: _Series,
    lift: int,
    homeward: int,
    x: int,
    loading: int,
) -> None:
    """A unit's ships are held from its first loading day until they are back: it loads in one
    block ending by its sailing day, of at least `loading` days, and its ships are back
    `homeward` days (the route's cycle less its sailing days) after its last unloading day —
    waiting in the debarkation port's queue holds them too. So on day d the ships of every unit
    sailed by d + loading − 1 are held, but those of units through the port by d − homeward
    are back."""
    if not sail.cols:
        return
    for day in range(max(sail.first - loading + 1, 0), x + 1):
        _add(held[day], sail.at(day + loading - 1), float(lift))
        _add(held[day], debark.at(day - homeward), -float(lift))


def _fluid_queue(lp: _Lp, rate: int, uses: list[_Use], x: int) -> None:
    """A facility's work done by the end of each day (in its own measure): it grows by at most
    its rate a day, is at most the work that has reached it, and covers the work of every unit
    through it. (Whole numbers throughout, so that `integral_feasible_by` can use the rows.)"""
    used = [u for u in uses if u.through.cols and u.load > 0]
    if not used:
        return
    start = min(u.first for u in used)
    done = _Series(lp, start, x, float(rate * (x + 1 - start)))
    for day, col in enumerate(done.cols, start):
        grows: dict[int, float] = {col: 1.0}
        _add(grows, done.at(day - 1), -1.0)
        lp.le(grows, float(rate))
        covers: dict[int, float] = {col: -1.0}
        reached: dict[int, float] = {col: 1.0}
        whole_groups = 0.0
        for u in used:
            _add(covers, u.through.at(day), float(u.load))
            if u.reached is None:
                whole_groups += u.load * u.count if day >= u.first else 0.0
            else:
                _add(reached, u.reached(day), -float(u.load))
        lp.le(covers, 0.0)
        lp.le(reached, whole_groups)


def _depot(
    lp: _Lp,
    spec: UnitSpec,
    n: float,
    x: int,
    ready_use: list[tuple[_Series, int]],
    rows: dict[int, dict[int, float]],
) -> None:
    """Units that started mobilizing (a count by day), the units that sail or entrain by a day
    no more than those mobilized in time, and the men mobilizing on each day (added to the
    region's depot rows)."""
    mob = spec.mobilization_days
    started = _Series(lp, spec.earliest_start, x, n)
    for day in range(spec.earliest_start, x + 1):
        terms: dict[int, float] = {}
        for s, offset in ready_use:
            _add(terms, s.at(day + offset), 1.0)
        _add(terms, started.at(day - mob), -1.0)
        if terms:
            lp.le(terms, 0.0)
        # Men mobilizing on `day`: started by `day` minus started by `day - mob`.
        _add(rows[day], started.at(day), float(spec.men))
        _add(rows[day], started.at(day - mob), -float(spec.men))


def too_large(inst: Instance) -> bool:
    """Whether the linear program would be too large to be worth building (`MAX_NONZEROS`):
    every group's series over the horizon, on each of its moves' facilities."""
    per_group = sum(len(g.spec.moves) * 4 for g in groups(inst))
    return per_group * (inst.horizon + 1) * 3 > MAX_NONZEROS


@dataclass(frozen=True)
class FlowBound:
    """The day the relaxation gives (≥ the bound it started from), how many days it ruled
    out, and whether it stopped short of an answer (time, size or HiGHS)."""

    day: int
    ruled_out: int
    complete: bool
    seconds: float


def flow_bound(inst: Instance, lower: int, upper: int, seconds: float, seed: int = 0) -> FlowBound:
    """The first day from `lower` on, below `upper` (an X-Day a plan already has, or past the
    horizon), for which the relaxation has a solution, first as a linear program and then in
    whole units (`integral_feasible_by`): every day before it is ruled out by one of the two
    (or by the date criteria). Within about `seconds`: each whole-unit check gets a quarter of
    them in CP-SAT's deterministic time; a day not settled in time ends the search, and the
    bound is the last day proven (`complete` false)."""
    started = time.perf_counter()

    def stop(day: int, complete: bool) -> FlowBound:
        return FlowBound(day, day - lower, complete, time.perf_counter() - started)

    if too_large(inst):
        return stop(lower, False)
    day = lower
    while day < upper:
        left = seconds - (time.perf_counter() - started)
        if left <= 0:
            return stop(day, False)
        if _date_allows(inst, day):
            answer = fits_by(inst, day, left, seconds / 4, seed, started + seconds)
            if answer is None:
                return stop(day, False)
            if answer:
                break
        day += 1
    return stop(day, True)
