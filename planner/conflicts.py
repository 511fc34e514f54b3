"""Why no-go: a minimal conflict of criteria and lever settings, found by feasibility checks.

A minimal set of conflicting criteria *and lever settings*. The no-go certificate (or, when the
no-go rests on the full model, CP-SAT's assumption core) gives a first, not necessarily minimal, set
of criteria; a deletion filter then drops every member (criterion or lever) whose removal leaves the
case infeasible, and minimality is re-checked at the end: dropping any remaining member makes the
case feasible. Each check is settled by arithmetic when it can be (the relaxation rules out every
X-Day, or a list schedule finds a plan), else by CP-SAT within its budget; a check that runs out of
time is "not checked", never a claim. Dropping a criterion switches it off; dropping a lever relaxes
it (see `relaxed_levers`). How far each member would have to move is in `planner.distance`, the
sentences in `planner.prose`, what binds a go in `planner.binding`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from kantokuen.models.case import (
    CRITERION_NAMES,
    HORIZON_MEMBER,
    ShareStep,
)
from kantokuen.models.instance import BP, Instance, share_bp
from kantokuen.planner.certificate import no_go_certificate
from kantokuen.planner.model import build
from kantokuen.planner.oracle import Oracle
from kantokuen.planner.solver import new_solver, run

GENEROUS_WITHDRAWAL_SCALE = 10.0
"""The relaxed withdrawal scale: ten times the historical rate of stripping the Far East.

