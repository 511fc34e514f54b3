"""How far a criterion on Soviet strength (halving, armour and air) is from holding, and the
last decision day the deadlines allow: table arithmetic, no solving."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kantokuen.models.instance import Instance, decimal
from kantokuen.models.soviet import total_on


def _holds(inst: Instance, criterion: str) -> tuple[bool, ...]:
    """Per day, whether a criterion on Soviet strength (halving, armour and air) holds."""
    return inst.armour_air_holds if criterion == "armour_air" else inst.halving_holds


def holds_at_scale(inst: Instance, criterion: str, scale: float, day: int) -> bool:
    """Whether a criterion on Soviet strength holds on one decision day at another withdrawal
    scale: `Instance.fallen_to`'s exact rule, computing that one day only."""
    case = inst.case.model_copy(
        update={"levers": inst.case.levers.model_copy(update={"withdrawal_scale": scale})}
    )
    fraction, measures = criterion_measures(inst, criterion)
    limit = decimal(fraction)
    return all(
        total_on(case, day, measure) <= limit * inst.measure_total(measure, 0)
        for measure in measures
    )


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
    if not holds_at_scale(inst, criterion, upper, decision_day):
        return None
    lo, hi = 0, round(upper * 100)  # hundredths of the scale
    if holds_at_scale(inst, criterion, 0.0, decision_day):
        return 0.0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        holds = holds_at_scale(inst, criterion, mid / 100, decision_day)
        lo, hi = (lo, mid) if holds else (mid, hi)
    return hi / 100


def order_needed(inst: Instance, criterion: str, day: int) -> dt.date | None:
    """The earliest order after the case's at which a criterion on Soviet strength holds on a
    decision day, when the Soviet reaction halts withdrawals once the mobilization is seen (a
    later order, a later detection); None when no order up to that day would do."""
    case = inst.case
    fraction, measures = criterion_measures(inst, criterion)
    limit = decimal(fraction)
    for order in range(case.order_day + 1, day + 1):
        date = case.date(order)
        moved = case.model_copy(
            update={"levers": case.levers.model_copy(update={"mobilization_order": date})}
        )
        if all(total_on(moved, day, m) <= limit * inst.measure_total(m, 0) for m in measures):
            return date
    return None


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
