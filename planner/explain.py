"""Why no-go: a minimal conflict of criteria and levers, and how far each member is off.

A minimal set of conflicting criteria *and lever settings*. CP-SAT's assumption core
(one worker, no objective) gives a first, not necessarily minimal, set of criteria; a deletion
filter then drops every member (criterion or lever) whose removal leaves the case infeasible,
and minimality is re-checked at the end: dropping any remaining member makes the case
feasible. Each check is settled by arithmetic when it can be (the relaxation rules out every
X-Day, or a list schedule finds a plan), else by CP-SAT within its budget; a check that runs
out of time is "not checked", never a claim. Dropping a criterion switches it off; dropping a
lever relaxes it (see `relaxed_levers`). Each member is then stated in domain words with how
far it would have to move, everything else as in the case. (What binds a go is in
`planner.binding`.)
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from kantokuen.models.case import (
    CRITERION_NAMES,
    DIVISIONS,
    HORIZON_MEMBER,
    LEVER_NAMES,
    ShareStep,
)
from kantokuen.models.instance import BP, MILLI, Instance, share_bp
from kantokuen.models.plan import Plan, Status
from kantokuen.models.verify import verify
from kantokuen.planner.heuristics import relaxation_bound
from kantokuen.planner.model import build
from kantokuen.planner.solve import PlannerBug, SolveOptions, extract_plan, list_plan, map_status
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


def member_label(name: str) -> str:
    """Domain name of a conflict member, criterion or lever."""
    if name.startswith(LEVER_PREFIX):
        return LEVER_NAMES.get(name[len(LEVER_PREFIX) :], name)
    return CRITERION_NAMES.get(name, name)


def days(n: int) -> str:
    """`1 day`, `3 days`."""
    return f"{n} day" if n == 1 else f"{n} days"


def pretty(day: dt.date) -> str:
    """A date as a historian writes it: 10 Aug 1941."""
    return f"{day.day} {day:%b %Y}"


# --- Feasibility with criteria switched on and off ----------------------------------------


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

QUICK_PASSES = 4
"""List-scheduling passes a feasibility check tries before CP-SAT (a plan found settles it)."""


def seconds_left(deadline: float | None) -> float | None:
    """Wall-clock seconds left before `deadline` (a `time.perf_counter()` value); None: no
    deadline."""
    return None if deadline is None else deadline - time.perf_counter()


def _out_of_time(left: float | None) -> bool:
    return left is not None and left < MIN_CHECK_SECONDS


def quick_feasible(inst: Instance) -> bool | None:
    """Whether some plan meets the resources and the instance's criteria, when arithmetic can
    tell without CP-SAT: no when the relaxation leaves no X-Day (the criteria that depend on
    X-Day alone, every unit at its earliest arrival, the ports' and rail lines' fluid bounds)
    or the South's requirements rule out the North share; yes when a list schedule finds a
    plan (which the verifier passes). None: CP-SAT must decide."""
    if relaxation_bound(inst) is None or not _south_allows(inst):
        return False
    return True if list_plan(inst, QUICK_PASSES) is not None else None


def _south_allows(inst: Instance) -> bool:
    """South readiness as the model states it: the South's requirements met at the case's
    share (one number, or the schedule's step on each requirement's day), or some share within
    the South's limit when `auto`."""
    if "south_readiness" not in enforced_criteria(inst):
        return True
    return inst.south_max_share_bp is not None if inst.auto_share else inst.south_met(0)


def feasible_with(
    inst: Instance, active: Iterable[str], time_limit: float = 30.0, deadline: float | None = None
) -> bool | None:
    """Whether some plan meets the resources and the given criteria (None: not decided in
    time). See `feasibility`."""
    return feasibility(inst, active, time_limit, deadline)[0]


def feasibility(
    inst: Instance, active: Iterable[str], time_limit: float = 30.0, deadline: float | None = None
) -> tuple[bool | None, bool]:
    """(whether some plan meets the resources and the given criteria, whether CP-SAT was
    needed). Cheap checks first (`quick_feasible`); then one CP-SAT worker with a budget of
    `time_limit` seconds, capped by what is left before `deadline`. None: not decided in time
    (not checked), never a claim either way."""
    wanted = set(active)
    off = [n for n in enforced_criteria(inst) if n not in wanted]
    quick = quick_feasible(with_criteria_off(inst, off))
    if quick is not None:
        return quick, False
    left = seconds_left(deadline)
    if _out_of_time(left):
        return None, False
    m = build(inst, criteria_as_assumptions=True)
    for name, lit in m.criteria.items():
        m.cp.add(lit == (1 if name in wanted else 0))
    code = run(new_solver(time_limit, search="feasibility", wall_cap=left), m.cp).code
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True, True
    if code == cp_model.INFEASIBLE:
        return False, True
    return None, True


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