No source suggests anything close (the largest 1941 transfers were about twice the rate of the
summer), so a conflict that survives this value does not hinge on the Soviet withdrawals.
"""

LEVER_PREFIX = "levers."


def lever_member(lever: str) -> str:
    """The member name of a lever in a conflict (`levers.withdrawal_scale`)."""
    return LEVER_PREFIX + lever


@dataclass(frozen=True)
class Conflict:
    """A minimal conflicting set: criteria that cannot hold together at these lever settings.

    Empty with `feasible_without_criteria=False`: the movement itself cannot be done within
    the horizon, whatever the criteria and however the levers are relaxed. `unchecked`: the
    members whose check (is the case feasible without it?) ran out of time; they stay in the
    conflict, which is then not proven minimal, and nothing is claimed about them.
    """

    criteria: tuple[str, ...]
    feasible_without_criteria: bool
    levers: tuple[str, ...] = ()
    proven_minimal: bool = True
    checks: int = 0  # CP-SAT solves used (checks settled by arithmetic are free)
    unchecked: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        """Criteria names, then levers as `levers.<name>`; the horizon (`calendar.horizon_days`)
        alone when the movement itself cannot be done within it."""
        if not self.feasible_without_criteria and not self.criteria:
            return (HORIZON_MEMBER,)
        return self.criteria + tuple(lever_member(lever) for lever in self.levers)


MIN_CHECK_SECONDS = 0.05
"""A check with less wall-clock time than this left before its deadline is not run: it could
only end 'not checked'."""


def seconds_left(deadline: float | None) -> float | None:
    """Wall-clock seconds left before `deadline` (a `time.perf_counter()` value); None: no
    deadline."""
    return None if deadline is None else deadline - time.perf_counter()


def _out_of_time(left: float | None) -> bool:
    return left is not None and left < MIN_CHECK_SECONDS


def feasible_with(
    inst: Instance, active: Iterable[str], time_limit: float = 30.0, deadline: float | None = None
) -> bool | None:
    """Whether some plan meets the resources and the given criteria (the others off), asked of
    `planner.oracle.Oracle`: arithmetic first, then one CP-SAT worker with a budget of
    `time_limit` seconds, capped by what is left before `deadline`. None: not decided in time
    (not checked), never a claim either way."""
    wanted = set(active)
    paths = {f"criteria.{n}.enabled": False for n in enforced_criteria(inst) if n not in wanted}
    return Oracle(inst, time_limit, deadline).check(paths).feasible


def assumption_core(
    inst: Instance, time_limit: float = 30.0, deadline: float | None = None
) -> tuple[str, ...] | None:
    """Criteria that CP-SAT's assumption core blames (not minimal), or None when the case is
    feasible or undecided. One worker and no objective: otherwise the core is unreliable."""
    left = seconds_left(deadline)
    if _out_of_time(left):
        return None
    m = build(inst, criteria_as_assumptions=True)
    by_index = {lit.index: name for name, lit in m.criteria.items()}
    m.cp.add_assumptions(list(m.criteria.values()))
    solver = new_solver(time_limit, search="feasibility", wall_cap=left)
    if run(solver, m.cp).code != cp_model.INFEASIBLE:
        return None
    blamed = {
        by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index
    }
    return tuple(name for name in m.criteria if name in blamed)


def raised_schedule(inst: Instance, floor_bp: int) -> tuple[ShareStep, ...] | None:
    """The case's North share schedule with every day's share raised to at least `floor_bp`
    (each step, and the days before the first step from the calendar start), or None when no
    day is below it."""
    share = inst.case.levers.north_share
    assert isinstance(share, tuple)
    by_day = inst.share_by_day
    if by_day is None or min(by_day) >= floor_bp:
        return None
    floor = floor_bp / BP
    steps = [s.model_copy(update={"share": max(s.share, floor)}) for s in share]
    if share[0].date > inst.case.calendar.start:
        steps.insert(0, ShareStep(date=inst.case.calendar.start, share=floor))
    return tuple(steps)


def relaxed_levers(inst: Instance) -> dict[str, Any]:
    """The value each lever takes when relaxed, for the levers that can be relaxed at all:
    the order goes out on the calendar start; the North share becomes the largest the South
    allows (or 100%), a schedule has every day's share raised to at least that; withdrawals
    run at the generous scale. A lever already that loose (or a North share chosen by the
    solver) is not listed."""
    case = inst.case
    out: dict[str, Any] = {}
    if case.levers.mobilization_order > case.calendar.start:
        out["mobilization_order"] = case.calendar.start
    share = case.levers.north_share
    limit = inst.south_share_limit_bp
    if isinstance(share, tuple):
        raised = raised_schedule(inst, limit) if limit is not None else None
        if raised is not None:
            out["north_share"] = raised
    elif share != "auto" and limit is not None and share_bp(share) < limit:
        out["north_share"] = limit / BP
    soviet_matters = any(inst.enabled(n) for n in ("halving", "armour_air", "force_ratio"))
    if soviet_matters and case.levers.withdrawal_scale < GENEROUS_WITHDRAWAL_SCALE:
        out["withdrawal_scale"] = GENEROUS_WITHDRAWAL_SCALE
    return out


def with_levers(inst: Instance, values: dict[str, Any]) -> Instance:
    """The instance with some levers set to other values (same case otherwise)."""
    if not values:
        return inst
    case = inst.case
    return Instance(case.model_copy(update={"levers": case.levers.model_copy(update=values)}))


def with_criteria_off(inst: Instance, names: Iterable[str]) -> Instance:
    """The instance with some criteria switched off."""
    crit = inst.case.criteria
    update = {n: getattr(crit, n).model_copy(update={"enabled": False}) for n in names}
    if not update:
        return inst
    return Instance(inst.case.model_copy(update={"criteria": crit.model_copy(update=update)}))


class _Oracle:
    """Feasibility of a set of members: active criteria enforced, inactive levers relaxed.

    Asked of `planner.oracle.Oracle`, which settles each check by arithmetic when it can and
    remembers every answer; `checks` counts the CP-SAT solves actually run. Each solve gets
    `time_limit` seconds, capped by what is left before `deadline`.
    """

    def __init__(
        self,
        inst: Instance,
        relaxed: dict[str, Any],
        time_limit: float,
        deadline: float | None = None,
    ) -> None:
        self.inst = inst
        self.relaxed = relaxed
        self.fast = Oracle(inst, time_limit, deadline)
        self.extra = 0  # solves run outside the oracle (the assumption core)

    @property
    def checks(self) -> int:
        return self.fast.solves + self.extra

    def feasible(self, members: Iterable[str]) -> bool | None:
        kept = set(members)
        paths: dict[str, Any] = {
            f"criteria.{name}.enabled": False
            for name in enforced_criteria(self.inst)
            if name not in kept
        }
        paths |= {
            LEVER_PREFIX + lever: value
            for lever, value in self.relaxed.items()
            if lever_member(lever) not in kept
        }
        return self.fast.check(paths).feasible


def certified_core(inst: Instance) -> tuple[str, ...] | None:
    """The criteria the no-go certificate rules X-Days out with (together they conflict with
    the levers as they are), or None when the no-go rests on CP-SAT's proof alone."""
    certificate = no_go_certificate(inst)
    if certificate["kind"] == "full_model":
        return None
    named = {ex["rule"] for ex in certificate["exclusions"]}
    return tuple(n for n in enforced_criteria(inst) if n in named)


PREFERRED = ("halving",)
"""Criteria kept in the first conflict whenever they are part of one (see `minimal_conflict`)."""

