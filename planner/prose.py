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
from kantokuen.models.paths import days as days  # the explanations import it from here
from kantokuen.models.soviet import detection_day
from kantokuen.planner.certificate import required_by
from kantokuen.planner.conflicts import (
    GENEROUS_WITHDRAWAL_SCALE,
    LEVER_PREFIX,
    Conflict,
    lever_member,
    relaxed_levers,
)
from kantokuen.planner.factors import OFF, Factor
from kantokuen.planner.gaps import (
    HalvingGap,
    halving_gap,
    latest_decision_day,
    order_needed,
)


def member_label(name: str) -> str:
    """Domain name of a conflict member, criterion or lever."""
    if name.startswith(LEVER_PREFIX):
        return LEVER_NAMES.get(name[len(LEVER_PREFIX) :], name)
    return CRITERION_NAMES.get(name, name)


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


def at_least(value: float) -> str:
    """A value needed, to hundredths, rounded toward what works (up): the one rounding rule of
    every needed scale and of the factor derived from it, so the two always agree."""
    return f"{math.ceil(round(value * 100, 6)) / 100:g}"


def _halving_sentence(inst: Instance, criterion: str = "halving") -> str:
    case = inst.case
    gap = halving_gap(inst, criterion)
    # Close to the limit, whole percents would read "50% ... needs ≤ 50%".
    share = f"{gap.share:.1%}" if abs(gap.share - gap.fraction) < 0.01 else f"{gap.share:.0%}"
    if gap.totals[0][0] == DIVISIONS:
        text = (
            f"Soviet Far East strength on {pretty(case.date(gap.decision_day))} "
            f"({_last_decision_words(inst)}) is {share} of its {pretty(case.calendar.start)} "
            f"level; the halving criterion needs ≤ {gap.fraction * 100:g}%"
        )
    else:
        text = _measures_text(inst, gap)
    if gap.scale_needed is None:
        text += ": " + (_floor_words(inst, gap) or "no withdrawal rate would get there by then")
    elif gap.scale_needed <= gap.scale:
        # Halving holds on that day: it is in a conflict only together with other members.
        text += (
            f", which the case's withdrawal rate (scale {gap.scale:g}) meets by then "
            f"(scale ≥ {gap.scale_needed:g} would do)"
        )
    elif gap.scale > 0:
        text += (
            f": withdrawals would have to be {at_least(gap.scale_needed / gap.scale)}× as fast "
            f"(withdrawal scale ≥ {gap.scale_needed:g})"
        )
    else:
        text += f": it needs a withdrawal scale of at least {gap.scale_needed:g}"
    if gap.first_day is not None and gap.first_day > gap.decision_day:
        text += f"; at the case's rate it would first hold on {pretty(case.date(gap.first_day))}"
    elif gap.first_day is None:
        text += f"; at the case's rate it does not hold before {pretty(case.date(inst.horizon))}"
    return text + "." + _reaction_words(inst, criterion, gap.decision_day)


def _floor_words(inst: Instance, gap: HalvingGap) -> str:
    """When the fronts' floors alone are above the criterion's limit: which floors, in words
    ('' when they are not)."""
    measure, _, initial = gap.totals[0]
    floors = []
    for front in inst.case.fronts.values():
        if measure == DIVISIONS:
            floor = Fraction(str(front.floor))
        else:
            count = front.measure(measure)
            floor = Fraction(count.floor) if count is not None else Fraction(0)
        if floor > 0:
            floors.append((front.name, floor))
    total = sum((f for _, f in floors), Fraction(0)) * MILLI
    if not floors or total <= Fraction(str(gap.fraction)) * initial:
        return ""
    unit = "div.-eq." if measure == DIVISIONS else measure
    named = ", ".join(f"{name} {float(f):g} {unit}" for name, f in floors)
    share = float(total / initial)
    return (
        f"the fronts never fall below their floors ({named}), together {share:.0%} of the "
        "starting level, so no withdrawal rate would get there"
    )


def _reaction_words(inst: Instance, criterion: str, day: int) -> str:
    """When the Soviet reaction halts the withdrawals before the decision day: the detection
    day, and that a later order would help (with the earliest order that would do)."""
    case = inst.case
    reaction = case.soviet_reaction
    detect = detection_day(case)
    if (
        detect is None
        or detect >= day
        or not (reaction.halt_withdrawals or reaction.reinforce_per_day)
    ):
        return ""
    what = "stop their withdrawals" if reaction.halt_withdrawals else "hold on"
    if reaction.reinforce_per_day and criterion == "halving":
        what += f" and reinforce by {reaction.reinforce_per_day:g} div.-eq. a day"
    later = order_needed(inst, criterion, day)
    help_words = (
        f"with the order on {pretty(later)} or later the criterion would hold by then"
        if later is not None
        else "though no order before the decision day would be late enough"
    )
    return (
        f" The Soviets detect the mobilization on {pretty(case.date(detect))} "
        f"({days(reaction.detection_lag_days)} after the order) and {what}: a later order "
        f"would let the withdrawals run longer ({help_words})."
    )


