"""How far each member of a no-go's conflict would have to move, found by solves: the latest
order, the least North share or withdrawal scale, the latest deadline that gives a go (or
dissolves the conflict), and the earliest X-Day a relaxed case allows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kantokuen.models.case import (
    CRITERION_NAMES,
    DIVISIONS,
    LEVER_NAMES,
)
from kantokuen.models.instance import BP, MILLI, Instance, share_bp
from kantokuen.models.plan import Plan, Status
from kantokuen.models.verify import verify
from kantokuen.planner.conflicts import (
    GENEROUS_WITHDRAWAL_SCALE,
    LEVER_PREFIX,
    Conflict,
    _out_of_time,
    conflict_context,
    enforced_criteria,
    feasibility,
    lever_member,
    raised_schedule,
    relaxed_levers,
    seconds_left,
    with_criteria_off,
    with_levers,
)
from kantokuen.planner.gaps import (
    halving_gap,
    latest_decision_day,
    scale_needed,
)
from kantokuen.planner.model import build
from kantokuen.planner.prose import (
    _criterion_sentence,
    _halving_sentence,
    _lever_sentence,
    _south_sentence,
    days,
    member_label,
    pretty,
    share_words,
    unchecked_sentence,
)
from kantokuen.planner.solve import PlannerBug, SolveOptions, extract_plan, map_status
from kantokuen.planner.solver import new_solver, run


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
