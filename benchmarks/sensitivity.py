"""How one port's or one rail line's daily rate moves the movement's completion (issue 13).

`python -m benchmarks sensitivity [--case FILE] [--time-limit S]` solves the case's movement
alone (below) with every port's and rail line's rate cut and raised by 10% one at a time, and
every port cut by 25%, and prints one JSON line per change: the facility, its rate before and
after, its busy span in the plan at the faster rate, the completion day before and after, the
change in days and the bound `tests/test_sensitivity.py` holds it to, and seconds.

The claim (the issue's "done when"): a ±10% change in any single rate moves the completion by
days in proportion, not by weeks, and a 25% cut at any port is a question the planner answers
(GO or a certified NO-GO), not an input error. Before handling over days a unit was handled in
one day, so a rate acted through whole-unit packing: Dairen at 9,000 t/day instead of 9,600
landed one 4,800 t echelon a day instead of two, and the completion moved by a month.

*The movement alone* is the case's `crash-schedule` scenario (or the base case if it has none)
with every go/no-go criterion on the Soviet side and on the calendar off (halving, armour and
air, force ratio, decision deadline, weather): X-Day is then the day the last required unit
arrives, which is what "the movement's completion" means here.

*The bound.* Take the plan at the faster of the two rates, and let L be its facility's busy
span: the days from the first to the last on which it handles anything (loading or unloading
at a port, entraining on a line). At the faster rate Rf the facility does at most Rf x L of
work in that span; at the slower rate Rs the same work needs L x Rf / Rs days, L x (Rf - Rs) /
Rs more. Everything waiting for the facility is then late by at most those extra days, in
whole days (a ceiling), plus one day of grain: a unit whose last part now spills into the next
day is through a day later (the block rule). So

    0 <= completion(slow) - completion(fast) <= ceil(L x (Rf - Rs) / Rs) + 1

(the left side: a faster rate never makes the completion later, since the slower plan still
works). For a 10% cut (Rs = 0.9 Rf) that is L/9 days, for a 10% raise (Rf = 1.1 Rs) L/10 days,
each plus one: 5 days on a facility busy for 40 days, so the old month-long jump fails it.
The argument is not a proof for every case (a delay can shift other traffic on shared ships and
lines), which is why it is a test: a change beyond it is a grain artefact to explain.

An answer whose X-Day is not proven within the time limit has a proven lower bound (`lower`)
and a verified plan (`completion`); the true completion lies between them. The check then
takes the widest change the proofs allow, `worst_delta`: the slower rate's plan against the
faster rate's bound. A change that passes this way passes for every optimum the proofs allow;
on a proven case it is the plain difference.

Rates are whole numbers in the case (tons or trains a day): a change is rounded half to even
and is at least one (a line of five trains a day goes to four and to six, a 20% change), and
the bound uses the rates as changed.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from kantokuen.models.case import Case
from kantokuen.models.plan import Result, Status
from kantokuen.models.scenarios import load
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions

MOVEMENT_SCENARIO = "crash-schedule"
GO_NO_GO = ("halving", "armour_air", "force_ratio", "decision_deadline", "weather")
"""The criteria switched off for the movement alone; south_readiness (the South's shipping)
and required_arrivals (X-Day waits for every required unit) stay: they are the movement."""
STEPS = (Fraction(-1, 10), Fraction(1, 10))
PORT_CUT = Fraction(-1, 4)
PROVEN = (Status.OPTIMAL, Status.INFEASIBLE)


@dataclass(frozen=True)
class Facility:
    """A port or a rail line, with the dotted path of its daily rate."""

    kind: str  # "port" or "rail"
    id: str
    path: str
    rate: int


@dataclass(frozen=True)
class Movement:
    """The movement alone, solved: completion (X-Day's day index, None for a no-go), whether
    the answer is proven and verified, and each facility's busy span in the plan."""

    status: str
    completion: int | None
    lower: int | None  # proven lower bound on the completion (= completion when proven)
    proven: bool  # a no-go proven, or X-Day equal to its bound (other terms may be open)
    verified: bool
    spans: dict[str, int]
    last: dict[str, int]  # each used facility's last handling day
    seconds: float


def facilities(case: Case) -> list[Facility]:
    """Every port and rail line of the case, in case order."""
    out = [
        Facility("port", p, f"ports.{p}.tons_per_day", port.tons_per_day)
        for p, port in case.ports.items()
    ]
    for r, line in case.rail.items():
        field = "trains_per_day" if line.measure == "trains" else "tons_per_day"
        out.append(Facility("rail", r, f"rail.{r}.{field}", line.per_day))
    return out


def movement_sets(case: Case) -> tuple[str, ...]:
    """The --set assignments that switch the go/no-go criteria the case has on off."""
    return tuple(
        f"criteria.{name}.enabled=false"
        for name in GO_NO_GO
        if getattr(case.criteria, name).enabled
    )


def changed(rate: int, step: Fraction) -> int:
    """The rate changed by `step` (a fraction of it), rounded half to even, by at least one and
    never below one."""
    exact = rate * (1 + step)
    new = round(exact)
    if new == rate:
        new = rate + (1 if step > 0 else -1)
    return max(1, new)


def handling_days(result: Result) -> dict[str, list[int]]:
    """The days each facility handles anything in the plan (at a port, loading or unloading)."""
    out: dict[str, list[int]] = {}
    for p, use in result.usage.get("ports", {}).items():
        out[p] = _days(use["loaded"]) + _days(use["unloaded"])
    for r, use in result.usage.get("rail", {}).items():
        out[r] = _days(use["entrained"])
    return out


def spans(result: Result) -> dict[str, int]:
    """Each facility's busy span in the plan: days from its first to its last day with any
    handling (at a port, loading and unloading each; the longer), 0 when unused."""
    out: dict[str, int] = {}
    for p, use in result.usage.get("ports", {}).items():
        out[p] = max(_span(_days(use["loaded"])), _span(_days(use["unloaded"])))
    for r, use in result.usage.get("rail", {}).items():
        out[r] = _span(_days(use["entrained"]))
    return out


def _days(per_day: list[int]) -> list[int]:
    return [d for d, amount in enumerate(per_day) if amount > 0]


def _span(days: list[int]) -> int:
    return days[-1] - days[0] + 1 if days else 0


def bound(span_fast: int, fast: int, slow: int) -> int:
    """The most days the slower rate may add to the completion (module doc)."""
    return math.ceil(Fraction(span_fast * (fast - slow), slow)) + 1


def worst_delta(fast: Movement, slow: Movement) -> int:
    """The largest completion(slow) - completion(fast) the answers allow: the slower rate's
    plan against the faster rate's proven bound (module doc)."""
    assert slow.completion is not None and fast.lower is not None
    return slow.completion - fast.lower


def movement(file: str, sets: tuple[str, ...], options: SolveOptions) -> Movement:
    """Solve the movement alone of `file` with extra assignments `sets`."""
    base = load(file)
    scenario = MOVEMENT_SCENARIO if MOVEMENT_SCENARIO in base.case.scenarios else None
    loaded = load(file, scenario, (*movement_sets(base.case), *sets))
    started = time.perf_counter()
    result = solve(loaded, options, corrections=0)
    return Movement(
        status=str(result.status),
        completion=result.x_day_index if result.go else None,
        lower=round(result.bound["x_day"]) if result.go and "x_day" in result.bound else None,
        proven=result.status in PROVEN
        or (result.go and result.bound.get("x_day") == result.objective.get("x_day")),
        verified=result.verified,
        spans=spans(result),
        last={f: max(days) for f, days in handling_days(result).items() if days},
        seconds=round(time.perf_counter() - started, 2),
    )


def sweep(
    file: str, options: SolveOptions, only: Callable[[Facility], bool] = lambda f: True
) -> Iterator[dict[str, Any]]:
    """The base movement, then each chosen facility at ±10% (and a port at -25%): one row
    each, with the bound for the ±10% rows (module doc)."""
    base = movement(file, (), options)
    yield {"change": "as shipped", **asdict(base)}
    for fac in facilities(load(file).case):
        if not only(fac):
            continue
        steps = STEPS + ((PORT_CUT,) if fac.kind == "port" else ())
        for step in steps:
            rate = changed(fac.rate, step)
            moved = movement(file, (f"{fac.path}={rate}",), options)
            row: dict[str, Any] = {
                "change": f"{float(step):+.0%}",
                "facility": fac.id,
                "kind": fac.kind,
                "rate": fac.rate,
                "changed_rate": rate,
                "status": moved.status,
                "proven": moved.proven,
                "verified": moved.verified,
                "completion_before": base.completion,
                "completion_after": moved.completion,
                "seconds": moved.seconds,
            }
            if step in STEPS and base.completion is not None and moved.completion is not None:
                fast, slow = (base, moved) if rate < fac.rate else (moved, base)
                assert slow.completion is not None
                row["span_fast"] = fast.spans.get(fac.id, 0)
                row["delta"] = moved.completion - base.completion
                row["worst_delta"] = worst_delta(fast, slow)
                row["bound"] = bound(row["span_fast"], max(rate, fac.rate), min(rate, fac.rate))
            yield row


def main(file: str, seconds: float, out: Callable[[str], None]) -> None:
    options = SolveOptions(time_limit=seconds, workers=1, seed=0)
    for row in sweep(file, options):
        out(json.dumps(row))