def describe(inst: Instance, conflict: Conflict) -> list[str]:
    """One sentence per member of the conflict, in domain words, saying how far it is off
    (arithmetic only, no solving: `planner.corrections` finds the least moves that would do)."""
    case = inst.case
    if not conflict.feasible_without_criteria:
        stuck = stuck_units(inst)
        return [
            "The required units cannot all be mobilized and moved within the planning horizon "
            f"({inst.horizon} days from {pretty(case.calendar.start)}), whatever the criteria and "
            "however early the order: shipping, port or rail capacity is too small (a required "
            "unit must complete its move within the horizon even with the required-arrivals "
            "criterion off)." + (f" {stuck}" if stuck else "")
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
            f"finish the {crit.weather.campaign_days}-day campaign by "
            f"{pretty(crit.weather.deadline)}."
        )
    if name == "force_ratio":
        return (
            f"The {label} ({crit.force_ratio.ratio:g}:1 against Soviet strength × "
            f"{crit.force_ratio.soviet_factor:g}) cannot be reached in time."
        )
    if name == "south_readiness":
        return _south_sentence(inst)
    return required_sentence(inst)


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
        "South readiness: the South's requirements allow a North share of at most "
        f"{limit / BP:.0%} (the North share is {now})."
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


def force_short_of_all_units(inst: Instance) -> str:
    """The force ratio out of reach by arithmetic: on some front, every unit bound for it
    together is worth less than the criterion needs on the last possible X-Day."""
    last_x = min(latest_decision_day(inst) + inst.decision_lag, inst.horizon)
    if last_x < 0:
        return ""
    crit = inst.case.criteria.force_ratio
    for front, need in inst.force_needed.items():
        units = [s for s in inst.units if s.front == front]
        total = sum(s.combat for s in units)
        if total < need[last_x]:
            soviet = inst.strength[front][last_x] / MILLI
            when = pretty(inst.case.date(last_x))
            return (
                f"The {CRITERION_NAMES['force_ratio']} cannot be reached: all {len(units)} "
                f"Japanese units bound for {inst.case.fronts[front].name} together are worth "
                f"{total / MILLI:.3g} div.-eq., but on {when} (the last possible X-Day) the "
                f"criterion needs {need[last_x] / MILLI:.3g} ({crit.ratio:g} × "
                f"{crit.soviet_factor:g} × {soviet:.3g} Soviet){_reinforced(inst, last_x)}."
            )
    return ""


# --- A conflict member or a correction's move, with the value that would do -----------------

SCOPE_NOTE = (
    " (That dissolves this conflict only: another conflict remains, so moving it alone is not "
    "enough for a go.)"
)


LOOSENED_NOTE = " (With the levers outside this conflict at their loosest.)"


def stuck_units(inst: Instance) -> str:
    """Required units that no route can move at all, in words: when the North's shipping
    never holds a unit's lift (an empty pool, or too small a share), naming the pool and the
    units ('' when every required unit has a route)."""
    largest = max(
        (inst.north_capacity(d, BP if inst.auto_share else 0) for d in range(inst.horizon + 1)),
        default=0,
    )
    stuck: dict[str, list[int]] = {}
    for spec in inst.units:
        if spec.required and all(m.sea is not None and spec.lift > largest for m in spec.moves):
            stuck.setdefault(spec.name, []).append(spec.lift)
    if not stuck:
        return ""
    pool = max(inst.pool, default=0)
    units = "; ".join(
        f"{name} ×{len(lifts)} ({max(lifts):,} t each)" if len(lifts) > 1 else
        f"{name} ({lifts[0]:,} t)"
        for name, lifts in stuck.items()
    )  # fmt: skip
    return (
        f"The North's share of the Army shipping pool (at most {pool:,} t) never holds more "
        f"than {largest:,} t at once, so these required units cannot sail at all: {units}."
    )


def required_sentence(inst: Instance) -> str:
    """Why the required units cannot all arrive in time: the units no route can move, or the
    day the last of them could arrive at the earliest, and what holds it (a unit's own
    journey, or a port or rail line a group of them must pass)."""
    stuck = stuck_units(inst)
    if stuck:
        return stuck
    witness = required_by(inst)
    last_x = latest_decision_day(inst) + inst.decision_lag
    label = CRITERION_NAMES["required_arrivals"]
    if witness is None:
        return f"The {label}: not all of them can arrive in time."
    day = pretty(inst.case.date(min(witness["day"], inst.horizon)))
    if "facility" in witness:
        kind, _, key = witness["facility"].partition(":")
        place = {
            "embark": f"loading at {inst.case.ports[key].name}" if key in inst.case.ports else key,
            "debark": f"unloading at {inst.case.ports[key].name}"
            if key in inst.case.ports
            else key,
            "rail": f"rail line {key}",
        }.get(kind, key)
        why = f"{len(witness['units'])} of them must pass {place}"
    else:
        names = {spec.id: spec.name for spec in inst.units}
        unit = witness["unit"]
        why = (
            f"{names.get(unit, unit)} ({unit}) cannot arrive earlier even with every port and "
            "line free"
        )
    return (
        f"The {label}: the last of them could arrive on {day} at the earliest ({why}); the "
        f"deadlines allow X-Day up to {pretty(inst.case.date(min(last_x, inst.horizon)))}."
    )


