"""Soviet Far East strength over time (DESIGN rule 6), the planner's table.

S_f(d) = max(floor_f, initial_f − scale · W_f(d) + R_f(d)), where W_f is the cumulative
withdrawal schedule (linear between its points, from zero at the calendar start, flat after
the last point) and R_f the reaction: once Japanese mobilization is detected (order day +
lag), withdrawals may halt and reinforcements arrive along the Trans-Siberian Railway at a
fixed rate, never lifting the Far East total above the railway's ceiling.

The arithmetic is exact: every case number is read as the decimal it is written as
(`Fraction(str(x))`), and S_f(d) is rounded half-to-even to a thousandth of a
division-equivalent only at the end. The verifier (`models.verify`) computes the same rule in
its own code; the two must give identical integers.
"""

from __future__ import annotations

from fractions import Fraction

from kantokuen.models.case import Case, Front

MILLI = 1000


def _decimal(value: float) -> Fraction:
    """The exact value of a case number as written (0.1 → 1/10)."""
    return Fraction(str(value))


Schedule = list[tuple[int, Fraction]]  # (day, cumulative withdrawn), from (0, 0)


def schedule(front: Front, case: Case) -> Schedule:
    """The front's withdrawal points as (day, exact cumulative), starting from (0, 0)."""
    points = [(case.day(p.date), _decimal(p.cumulative)) for p in front.withdrawals]
    return [(0, Fraction(0)), *points]


def withdrawn(points: Schedule, day: int) -> Fraction:
    """Cumulative division-equivalents withdrawn by a day (history scale): linear between
    points, flat after the last one, nothing on day 0 or before."""
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


def strength_exact(case: Case, horizon: int) -> dict[str, list[Fraction]]:
    """Strength per front per day in division-equivalents, as exact fractions."""
    scale = _decimal(case.levers.withdrawal_scale)
    reaction = case.soviet_reaction
    rate, ceiling = _decimal(reaction.reinforce_per_day), _decimal(reaction.ceiling)
    detect = detection_day(case)
    fronts = {
        key: (
            _decimal(front.initial_strength),
            _decimal(front.floor),
            _decimal(front.reinforcement_share),
            schedule(front, case),
        )
        for key, front in case.fronts.items()
    }
    out: dict[str, list[Fraction]] = {f: [] for f in fronts}
    for day in range(horizon + 1):
        until = min(day, detect) if detect is not None and reaction.halt_withdrawals else day
        base = {
            key: initial - scale * withdrawn(points, until)
            for key, (initial, _, _, points) in fronts.items()
        }
        reinforced = Fraction(0)
        if detect is not None and day > detect:
            room = max(Fraction(0), ceiling - sum(base.values(), Fraction(0)))
            reinforced = min(rate * (day - detect), room)
        for key, (_, floor, share, _) in fronts.items():
            out[key].append(max(floor, base[key] + share * reinforced))
    return out


def strength_table(case: Case, horizon: int) -> dict[str, tuple[int, ...]]:
    """Strength per front per day in milli-division-equivalents, rounded half to even."""
    table = strength_exact(case, horizon)
    return {f: tuple(round(v * MILLI) for v in days) for f, days in table.items()}