def share_words(inst: Instance, value: Any) -> str:
    """A North share lever's value in words: `70%`, `the solver's choice`, or a schedule
    `90% from 22 Jun 1941, 60% from 1 Aug 1941`."""
    if value == "auto":
        return "the solver's choice"
    if isinstance(value, tuple | list):
        return ", ".join(f"{s.share:.0%} from {pretty(s.date)}" for s in value)
    return f"{value:.0%}"


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

    Answers are cached by member set; `checks` counts the CP-SAT solves actually run. Each
    solve gets `time_limit` seconds, capped by what is left before `deadline`.
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
        self.time_limit = time_limit
        self.deadline = deadline
        self.checks = 0
        self._answers: dict[frozenset[str], bool | None] = {}
        self._instances: dict[frozenset[str], Instance] = {}

    def feasible(self, members: Iterable[str]) -> bool | None:
        key = frozenset(members)
        if key not in self._answers:
            kept = frozenset(n[len(LEVER_PREFIX) :] for n in key if n.startswith(LEVER_PREFIX))
            if kept not in self._instances:
                self._instances[kept] = with_levers(
                    self.inst, {k: v for k, v in self.relaxed.items() if k not in kept}
                )
            criteria = [n for n in key if not n.startswith(LEVER_PREFIX)]
            verdict, solved = feasibility(
                self._instances[kept], criteria, self.time_limit, self.deadline
            )
            self.checks += solved
            self._answers[key] = verdict
        return self._answers[key]


PREFERRED = ("halving",)
"""Criteria kept in the first conflict whenever they are part of one (see `minimal_conflict`)."""

ASSUMPTION_CORE_SECONDS = 5.0
"""At most this long for the assumption core: on big cases a one-worker solve with the
criteria as assumptions (not fixed) presolves poorly, and the deletion filter does not need it."""


def minimal_conflict(
    inst: Instance,
    time_limit: float = 30.0,
    levers: bool = True,
    check_movement: bool = True,
    deadline: float | None = None,
) -> Conflict:
    """A minimal set of criteria and lever settings that cannot hold together.

    Start from the assumption core plus every relaxable lever, drop each member whose removal
    keeps the case infeasible (deletion filter), then re-check every member tested before a
    later removal, until dropping any member makes the case feasible. Each check is settled by
    arithmetic when it can be (`quick_feasible`), else by CP-SAT within `time_limit` seconds
    and what is left before `deadline`. A check that runs out of time keeps its member, which
    is listed as unchecked, and the conflict is not proven minimal. `check_movement` first
    asks whether the movement can be done at all (no criteria, levers relaxed).
    """
    relaxed = relaxed_levers(inst) if levers else {}
    oracle = _Oracle(inst, relaxed, time_limit, deadline)
    lever_members = [lever_member(lever) for lever in relaxed]
    if check_movement and oracle.feasible([]) is False:
        return Conflict((), False, checks=oracle.checks)
    core_criteria = assumption_core(inst, min(time_limit, ASSUMPTION_CORE_SECONDS), deadline)
    oracle.checks += 1
    # The deletion filter drops the members it tries first whenever it can, so among several
    # conflicts the one it finds keeps the members tried last. Criteria are tried in reverse
    # order, halving last, and halving joins the assumption core: when the criterion the 1941
    # decision turned on is part of some conflict, the first conflict reported includes it.
    seed = set(core_criteria if core_criteria is not None else enforced_criteria(inst))
    seed |= {n for n in PREFERRED if n in enforced_criteria(inst)}
    core = [n for n in reversed(enforced_criteria(inst)) if n in seed] + lever_members
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


def relax_member(inst: Instance, name: str) -> Instance:
    """The instance with one conflict member dropped: a criterion off, or a lever relaxed."""
    if name.startswith(LEVER_PREFIX):
        lever = name[len(LEVER_PREFIX) :]
        return with_levers(inst, {lever: relaxed_levers(inst)[lever]})
    return with_criteria_off(inst, [name])


def conflict_context(inst: Instance, conflict: Conflict) -> Instance:
    """The case reduced to one conflict: criteria outside it off, levers outside it relaxed.
    Distances measured here say how far a member must move to dissolve *this* conflict."""
    keep = set(conflict.criteria)
    loose = {k: v for k, v in relaxed_levers(inst).items() if k not in conflict.levers}
    return with_criteria_off(
        with_levers(inst, loose), [n for n in enforced_criteria(inst) if n not in keep]
    )


