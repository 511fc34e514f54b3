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

import hashlib
from dataclasses import replace

from kantokuen.models.plan import Result
from kantokuen.models.scenarios import LoadedCase, with_overrides
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions

SWITCHED_OFF = ("halving", "armour_air", "force_ratio", "decision_deadline", "weather")
ORIGIN = "movement alone"


# Of the time limit, for the movement alone: an illustration, not an answer, so any verified
# plan will do, and the fastest is not worth the whole limit (the rebuilt historical case's
# movement is not proven in minutes: a report of three no-gos took 3 minutes, one a scenario).
SHARE = 0.1


def movement_key(relaxed: LoadedCase) -> str:
    """What the movement alone depends on: the case without the criteria switched off (their
    dates and ratios cannot change its plan) and without its scenarios."""
    text = relaxed.case.model_dump_json(
        exclude={"criteria": set(SWITCHED_OFF), "scenarios": True, "uncertainties": True}
    )
    return hashlib.sha256(text.encode()).hexdigest()


def movement_alone(
    loaded: LoadedCase,
    options: SolveOptions | None = None,
    known: dict[str, Result | None] | None = None,
) -> Result | None:
    """A verified plan of the movement alone (within `SHARE` of the time limit: the best found,
    not necessarily the fastest; its status says which), or None when it has none. `known`
    keeps the answers already found in one report (`movement_key`): scenarios that differ only
    in the go/no-go criteria share one movement."""
    relaxed = with_overrides(
        loaded, {f"criteria.{name}.enabled": False for name in SWITCHED_OFF}, ORIGIN
    )
    key = movement_key(relaxed)
    if known is not None and key in known:
        return known[key]
    given = options or SolveOptions()
    budget = replace(given, time_limit=max(1.0, SHARE * given.time_limit))
    result = solve(relaxed, budget, corrections=0)
    movement = result if result.go else None
    if known is not None:
        known[key] = movement
    return movement
