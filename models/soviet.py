"""Soviet Far East strength over time (DESIGN rule 6).

S_f(d) = max(floor_f, initial_f − scale · W_f(d) + R_f(d)), where W_f is the cumulative
withdrawal schedule (linear between its points, from zero at the calendar start, flat after
the last point) and R_f the reaction: once Japanese mobilization is detected (order day +
lag), withdrawals may halt and reinforcements arrive along the Trans-Siberian Railway at a
fixed rate, never lifting the Far East total above the railway's ceiling.
"""

from __future__ import annotations

from models.case import Case, Front

MILLI = 1000


def withdrawn(front: Front, case: Case, day: float) -> float:
    """Cumulative division-equivalents the front has sent west by a day (history scale)."""
    points = [(0.0, 0.0)] + [(float(case.day(p.date)), p.cumulative) for p in front.withdrawals]
    if day <= 0:
        return 0.0
    for (d0, w0), (d1, w1) in zip(points, points[1:], strict=False):
        if day <= d1:
            return w0 + (w1 - w0) * (day - d0) / (d1 - d0) if d1 > d0 else w1
    return points[-1][1]


def detection_day(case: Case) -> int | None:
    """Day the Soviets detect Japanese mobilization, or None without a reaction."""
    reaction = case.soviet_reaction
    return case.order_day + reaction.detection_lag_days if reaction.enabled else None


def strength_floats(case: Case, horizon: int) -> dict[str, list[float]]:
    """Strength per front per day in division-equivalents."""
    scale = case.levers.withdrawal_scale
    reaction = case.soviet_reaction
    detect = detection_day(case)
    out: dict[str, list[float]] = {f: [] for f in case.fronts}
    for day in range(horizon + 1):
        base: dict[str, float] = {}
        for key, front in case.fronts.items():
            until = min(day, detect) if detect is not None and reaction.halt_withdrawals else day
            base[key] = front.initial_strength - scale * withdrawn(front, case, until)
        reinforced = 0.0
        if detect is not None and day > detect:
            room = max(0.0, reaction.ceiling - sum(base.values()))
            reinforced = min(reaction.reinforce_per_day * (day - detect), room)
        for key, front in case.fronts.items():
            out[key].append(max(front.floor, base[key] + front.reinforcement_share * reinforced))
    return out


def strength_table(case: Case, horizon: int) -> dict[str, tuple[int, ...]]:
    """Strength per front per day in milli-division-equivalents (rounded)."""
    return {f: tuple(round(v * MILLI) for v in days) for f, days in strength_floats(case, horizon).items()}
