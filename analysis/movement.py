"""The movement alone, for a no-go's map: how far the Japanese movement would have got by the
latest X-Day the deadlines allowed, had the criteria that decide the go not stopped it.

A no-go has no plan. To show where the movement stood, the same case is solved with every
go/no-go criterion off (halving, armour and air, force ratio, decision deadline, weather): what
is left are the movement's own rules (mobilization, shipping, ports, rail, the South's share,
the required units arriving within the horizon). The map counts that plan's flows to the
latest X-Day the real deadlines allowed. When even the movement alone has no plan (the South
starves the North, or the horizon is too short) there is none to show.
"""

from __future__ import annotations

from kantokuen.models.plan import Result
from kantokuen.models.scenarios import LoadedCase, with_overrides
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions

SWITCHED_OFF = ("halving", "armour_air", "force_ratio", "decision_deadline", "weather")
ORIGIN = "movement alone"


def movement_alone(loaded: LoadedCase, options: SolveOptions | None = None) -> Result | None:
    """The verified plan of the movement alone, or None when it has none."""
    relaxed = with_overrides(
        loaded, {f"criteria.{name}.enabled": False for name in SWITCHED_OFF}, ORIGIN
    )
    result = solve(relaxed, options)
    return result if result.go else None
