"""Hand-built cases where the Soviet reaction makes turning a lever the helpful way hurt
(DESIGN §1c), shared by the monotonicity properties and the breakeven tests.

Both start from tests/factory.py: day 0 is 1941-07-01, one Eastern front, units crossing
Moji → Pusan. Every number is chosen so the answers can be worked out by hand.
"""

from __future__ import annotations

import copy
from typing import Any

from kantokuen.models.case import Case
from tests.factory import base_data, day, division

# --- An earlier order is detected earlier -------------------------------------------------
#
# The Eastern front starts at 0.5 div.-eq. and sends 0.25 west by day 2 (linearly), at half
# the historical rate: 0.4375 left on day 1, 0.375 from day 2. The Soviets detect the order a
# day after it goes out and halt their withdrawals. Two divisions of 0.5 each cross in a day
# (no mobilization time, no sailing or rail time), and the force ratio needs 5 × 0.5 × S:
# 1.09 at 0.4375 (more than the 1.0 they bring), 0.94 at 0.375.
#
#   order day 0: detected day 1, the front stays at 0.4375 → no-go
#   order day 1: detected day 2, the front falls to 0.375 → go, X-Day day 2
#   order day 2: detected day 3 → go, X-Day day 2 (the divisions arrive on day 2)
#   order day 3: → go, X-Day day 3
#
# With a third, optional and slower unit (0.5 div.-eq. from North China, 9 days by rail) the
# day-0 order is a go after all, but only once that unit arrives: X-Day day 9 instead of day 2.

EARLY_ORDER: dict[str, Any] = {
    "calendar.horizon_days": 12,
    "units.div.mobilization_days": 0,
    "units.div.count": 2,
    "units.div.lift_tons": 1000,
    "units.div.combat_value": 0.5,
    "sea_routes.moji_pusan.sail_days": 0,
    "sea_routes.moji_pusan.cycle_days": 1,
    "rail.pusan_front.transit_days": 0,
    "fronts.east.initial_strength": 0.5,
    "fronts.east.withdrawals": [{"date": day(2), "cumulative": 0.25}],
    "levers.withdrawal_scale": 0.5,
    "criteria.force_ratio.ratio": 5,
    "criteria.force_ratio.soviet_factor": 0.5,
    "soviet_reaction": {"enabled": True, "detection_lag_days": 1, "halt_withdrawals": True},
}
SLOW_UNIT: dict[str, Any] = {
    "units.slow": division(
        name="North China division",
        origin="china",
        lift_tons=1000,
        mobilization_days=0,
        combat_value=0.5,
        required=False,
        moves=[{"rail": "china_front"}],
    ),
}

# --- Faster withdrawals free room under the ceiling ----------------------------------------
#
# Two fronts: the Eastern front (1 div.-eq., no withdrawals) receives all reaction
# reinforcements; the Western front (2 div.-eq., floor 1) sends 2 × scale west by day 1. The
# Soviets detect the order on day 3, halt, and bring 1 div.-eq. a day up to a ceiling of 2 for
# the Far East. Halving needs at most 0.7 × 3 = 2.1 on the decision day (= X-Day); the division
# arrives on day 7.
#
#   scale 0.5: the West falls to 1, the total to 2 = the ceiling: no reinforcements; on day 7
#              East 1 + West 1 = 2 ≤ 2.1 → go, X-Day day 7
#   scale 1.0: the West falls to its floor of 1, but the ceiling counts the 0 it would have:
#              1 div.-eq. of room, filled on day 4 and sent East: East 2 + West 1 = 3 > 2.1
#              from day 4 on → no-go

CEILING: dict[str, Any] = {
    "fronts.east.reinforcement_share": 1.0,
    "fronts.west": {
        "name": "Western front",
        "initial_strength": 2,
        "floor": 1,
        "reinforcement_share": 0.0,
        "withdrawals": [{"date": day(1), "cumulative": 2}],
    },
    "soviet_reaction": {
        "enabled": True,
        "detection_lag_days": 3,
        "halt_withdrawals": True,
        "reinforce_per_day": 1.0,
        "ceiling": 2.0,
    },
    "criteria.force_ratio.enabled": False,
    "criteria.halving": {"enabled": True, "fraction": 0.7},
    "levers.withdrawal_scale": 0.5,
}


def witness_data(changes: dict[str, Any]) -> dict[str, Any]:
    """The factory's base data with dotted-path changes, as raw case data. The changes are
    copied first: a later change inside an earlier one (`soviet_reaction.enabled` after
    `soviet_reaction`) must not alter the constants above."""
    data = base_data()
    for path, value in copy.deepcopy(changes).items():
        target = data
        parts = path.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return data


def witness_case(changes: dict[str, Any]) -> Case:
    return Case.model_validate(witness_data(changes))
