"""Soviet Far East strength over time (DESIGN rule 6), the planner's table.

S_f(d) = max(floor_f, initial_f − scale · W_f(d) + F_f(d) + R_f(d)), where W_f is the
cumulative withdrawal schedule and F_f the cumulative formations schedule (each linear between
its points, from zero at the calendar start, flat after the last point), and R_f the reaction:
once Japanese mobilization is detected (order day + lag), withdrawals may halt and
reinforcements arrive along the Trans-Siberian Railway at a fixed rate, never lifting the Far
East total above the railway's ceiling.

Formations are new divisions raised on the spot (local call-ups), not transfers: the
withdrawal scale, the counterfactual "how fast Moscow strips the Far East for the European
war", does not scale them, and the reaction's halt does not stop them.

A front may carry more measures than division-equivalents — men, tanks, aircraft — each with
its own initial value, floor, withdrawals and formations, by the same rule; the reaction halts
their withdrawals too, but its reinforcements are counted in division-equivalents only.

The arithmetic is exact: every case number is read as the decimal it is written as
(`Fraction(str(x))`), and S_f(d) is rounded half-to-even to a thousandth of its unit only at
the end. The verifier (`models.verify`) computes the same rule in its own code; the two must
give identical integers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from kantokuen.models.case import DIVISIONS, Case

MILLI = 1000


def _decimal(value: float) -> Fraction:
    """The exact value of a case number as written (0.1 → 1/10)."""
    return Fraction(str(value))


Schedule = list[tuple[int, Fraction]]  # (day, cumulative), from (0, 0)


def schedule(points: Sequence[Any], case: Case) -> Schedule:
    """A cumulative schedule's points (withdrawals or formations) as (day, exact cumulative),
    starting from (0, 0)."""
    return [(0, Fraction(0)), *((case.day(p.date), _decimal(p.cumulative)) for p in points)]


def cumulative(points: Schedule, day: int) -> Fraction:
    """How much a cumulative schedule holds by a day: linear between points, flat after the
    last one, nothing on day 0 or before."""
    if day <= 0:
        return Fraction(0)
    for (d0, w0), (d1, w1) in zip(points, points[1:], strict=False):
        if day <= d1:
            return w0 + (w1 - w0) * (day - d0) / (d1 - d0) if d1 > d0 else w1
    return points[-1][1]


def detection_day(case: Case) -> int | None:
    """Day the Soviets detect Japanese mobilization, or None without a reaction."""
    reaction = case.soviet_reaction
    return case.order_day + reaction.detection_lag_days if reaction.enabled else None


class _FrontRule:
    """One front's numbers in one measure, exact: initial, floor, reaction share, schedules."""

    def __init__(self, case: Case, key: str, measure: str) -> None:
        front = case.fronts[key]
        if measure == DIVISIONS:
            self.initial, self.floor = _decimal(front.initial_strength), _decimal(front.floor)
            self.share = _decimal(front.reinforcement_share)
            self.withdrawals = schedule(front.withdrawals, case)
            self.formations = schedule(front.formations, case)
        else:
            count = front.measure(measure)
            assert count is not None
            self.initial, self.floor = Fraction(count.initial), Fraction(count.floor)
            self.share = Fraction(0)  # reinforcements are division-equivalents only
            self.withdrawals = schedule(count.withdrawals, case)
            self.formations = schedule(count.formations, case)

    def base(self, scale: Fraction, withdrawn_until: int, day: int) -> Fraction:
        """Before floor and reinforcements: initial − scale × withdrawn (up to the day
        withdrawals halt) + formed by the day (formations are never halted or scaled)."""
        return (
            self.initial
            - scale * cumulative(self.withdrawals, withdrawn_until)
            + cumulative(self.formations, day)
        )


def fronts_with(case: Case, measure: str) -> list[str]:
    """The fronts that give a measure (every front gives division-equivalents)."""
    if measure == DIVISIONS:
        return list(case.fronts)
    return [key for key, front in case.fronts.items() if getattr(front, measure) is not None]


def strength_exact(
    case: Case, horizon: int, measure: str = DIVISIONS, days: Iterable[int] | None = None
) -> dict[str, list[Fraction]]:
    """Strength per front per day 0..horizon (or on the given days only) in one measure, as
    exact fractions (only the fronts that give the measure)."""
    scale = _decimal(case.levers.withdrawal_scale)
    reaction = case.soviet_reaction
    rate, ceiling = _decimal(reaction.reinforce_per_day), _decimal(reaction.ceiling)
    detect = detection_day(case)
    rules = {key: _FrontRule(case, key, measure) for key in fronts_with(case, measure)}
    out: dict[str, list[Fraction]] = {f: [] for f in rules}
    for day in range(horizon + 1) if days is None else days:
        until = min(day, detect) if detect is not None and reaction.halt_withdrawals else day
        base = {key: rule.base(scale, until, day) for key, rule in rules.items()}
        reinforced = Fraction(0)
        if measure == DIVISIONS and detect is not None and day > detect:
            total = sum(base.values(), Fraction(0))
            reinforced = min(rate * (day - detect), max(Fraction(0), ceiling - total))
        for key, rule in rules.items():
            out[key].append(max(rule.floor, base[key] + rule.share * reinforced))
    return out


def strength_table(
    case: Case, horizon: int, measure: str = DIVISIONS
) -> dict[str, tuple[int, ...]]:
    """Strength per front per day in thousandths of the measure's unit (milli-division-
    equivalents, milli-tanks, ...), rounded half to even. Remembered by the numbers it depends
    on: a sweep's points that vary only the Japanese side share one table (the exact
    arithmetic costs tens of milliseconds a table)."""
    key = _soviet_inputs(case, horizon, measure)
    known = _TABLES.get(key)
    if known is None:
        table = strength_exact(case, horizon, measure)
        known = {f: tuple(round(v * MILLI) for v in days) for f, days in table.items()}
        if len(_TABLES) >= 64:
            _TABLES.clear()
        _TABLES[key] = known
    return dict(known)


_TABLES: dict[str, dict[str, tuple[int, ...]]] = {}


def _soviet_inputs(case: Case, horizon: int, measure: str) -> str:
    """Everything `strength_exact` reads of a case: the calendar start (days of the
    schedules), the order day (detection), the withdrawal scale, the reaction and the fronts."""
    return json.dumps(
        [
            horizon,
            measure,
            case.calendar.start.isoformat(),
            case.levers.mobilization_order.isoformat(),
            str(case.levers.withdrawal_scale),
            case.soviet_reaction.model_dump(mode="json"),
            {k: front.model_dump(mode="json") for k, front in case.fronts.items()},
        ],
        sort_keys=True,
    )


def total_on(case: Case, day: int, measure: str = DIVISIONS) -> int:
    """The Far East total of a measure on one day, in thousandths: the sum over the fronts of
    `strength_table`'s values on that day, without computing the other days."""
    table = strength_exact(case, case.calendar.horizon_days, measure, days=(day,))
    return sum(round(values[0] * MILLI) for values in table.values())
