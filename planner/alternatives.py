"""Near-optimal alternatives of a go: other verified plans whose X-Day is within a few days of
the earliest, as different as they can be in what a historian would notice first.

The *axes* of a plan are the unit groups that have several routes (which route their units
take) and, when the planner chooses it, the North share. The axes are dealt out among the
alternatives in turn, so each alternative moves other groups to other routes (or takes another
share) than the earliest plan and the alternatives before it; it must also differ from each of
them somewhere (a route, the share, a commitment, or at least one arrival day). Each is one
CP-SAT feasibility solve from the earliest plan as a hint, X-Day capped at the earliest plus
`within` days, every criterion in force; every plan returned has passed the independent
verifier, and is compared with the earliest plan in domain words.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from kantokuen.models.instance import BP, Instance
from kantokuen.models.plan import Plan, Status
from kantokuen.models.verify import port_loads, verify
from kantokuen.planner.model import Model, build
from kantokuen.planner.prose import days, pretty
from kantokuen.planner.solve import (
    PlannerBug,
    SolveOptions,
    extract_plan,
    hint_plan,
    in_symmetry_order,
    map_status,
)
from kantokuen.planner.solver import new_solver, run

MIN_SECONDS = 0.3  # an alternative with less wall-clock time left than this is not sought
ALTERNATIVE_SECONDS = 2.0  # budget of one alternative's solve (deterministic seconds)


@dataclass(frozen=True)
class Alternative:
    """One other plan, what it changes, and how it differs from the earliest plan in words."""

    plan: Plan
    changed: tuple[str, ...]  # the axes it was asked to change
    moved: int  # units on another route plus percents of North share, against the earliest
    differences: tuple[str, ...]


def alternatives(
    inst: Instance,
    best: Plan,
    count: int,
    within: int,
    options: SolveOptions,
    deadline: float | None = None,
) -> list[Alternative]:
    """Up to `count` verified plans with X-Day at most `within` days after `best`'s, each
    changing its own share of the axes (see the module doc): first every axis of its share,
    else one axis at a time; with no axis at all only the timing differs. Fewer when no such
    plan exists or time runs out."""
    found: list[Plan] = [best]
    out: list[Alternative] = []
    choices = axes(inst)
    shares = [choices[k::count] for k in range(count)]
    for k in range(count):
        tries = [shares[k]] + ([[a] for a in shares[k]] if len(shares[k]) > 1 else [])
        for wanted in tries:
            left = None if deadline is None else deadline - time.perf_counter()
            if left is not None and left < MIN_SECONDS:
                return out
            plan = _other_plan(inst, best, found, wanted, within, options, left)
            if plan is not None:
                differences = tuple(compare(inst, best, plan))
                out.append(Alternative(plan, tuple(wanted), _moved(inst, best, plan), differences))
                found.append(plan)
                break
    return out


def axes(inst: Instance) -> list[str]:
    """What an alternative can change: each unit group with several routes (`route:<group>`:
    its units move off the route most of them take in the earliest plan), and the North share
    when the planner chooses it (`share`)."""
    out = list(dict.fromkeys(f"route:{s.template}" for s in inst.units if len(s.moves) > 1))
    return out + (["share"] if inst.auto_share else [])


def _other_plan(
    inst: Instance,
    best: Plan,
    found: list[Plan],
    wanted: list[str],
    within: int,
    options: SolveOptions,
    left: float | None,
) -> Plan | None:
    """A verified plan with X-Day within `within` days of `best`'s that changes every axis in
    `wanted` and differs from every plan found; None when there is none or none was found in
    time."""
    m = build(inst)
    m.cp.add(m.x_day <= best.x_day + within)
    by_id = {u.id: u for u in best.units}
    for axis in wanted:
        if axis == "share":
            if m.share_pct is not None:
                m.cp.add(m.share_pct != best.north_share_bp // 100)
            continue
        template = axis.partition(":")[2]
        members = [u for u in m.units if u.spec.template == template]
        taken = Counter(by_id[u.spec.id].move for u in members if by_id[u.spec.id].committed)
        if not taken:
            continue
        usual = taken.most_common(1)[0][0]
        if usual is not None:
            m.cp.add(sum(u.move_lits[usual] for u in members) <= taken[usual] - 1)
    for prior in found:
        m.cp.add(_difference(m, prior) >= 1)
    hint_plan(m, in_symmetry_order(m, best))
    budget = min(ALTERNATIVE_SECONDS, options.time_limit)
    cap = 2 * budget + 1 if left is None else min(2 * budget + 1, left)
    # One worker, CP-SAT's default search: with the interleaved LP search on two workers,
    # stopping at the first solution of a hinted model aborts the process in OR-Tools 9.15
    # ("Check failed: solution->size() == postsolve_mapping.size()"), seen on halving-met.
    solver = new_solver(budget, seed=options.seed, search="feasibility", wall_cap=cap)
    solver.parameters.stop_after_first_solution = True
    status = map_status(run(solver, m.cp).code)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None
    plan = extract_plan(m, solver)
    violations = verify(inst.case, plan)
    if violations:
        raise PlannerBug(violations)
    return plan


def _routes(inst: Instance, plan: Plan) -> Counter[tuple[str, int]]:
    specs = {s.id: s for s in inst.units}
    return Counter(
        (specs[u.id].template, u.move) for u in plan.units if u.committed and u.move is not None
    )


def _moved(inst: Instance, best: Plan, other: Plan) -> int:
    """Units on another route (per group and route) plus percents of North share."""
    a, b = _routes(inst, best), _routes(inst, other)
    moved = sum(abs(a[k] - b[k]) for k in set(a) | set(b)) // 2
    return moved + abs(other.north_share_bp - best.north_share_bp) // 100


def _difference(m: Model, prior: Plan) -> cp_model.LinearExpr:
    """How far the model's plan is from a known plan: units on another route (per group and
    route: identical units trading places count for nothing), percents of North share,
    optional units committed otherwise, and required units arriving on another day; one
    linear expression, with one absolute value per term."""
    cp = m.cp
    by_id = {u.id: u for u in prior.units}
    terms: list[cp_model.IntVar] = []

    def absolute(expr: cp_model.LinearExprT, bound: int, name: str) -> cp_model.IntVar:
        var = cp.new_int_var(0, bound, name)
        cp.add_abs_equality(var, expr)
        return var

    groups: dict[tuple[str, int], list[cp_model.IntVar | int]] = {}
    for u in m.units:
        for k, lit in enumerate(u.move_lits):
            groups.setdefault((u.spec.template, k), []).append(lit)
    known = _routes(m.inst, prior)
    for (template, k), lits in groups.items():
        terms.append(
            absolute(sum(lits) - known[(template, k)], len(lits), f"route[{template},{k}]")
        )
    if m.share_pct is not None:
        terms.append(absolute(m.share_pct - prior.north_share_bp // 100, 100, "share_diff"))
    for u in m.units:
        up = by_id[u.spec.id]
        if u.spec.required and up.arrive is not None:
            shift = absolute(u.arrive - up.arrive, m.inst.horizon, f"shift[{u.spec.id}]")
            moved = cp.new_bool_var(f"moved[{u.spec.id}]")
            cp.add(moved <= shift)
            terms.append(moved)
        elif not u.spec.required and not isinstance(u.present, int):
            terms.append(absolute(u.present - int(up.committed), 1, f"kept[{u.spec.id}]"))
    return cp_model.LinearExpr.sum(terms)


def compare(inst: Instance, best: Plan, other: Plan) -> list[str]:
    """How another plan differs from the earliest one, in domain words: X-Day, North share,
    routes by unit group, port loads, optional units, and the order of arrivals."""
    case = inst.case
    out: list[str] = []
    later = other.x_day - best.x_day
    when = pretty(case.date(other.x_day))
    out.append(
        f"X-Day {when}, {days(later)} after the earliest"
        if later > 0
        else f"the same X-Day, {when}"
    )
    if other.north_share_bp != best.north_share_bp:
        out.append(
            f"North share {other.north_share_bp / BP:.0%} (the earliest plan: "
            f"{best.north_share_bp / BP:.0%})"
        )
    out += _route_words(inst, best, other)
    out += _port_words(inst, best, other)
    specs = {s.id: s for s in inst.units}
    a = {u.id: u for u in best.units}
    b = {u.id: u for u in other.units}
    more = sum(1 for i in b if b[i].committed and not a[i].committed)
    fewer = sum(1 for i in b if a[i].committed and not b[i].committed)
    if more or fewer:
        out.append(f"optional units: {more} more committed, {fewer} left home")
    arrivals = {i: (a[i].arrive, b[i].arrive) for i in b}
    moved = [
        (after - before, i)
        for i, (before, after) in arrivals.items()
        if before is not None and after is not None and after != before
    ]
    if moved:
        earlier = sum(1 for d, _ in moved if d < 0)
        shift, uid = max(moved, key=lambda t: (abs(t[0]), t[1]))
        arrive = b[uid].arrive
        assert arrive is not None
        out.append(
            f"{len(moved)} units arrive on other days ({earlier} earlier, {len(moved) - earlier} "
            f"later); the largest move: {specs[uid].name} ({uid}) on "
            f"{pretty(case.date(arrive))}, {days(abs(shift))} {'earlier' if shift < 0 else 'later'}"
        )
    return out


def _route_name(inst: Instance, template: str, move: int) -> str:
    spec = next(s for s in inst.units if s.template == template)
    option = spec.moves[move]
    if option.sea is None:
        line = inst.case.rail[option.rail]
        start = line.start
        place = inst.case.regions[start].name if start in inst.case.regions else start
        if start in inst.case.ports:
            place = inst.case.ports[start].name
        return f"rail from {place} ({option.rail})"
    ports = inst.case.ports
    return f"{ports[option.embark or ''].name} → {ports[option.debark or ''].name}"


def _route_words(inst: Instance, best: Plan, other: Plan) -> list[str]:
    """`Home division: 2 via Osaka → Dairen instead of Moji → Pusan`, per unit group."""
    specs = {s.id: s for s in inst.units}
    out = []
    groups = sorted({s.template for s in inst.units})
    for template in groups:
        a: Counter[int] = Counter(
            u.move
            for u in best.units
            if specs[u.id].template == template and u.committed and u.move is not None
        )
        b: Counter[int] = Counter(
            u.move
            for u in other.units
            if specs[u.id].template == template and u.committed and u.move is not None
        )
        gained = {k: n - a[k] for k, n in b.items() if n > a[k]}
        lost = {k: n - b[k] for k, n in a.items() if n > b[k]}
        if not gained:
            continue
        name = next(s.name for s in inst.units if s.template == template)
        now = ", ".join(f"{n} via {_route_name(inst, template, k)}" for k, n in gained.items())
        was = ", ".join(_route_name(inst, template, k) for k in lost)
        out.append(f"{name}: {now}" + (f" instead of {was}" if was else ""))
    return out


def _port_words(inst: Instance, best: Plan, other: Plan) -> list[str]:
    """Tons loaded per embarkation port up to X-Day where they differ."""
    out = []
    a, b = port_loads(inst.case, best, "embark"), port_loads(inst.case, other, "embark")
    for port in sorted(set(a) | set(b)):
        ta, tb = sum(a.get(port, {}).values()), sum(b.get(port, {}).values())
        if ta != tb:
            name = inst.case.ports[port].name
            out.append(f"loading at {name}: {tb:,} t (the earliest plan: {ta:,} t)")
    return out