def member_sentence(inst: Instance, factor: Factor, value: Any, scope: str = "case") -> str:
    """One member of a conflict in words with the least value that would do (`value`; None:
    no value on its scale does, with everything else as `scope` says), and the scope: `case`
    (that alone gives a go), `loosened` (with the other levers at their loosest) or
    `conflict` (it dissolves this conflict only)."""
    base = _base_sentence(inst, factor)
    if value is None:
        return base
    text = _move_sentence(inst, factor, value)
    if factor.kind == "criterion" and base:
        text = f"{base} {text}"
    return text + {"conflict": SCOPE_NOTE, "loosened": LOOSENED_NOTE}.get(scope, "")


def _base_sentence(inst: Instance, factor: Factor) -> str:
    """What arithmetic says about a member, before any value is sought."""
    if factor.kind == "lever":
        lever = factor.name[len(LEVER_PREFIX) :]
        return _lever_sentence(inst, lever, factor.relaxed)
    if factor.kind == "criterion":
        if factor.name == "force_ratio":
            return force_short_of_all_units(inst) or _criterion_sentence(inst, "force_ratio")
        if factor.name == "required_arrivals":
            return required_sentence(inst)
        return _criterion_sentence(inst, factor.name)
    low, high = factor.declared or (None, None)
    return (
        f"{factor.label} is {factor.words(factor.current)} (declared range "
        f"{factor.words(low)} to {factor.words(high)})."
    )


def _move_sentence(inst: Instance, factor: Factor, value: Any) -> str:
    """The least move of a member that would do, in words."""
    current = factor.current
    if value == OFF:
        return "Only switching it off would do."
    if factor.name == lever_member("mobilization_order"):
        earlier = (current - value).days
        return (
            f"The mobilization order goes out on {pretty(current)}; it would have to go out by "
            f"{pretty(value)} ({days(earlier)} earlier)."
        )
    if factor.name == lever_member("north_share"):
        top = factor.relaxed
        if isinstance(value, tuple):
            floor = min(s.share for s in value)
            return (
                f"The North share schedule ({share_words(inst, current)}) would need every "
                f"day's share raised to at least {floor:.0%} (the South allows up to "
                f"{min(s.share for s in top):.0%})."
            )
        if value < current:
            return (
                f"The North gets {current:.0%} of the shipping pool; the South's requirements "
                f"allow at most {value:.0%}, which would do."
            )
        return (
            f"The North gets {current:.0%} of the shipping pool; it would need at least "
            f"{value:.0%} (the South allows up to {top:.0%})."
        )
    if factor.name == lever_member("withdrawal_scale"):
        rate = (
            f", {at_least(value / current)}× the case's rate"
            if current > 0 and current != 1
            else ""
        )
        return (
            f"The Soviet withdrawal rate is {current:g}× history; it would have to be at least "
            f"{value:g}× history{rate}."
        )
    declared = factor.declared
    past = (
        f", past its declared range {factor.words(declared[0])} to {factor.words(declared[1])}"
        if declared is not None and factor.kind != "range"
        else ""
    )
    if factor.kind == "criterion":
        if isinstance(value, dt.date):
            later = (value - current).days
            what = "a decision deadline" if factor.name == "decision_deadline" else "a deadline"
            return f"{what.capitalize()} of {pretty(value)} ({days(later)} later) would do{past}."
        what = "ratio" if factor.name == "force_ratio" else "limit"
        return (
            f"A {what} of {factor.words(value)} instead of {factor.words(current)} would do{past}."
        )
    return (
        f"{factor.label}: {factor.words(value)} would do instead of {factor.words(current)}{past}."
    )


def _reinforced(inst: Instance, day: int) -> str:
    """When the Soviet reaction reinforces the Far East before a day: the detection day, and
    that a later order would see fewer reinforcements arrive ('' otherwise)."""
    reaction = inst.case.soviet_reaction
    detect = detection_day(inst.case)
    if detect is None or detect >= day or not reaction.reinforce_per_day:
        return ""
    return (
        f", reinforced since the Soviets detected the mobilization on "
        f"{pretty(inst.case.date(detect))} ({days(reaction.detection_lag_days)} after the "
        f"order) at {reaction.reinforce_per_day:g} div.-eq. a day: a later order would leave "
        "them less time"
    )
