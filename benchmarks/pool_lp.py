"""An X-Day bound from the linear relaxation of a time-indexed model of the shipping pool
(issue 17: measured here, not used by the planner; see "Why not in the planner" below).

The relaxation bound of `planner.heuristics` looks at each port and rail line alone; on the
large synthetic cases it is left at the day the date criteria allow, and the gap was blamed on
the pool (ships held for whole cycles under a stepwise capacity), which no relaxation captured.
This module asks, for one candidate X-Day at a time, whether a *fractional* movement could meet
the arrival criteria by that day with every resource shared at once, and raises the bound past
each day for which none can.

The model counts units, not unit timelines: identical units (same template, measures, days and
moves) form one group, and for each group and move it keeps cumulative counts by day — units
sailed, units through the debarkation port, units entrained (through the line) — each a
non-decreasing series, and for groups in a region with a depot the units that have started
mobilizing. Every real plan gives such counts (count only the units that arrive by X), and its
counts satisfy every row below, so a day whose linear program has no solution is a day no plan
can meet (DESIGN §1b, with handling over days of §1c):

- a unit sails no sooner than it could be ready at its port, lands its sailing days later, is
  through the debarkation port no sooner than it lands and entrains no sooner than that;
- ships are held at least from sailing for the route's cycle days: North GRT at sea on each day
  (sailed within the last cycle) ≤ North share × pool that day (the largest share the South
  allows when `auto`);
- a port or line is a fluid: what is through it by the end of a day is at most its daily rate
  times the days since the first day any unit could reach it;
- in a region with a depot, the men mobilizing at once fit it, and a unit sails (or entrains,
  by rail only) no sooner than its mobilization is over;
- every required unit arrives by X, and every front has its force ratio by X from the units
  arrived by then.

Dropped (so the bound stays a relaxation): ships held while loading and while unloading runs on,
the handling blocks' day-by-day shape, integrality. The answer is a day, never a plan: no plan
comes from here, and only the CP-SAT model or the list scheduler ever makes one.

Why not in the planner: on syn1000/0 and syn5000/0 the LP has a solution at the relaxation
bound's day (56 and 60), so it raises nothing there, and on 5,000 units (324 groups) one LP takes
about a minute on the shared two cores (BENCHMARKS.md, "Large cases"). The gap on those cases is
therefore not the pool's missing relaxation: only a better plan, or an integral argument, can
close it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from kantokuen.models.instance import Facility, Instance, MoveOption, UnitSpec
from kantokuen.planner.heuristics import _date_allows, largest_share


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

        def matrix(rows: list[dict[int, float]]) -> coo_matrix | None:
            if not rows:
                return None
            r = [i for i, row in enumerate(rows) for _ in row]
            c = [j for row in rows for j in row]
            v = [x for row in rows for x in row.values()]
            return coo_matrix((v, (r, c)), shape=(len(rows), len(self.upper)))

        n = len(self.upper)
        res = linprog(
            np.zeros(n),
            A_ub=matrix(self.ub_rows),
            b_ub=np.array(self.ub_rhs) if self.ub_rows else None,
            A_eq=matrix(self.eq_rows),
            b_eq=np.array(self.eq_rhs) if self.eq_rows else None,
            bounds=np.column_stack([np.zeros(n), np.array(self.upper)]),
            method="highs",
            options={"time_limit": max(seconds, 0.01), "presolve": True},
        )
        if res.status == 0:
            return True
        if res.status == 2:
            return False
        return None


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


def _add(terms: dict[int, float], col: int | None, coef: float) -> None:
    if col is not None and coef:
        terms[col] = terms.get(col, 0.0) + coef


def _through(move: MoveOption, spec: UnitSpec) -> tuple[int, int]:
    """Earliest sailing (or, by rail only, entraining) day of a move, and its offset before the
    unit's ready day: travel to port for a sea move, none by rail only."""
    ready = spec.earliest_start + spec.mobilization_days
    if move.sea is None:
        return ready, 0
    return ready + move.travel_to_port_days, move.travel_to_port_days