def other_conflicts(
    inst: Instance,
    first: Conflict,
    time_limit: float = 30.0,
    limit: int = 3,
    deadline: float | None = None,
) -> tuple[list[Conflict], int]:
    """Further minimal conflicts, up to `limit` in all: for each member of the first, drop it
    alone; if the case is still infeasible, another conflict (without that member) remains.
    A go needs every conflict dissolved, so each one found is a separate reason for the no-go."""
    found = [first]
    checks = 0
    if not first.feasible_without_criteria:
        return found, checks
    for name in first.members:
        if len(found) >= limit:
            break
        reduced = relax_member(inst, name)
        verdict, solved = feasibility(reduced, enforced_criteria(reduced), time_limit, deadline)
        checks += solved
        if verdict is not False:
            continue
        more = minimal_conflict(reduced, time_limit, check_movement=False, deadline=deadline)
        checks += more.checks
        if more.members and all(set(more.members) != set(c.members) for c in found):
            found.append(more)
    return found, checks


# --- Halving: how far the Soviet strength is from the criterion (table arithmetic) ----------


def _with_scale(inst: Instance, scale: float) -> Instance:
    return with_levers(inst, {"withdrawal_scale": scale})


def _holds(inst: Instance, criterion: str) -> tuple[bool, ...]:
    """Per day, whether a criterion on Soviet strength (halving, armour and air) holds."""
    return inst.armour_air_holds if criterion == "armour_air" else inst.halving_holds


def criterion_measures(inst: Instance, criterion: str) -> tuple[float, tuple[str, ...]]:
    """The fraction and the measures a criterion on Soviet strength tests."""
    crit = inst.case.criteria
    if criterion == "armour_air":
        return crit.armour_air.fraction, crit.armour_air.measures
    return crit.halving.fraction, (crit.halving.measure,)


def scale_needed(
    inst: Instance, criterion: str, decision_day: int, upper: float = 100.0
) -> float | None:
    """Smallest withdrawal scale (to 0.01) at which a criterion on Soviet strength (halving,
    armour and air) holds on a decision day, or None. Formations are not scaled: a front whose
    formations outrun its withdrawals may need a large scale, or none may do."""
    if not 0 <= decision_day <= inst.horizon:
        return None
    if not _holds(_with_scale(inst, upper), criterion)[decision_day]:
        return None
    lo, hi = 0, round(upper * 100)  # hundredths of the scale
    if _holds(_with_scale(inst, 0.0), criterion)[decision_day]:
        return 0.0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        holds = _holds(_with_scale(inst, mid / 100), criterion)[decision_day]
        lo, hi = (lo, mid) if holds else (mid, hi)
    return hi / 100


def halving_scale_needed(inst: Instance, decision_day: int, upper: float = 100.0) -> float | None:
    """Smallest withdrawal scale (to 0.01) at which halving holds on a decision day, or None."""
    return scale_needed(inst, "halving", decision_day, upper)


def latest_decision_day(inst: Instance) -> int:
    """The last decision day the deadlines allow (decision deadline, weather, horizon)."""
    last = inst.horizon - inst.decision_lag
    if inst.enabled("decision_deadline"):
        last = min(last, inst.decision_deadline_day)
    if inst.enabled("weather"):
        last = min(last, inst.weather_last_x_day - inst.decision_lag)
    return last


@dataclass(frozen=True)
class HalvingGap:
    """Soviet Far East strength on the last possible decision day against a criterion on it
    (halving, or armour and air)."""

    decision_day: int
    share: float  # of the day-0 strength (the measure furthest from its limit)
    fraction: float  # the criterion's limit
    scale: float
    scale_needed: float | None  # None: no withdrawal rate gets there by that day
    # first day the criterion holds at the case's rate, None: not in the horizon
    first_day: int | None
    criterion: str = "halving"
    # (measure, on the day, on day 0) in thousandths, the measure furthest from its limit first
    totals: tuple[tuple[str, int, int], ...] = ()


def halving_gap(inst: Instance, criterion: str = "halving") -> HalvingGap:
    """How far a criterion on Soviet strength is from holding by the last possible decision
    day."""
    day = min(max(latest_decision_day(inst), 0), inst.horizon)
    fraction, measures = criterion_measures(inst, criterion)
    totals = tuple((m, inst.measure_total(m, day), inst.measure_total(m, 0)) for m in measures)
    # The measure furthest from its limit comes first: its share of day 0 is the gap.
    totals = tuple(sorted(totals, key=lambda t: -(t[1] / t[2] if t[2] else 0.0)))
    share = totals[0][1] / totals[0][2] if totals[0][2] else 0.0
    first = next((d for d, ok in enumerate(_holds(inst, criterion)) if ok), None)
    return HalvingGap(
        day,
        share,
        fraction,
        inst.case.levers.withdrawal_scale,
        scale_needed(inst, criterion, day),
        first,
        criterion,
        totals,
    )


