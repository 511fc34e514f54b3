"""A no-go's conflict in domain words: one sentence per member saying how far it is off, from
arithmetic alone (the distances that need solves are in `planner.distance`)."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

from kantokuen.models.case import (
    CRITERION_NAMES,
    DIVISIONS,
    LEVER_NAMES,
)
from kantokuen.models.instance import BP, MILLI, Instance
from kantokuen.planner.conflicts import (
    GENEROUS_WITHDRAWAL_SCALE,
    LEVER_PREFIX,
    Conflict,
    lever_member,
    relaxed_levers,
)
from kantokuen.planner.gaps import (
    HalvingGap,
    halving_gap,
    latest_decision_day,
)


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


def share_words(inst: Instance, value: Any) -> str:
    """A North share lever's value in words: `70%`, `the solver's choice`, or a schedule
    `90% from 22 Jun 1941, 60% from 1 Aug 1941`."""
    if value == "auto":
        return "the solver's choice"
    if isinstance(value, tuple | list):
        return ", ".join(f"{s.share:.0%} from {pretty(s.date)}" for s in value)
    return f"{value:.0%}"


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
