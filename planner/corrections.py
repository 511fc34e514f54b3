"""Every minimal conflict of a no-go and its cheapest corrections, by hitting-set duality.

The members are the case's factors (`planner.factors`: levers, criteria, declared ranges). A
member *kept* holds its case value; *dropped*, it takes its loosest value.

- A *conflict* is a set of members that cannot all be kept (every other member dropped, still
  no go); minimal when keeping all but any one of them gives a go. Conflicts are over the
  levers, the criteria and the declared ranges *within* their bounds: a value past its declared
  range is no part of the case's own doubt, so it never dissolves a conflict.
- A *correction* is a set of members whose moves together give a go (every other member as in
  the case); minimal when no proper subset does. Corrections may also move a declared value
  past its range (dear) or a sourced threshold (dearest): `planner.factors` prices each move.

Every correction moves at least one member of every conflict, and the minimal corrections are
exactly the minimal sets that hit every conflict. So:

- `enumerate_conflicts` finds every minimal conflict (MARCO, Liffiton et al. 2016): a map of
  the member sets not yet explained proposes the largest set left; if it is a go it grows to a
  maximal go (whose complement is a minimal correction) and every subset of it leaves the map;
  otherwise it shrinks by deletion to a minimal conflict and every superset leaves the map. The
  list is complete when the map is empty.
- `cheapest_corrections` finds the cheapest minimal corrections in order of cost (implicit
  hitting sets, as CPMpy's `mcs_opt`): the cheapest set that hits every conflict known and
  contains no correction found is tried; a go is the next cheapest correction, a no-go yields
  one more conflict (by deletion over everything it left as in the case).
- `tighten` finds the least value of each moved member that still gives a go (bisection on
  the member's own scale, a scan where the answer may not be monotone in it), and every
  correction reported carries a plan the independent verifier passed.

Every check is asked of `planner.oracle.Oracle` (arithmetic first, CP-SAT last); a check that
runs out of time is reported as such and never turned into a claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model
from pydantic import ValidationError

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Change, CorrectionSet, Plan
from kantokuen.planner.conflicts import deletion_order
from kantokuen.planner.factors import DEFAULT_WEIGHTS, Factor, factors, paths_of
from kantokuen.planner.oracle import Oracle, Verdict, validated, verified_plan
from kantokuen.planner.prose import pretty
from kantokuen.planner.solver import new_solver, run

SCAN_LIMIT = 200
"""A member whose answer may not be monotone (the order date under a Soviet reaction) is scanned
value by value when its scale has at most this many values; a longer scale is bisected, and
the correction says a smaller change might also work."""

MAP_SECONDS = 1.0  # budget of one map or hitting-set solve (a few dozen booleans)


@dataclass(frozen=True)
class ConflictSet:
    """A minimal conflict: members that cannot all keep their case values."""

    members: tuple[str, ...]
    minimal: bool  # dropping each member was checked to give a go (with a verified plan)
    unchecked: tuple[str, ...] = ()  # members whose check ran out of time


@dataclass(frozen=True)
class Move:
    """One member of a correction moved to the least value that still gives a go."""

    factor: Factor
    value: Any
    cost: float


@dataclass(frozen=True)
class Correction:
    """A minimal correction: moves that together give a go, and their cost."""

    moves: tuple[Move, ...]
    cost: float
    plan: Plan | None  # a verified plan of the corrected case (None: not verified in time)
    note: str = ""  # what is not certain about it, in words

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(m.factor.name for m in self.moves)


@dataclass
class Explored:
    """What the searches found, and whether each list is complete."""

    conflicts: list[ConflictSet] = field(default_factory=list)
    conflicts_complete: bool = False
    more_conflicts: bool = False  # a further conflict exists past the limit
    corrections: list[Correction] = field(default_factory=list)
    corrections_complete: bool = False  # no further correction exists
    movement_impossible: bool = False  # even every member dropped gives no go


class Search:
    """The factors of a case and the oracle that answers for them."""

    def __init__(
        self,
        inst: Instance,
        weights: Mapping[str, float] | None = None,
        time_limit: float = 5.0,
        deadline: float | None = None,
        oracle: Oracle | None = None,
    ) -> None:
        self.inst = inst
        self.weights = dict(DEFAULT_WEIGHTS) | dict(weights or {})
        self.factors, self.left_out = factors(inst)
        self.by_name = {f.name: f for f in self.factors}
        self.oracle = oracle or Oracle(inst, time_limit, deadline)

    @property
    def conflict_members(self) -> list[str]:
        """The members of conflicts: every factor but those past a declared range."""
        return [f.name for f in self.factors if f.kind != "beyond"]

    @property
    def members(self) -> list[str]:
        return [f.name for f in self.factors]

    def cost(self, names: Iterable[str]) -> float:
        return sum(self.weights[self.by_name[n].cost_class] for n in names)

    def check(self, choice: Mapping[str, Any]) -> Verdict:
        """The case with these members at these values (the others as in the case)."""
        return self.oracle.check(paths_of(choice, self.by_name))

    def dropped(self, names: Iterable[str]) -> dict[str, Any]:
        """These members at their loosest values."""
        return {n: self.by_name[n].relaxed for n in names}

    def keeping(self, kept: Iterable[str], universe: Sequence[str]) -> Verdict:
        """Every member of `universe` but `kept` dropped."""
        keep = set(kept)
        return self.check(self.dropped(n for n in universe if n not in keep))

    def order(self, names: Iterable[str]) -> list[str]:
        """The order deletion tries members in (tried first, dropped first whenever it can):
        past-range members, then declared ranges, then the criteria as the first conflict
        tries them (halving last), then the levers: a conflict keeps the levers and the
        criteria the 1941 decision turned on whenever it can."""
        names = list(names)
        criteria = deletion_order(self.inst)
        kinds = {"beyond": 0, "range": 1, "criterion": 2, "lever": 3}

        def key(name: str) -> tuple[int, int, str]:
            f = self.by_name[name]
            rank = criteria.index(name) if name in criteria else 0
            return kinds[f.kind], rank, name

        return sorted(names, key=key)

    def shrink(self, seed: Iterable[str], universe: Sequence[str]) -> ConflictSet:
        """A minimal conflict inside `seed` (which must be one), by deletion; members tested
        before a later removal are tested again, since a lever's answer need not be monotone.
        Once the time is up no more members are tested: those not confirmed since the last
        removal stay in the conflict, unchecked (it is still a conflict, perhaps not minimal)."""
        core = self.order(seed)
        undecided: set[str] = set()
        tested_at: dict[str, int] = {}
        removals = 0
        pending = list(core)
        while pending:
            if self.oracle.out_of_time():
                # Each question past the deadline still builds its case before it can say
                # "no time": over hundreds of members that ran seconds past the budget.
                undecided |= {n for n in core if tested_at.get(n, -1) < removals}
                break
            name = pending.pop(0)
            if name not in core:
                continue
            verdict = self.keeping(set(core) - {name}, universe)
            if verdict.feasible is False:
                core.remove(name)
                removals += 1
                undecided.discard(name)
            else:
                tested_at[name] = removals
                (undecided.add if verdict.feasible is None else undecided.discard)(name)
            if not pending:
                pending = [n for n in core if tested_at.get(n, -1) < removals]
        members = self.canonical(core)
        unchecked = tuple(n for n in members if n in undecided)
        return ConflictSet(members, not unchecked, unchecked)

    def canonical(self, names: Iterable[str]) -> tuple[str, ...]:
        """Members as a conflict lists them: criteria in the case's order, then declared
        ranges, then levers (as `Conflict.members`)."""
        rank = {f.name: i for i, f in enumerate(self.factors)}
        kinds = {"criterion": 0, "range": 1, "beyond": 1, "lever": 2}
        return tuple(sorted(names, key=lambda n: (kinds[self.by_name[n].kind], rank[n])))

    def grow(self, seed: Iterable[str], universe: Sequence[str]) -> set[str]:
        """A maximal set of kept members containing `seed` that still gives a go. The dearest
        members are tried first, so what is left to drop (a minimal correction) is cheap."""
        kept = set(seed)
        rest = [n for n in universe if n not in kept]
        rest.sort(key=lambda n: (-self.weights[self.by_name[n].cost_class], n))
        for name in rest:
            if self.keeping(kept | {name}, universe).feasible is True:
                kept.add(name)
        return kept

    def verify_conflict(self, conflict: ConflictSet, universe: Sequence[str]) -> ConflictSet:
        """Check a conflict minimal by deletion: keeping all but any one member gives a go,
        each with a plan the verifier passes."""
        unchecked = []
        for name in conflict.members:
            verdict = self.keeping(set(conflict.members) - {name}, universe)
            if verdict.feasible is True:
                verified_plan(verdict)
            else:
                unchecked.append(name)
        return ConflictSet(conflict.members, not unchecked, tuple(unchecked))


# --- The map of unexplored member sets and the hitting sets (tiny CP-SAT models) ------------


def _maximal_unexplored(
    names: Sequence[str],
    ups: list[frozenset[str]],
    downs: list[frozenset[str]],
    unsure: list[frozenset[str]],
) -> set[str] | None:
    """The largest set of members no known conflict is inside of, no known go contains and no
    undecided check asked about, or None when every set is explained."""
    model = cp_model.CpModel()
    x = {n: model.new_bool_var(n) for n in names}
    for conflict in ups:
        model.add_bool_or([x[n].Not() for n in conflict])
    for go in downs:
        model.add_bool_or([x[n] for n in names if n not in go])
    for seed in unsure:
        model.add_bool_or([x[n].Not() if n in seed else x[n] for n in names])
    model.maximize(sum(x.values()))
    solver = new_solver(MAP_SECONDS, search="feasibility")
    code = run(solver, model).code
    if code == cp_model.INFEASIBLE:
        return None
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("the map of unexplored member sets was not solved")
    return {n for n in names if solver.value(x[n])}


def _cheapest_hitting_set(
    search: Search, cores: list[frozenset[str]], found: list[frozenset[str]]
) -> set[str] | None:
    """The cheapest set of members that hits every known conflict and contains no correction
    already found (ties: fewer members, then by name), or None when there is none."""
    names = search.members
    model = cp_model.CpModel()
    x = {n: model.new_bool_var(n) for n in names}
    for core in cores:
        model.add_bool_or([x[n] for n in core])
    for correction in found:
        model.add(sum(x[n] for n in correction) <= len(correction) - 1)
    for f in search.factors:
        if f.kind in ("beyond", "criterion") and f.path != f.name and f.path in x:
            model.add(x[f.path] + x[f.name] <= 1)  # within and past one range: not minimal
    weight = {n: round(100 * search.weights[search.by_name[n].cost_class]) for n in names}
    model.minimize(sum((1000 * weight[n] + 1) * x[n] for n in names))
    solver = new_solver(MAP_SECONDS, search="feasibility")
    code = run(solver, model).code
    if code == cp_model.INFEASIBLE:
        return None
    if code != cp_model.OPTIMAL:
        raise RuntimeError("the cheapest hitting set was not proven")
    return {n for n in names if solver.value(x[n])}


# --- The searches ---------------------------------------------------------------------------


def enumerate_conflicts(
    search: Search, limit: int, first: Iterable[str] | None = None
) -> tuple[list[ConflictSet], bool, bool, list[frozenset[str]]]:
    """Up to `limit` minimal conflicts (MARCO), whether that is all of them, whether a further
    one is known to exist, and the minimal corrections met on the way (complements of the
    maximal gos). `first`: members to try first (the first conflict the solve reported)."""
    universe = search.conflict_members
    ups: list[frozenset[str]] = []
    downs: list[frozenset[str]] = []
    found: list[ConflictSet] = []
    corrections: list[frozenset[str]] = []
    seeds: list[set[str]] = []
    unsure: list[frozenset[str]] = []  # seeds whose check ran out of time
    if first is not None:
        # The first conflict found by the solve, with every declared range kept: still a
        # conflict, and shrinking it keeps the solve's members where it can.
        ranges = {f.name for f in search.factors if f.kind == "range"}
        seeds.append({n for n in first if n in universe} | ranges)
    while not search.oracle.out_of_time():
        seed = seeds.pop(0) if seeds else _maximal_unexplored(universe, ups, downs, unsure)
        if seed is None:
            return found, not unsure, False, corrections
        verdict = search.keeping(seed, universe)
        if verdict.feasible is None:
            # Not decided in time: set this one seed aside (the list can no longer be called
            # complete) and go on with the others.
            unsure.append(frozenset(seed))
            continue
        if verdict.feasible:
            kept = search.grow(seed, universe)
            downs.append(frozenset(kept))
            corrections.append(frozenset(n for n in universe if n not in kept))
            continue
        if len(found) >= limit:
            return found, False, True, corrections
        conflict = search.shrink(seed, universe)
        ups.append(frozenset(conflict.members))
        found.append(conflict)
    return found, False, False, corrections


def cheapest_corrections(
    search: Search, count: int, conflicts: Iterable[Iterable[str]] = ()
) -> tuple[list[frozenset[str]], bool]:
    """The `count` cheapest minimal corrections in order of cost, and whether no further one
    exists. `conflicts`: conflicts known already (over the conflict members: the members past
    a declared range join each, since a value past its range was never dropped there)."""
    beyond = {f.name for f in search.factors if f.kind == "beyond"}
    cores = [frozenset(c) | beyond for c in conflicts]
    found: list[frozenset[str]] = []
    universe = search.members
    while len(found) < count and not search.oracle.out_of_time():
        chosen = _cheapest_hitting_set(search, cores, found)
        if chosen is None:
            return found, True
        verdict = search.check(search.dropped(chosen))
        if verdict.feasible is None:
            break
        if verdict.feasible:
            found.append(frozenset(chosen))
            continue
        # Still a conflict when some check ran out of time (then perhaps not minimal): every
        # correction must move one of its members.
        core = search.shrink(set(universe) - chosen, universe)
        if not core.members:
            break  # no member can give a go
        cores.append(frozenset(core.members))
    return found, False


def tighten(
    search: Search, names: Iterable[str], base: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], Verdict, bool]:
    """The least value of each member that still gives a go, the dearest member first, with
    every other member of the set at its loosest until its own turn (and `base` for the rest).
    Returns the values, the verdict of the last go, and whether every check was answered (False:
    a smaller move might also work)."""
    members = sorted(names, key=lambda n: (-search.weights[search.by_name[n].cost_class], n))
    choice: dict[str, Any] = dict(base or {}) | search.dropped(members)
    last = search.check(choice)
    sure = True
    if last.feasible is not True:
        return choice, last, False
    for name in members:
        grid = search.by_name[name].grid
        answers: dict[int, Verdict] = {len(grid) - 1: last}

        def works(
            i: int,
            name: str = name,
            grid: tuple[Any, ...] = grid,
            answers: dict[int, Verdict] = answers,
        ) -> bool:
            if i not in answers:
                answers[i] = search.check({**choice, name: grid[i]})
            return answers[i].feasible is True

        factor = search.by_name[name]
        if not factor.monotone and len(grid) <= SCAN_LIMIT:
            best = next(i for i in range(len(grid)) if works(i))
        else:
            bad, good = -1, len(grid) - 1
            while good - bad > 1:
                mid = (bad + good) // 2
                if works(mid):
                    good = mid
                else:
                    bad = mid
            best = good
            sure = sure and factor.monotone
        sure = sure and all(v.feasible is not None for v in answers.values())
        choice[name] = grid[best]
        last = answers[best]
    return choice, last, sure


def correction_of(search: Search, names: Iterable[str]) -> Correction:
    """A minimal correction with the least moves that give a go, and its verified plan."""
    values, verdict, sure = tighten(search, names)
    moves = tuple(
        Move(search.by_name[n], values[n], search.weights[search.by_name[n].cost_class])
        for n in search.order(values)
    )
    cost = sum(m.cost for m in moves)
    if verdict.feasible is not True:
        return Correction(moves, cost, None, "not verified: a check ran out of time")
    try:
        validated(verdict.inst.case)
    except ValidationError as exc:
        return Correction(
            moves, cost, None, f"not a case the tool would load: {exc.errors()[0]['msg']}"
        )
    note = "" if sure else "a smaller move may also work (a check ran out of time)"
    return Correction(moves, cost, verified_plan(verdict), note)


def explore(
    search: Search,
    max_conflicts: int,
    max_corrections: int,
    first: Iterable[str] | None = None,
) -> Explored:
    """Every minimal conflict up to `max_conflicts`, then the `max_corrections` cheapest
    corrections, each with its least moves and a verified plan."""
    out = Explored()
    everything = search.keeping((), search.members)
    if everything.feasible is False:
        out.movement_impossible = True
        return out
    conflicts, complete, more, _ = enumerate_conflicts(search, max_conflicts, first)
    universe = search.conflict_members
    out.conflicts = [search.verify_conflict(c, universe) for c in conflicts]
    out.conflicts_complete, out.more_conflicts = complete, more
    chosen, done = cheapest_corrections(search, max_corrections, [c.members for c in out.conflicts])
    out.corrections = [correction_of(search, names) for names in chosen]
    out.corrections.sort(key=lambda c: (c.cost, len(c.moves), c.members))
    out.corrections_complete = done
    return out


@dataclass(frozen=True)
class Distance:
    """How far one member of a conflict would have to move: the least value that does (None:
    none on its scale), with everything else as `scope` says: `case` (as in the case: that
    move alone gives a go), `loosened` (the levers outside the conflict at their loosest) or
    `conflict` (everything outside the conflict dropped: it dissolves this conflict only)."""

    value: Any
    scope: str
    sure: bool = True  # False: a smaller move might also work (a check ran out of time)


def member_distance(search: Search, conflict: ConflictSet, name: str) -> Distance:
    """The least move of one member of a conflict that would do, in the widest scope where
    one does (see `Distance`)."""
    factor = search.by_name[name]
    outside = [n for n in search.conflict_members if n not in conflict.members]
    levers = {n: search.by_name[n].relaxed for n in outside if search.by_name[n].kind == "lever"}
    scopes: list[tuple[str, dict[str, Any]]] = [("case", {})]
    if levers:
        scopes.append(("loosened", levers))
    scopes.append(("conflict", search.dropped(outside)))
    for scope, base in scopes:
        if search.check(base | {name: factor.relaxed}).feasible is True:
            values, _, sure = tighten(search, [name], base)
            return Distance(values[name], scope, sure)
    return Distance(None, "conflict", False)


def correction_set(inst: Instance, correction: Correction) -> CorrectionSet:
    """A correction as a result states it: each move in words, its cost, the verified go."""
    changes = [
        Change(
            member=m.factor.name,
            path=m.factor.path,
            kind=m.factor.kind,
            label=m.factor.label,
            cost_class=m.factor.cost_class,
            cost=m.cost,
            current=as_json(m.factor.current),
            value=as_json(m.value),
            words=m.factor.change_words(m.value),
            declared=[as_json(v) for v in m.factor.declared] if m.factor.declared else None,
        )
        for m in correction.moves
    ]
    plan = correction.plan
    x_day = inst.case.date(plan.x_day).isoformat() if plan is not None else None
    moves = "; ".join(f"{c.label} {c.words}" for c in changes)
    when = pretty(inst.case.date(plan.x_day)) if plan is not None else ""
    sentence = f"{moves} (cost {correction.cost:g})" + (
        f": a go with X-Day {when} (a verified plan)." if when else ": not verified in time."
    )
    return CorrectionSet(
        cost=correction.cost,
        changes=changes,
        verified=plan is not None,
        x_day=x_day,
        note=correction.note,
        sentence=sentence,
    )


def as_json(value: Any) -> Any:
    """A member's value as JSON: dates in ISO form, a share schedule as its steps."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [{"date": s.date.isoformat(), "share": s.share} for s in value]
    return value