def _last_decision_words(inst: Instance) -> str:
    """Which limit sets the last possible decision day."""
    last = latest_decision_day(inst)
    if inst.enabled("decision_deadline") and last == inst.decision_deadline_day:
        return "the decision deadline"
    if inst.enabled("weather") and last == inst.weather_last_x_day - inst.decision_lag:
        return "the last decision day the weather allows"
    return "the last decision day within the planning horizon"


def count_text(thousandths: int) -> str:
    """A measure's value in thousandths as read: 2,310 tanks, 899.1 tanks, 25.5 div.-eq."""
    return f"{thousandths / MILLI:,.3f}".rstrip("0").rstrip(".")


def _measures_text(inst: Instance, gap: HalvingGap) -> str:
    """`Soviet Far East tanks on 10 Aug 1941 (the decision deadline) are 2,310 of 2,700 and
    aircraft 2,400 of 2,800; the armour-and-air criterion needs ≤ 899.1 tanks and ≤ 932.4
    aircraft (33.3% of each one's 22 Jun 1941 level)`."""
    limit = Fraction(str(gap.fraction))
    when = f"on {pretty(inst.case.date(gap.decision_day))} ({_last_decision_words(inst)}) are"
    have = [
        f"{m}{' ' + when if i == 0 else ''} {count_text(total)} of {count_text(initial)}"
        for i, (m, total, initial) in enumerate(gap.totals)
    ]
    needs = [f"≤ {count_text(math.floor(limit * initial))} {m}" for m, _, initial in gap.totals]
    whose = "each one's" if len(gap.totals) > 1 else "the"
    return (
        f"Soviet Far East {' and '.join(have)}; the {CRITERION_NAMES[gap.criterion]} needs "
        f"{' and '.join(needs)} ({gap.fraction * 100:g}% of {whose} "
        f"{pretty(inst.case.calendar.start)} level)"
    )


def _halving_sentence(inst: Instance, criterion: str = "halving") -> str:
    case = inst.case
    gap = halving_gap(inst, criterion)
    # Close to the limit, whole percents would read "50% ... needs ≤ 50%".
    share = f"{gap.share:.1%}" if abs(gap.share - gap.fraction) < 0.01 else f"{gap.share:.0%}"
    if gap.totals[0][0] == DIVISIONS:
        text = (
            f"Soviet Far East strength on {pretty(case.date(gap.decision_day))} ({_last_decision_words(inst)}) "
            f"is {share} of its {pretty(case.calendar.start)} level; the halving criterion needs ≤ "
            f"{gap.fraction:.0%}"
        )
    else:
        text = _measures_text(inst, gap)
    if gap.scale_needed is None:
        text += ": no withdrawal rate would get there by then"
    elif gap.scale_needed <= gap.scale:
        # Halving holds on that day: it is in a conflict only together with other members.
        text += (
            f", which the case's withdrawal rate (scale {gap.scale:g}) meets by then "
            f"(scale ≥ {gap.scale_needed:g} would do)"
        )
    elif gap.scale > 0:
        factor = gap.scale_needed / gap.scale
        text += (
            f": withdrawals would have to be {factor:.1f}× faster"
            if factor >= 1.1
            else f": withdrawals would have to be {(factor - 1) * 100:.1f}% faster"
        )
        text += f" (withdrawal scale ≥ {gap.scale_needed:g})"
    else:
        text += f": it needs a withdrawal scale of at least {gap.scale_needed:g}"
    if gap.first_day is not None and gap.first_day > gap.decision_day:
        text += f"; at the case's rate it would first hold on {pretty(case.date(gap.first_day))}"
    elif gap.first_day is None:
        text += f"; at the case's rate it does not hold before {pretty(case.date(inst.horizon))}"
    return text + "."


# --- Sentences ----------------------------------------------------------------------------


def describe(inst: Instance, conflict: Conflict) -> list[str]:
    """One sentence per member of the conflict, in domain words, saying how far it is off
    (arithmetic only, no solving: `explain_conflict` adds the distances that need solves)."""
    case = inst.case
    if not conflict.feasible_without_criteria:
        return [
            "The required units cannot all be mobilized and moved within the planning horizon "
            f"({inst.horizon} days from {pretty(case.calendar.start)}), whatever the criteria and "
            "however early the order: shipping, port or rail capacity is too small (a required "
            "unit must complete its move within the horizon even with the required-arrivals "
            "criterion off)."
        ]
    lines = [
        unchecked_sentence(name) if name in conflict.unchecked else _criterion_sentence(inst, name)
        for name in conflict.criteria
    ]
    relaxed = relaxed_levers(inst)
    lines += [
        unchecked_sentence(lever_member(lever))
        if lever_member(lever) in conflict.unchecked
        else _lever_sentence(inst, lever, relaxed.get(lever))
        for lever in conflict.levers
    ]
    if not conflict.proven_minimal:
        lines.append("(Some checks ran out of time: this set conflicts, but may not be minimal.)")
    return lines


