"""Handling over days (issue 13): the CP-SAT formulations measured to choose the planner's.

`python -m benchmarks handling [--time-limit S]` builds the X-Day stage of each formulation on
the same instances (and the North-share stage of the historical auto-share), hints it with the
planner's warm start, and prints one JSON line per instance and formulation: model size, build
seconds, status, the stage's value and bound, and seconds.

- `queue` (the planner's, `planner.model.Leg`): each unit's stretch of each facility's queue,
  one fixed-size interval per unit and facility in a no-overlap. Exact for the block rule.
- `amounts`: the block rule written out: per unit and facility its first day, the amount on
  it, the whole rate on the days in between and the amount on its last day, as intervals with
  variable demands in a cumulative. Exact for the block rule too, but a much larger search.
- `lots`: each unit cut into lots of at most 1,000 (tons, or one train), each lot handled on
  one day, in a cumulative. A different rule (lots of one grain); it gives X-Days only.
- `time_indexed`: a flow per unit, facility and day (an amount and a 0/1 "handled that day").
  Exact for the fluid rule (any amount on any day between the first and the last), which
  relaxes the block rule; it gives X-Days only.

The other families (mobilization, route choice, criteria) are the planner's; for the last
three formulations the handling families (sea_voyage, the throughputs, rail_capacity and
shipping_pool_capacity) are left out of `planner.model.build` and written here for the same
rules: loading from the day at the port, sailing once loaded, unloading from the landing day,
entraining once unloaded, ships held from the first loading day until back.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from kantokuen.models.instance import Facility, Instance, UnitSpec
from kantokuen.models.plan import Plan
from kantokuen.models.scenarios import load
from kantokuen.models.verify import handled
from kantokuen.planner.heuristics import relaxation_bound
from kantokuen.planner.model import Model, UnitVars, _const, _enforce, _segments, build
from kantokuen.planner.solve import hint_plan, in_symmetry_order, list_plan
from kantokuen.planner.solver import new_solver, run

FORMULATIONS = ("queue", "amounts", "lots", "time_indexed")
HANDLING = frozenset(
    {
        "sea_voyage",
        "shipping_pool_capacity",
        "embarkation_throughput",
        "debarkation_throughput",
        "rail_capacity",
    }
)
GRAIN = 1000  # a lot: 1,000 t, or one train on a line counted in trains
DEADLINES_OFF = ("criteria.decision_deadline.enabled=false", "criteria.weather.enabled=false")
HISTORICAL = (
    ("crash-schedule", ()),
    ("crash-schedule", ("ports.dairen.tons_per_day=9000",)),
    ("crash-schedule", ("ports.dairen.tons_per_day=8640",)),
    ("crash-schedule", ("ports.pusan.tons_per_day=4125",)),
)
SYNTHETIC = ((100, 1), (300, 1), (1000, 1))

Item = tuple[cp_model.IntervalVar, cp_model.LinearExprT]


@dataclass
class Leg:
    """A unit's first and last day at one facility on one move, and the formulation's own
    variables there with how to hint each from a plan's (day, amount) list."""

    start: cp_model.IntVar
    end: cp_model.IntVar
    load: int
    rate: int
    hints: list[tuple[cp_model.IntVar, Callable[[list[tuple[int, int]]], int]]]


Registry = list[tuple[str, int, str, Leg]]  # (unit id, move, kind, leg)


def build_variant(inst: Instance, name: str) -> tuple[Model, Registry]:
    """The X-Day stage's model in one formulation (see the module doc), with its legs."""
    registry: Registry = []
    if name == "queue":
        return build(inst), registry
    m = build(inst, omit=HANDLING)
    per_facility: dict[Facility, list[Item]] = defaultdict(list)
    flows: dict[tuple[Facility, int], list[cp_model.IntVar]] = defaultdict(list)
    held: list[Item] = []
    for u in m.units:
        for k, move in enumerate(u.spec.moves):
            legs = {f[0]: _leg(m, u, k, f) for f in u.spec.facilities(move)}
            _chain(m, u, k, legs)
            for kind, leg in legs.items():
                registry.append((u.spec.id, k, kind, leg))
                facility = next(f for f in u.spec.facilities(move) if f[0] == kind)
                if name == "amounts":
                    per_facility[facility] += _amounts(m, u, k, leg)
                elif name == "lots":
                    per_facility[facility] += _lots(m, u, k, leg)
                else:
                    _flow(m, u, k, leg, facility, flows)
            if move.sea is not None:
                held.append(_held(m, u, k, legs))
    for facility, items in per_facility.items():
        m.cp.add_cumulative([iv for iv, _ in items], [d for _, d in items], inst.rate(facility))
    for (facility, _), amounts in flows.items():
        m.cp.add(sum(amounts) <= inst.rate(facility))
    _pool(m, held)
    return m, registry