def feasible_by(inst: Instance, x: int, seconds: float) -> bool | None:
    """Whether the relaxation (module doc) has a solution with X-Day `x`."""
    lp = _Lp()
    share = largest_share(inst)
    held: dict[int, dict[int, float]] = defaultdict(dict)  # day → GRT at sea (terms)
    through: dict[Facility, list[tuple[_Series, int, int]]] = defaultdict(list)
    arrived: dict[str, dict[int, float]] = defaultdict(dict)  # front → combat arrived by x
    depot_rows: dict[str, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for g in groups(inst):
        spec, n = g.spec, float(g.count)
        by_x: dict[int, float] = {}  # units arrived by x, all moves
        ready_use: list[tuple[_Series, int]] = []  # series counted from the ready day, offset
        for move in spec.moves:
            first, offset = _through(move, spec)
            last_entrain = x - move.transit_days
            if move.sea is None:
                entrain = _Series(lp, first, last_entrain, n)
                ready_use.append((entrain, 0))
            else:
                assert move.embark is not None and move.debark is not None
                sail = _Series(lp, first, last_entrain - move.sail_days, n)
                debark = _Series(lp, first + move.sail_days, last_entrain, n)
                entrain = _Series(lp, first + move.sail_days, last_entrain, n)
                ready_use.append((sail, offset))
                for day, col in enumerate(debark.cols, debark.first):
                    terms: dict[int, float] = {col: 1.0}
                    _add(terms, sail.at(day - move.sail_days), -1.0)
                    lp.le(terms, 0.0)
                for day, col in enumerate(entrain.cols, entrain.first):
                    terms = {col: 1.0}
                    _add(terms, debark.at(day), -1.0)
                    lp.le(terms, 0.0)
                for day in range(sail.first, x + 1):
                    if sail.cols:
                        _add(held[day], sail.at(day), float(spec.lift))
                        _add(held[day], sail.at(day - move.cycle_days), -float(spec.lift))
                through[("embark", move.embark)].append((sail, spec.handling, sail.first))
                through[("debark", move.debark)].append((debark, spec.handling, debark.first))
            through[("rail", move.rail)].append((entrain, move.rail_load, entrain.first))
            _add(by_x, entrain.at(last_entrain), 1.0)
        if spec.required and inst.enabled("required_arrivals"):
            lp.eq(by_x, n)
        else:
            lp.le(by_x, n)
        for col, coef in by_x.items():
            _add(arrived[spec.front], col, coef * spec.combat)
        depot = inst.case.regions[spec.origin].depot_men
        if depot is not None and spec.mobilization_days > 0:
            _depot(lp, inst, spec, n, x, ready_use, depot_rows[spec.origin])
    for day, terms in held.items():
        lp.le(terms, float(inst.north_capacity(day, share)))
    for facility, series in through.items():
        _fluid(lp, inst.rate(facility), series, x)
    for region, rows in depot_rows.items():
        depot = inst.case.regions[region].depot_men
        assert depot is not None
        for terms in rows.values():
            lp.le(terms, float(depot))
    if inst.enabled("force_ratio"):
        for front, need in inst.force_needed.items():
            terms = {c: -v for c, v in arrived.get(front, {}).items()}
            lp.le(terms, -float(need[x]))
    return lp.feasible(seconds)


def _fluid(lp: _Lp, rate: int, series: list[tuple[_Series, int, int]], x: int) -> None:
    """What a facility has passed by the end of each day ≤ its rate × the days since the first
    day any unit could reach it (loads in the facility's measure; rows scaled to days)."""
    used = [(s, load, first) for s, load, first in series if s.cols and load > 0]
    if not used:
        return
    start = min(first for _, _, first in used)
    for day in range(start, x + 1):
        terms: dict[int, float] = {}
        for s, load, _ in used:
            _add(terms, s.at(day), load / rate)
        lp.le(terms, float(day + 1 - start))


def _depot(
    lp: _Lp,
    inst: Instance,
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


@dataclass(frozen=True)
class PoolBound:
    """The day the relaxation gives (≥ the bound it started from), how many days it ruled
    out, and whether it stopped short of an answer (time or HiGHS)."""

    day: int
    ruled_out: int
    complete: bool
    seconds: float


def pool_lp_bound(inst: Instance, lower: int, upper: int, seconds: float) -> PoolBound:
    """The first day from `lower` on, below `upper` (an X-Day a plan already has), for which
    the relaxation has a solution: every day before it is ruled out by a linear program with no
    solution (or by the date criteria). Within about `seconds`; a day not settled in time ends
    the search, and the bound is the last day proven."""
    started = time.perf_counter()
    day = lower
    while day < upper:
        left = seconds - (time.perf_counter() - started)
        if left <= 0:
            return PoolBound(day, day - lower, False, time.perf_counter() - started)
        if _date_allows(inst, day):
            answer = feasible_by(inst, day, left)
            if answer is None:
                return PoolBound(day, day - lower, False, time.perf_counter() - started)
            if answer:
                break
        day += 1
    return PoolBound(day, day - lower, True, time.perf_counter() - started)