def unchecked_sentence(name: str) -> str:
    """A conflict member whose check ran out of time: flagged, and no distance claimed."""
    return (
        f"The {member_label(name)}: not checked (the check whether the case is feasible "
        "without it ran out of time), so it may not belong to this conflict."
    )


def _criterion_sentence(inst: Instance, name: str) -> str:
    case = inst.case
    crit = case.criteria
    label = CRITERION_NAMES.get(name, name)
    if name in ("halving", "armour_air"):
        return _halving_sentence(inst, name)
    if name == "decision_deadline":
        return (
            f"The {label} ({pretty(crit.decision_deadline.date)}) comes too early: the attack "
            f"follows the decision by {inst.decision_lag} days."
        )
    if name == "weather":
        return (
            f"The {label}: X-Day must fall by {pretty(case.date(inst.weather_last_x_day))} to "
            f"finish the {crit.weather.campaign_days}-day campaign by {pretty(crit.weather.deadline)}."
        )
    if name == "force_ratio":
        return (
            f"The {label} ({crit.force_ratio.ratio:g}:1 against Soviet strength × "
            f"{crit.force_ratio.soviet_factor:g}) cannot be reached in time."
        )
    if name == "south_readiness":
        return _south_sentence(inst)
    return f"Not all {label} in time."


def _south_sentence(inst: Instance) -> str:
    case = inst.case
    limit = inst.south_max_share_bp
    share = case.levers.north_share
    if isinstance(share, tuple):
        short = _south_short_days(inst)
        return (
            f"South readiness: the North share schedule ({share_words(inst, share)}) leaves the "
            f"South short {short}."
            if short
            else f"South readiness: the North share schedule ({share_words(inst, share)}) "
            "leaves the South every requirement."
        )
    if limit is None:
        return (
            "South readiness: the shipping pool cannot meet the South's requirements even with "
            "no North share at all."
        )
    now = "the solver's choice" if share == "auto" else f"{share:.0%}"
    return (
        f"South readiness: the South's requirements allow a North share of at most {limit / BP:.0%} "
        f"(the North share is {now})."
    )


def _south_short_days(inst: Instance) -> str:
    """The South requirements the case's share (schedule) misses, in words: `of 6,000 t on
    10 Jul 1941 (it has 4,000 t at a North share of 80%)`."""
    out = []
    for req in inst.case.shipping.south_requirements.values():
        day = inst.requirement_day(req.by)
        bp = inst.share_on(day, 0)
        south = inst.south_tons(day, 0)
        if south < req.tons:
            out.append(
                f"of {req.tons:,} t on {pretty(inst.case.date(day))} (it has {south:,} t at a "
                f"North share of {bp / BP:.0%})"
            )
    return "; ".join(out)


def _lever_sentence(inst: Instance, lever: str, relaxed: Any) -> str:
    case = inst.case
    if lever == "mobilization_order":
        order = case.levers.mobilization_order
        return (
            f"The mobilization order on {pretty(order)}: ordering on the calendar start "
            f"({pretty(case.calendar.start)}, {(order - case.calendar.start).days} days earlier) "
            "removes the conflict."
        )
    if lever == "north_share":
        if isinstance(relaxed, tuple):
            floor = min(s.share for s in relaxed)
            return (
                f"The North share schedule ({share_words(inst, case.levers.north_share)}): "
                f"raising every day's share to at least {floor:.0%}, the largest the South "
                "allows, removes the conflict."
            )
        return (
            f"The North share of {share_words(inst, case.levers.north_share)}: the largest "
            f"share the South allows ({relaxed:.0%}) removes the conflict."
        )
    return (
        f"The Soviet withdrawal rate (scale {case.levers.withdrawal_scale:g}, 1 = history): at "
        f"{GENEROUS_WITHDRAWAL_SCALE:g}× history the conflict disappears."
    )


# --- Solving X-Day alone -----------------------------------------------------------------


@dataclass(frozen=True)
class EarliestX:
    """The earliest X-Day of an instance (stage 1 of the planner only) with a verified plan."""

    status: Status
    plan: Plan | None
    bound: int | None = None  # proven lower bound on X-Day (None: infeasible or no answer)

    @property
    def x_day(self) -> int | None:
        return self.plan.x_day if self.plan is not None else None