def _leg(m: Model, u: UnitVars, k: int, facility: Facility) -> Leg:
    horizon, move = m.inst.horizon, u.spec.moves[k]
    start = m.cp.new_int_var(0, horizon, f"start[{facility},{u.spec.id},{k}]")
    end = m.cp.new_int_var(0, horizon, f"end[{facility},{u.spec.id},{k}]")
    _enforce(m.cp.add(start <= end), u.move_lits[k])
    hints: list[tuple[cp_model.IntVar, Callable[[list[tuple[int, int]]], int]]] = [
        (start, lambda days: days[0][0]),
        (end, lambda days: days[-1][0]),
    ]
    return Leg(start, end, u.spec.load_at(facility, move), m.inst.rate(facility), hints)


def _chain(m: Model, u: UnitVars, k: int, legs: dict[str, Leg]) -> None:
    """Load from the day at the port, sail once loaded, unload from the landing day, entrain
    once unloaded (or ready), arrive transit days after the last train."""
    move, lit, cp = u.spec.moves[k], u.move_lits[k], m.cp
    if move.sea is not None:
        assert u.sail is not None
        embark, debark = legs["embark"], legs["debark"]
        _enforce(cp.add(embark.start >= u.ready + move.travel_to_port_days), lit)
        _enforce(cp.add(u.sail >= embark.end), lit)
        _enforce(cp.add(debark.start == u.sail + move.sail_days), lit)
        _enforce(cp.add(legs["rail"].start >= debark.end), lit)
    else:
        _enforce(cp.add(legs["rail"].start >= u.ready), lit)
    _enforce(cp.add(u.entrain == legs["rail"].end), lit)
    _enforce(cp.add(u.arrive == u.entrain + move.transit_days), lit)


def _iv(m: Model, u: UnitVars, k: int, start: Any, size: Any, end: Any, name: str) -> Any:
    lit = u.move_lits[k]
    if _const(lit):
        return m.cp.new_interval_var(start, size, end, name)
    return m.cp.new_optional_interval_var(start, size, end, lit, name)


