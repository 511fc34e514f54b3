"""Is there a go once some factors move? Arithmetic first, CP-SAT last, every answer remembered.

Conflict and correction searches ask this of hundreds of nearby cases. Most of them differ from
the case only in what X-Days the criteria allow (a threshold, a deadline, the Soviet
withdrawals), and a movement's arrivals do not depend on X-Day: one plan serves every X-Day the
criteria allow on it. So each question is settled in the order of the no-go certificate
(`planner.certificate`):

1. South readiness fails at the North share (arithmetic): no.
2. No X-Day passes the criteria that depend on X-Day alone (the decision day inside the
   calendar, halving, armour and air, the decision and weather deadlines): no.
3. A plan already known for this movement, or for one nowhere looser (`LOOSER`: a later order,
   a smaller share, less capacity: its plans are plans here too), meets the required arrivals
   and the force ratio on an allowed day: yes, with that plan.
4. The movement's relaxation (every unit at its earliest arrival; the ports' and rail lines'
   fluid bounds on the required units) leaves no allowed day for the required arrivals and the
   force ratio: no.
5. A list schedule of this movement (one per priority rule) serves an allowed day: yes.
6. The allowed days CP-SAT already proved impossible for this movement are struck off; none
   left: no.
7. Once per movement, the planner's perturbed list schedules aiming at the first open day; then
   the flow relaxation of the whole movement (`planner.flow_bound`, as a linear program and in
   whole units) strikes off open days in order until one passes it (remembered for step 6);
   then CP-SAT on the remaining days only (the X-Day criteria become X-Day's domain), its wall
   clock capped: yes with its plan (remembered for steps 3 and 5), or no (the days remembered
   for step 6), or not decided within its budget (None: "not checked", never a claim).

The Soviet strength tables and each movement's relaxation and plans are computed once and shared
by every question that leaves them as they are. A "yes" comes with a plan the caller may verify
(`Verdict.plan`); every plan an explanation prints has passed the verifier.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model
from pydantic import BaseModel

from kantokuen.models.case import Case
from kantokuen.models.instance import Instance, UnitSpec
from kantokuen.models.paths import lookup
from kantokuen.models.plan import Plan, UnitPlan
from kantokuen.models.verify import verify
from kantokuen.planner.certificate import no_go_certificate
from kantokuen.planner.heuristics import (
    RULES,
    _combat_by_day,
    _date_allows,
    earliest_arrival,
    iterated_list_schedule,
    largest_share,
    list_schedule,
    resource_bound,
)
from kantokuen.planner.model import build
from kantokuen.planner.solve import PlannerBug, extract_plan
from kantokuen.planner.solver import WALL_SLACK, new_solver, run

X_DAY_CRITERIA = ("halving", "armour_air", "decision_deadline", "weather")
"""The criteria that depend on X-Day alone (through the decision day or the campaign's end)."""

SOVIET = ("fronts.", "soviet_reaction.", "levers.withdrawal_scale")
"""Paths that change the Soviet strength tables."""

DERIVED = {
    "halving_holds": "criteria.halving.",
    "armour_air_holds": "criteria.armour_air.",
    "force_needed": "criteria.force_ratio.",
}
"""Per-day tables of an instance that depend on the Soviet side and one criterion's fields
only: shared between questions that leave both as they are."""

LIST_PASSES = 16
"""Perturbed list schedules tried once per movement before its first CP-SAT check."""

MIN_CHECK_SECONDS = 0.05
"""A CP-SAT check with less wall-clock time than this left before the deadline is not run."""


def apply(case: Case, paths: Mapping[str, Any]) -> Case:
    """The case with values set at dotted paths (no re-validation: the values come from the
    factors' grids, which stay inside what each field allows). A point of a cumulative
    schedule keeps the schedule cumulative: later points are raised to it, earlier ones
    lowered to it."""
    for path, value in paths.items():
        case = _set(case, path.split("."), value)
    return case


def _set(node: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={head: _set(getattr(node, head), rest, value)})
    if isinstance(node, dict):
        return {**node, head: _set(node[head], rest, value)}
    if isinstance(node, tuple):
        i = int(head)
        items = list(node)
        items[i] = _set(items[i], rest, value)
        if rest == ["cumulative"]:
            for j in range(len(items)):
                point = items[j]
                if (j > i and point.cumulative < value) or (j < i and point.cumulative > value):
                    items[j] = point.model_copy(update={"cumulative": value})
        return tuple(items)
    raise KeyError(head)


def validated(case: Case) -> Case:
    """The case re-validated from scratch (every field's limits and each section's rules): a
    correction must be a case the tool would load."""
    return Case.model_validate(case.model_dump())


@dataclass(frozen=True)
class Witness:
    """A plan of one movement, whatever its X-Day: each unit's days, the North share it chose
    (when `auto`), the last required arrival, and the combat value arrived per front by day."""

    units: tuple[UnitPlan, ...]
    chosen_bp: int
    required_last: int
    combat: dict[str, list[int]]

    def plan(self, inst: Instance, x_day: int) -> Plan:
        """The plan with this X-Day (the North share recorded is the one in force on it)."""
        share = inst.plan_share_bp(x_day, self.chosen_bp)
        return Plan(x_day=x_day, north_share_bp=share, units=self.units)

    def serves(self, inst: Instance, x: int, need: Mapping[str, tuple[int, ...]] | None) -> bool:
        """Whether the plan meets the required arrivals and the force ratio on X-Day x."""
        if inst.enabled("required_arrivals") and x < self.required_last:
            return False
        return need is None or all(self.combat[f][x] >= n[x] for f, n in need.items())


def witness_of(inst: Instance, units: tuple[UnitPlan, ...], chosen_bp: int) -> Witness:
    """A movement's plan as a witness (the units in case order)."""
    specs = {s.id: s for s in inst.units}
    arrivals = [(specs[u.id], u.arrive) for u in units if u.committed and u.arrive is not None]
    required = [day for spec, day in arrivals if spec.required]
    return Witness(units, chosen_bp, max(required, default=0), _combat_by_day(inst, arrivals))


@dataclass
class _Movement:
    """What one movement allows, whatever the criteria: the relaxation and the known plans."""

    units: tuple[UnitSpec, ...]
    required_from: int  # no required arrival can be complete before this day
    best: dict[str, list[int]]  # combat arrived per front by day, every unit at its earliest
    witnesses: list[Witness] | None = None  # None: the list schedules are not made yet
    impossible: dict[Any, set[int]] = field(default_factory=dict)  # X-Days CP-SAT ruled out
    searched: bool = False  # the perturbed list schedules were tried


@dataclass(frozen=True)
class Verdict:
    """One answer. `feasible` None: not decided within the budget (not checked)."""

    feasible: bool | None
    reason: str  # south | criteria | movement | relaxation | plan | proven | time
    inst: Instance
    x_day: int | None = None
    witness: Witness | None = None
    solved: bool = False  # CP-SAT ran for it

    @property
    def plan(self) -> Plan | None:
        """The plan of a yes (not yet verified: see `verified_plan`)."""
        if self.witness is None or self.x_day is None:
            return None
        return self.witness.plan(self.inst, self.x_day)


def verified_plan(verdict: Verdict) -> Plan:
    """The plan of a yes, after the independent verifier passed it (a plan it refuses is a
    planner bug)."""
    plan = verdict.plan
    assert plan is not None, "only a yes has a plan"
    violations = verify(verdict.inst.case, plan)
    if violations:
        raise PlannerBug(violations)
    return plan


class Oracle:
    """Feasibility of the case with some dotted paths set to other values (`check`)."""

    def __init__(
        self, inst: Instance, time_limit: float = 5.0, deadline: float | None = None
    ) -> None:
        self.base = inst
        self.time_limit = time_limit  # budget of one CP-SAT check (deterministic seconds)
        self.deadline = deadline  # time.perf_counter() value; None: none
        self.checks = 0  # distinct questions answered
        self.solves = 0  # CP-SAT runs
        self.undecided = 0  # questions left open (out of time)
        self._answers: dict[frozenset[tuple[str, Any]], Verdict] = {}
        self._tables: dict[Any, dict[str, dict[str, tuple[int, ...]]]] = {}
        self._movements: dict[Any, _Movement] = {}
        self._derived: dict[Any, Any] = {}
        self._allowed: dict[Any, list[int]] = {}
        self._flow_decides: bool | None = None

    def left(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def out_of_time(self) -> bool:
        left = self.left()
        return left is not None and left < MIN_CHECK_SECONDS

    def check(self, paths: Mapping[str, Any]) -> Verdict:
        """Whether some plan meets the resources and the criteria in force once these paths
        take these values (see the module doc for the order of the reasons)."""
        key = frozenset(paths.items())
        known = self._answers.get(key)
        if known is not None and known.feasible is not None:
            return known
        verdict = self._decide(paths)
        self._keep_derived(paths, verdict.inst)
        self.checks += known is None
        self.undecided += verdict.feasible is None
        self._answers[key] = verdict
        return verdict

    # --- the cases and their tables ---------------------------------------------------------

    def _keys(self, paths: Mapping[str, Any]) -> tuple[Any, Any, Any]:
        """(Soviet, movement, criteria) parts of a setting, for sharing tables."""
        reaction = self.base.case.soviet_reaction.enabled
        soviet, movement, criteria = [], [], []
        for path, value in sorted(paths.items(), key=lambda kv: kv[0]):
            item = (path, value)
            if path.startswith(SOVIET) or (reaction and path == "levers.mobilization_order"):
                soviet.append(item)
            if path.startswith("criteria."):
                criteria.append(item)
                if path == "criteria.south_readiness.enabled":
                    movement.append(item)  # the share a list schedule uses when `auto`
            elif not path.startswith(SOVIET):
                movement.append(item)
        return tuple(soviet), tuple(movement), tuple(criteria)

    def instance(self, paths: Mapping[str, Any]) -> Instance:
        """The case with these values, its Soviet tables and units shared with every other
        question that leaves them as they are."""
        case = apply(self.base.case, paths) if paths else self.base.case
        soviet, movement, _ = self._keys(paths)
        inst = Instance(case)
        # Instance fills `_measure_tables` one measure at a time, when first asked: instances
        # with the same Soviet side share one such dict, so each table is computed once.
        inst.__dict__["_measure_tables"] = self._tables.setdefault(soviet, {})
        for name, key in _derived_keys(paths, soviet).items():
            if key in self._derived:
                inst.__dict__[name] = self._derived[key]
        known = self._movements.get(movement)
        if known is not None:
            inst.__dict__["units"] = known.units
        return inst

    def _keep_derived(self, paths: Mapping[str, Any], inst: Instance) -> None:
        """Remember the per-day tables a question computed (see `DERIVED`)."""
        for name, key in _derived_keys(paths, self._keys(paths)[0]).items():
            if name in inst.__dict__:
                self._derived.setdefault(key, inst.__dict__[name])

    def _movement(self, inst: Instance, key: Any) -> _Movement:
        known = self._movements.get(key)
        if known is None:
            required = [s for s in inst.units if s.required]
            start = max((earliest_arrival(s) for s in required), default=0)
            if start <= inst.horizon:
                start = max(start, resource_bound(inst))
            best = _combat_by_day(inst, ((s, earliest_arrival(s)) for s in inst.units))
            known = _Movement(inst.units, start, best)
            self._movements[key] = known
        return known

    def _witnesses(self, inst: Instance, movement: _Movement) -> list[Witness]:
        """The movement's known plans, starting with one list schedule per priority rule."""
        if movement.witnesses is None:
            share = largest_share(inst)
            movement.witnesses = []
            for rule in RULES.values():
                sched = list_schedule(inst, sorted(inst.units, key=rule), share)
                if not sched.timelines:
                    continue  # a required unit did not fit
                units = tuple(
                    tl.unit_plan(spec) if tl is not None else UnitPlan(id=spec.id, committed=False)
                    for spec, tl in zip(inst.units, sched.timelines, strict=True)
                )
                movement.witnesses.append(witness_of(inst, units, share))
        return movement.witnesses

    # --- the question -----------------------------------------------------------------------

    def _decide(self, paths: Mapping[str, Any]) -> Verdict:
        """The reasons of the module doc, in order."""
        inst = self.instance(paths)
        soviet_key, movement_key, criteria_key = self._keys(paths)
        if not _south_allows(inst):
            return Verdict(False, "south", inst)
        allowed_key = (soviet_key, criteria_key)
        if allowed_key not in self._allowed:
            self._allowed[allowed_key] = [
                x for x in range(inst.horizon + 1) if _date_allows(inst, x)
            ]
        allowed = self._allowed[allowed_key]
        if not allowed:
            return Verdict(False, "criteria", inst)
        need = inst.force_needed if inst.enabled("force_ratio") else None
        for witness in self._tighter_witnesses(movement_key):
            for x in allowed:
                if witness.serves(inst, x, need):
                    return Verdict(True, "plan", inst, x, witness)
        movement = self._movement(inst, movement_key)
        if movement.required_from > inst.horizon:
            return Verdict(False, "movement", inst)
        needs_all = inst.enabled("required_arrivals")
        days = [
            x
            for x in allowed
            if (not needs_all or x >= movement.required_from)
            and (need is None or all(movement.best[f][x] >= n[x] for f, n in need.items()))
        ]
        if not days:
            return Verdict(False, "relaxation", inst)
        for witness in self._witnesses(inst, movement):
            for x in days:
                if witness.serves(inst, x, need):
                    return Verdict(True, "plan", inst, x, witness)
        ruled_out = movement.impossible.setdefault(
            (soviet_key if need is not None else (), criteria_key), set()
        )
        open_days = [x for x in days if x not in ruled_out]
        if not open_days:
            return Verdict(False, "proven", inst)
        return self._solve(inst, movement, open_days, ruled_out)

    def _tighter_witnesses(self, key: tuple[tuple[str, Any], ...]) -> Iterator[Witness]:
        """The known plans of movements no looser than this one anywhere (`LOOSER`): each is a
        plan of this movement too, whatever its X-Day."""
        mine = dict(key)
        for other, movement in self._movements.items():
            if movement.witnesses and _no_looser(dict(other), mine, self.base.case):
                yield from movement.witnesses

    def _solve(
        self, inst: Instance, movement: _Movement, days: list[int], ruled_out: set[int]
    ) -> Verdict:
        """CP-SAT on these X-Days only, the X-Day criteria being X-Day's domain."""
        if not movement.searched:
            # Before CP-SAT, once per movement: the planner's warm start (perturbed list
            # schedules aiming at the first open day).
            movement.searched = True
            sched = iterated_list_schedule(inst, LIST_PASSES, stop_at=days[0])
            if sched.x_day is not None and sched.timelines:
                units = tuple(
                    tl.unit_plan(spec) if tl is not None else UnitPlan(id=spec.id, committed=False)
                    for spec, tl in zip(inst.units, sched.timelines, strict=True)
                )
                witness = witness_of(inst, units, sched.share_bp)
                movement.witnesses = [*(movement.witnesses or []), witness]
                return Verdict(True, "plan", inst, sched.x_day, witness)
        days = self._flow_rules_out(inst, days, ruled_out)
        if not days:
            return Verdict(False, "proven", inst)
        if self.out_of_time():
            return Verdict(None, "time", inst)
        off = [n for n in X_DAY_CRITERIA if inst.enabled(n)]
        relaxed = Instance(apply(inst.case, {f"criteria.{n}.enabled": False for n in off}))
        relaxed.__dict__["_measure_tables"] = inst.__dict__["_measure_tables"]
        relaxed.__dict__["units"] = inst.units
        m = build(relaxed)
        m.cp.add_linear_expression_in_domain(m.x_day, cp_model.Domain.from_values(days))
        cap = WALL_SLACK * self.time_limit + 1.0  # a hard check must not take the rest
        left = self.left()
        solver = new_solver(
            self.time_limit, search="feasibility", wall_cap=cap if left is None else min(cap, left)
        )
        code = run(solver, m.cp).code
        self.solves += 1
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            plan = extract_plan(m, solver)
            chosen = plan.north_share_bp if inst.auto_share else 0
            witness = witness_of(inst, plan.units, chosen)
            movement.witnesses = [*(movement.witnesses or []), witness]
            return Verdict(True, "plan", inst, plan.x_day, witness, solved=True)
        if code == cp_model.INFEASIBLE:
            ruled_out.update(days)
            return Verdict(False, "proven", inst, solved=True)
        return Verdict(None, "time", inst, solved=True)

    @property
    def flow_decides(self) -> bool:
        """Whether the flow relaxation is worth asking: only when the case's own no-go is not
        settled by arithmetic (its certificate rests on a solver). Elsewhere it makes checks
        decisive that the explanation did not need, and the search then asks many more (the
        historical no-go's explanation: 3 s without it, 24 s with it)."""
        if self._flow_decides is None:
            self._flow_decides = no_go_certificate(self.base)["kind"] == "full_model"
        return self._flow_decides

    def _flow_rules_out(self, inst: Instance, days: list[int], ruled_out: set[int]) -> list[int]:
        """The open days left once the flow relaxation has struck off those it rules out, in
        order until the first it allows (that one and the later days stay for CP-SAT); only
        when `flow_decides`."""
        # Imported here: SciPy loads slowly and most questions never get this far.
        from kantokuen.planner.flow_bound import fits_by, too_large

        if not self.flow_decides or too_large(inst):
            return days
        for x in days:
            if self.out_of_time():
                break
            left = self.left()
            lp_seconds = self.time_limit if left is None else min(left, self.time_limit)
            if (
                fits_by(inst, x, lp_seconds, self.time_limit / 4, deadline=self.deadline)
                is not False
            ):
                break
            ruled_out.add(x)
        return [x for x in days if x not in ruled_out]


LOOSER: tuple[tuple[str, int], ...] = (
    (r"^levers\.mobilization_order$", -1),
    (r"^levers\.north_share$", 1),
    (r"^ports\.[^.]+\.tons_per_day$", 1),
    (r"^rail\.[^.]+\.tons_per_day$", 1),
    (r"^sea_routes\.[^.]+\.cycle_days$", -1),
    (r"^shipping\.pool\.\d+\.tons$", 1),
    (r"^criteria\.south_readiness\.enabled$", -1),
)
"""Movement values whose every plan stays a plan when they loosen (+1: higher is looser, -1:
lower is): an earlier order, a larger North share or pool, more port or rail capacity, ships
back sooner, no South to leave tons to. A North share schedule is looser when every day's
share is at least as large."""


def _no_looser(movement: dict[str, Any], than: dict[str, Any], case: Case) -> bool:
    """Whether a movement is nowhere looser than another (values the setting leaves out are
    the case's), on the paths of `LOOSER` only: any other difference, and it is not."""
    for path in set(movement) | set(than):
        mine, theirs = movement.get(path), than.get(path)
        if mine == theirs:
            continue
        sign = next((s for pattern, s in LOOSER if re.match(pattern, path)), None)
        if sign is None:
            return False
        if mine is None:
            mine = lookup(case, path)
        if theirs is None:
            theirs = lookup(case, path)
        if isinstance(mine, tuple) or isinstance(theirs, tuple):
            if not (isinstance(mine, tuple) and isinstance(theirs, tuple)):
                return False
            if len(mine) != len(theirs) or any(
                a.date != b.date or a.share > b.share for a, b in zip(mine, theirs, strict=True)
            ):
                return False
            continue
        if (
            (mine - theirs) * sign > 0
            if not isinstance(mine, dt.date)
            else ((mine - theirs).days * sign > 0)
        ):
            return False
    return True


def _derived_keys(paths: Mapping[str, Any], soviet: Any) -> dict[str, Any]:
    """The key of each table in `DERIVED` for a setting: its Soviet part and its criterion's."""
    return {
        name: (name, soviet, tuple(sorted((p, v) for p, v in paths.items() if p.startswith(at))))
        for name, at in DERIVED.items()
    }


def _south_allows(inst: Instance) -> bool:
    """South readiness as the model states it: the South's requirements met at the case's
    share, or by some share within the South's limit when `auto`."""
    crit = inst.case.criteria.south_readiness
    if not crit.enabled or not inst.case.shipping.south_requirements:
        return True
    return inst.south_max_share_bp is not None if inst.auto_share else inst.south_met(0)