def earliest_x_day(
    inst: Instance,
    options: SolveOptions,
    first_solution: bool = False,
    at_most: int | None = None,
    deadline: float | None = None,
) -> EarliestX:
    """Minimize X-Day only (or, with `first_solution`, stop at the first plan found: enough to
    know the answer is a go), optionally with X-Day capped at `at_most`; the plan found is
    verified like every plan the tool uses. The solve is the planner's X-Day stage: the same
    search, a budget of the time limit in deterministic time (so the same seed and workers
    give the same answer), capped by what is left before `deadline`."""
    left = seconds_left(deadline)
    if _out_of_time(left):
        return EarliestX(Status.TIME_LIMIT, None)
    m = build(inst)
    if at_most is not None:
        m.cp.add(m.x_day <= at_most)
    m.cp.minimize(m.x_day)
    solver = new_solver(
        options.time_limit, workers=options.num_workers, seed=options.seed, wall_cap=left
    )
    solver.parameters.stop_after_first_solution = first_solution
    status = map_status(run(solver, m.cp).code)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return EarliestX(status, None)
    plan = extract_plan(m, solver)
    violations = verify(inst.case, plan)
    if violations:
        raise PlannerBug(violations)
    return EarliestX(status, plan, round(solver.best_objective_bound))


# --- No-go: how far each member would have to move (solves) -------------------------------


@dataclass(frozen=True)
class Member:
    """One member of a conflict, in domain words, with how far it would have to move."""

    name: str  # criterion name or levers.<name>
    kind: str  # "criterion" | "lever"
    label: str
    sentence: str
    current: str = ""
    needed: str = ""  # the value that would work ("" unknown or none)
    scope: str = (
        "case"  # case: moving it alone gives a go; loosened: with the other levers at their
    )
    # loosest; conflict: it only dissolves this conflict


@dataclass
class _Counter:
    solves: int = 0
    deadline: float | None = None  # every solve is capped by what is left before it


SCOPE_NOTE = " (That dissolves this conflict only: another conflict remains, so moving it alone is not enough for a go.)"


def explain_conflict(
    inst: Instance, conflict: Conflict, options: SolveOptions, deadline: float | None = None
) -> tuple[list[Member], int]:
    """Each member of a minimal conflict with how far it would have to move, and the number of
    CP-SAT solves used. The distance is sought, in turn, (1) with everything else as in the
    case: moving this member alone gives a go; (2) with the levers outside the conflict at
    their loosest and every criterion in force; (3) on the case reduced to the conflict
    (`conflict_context`): how far it must move to dissolve this conflict. The sentence says
    which. A member whose check ran out of time (`Conflict.unchecked`) gets no distance."""
    loose = {k: v for k, v in relaxed_levers(inst).items() if k not in conflict.levers}
    loosened = with_levers(inst, loose)
    ctx = conflict_context(inst, conflict)
    count = _Counter(deadline=deadline)
    members = []
    for name in conflict.members:
        if name in conflict.unchecked:
            kind = "lever" if name.startswith(LEVER_PREFIX) else "criterion"
            members.append(Member(name, kind, member_label(name), unchecked_sentence(name)))
            continue
        member = _distance(inst, name, options, count)
        if member is None and loose:
            member = _distance(loosened, name, options, count)
            if member is not None:
                member = _noted(
                    member,
                    f" (With the other levers at their loosest: {_loose_words(inst, loose)}.)",
                    "loosened",
                )
        if member is None:
            member = _distance(ctx, name, options, count)
            member = (
                _noted(member, SCOPE_NOTE, "conflict")
                if member is not None
                else _no_distance(inst, name)
            )
        members.append(member)
    return members, count.solves


def _loose_words(inst: Instance, loose: dict[str, Any]) -> str:
    words = {
        "mobilization_order": lambda v: f"the order on {pretty(v)}",
        "north_share": lambda v: f"a North share of {share_words(inst, v)}",
        "withdrawal_scale": lambda v: f"withdrawals {v:g}× history",
    }
    return ", ".join(words[k](v) for k, v in loose.items())


def _noted(member: Member, note: str, scope: str) -> Member:
    return Member(
        member.name,
        member.kind,
        member.label,
        member.sentence + note,
        member.current,
        member.needed,
        scope,
    )


def _no_distance(inst: Instance, name: str) -> Member:
    if name.startswith(LEVER_PREFIX):
        lever = name[len(LEVER_PREFIX) :]
        return Member(
            name,
            "lever",
            LEVER_NAMES[lever],
            _lever_sentence(inst, lever, relaxed_levers(inst).get(lever)),
        )
    return Member(
        name, "criterion", CRITERION_NAMES.get(name, name), _criterion_sentence(inst, name)
    )


def _distance(inst: Instance, name: str, options: SolveOptions, count: _Counter) -> Member | None:
    """The member and the value at which the instance becomes feasible, or None if none does."""
    if name.startswith(LEVER_PREFIX):
        return _lever_distance(inst, name[len(LEVER_PREFIX) :], options, count)
    return _criterion_distance(inst, name, options, count)


def _earliest_without(
    inst: Instance, names: list[str], options: SolveOptions, count: _Counter
) -> EarliestX:
    count.solves += 1
    return earliest_x_day(with_criteria_off(inst, names), options, deadline=count.deadline)