def _amounts(m: Model, u: UnitVars, k: int, leg: Leg) -> list[Item]:
    """First-day amount, whole rate in between, last-day amount (intervals, variable demands)."""
    cp, lit, top, name = m.cp, u.move_lits[k], min(leg.load, leg.rate), f"{u.spec.id},{k}"
    first, last = cp.new_int_var(0, top, f"x[{name}]"), cp.new_int_var(0, top, f"y[{name}]")
    middle = cp.new_int_var(0, leg.load // leg.rate, f"mid[{name}]")
    multi = cp.new_bool_var(f"multi[{name}]")
    _enforce(cp.add(leg.end == leg.start + middle + multi), lit)
    _enforce(cp.add(first + last + leg.rate * middle == leg.load), lit)
    if leg.load:
        _enforce(cp.add(first >= 1), lit)
    cp.add(middle == 0).only_enforce_if(multi.negated())
    cp.add(last == 0).only_enforce_if(multi.negated())
    leg.hints += [
        (first, lambda days: days[0][1]),
        (last, lambda days: days[-1][1] if len(days) > 1 else 0),
        (middle, lambda days: max(len(days) - 2, 0)),
        (multi, lambda days: int(len(days) > 1)),
    ]
    out: list[Item] = [
        (_iv(m, u, k, leg.start, 1, leg.start + 1, f"x[{name}]"), first),
        (_iv(m, u, k, leg.end, 1, leg.end + 1, f"y[{name}]"), last),
    ]
    if leg.load > leg.rate:
        end = cp.new_int_var(0, m.inst.horizon + 1, f"me[{name}]")
        out.append((_iv(m, u, k, leg.start + 1, middle, end, f"m[{name}]"), leg.rate))
    return out


def _lots(m: Model, u: UnitVars, k: int, leg: Leg) -> list[Item]:
    """Lots of at most GRAIN, each on one day, in order; the leg's first and last lot."""
    n = max(1, math.ceil(leg.load / GRAIN))
    sizes = [leg.load // n + (1 if i < leg.load % n else 0) for i in range(n)]
    days = [m.cp.new_int_var(0, m.inst.horizon, f"lot[{u.spec.id},{k},{i}]") for i in range(n)]
    for a, b in zip(days, days[1:], strict=False):
        m.cp.add(a <= b)
    _enforce(m.cp.add(leg.start == days[0]), u.move_lits[k])
    _enforce(m.cp.add(leg.end == days[-1]), u.move_lits[k])
    done = [sum(sizes[: i + 1]) for i in range(n)]  # tons handled once lot i is
    for i, day in enumerate(days):
        leg.hints.append((day, lambda days, i=i: _day_reaching(days, done[i])))
    return [
        (_iv(m, u, k, day, 1, day + 1, f"lotiv[{u.spec.id},{k},{i}]"), size)
        for i, (day, size) in enumerate(zip(days, sizes, strict=True))
    ]


def _flow(
    m: Model,
    u: UnitVars,
    k: int,
    leg: Leg,
    facility: Facility,
    flows: dict[tuple[Facility, int], list[cp_model.IntVar]],
) -> None:
    """An amount and a 'handled that day' literal per day of the unit's possible window."""
    cp, lit, top = m.cp, u.move_lits[k], min(leg.load, leg.rate)
    amounts = []
    for day in range(_earliest(u.spec, k, facility[0]), m.inst.horizon + 1):
        on = cp.new_bool_var(f"on[{facility},{u.spec.id},{k},{day}]")
        amount = cp.new_int_var(0, top, f"a[{facility},{u.spec.id},{k},{day}]")
        cp.add(amount <= top * on)
        cp.add(leg.start <= day).only_enforce_if(on)
        cp.add(leg.end >= day).only_enforce_if(on)
        if not _const(lit):
            cp.add_implication(on, lit)  # type: ignore[arg-type]
        leg.hints += [
            (amount, lambda days, day=day: dict(days).get(day, 0)),
            (on, lambda days, day=day: int(day in dict(days))),
        ]
        amounts.append(amount)
        flows[facility, day].append(amount)
    cp.add(sum(amounts) == leg.load * lit)


def _day_reaching(days: list[tuple[int, int]], total: int) -> int:
    """The first day by which a plan has handled `total` of the unit."""
    handled = 0
    for day, amount in days:
        handled += amount
        if handled >= total:
            return day
    return days[-1][0]


def hint_variant(m: Model, registry: Registry, plan: Plan) -> None:
    """Hint the formulation's own variables with the plan's days (taken moves only)."""
    by_id = {up.id: up for up in plan.units}
    for uid, k, kind, leg in registry:
        up = by_id[uid]
        if not up.committed or up.move != k:
            continue
        days = handled(up, kind, leg.load)
        if days:
            for var, value in leg.hints:
                m.cp.add_hint(var, value(days))


def _earliest(spec: UnitSpec, k: int, kind: str) -> int:
    move = spec.moves[k]
    day = spec.earliest_start + spec.mobilization_days
    if move.sea is not None:
        day += move.travel_to_port_days + (move.sail_days if kind != "embark" else 0)
    return day


def _held(m: Model, u: UnitVars, k: int, legs: dict[str, Leg]) -> Item:
    """Ships held from the first loading day until back (cycle + days unloading runs on)."""
    move = u.spec.moves[k]
    back = legs["debark"].end - move.sail_days + move.cycle_days
    _enforce(m.cp.add(back <= m.inst.horizon + 1), u.move_lits[k])
    size = m.cp.new_int_var(move.cycle_days, m.inst.horizon + 1, f"held[{u.spec.id},{k}]")
    return _iv(m, u, k, legs["embark"].start, size, back, f"ship[{u.spec.id},{k}]"), u.spec.lift


def _pool(m: Model, held: list[Item]) -> None:
    """North ship space per day within the North share of the pool, as the planner writes it
    (`planner.model.shipping_pool_capacity`)."""
    if not held:
        return
    pool, pct = m.inst.pool, m.share_pct
    if pct is None:
        caps = [m.inst.north_capacity(day, 0) for day in range(m.inst.horizon + 1)]
        peak = max(caps)
        reserved = [
            (m.cp.new_fixed_size_interval_var(s, n, f"unrequisitioned[{s}]"), peak - cap)
            for s, n, cap in _segments(caps)
            if cap < peak
        ]
        items = held + reserved
        m.cp.add_cumulative([iv for iv, _ in items], [d for _, d in items], peak)
        return
    top = max(pool)
    steps = [(s, n, p) for s, n, p in _segments(list(pool)) if p < top]
    intervals = [iv for iv, _ in held]
    intervals += [m.cp.new_fixed_size_interval_var(s, n, f"unreq[{s}]") for s, n, _ in steps]
    demands: list[cp_model.LinearExprT] = [100 * d for _, d in held]
    demands += [pct * (top - p) for _, _, p in steps]
    m.cp.add_cumulative(intervals, demands, pct * top)


def measure(
    inst: Instance, name: str, seconds: float, stage: str = "x_day", workers: int = 2
) -> dict[str, Any]:
    """One stage of one formulation from the planner's warm start (a hint and an upper bound):
    the X-Day stage above the relaxation bound, or (an `auto` share whose X-Day the warm start
    proves at the bound) the North-share stage at that X-Day."""
    started = time.perf_counter()
    m, registry = build_variant(inst, name)
    built = time.perf_counter() - started
    warm = list_plan(inst, 8)
    lower = relaxation_bound(inst) or 0
    m.cp.add(m.x_day >= lower)
    if warm is not None:
        m.cp.add(m.x_day <= warm.x_day)
        ordered = in_symmetry_order(m, warm)
        hint_plan(m, ordered)
        hint_variant(m, registry, ordered)
    if stage == "north_share_pct":
        assert warm is not None and warm.x_day == lower
        m.cp.add(m.x_day == lower)
        lower = 0
    m.cp.minimize(m.terms[stage])
    solver = new_solver(seconds, workers=workers)
    done = run(solver, m.cp)
    found = done.code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {
        "formulation": name,
        "stage": stage,
        "variables": len(m.cp.proto.variables),
        "constraints": len(m.cp.proto.constraints),
        "build_seconds": round(built, 2),
        "status": getattr(done.code, "name", str(done.code)),
        "value": round(solver.objective_value) if found else None,
        "bound": round(solver.best_objective_bound) if found else lower,
        "warm_start": warm.x_day if warm is not None else None,
        "relaxation_bound": lower,
        "seconds": round(time.perf_counter() - started - built, 2),
        "wall_capped": done.wall_capped,
    }


def instances() -> Iterator[tuple[str, Instance, str]]:
    """(label, instance, stage): the historical crash schedule with the deadlines off (the
    completion date) at four port rates, the North-share stage of auto-share, and three
    synthetic cases."""
    from benchmarks.generate import generate
    from benchmarks.suite import HISTORICAL as CASE

    for scenario, sets in HISTORICAL:
        loaded = load(CASE, scenario, (*sets, *DEADLINES_OFF))
        yield f"{scenario} {' '.join(sets) or 'as shipped'}", Instance(loaded.case), "x_day"
    yield "auto-share", Instance(load(CASE, "auto-share").case), "north_share_pct"
    folder = tempfile.mkdtemp(prefix="kantokuen-handling-")
    for units, seed in SYNTHETIC:
        yield f"syn{units}/{seed}", Instance(generate(units, seed).load(folder).case), "x_day"


def main(seconds: float, formulations: tuple[str, ...], out: Callable[[str], None]) -> None:
    for label, inst, stage in instances():
        for name in formulations:
            out(json.dumps({"instance": label, **measure(inst, name, seconds, stage)}))