ASSUMPTION_CORE_SECONDS = 5.0
"""At most this long for the assumption core: on big cases a one-worker solve with the
criteria as assumptions (not fixed) presolves poorly, and the deletion filter does not need it."""


def deletion_order(inst: Instance) -> list[str]:
    """The enforced criteria in the order the deletion filter tries them: in reverse, halving
    last, except that of the decision and weather deadlines the one allowing the earlier last
    X-Day is tried first (then the later one is kept when either would make a conflict)."""
    order = list(reversed(enforced_criteria(inst)))
    limits = [n for n in ("weather", "decision_deadline") if n in order]
    if len(limits) == 2:
        last = {
            "weather": inst.weather_last_x_day,
            "decision_deadline": inst.decision_deadline_day + inst.decision_lag,
        }
        tighter, looser = sorted(limits, key=lambda n: (last[n], n == "weather"))
        at = min(order.index(n) for n in limits)
        order[at : at + 2] = [tighter, looser]
    return order


def minimal_conflict(
    inst: Instance,
    time_limit: float = 30.0,
    levers: bool = True,
    check_movement: bool = True,
    deadline: float | None = None,
) -> Conflict:
    """A minimal set of criteria and lever settings that cannot hold together.

    Start from the criteria the no-go certificate names (CP-SAT's assumption core when the
    no-go rests on the full model) plus every relaxable lever, drop each member whose removal
    keeps the case infeasible (deletion filter), then re-check every member tested before a
    later removal, until dropping any member makes the case feasible. Each check is settled by
    arithmetic when it can be (`planner.oracle`), else by CP-SAT within `time_limit` seconds
    and what is left before `deadline`. A check that runs out of time keeps its member, which
    is listed as unchecked, and the conflict is not proven minimal. `check_movement` first
    asks whether the movement can be done at all (no criteria, levers relaxed).
    """
    relaxed = relaxed_levers(inst) if levers else {}
    oracle = _Oracle(inst, relaxed, time_limit, deadline)
    lever_members = [lever_member(lever) for lever in relaxed]
    if check_movement and oracle.feasible([]) is False:
        return Conflict((), False, checks=oracle.checks)
    core_criteria = certified_core(inst)
    if core_criteria is None:
        core_criteria = assumption_core(inst, min(time_limit, ASSUMPTION_CORE_SECONDS), deadline)
        oracle.extra += 1
    # The deletion filter drops the members it tries first whenever it can, so among several
    # conflicts the one it finds keeps the members tried last. Criteria are tried in reverse
    # order, halving last, and halving joins the seed: when the criterion the 1941
    # decision turned on is part of some conflict, the first conflict reported includes it.
    # Of the two deadlines the later one is kept when either would do: "even the later
    # deadline comes too early" says more.
    order = deletion_order(inst)
    seed = set(core_criteria if core_criteria is not None else enforced_criteria(inst))
    limits = [n for n in order if n in ("weather", "decision_deadline")]
    seed |= {n for n in (*PREFERRED, *limits[-1:]) if n in enforced_criteria(inst)}
    core = [n for n in order if n in seed] + lever_members
    undecided: set[str] = set()
    removals = 0
    tested_at: dict[str, int] = {}
    pending = list(core)
    while pending:
        name = pending.pop(0)
        if name not in core:
            continue
        verdict = oracle.feasible(set(core) - {name})
        if verdict is False:
            core.remove(name)
            removals += 1
            undecided.discard(name)
        else:
            tested_at[name] = removals
            if verdict is None:
                undecided.add(name)
            else:
                undecided.discard(name)
        if not pending:
            # Minimality check: a member tested before a later removal is tested again.
            pending = [n for n in core if tested_at.get(n, -1) < removals]
    order = enforced_criteria(inst)
    criteria = tuple(sorted((n for n in core if not n.startswith(LEVER_PREFIX)), key=order.index))
    kept_levers = tuple(n[len(LEVER_PREFIX) :] for n in core if n.startswith(LEVER_PREFIX))
    if not core:
        # Everything relaxed and still infeasible: the movement itself cannot be done.
        return Conflict((), False, checks=oracle.checks)
    unchecked = tuple(n for n in criteria + tuple(map(lever_member, kept_levers)) if n in undecided)
    return Conflict(criteria, True, kept_levers, not undecided, oracle.checks, unchecked)


def enforced_criteria(inst: Instance) -> list[str]:
    """The criteria the model enforces (South readiness only when the South needs anything)."""
    return [
        n
        for n in CRITERION_NAMES
        if inst.enabled(n) and (n != "south_readiness" or inst.case.shipping.south_requirements)
    ]