def _found(alone: EarliestX) -> str:
    return (
        ""
        if alone.status == Status.OPTIMAL
        else " (the best found within the time limit, not proven earliest)"
    )


def _last_x(inst: Instance) -> int:
    return latest_decision_day(inst) + inst.decision_lag


def _criterion_distance(
    inst: Instance, name: str, options: SolveOptions, count: _Counter
) -> Member | None:
    case = inst.case
    crit = case.criteria
    label = CRITERION_NAMES.get(name, name)
    if name in ("halving", "armour_air"):
        gap = halving_gap(inst, name)
        needed = f"withdrawal scale ≥ {gap.scale_needed:g}" if gap.scale_needed is not None else ""
        measure = gap.totals[0][0]  # the furthest from its limit
        what = "strength" if measure == DIVISIONS else measure
        return Member(
            name,
            "criterion",
            label,
            _halving_sentence(inst, name),
            f"{gap.share:.0%} of initial {what}",
            needed,
        )
    if name == "south_readiness":
        limit = inst.south_max_share_bp
        return Member(
            name,
            "criterion",
            label,
            _south_sentence(inst),
            str(case.levers.north_share),
            f"North share ≤ {limit / BP:.0%}" if limit is not None else "",
        )
    if name == "force_ratio":
        short = _force_short_of_all_units(inst)
        if short:
            return Member(name, "criterion", label, short, f"{crit.force_ratio.ratio:g}:1")
    limits = [n for n in ("decision_deadline", "weather") if inst.enabled(n)]
    if name in limits:
        alone = _earliest_without(inst, [name], options, count)
    else:
        # A criterion that takes time (units arriving, forces building up): when could it hold
        # at all, with no deadline in the way?
        alone = _earliest_without(inst, limits, options, count)
    if alone.plan is None:
        return None
    x = alone.plan.x_day
    if name == "decision_deadline":
        deadline = crit.decision_deadline.date
        decision = case.date(x - inst.decision_lag)
        return Member(
            name,
            "criterion",
            label,
            f"The {label} is {pretty(deadline)}; the earliest decision day that would work is "
            f"{pretty(decision)}{_found(alone)}, {days((decision - deadline).days)} later "
            f"(X-Day {pretty(case.date(x))}).",
            str(deadline),
            decision.isoformat(),
        )
    if name == "weather":
        deadline = crit.weather.deadline
        end = case.date(x + crit.weather.campaign_days)
        return Member(
            name,
            "criterion",
            label,
            f"The {label} is {pretty(deadline)}; the earliest X-Day otherwise possible is "
            f"{pretty(case.date(x))}{_found(alone)}, so the {crit.weather.campaign_days}-day campaign "
            f"would end {pretty(end)}, {days((end - deadline).days)} too late.",
            str(deadline),
            end.isoformat(),
        )
    what = (
        "the force ratio (" + f"{crit.force_ratio.ratio:g}:1) can first be met"
        if name == "force_ratio"
        else "the required units can all have arrived"
    )
    return Member(
        name,
        "criterion",
        label,
        f"With the rest of the case, {what} with X-Day {pretty(case.date(x))}{_found(alone)}; the "
        f"deadlines allow X-Day up to {pretty(case.date(_last_x(inst)))}.",
        pretty(case.date(_last_x(inst))),
        case.date(x).isoformat(),
    )


def _force_short_of_all_units(inst: Instance) -> str:
    """The force ratio out of reach by arithmetic: on some front, every unit bound for it
    together is worth less than the criterion needs on the last possible X-Day."""
    last_x = min(_last_x(inst), inst.horizon)
    if last_x < 0:
        return ""
    crit = inst.case.criteria.force_ratio
    for front, need in inst.force_needed.items():
        units = [s for s in inst.units if s.front == front]
        total = sum(s.combat for s in units)
        if total < need[last_x]:
            soviet = inst.strength[front][last_x] / MILLI
            return (
                f"The {CRITERION_NAMES['force_ratio']} cannot be reached: all {len(units)} Japanese units "
                f"bound for {inst.case.fronts[front].name} together are worth {total / MILLI:.3g} div.-eq., "
                f"but on {pretty(inst.case.date(last_x))} (the last possible X-Day) the criterion needs "
                f"{need[last_x] / MILLI:.3g} ({crit.ratio:g} × {crit.soviet_factor:g} × {soviet:.3g} Soviet)."
            )
    return ""


def _lever_distance(
    inst: Instance, lever: str, options: SolveOptions, count: _Counter
) -> Member | None:
    """The value of a lever at which the instance becomes feasible: bisection over its grid
    (days, percents, hundredths), relying on the answer being monotone in the lever (which the
    property tests check); None when even the relaxed value does not make it feasible. The
    value found always works (a check said so); when some check of a smaller change ran out of
    time, the sentence says a smaller change may also work instead of claiming it would not."""
    case = inst.case
    name = lever_member(lever)
    label = LEVER_NAMES[lever]
    relaxed = relaxed_levers(inst).get(lever)
    criteria = enforced_criteria(inst)
    unsure: list[Any] = []  # values whose check ran out of time

    def feasible(value: Any) -> bool | None:
        verdict, solved = feasibility(
            with_levers(inst, {lever: value}), criteria, options.time_limit, count.deadline
        )
        count.solves += solved
        if verdict is None:
            unsure.append(value)
        return verdict

    def member(sentence: str, current: str, needed: str) -> Member:
        if unsure:
            sentence += " (Some checks ran out of time: a smaller change may also work.)"
        return Member(name, "lever", label, sentence, current, needed)

    if relaxed is None:
        return None
    if lever == "mobilization_order":
        order = case.levers.mobilization_order
        found = _loosest(
            (order - case.calendar.start).days, lambda k: feasible(order - dt.timedelta(days=k))
        )
        if found is None:
            return None
        latest = order - dt.timedelta(days=found)
        return member(
            f"The mobilization order goes out on {pretty(order)}; it would have to go "
            f"out by {pretty(latest)} ({days(found)} earlier).",
            str(order),
            latest.isoformat(),
        )
    if lever == "north_share" and isinstance(case.levers.north_share, tuple):
        # Raise every day's share to at least p%: the least p that works.
        by_day = inst.share_by_day
        assert by_day is not None
        low, top = min(by_day) // 100, min(s.share for s in relaxed) * 100
        top = round(top)
        found = _loosest(
            top - low,
            lambda k: feasible(raised_schedule(inst, (low + k) * 100) or case.levers.north_share),
        )
        if found is None:
            return None
        return member(
            f"The North share schedule ({share_words(inst, case.levers.north_share)}) would "
            f"need every day's share raised to at least {low + found}% (the South allows up "
            f"to {top}%).",
            share_words(inst, case.levers.north_share),
            f"every day ≥ {low + found}%",
        )
    if lever == "north_share":
        share = case.levers.north_share
        assert isinstance(share, float | int)
        now = share_bp(share) // 100
        top = round(relaxed * 100)
        found = _loosest(top - now, lambda k: feasible((now + k) / 100))
        if found is None:
            return None
        return member(
            f"The North gets {now}% of the shipping pool; it would need at least "
            f"{now + found}% (the South allows up to {top}%).",
            f"{now}%",
            f"{now + found}%",
        )
    scale = case.levers.withdrawal_scale
    steps = round((GENEROUS_WITHDRAWAL_SCALE - scale) * 100)
    # Below the scale at which halving can hold at all, nothing works: start the search there.
    floor = 0
    for criterion in ("halving", "armour_air"):
        if inst.enabled(criterion):
            last = min(max(latest_decision_day(inst), 0), inst.horizon)
            needed = scale_needed(inst, criterion, last)
            floor = max(floor, min(steps, round(((needed or scale) - scale) * 100) - 1))
    found = _loosest(steps, lambda k: feasible(round(scale + k / 100, 2)), floor)
    if found is None:
        return None
    needed_scale = round(scale + found / 100, 2)
    faster = (
        f", {needed_scale / scale:.1f}× the case's rate"
        if scale > 0 and needed_scale / scale >= 1.1 and scale != 1
        else ""
    )
    return member(
        f"The Soviet withdrawal rate is {scale:g}× history; it would have to be at "
        f"least {needed_scale:g}× history{faster}.",
        f"{scale:g}",
        f"{needed_scale:g}",
    )


def enforced_criteria(inst: Instance) -> list[str]:
    """The criteria the model enforces (South readiness only when the South needs anything)."""
    return [
        n
        for n in CRITERION_NAMES
        if inst.enabled(n) and (n != "south_readiness" or inst.case.shipping.south_requirements)
    ]


def _loosest(steps: int, feasible: Callable[[int], bool | None], known_bad: int = 0) -> int | None:
    """Fewest steps k in 1..steps (toward the relaxed value) at which the case is feasible, by
    bisection above `known_bad` (a step known not to work); None when even the relaxed end is
    not feasible (or undecided). The step just above `known_bad` is tried first: when a lower
    bound is known, it is often the answer."""
    if steps < 1:
        return None
    if known_bad > 0 and known_bad + 1 < steps and feasible(known_bad + 1) is True:
        return known_bad + 1
    if feasible(steps) is not True:
        return None
    bad, good = known_bad, steps
    while good - bad > 1:
        mid = (bad + good) // 2
        if feasible(mid) is True:
            good = mid
        else:
            bad = mid
    return good
