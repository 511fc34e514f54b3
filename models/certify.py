"""No-go certificates, checked without a solver (the verifier's side).

A no-go claims that no X-Day in days 0..horizon satisfies the rules. A certificate splits those
days into ranges, each with one reason that rules out every day in it, and `check_certificate`
recomputes every reason from the `Case` itself, through the verifier's own tables
(`models.verify`), never the planner's. The reasons:

- `decision_before_start`: the decision day (X-Day − decision-to-attack days) is before day 0.
- `movement`: a required unit cannot reach its front within the horizon at all (see
  `required_by`), whatever the X-Day and whatever the criteria.
- `south_readiness`: the South cannot have its tonnage, whatever the X-Day: at the case's North
  share (one number, or the schedule's share in force on each requirement's day), or (share
  `auto`) even with the North given nothing.
- `decision_deadline`: the decision day falls after the decision deadline.
- `weather`: X-Day + campaign days ends after the weather deadline.
- `halving`: Soviet Far East strength (in the criterion's measure) on the decision day is above
  the halving fraction of its day-0 level.
- `armour_air`: Soviet Far East tanks or aircraft (a measure of the criterion) on the decision
  day are above the criterion's fraction of their day-0 level.
- `required_arrivals`: X-Day falls before the last required unit could possibly arrive.
- `force_ratio`: on the named front, even with every unit of the case arriving as early as it
  possibly could, the combat value arrived by X-Day is below the force needed.

`required_by` bounds the last required arrival from below, with its witness: one unit's earliest
arrival with every resource free, or a facility (an embarkation or debarkation port, or a rail
line) that a set of required units cannot avoid on any of their moves. Those units reach it no
earlier than day a; the facility handles at most c a day, in its own measure (a port's tons,
a line's tons or trains), so their W take at least ceil(W / c) days, and a unit is through only
when its last part is (handling over days, DESIGN §1c); from there they need at least q more
days to their fronts: the last of them arrives no earlier than a + ceil(W / c) − 1 + q.

A certificate of kind `full_model` has no such arithmetic: CP-SAT proved the full model
infeasible; nor has one of kind `flow_relaxation`: CP-SAT proved the movement's flow relaxation
infeasible on the days left open (planner/flow_bound). Neither can be checked here, and the
result says so (`verified: false`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kantokuen.models.case import DIVISIONS, Case
from kantokuen.models.verify import (
    MoveFacts,
    UnitFacts,
    deadline_day,
    decision_lag,
    earliest_arrival,
    expand_units,
    fallen_to,
    fixed_share_bp,
    force_needed,
    latest_weather_x_day,
    line_rate,
    south_shortfalls,
    soviet_strength,
)

X_DAY_RULES = (
    "decision_before_start",
    "south_readiness",
    "decision_deadline",
    "weather",
    "halving",
    "armour_air",
)
MOVEMENT_RULES = ("movement", "required_arrivals", "force_ratio")
RULES = X_DAY_RULES + MOVEMENT_RULES
CHECKABLE_KINDS = ("criteria", "relaxation")


class _Facts:
    """What the checks need, computed once per certificate from the case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.horizon = case.calendar.horizon_days
        self.lag = decision_lag(case)
        self.units = expand_units(case)
        self.strength = soviet_strength(case)
        self.needed = force_needed(case, self.strength)
        self._combat: dict[str, list[int]] | None = None
        self._measures: dict[str, dict[str, list[int]]] = {}

    def enabled(self, criterion: str) -> bool:
        return bool(getattr(self.case.criteria, criterion).enabled)

    def measure(self, name: str) -> dict[str, list[int]]:
        """Soviet strength per front per day in a measure (division-equivalents, men, tanks,
        aircraft), computed once."""
        if name not in self._measures:
            self._measures[name] = soviet_strength(self.case, name)
        return self._measures[name]

    def total(self, measure: str, day: int) -> int:
        """Far East total of a measure on a day (thousandths)."""
        return sum(days[day] for days in self.measure(measure).values())

    def fallen(self, fraction: float, measures: tuple[str, ...], decision: int) -> bool:
        """Whether every measure's total on the decision day is at most the fraction of its
        day-0 total."""
        return all(fallen_to(fraction, self.measure(m), decision) for m in measures)

    def best_combat(self, front: str, x: int) -> int:
        """Combat value (milli-div.-eq.) of every unit of the front that could arrive by day x,
        each by its fastest move with every resource free."""
        if self._combat is None:
            self._combat = {f: [0] * (self.horizon + 1) for f in self.case.fronts}
            for u in self.units:
                day = min(earliest_arrival(u, m) for m in u.moves)
                for d in range(max(day, 0), self.horizon + 1):
                    self._combat[u.front][d] += u.combat
        return self._combat[front][x]


def _uses(unit: UnitFacts, move: MoveFacts, facility: str) -> tuple[int, int] | None:
    """(first day at the facility, fewest days from there to the front) for a move passing
    through `facility` (`embark:<port>`, `debark:<port>`, `rail:<line>`), else None."""
    kind, _, name = facility.partition(":")
    ready = unit.earliest_start + unit.mobilization_days
    if move.sea is None:
        return (ready, move.transit_days) if kind == "rail" and move.rail == name else None
    sail = ready + move.travel_to_port_days
    if kind == "embark" and move.embark == name:
        return sail, move.sail_days + move.transit_days
    if kind == "debark" and move.debark == name:
        return sail + move.sail_days, move.transit_days
    if kind == "rail" and move.rail == name:
        return sail + move.sail_days, move.transit_days
    return None


def _capacity(case: Case, facility: str) -> int | None:
    """A facility's daily rate in its own measure: a port's tons, a line's tons or trains."""
    kind, _, name = facility.partition(":")
    if kind in ("embark", "debark") and name in case.ports:
        return case.ports[name].tons_per_day
    if kind == "rail" and name in case.rail:
        return line_rate(case, name)
    return None


def _load(unit: UnitFacts, move: MoveFacts, facility: str) -> int:
    """What a unit takes of a facility of its move, in the facility's measure."""
    return move.on_rail if facility.startswith("rail:") else unit.handling


def last_required_arrival(case: Case, units: list[UnitFacts], witness: dict[str, Any]) -> int | str:
    """The witness's lower bound on the last required arrival, or why the witness is wrong."""
    by_id = {u.id: u for u in units}
    if "unit" in witness:
        unit = by_id.get(witness["unit"])
        if unit is None or not unit.required:
            return f"{witness['unit']} is not a required unit of the case"
        return min(earliest_arrival(unit, m) for m in unit.moves)
    facility = str(witness.get("facility", ""))
    capacity = _capacity(case, facility)
    members = [by_id.get(uid) for uid in witness.get("units", [])]
    if capacity is None or not members:
        return f"facility '{facility}' with units {witness.get('units')} is no witness"
    firsts, tails, tons = [], [], 0
    for uid, unit in zip(witness["units"], members, strict=True):
        if unit is None or not unit.required:
            return f"{uid} is not a required unit of the case"
        uses = [_uses(unit, m, facility) for m in unit.moves]
        if any(use is None for use in uses):
            return f"{uid} has a move that avoids {facility}"
        firsts.append(min(use[0] for use in uses if use is not None))
        tails.append(min(use[1] for use in uses if use is not None))
        tons += _load(unit, unit.moves[0], facility)  # every move passes it: the same load
    return min(firsts) + math.ceil(tons / capacity) - 1 + min(tails)


def _south_fails(facts: _Facts) -> bool:
    """The South misses a requirement whatever the X-Day (the case's share, one number or the
    schedule's step in force on each requirement's day; share 0 when auto)."""
    if not facts.enabled("south_readiness"):
        return False
    share = fixed_share_bp(facts.case)
    return bool(south_shortfalls(facts.case, 0 if share is None else share))


def _rule_holds(facts: _Facts, rule: str, x: int, front: str | None, last: int | None) -> bool:
    """Whether `rule` rules out X-Day `x` (`last`: the witnessed last required arrival)."""
    decision = x - facts.lag
    halving, armour_air = facts.case.criteria.halving, facts.case.criteria.armour_air
    tests: dict[str, Callable[[], bool]] = {
        "decision_before_start": lambda: decision < 0,
        "movement": lambda: last is not None and last > facts.horizon,
        "south_readiness": lambda: _south_fails(facts),
        "decision_deadline": lambda: (
            facts.enabled("decision_deadline") and decision > deadline_day(facts.case)
        ),
        "weather": lambda: facts.enabled("weather") and x > latest_weather_x_day(facts.case),
        "halving": lambda: (
            facts.enabled("halving")
            and 0 <= decision <= facts.horizon
            and not facts.fallen(halving.fraction, (halving.measure,), decision)
        ),
        "armour_air": lambda: (
            facts.enabled("armour_air")
            and 0 <= decision <= facts.horizon
            and not facts.fallen(armour_air.fraction, armour_air.measures, decision)
        ),
        "required_arrivals": lambda: (
            facts.enabled("required_arrivals") and last is not None and x < last
        ),
        "force_ratio": lambda: (
            facts.enabled("force_ratio")
            and front in facts.needed
            and facts.best_combat(front, x) < facts.needed[front][x]
        ),
    }
    return tests[rule]()


def check_certificate(case: Case, certificate: dict[str, Any]) -> list[str]:
    """Every way the certificate fails to prove that no X-Day in 0..horizon is possible
    (empty: the no-go is verified)."""
    kind = certificate.get("kind")
    if kind not in CHECKABLE_KINDS:
        return [f"a certificate of kind '{kind}' cannot be checked without a solver"]
    facts = _Facts(case)
    out: list[str] = []
    last: int | None = None
    witness = certificate.get("required_by")
    if witness is not None:
        bound = last_required_arrival(case, facts.units, witness)
        if isinstance(bound, str):
            out.append(bound)
        elif bound != witness.get("day"):
            out.append(
                f"the witness gives a last required arrival on day {bound}, "
                f"not day {witness.get('day')}"
            )
        else:
            last = bound
    covered = [False] * (facts.horizon + 1)
    for ex in certificate.get("exclusions", []):
        rule, front = ex.get("rule"), ex.get("front")
        first, final = int(ex.get("first", 0)), int(ex.get("last", -1))
        if rule not in RULES:
            out.append(f"unknown reason '{rule}'")
            continue
        if not 0 <= first <= final <= facts.horizon:
            out.append(f"{rule}: days {first}..{final} are not a range inside 0..{facts.horizon}")
            continue
        wrong = [x for x in range(first, final + 1) if not _rule_holds(facts, rule, x, front, last)]
        if wrong:
            out.append(
                f"{rule}{f' ({front})' if front else ''} does not rule out day {wrong[0]}"
                + (f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else "")
            )
        elif rule == "halving" and ex.get("measure", DIVISIONS) != case.criteria.halving.measure:
            out.append(
                f"halving: the measure stated is {ex.get('measure', DIVISIONS)}, not the "
                f"criterion's {case.criteria.halving.measure}"
            )
        elif ex.get("numbers", {}) != stated_numbers(facts, rule, final, front):
            out.append(
                f"{rule}: the numbers stated for day {final} are {ex.get('numbers')}, "
                f"not {stated_numbers(facts, rule, final, front)}"
            )
        for x in range(first, final + 1):
            covered[x] = True
    open_days = [x for x, done in enumerate(covered) if not done]
    if open_days:
        out.append(
            f"day {open_days[0]} is not ruled out by any reason"
            + (f" (and {len(open_days) - 1} more)" if len(open_days) > 1 else "")
        )
    uses_movement = any(
        ex.get("rule") in MOVEMENT_RULES for ex in certificate.get("exclusions", [])
    )
    if kind == "criteria" and uses_movement:
        out.append("a 'criteria' certificate may only use reasons that depend on X-Day alone")
    return out


def stated_numbers(facts: _Facts, rule: str, x: int, front: str | None) -> dict[str, int]:
    """The numbers an exclusion states for its last day, so the reader sees the arithmetic:
    Soviet total on the decision day and on day 0 (halving, in its measure; armour and air,
    `<measure>` and `<measure>_initial` for each of its measures), combat value that could have
    arrived and the force needed (force ratio); thousandths of each measure's unit."""
    decision = x - facts.lag
    if rule == "halving":
        measure = facts.case.criteria.halving.measure
        return {"soviet": facts.total(measure, decision), "initial": facts.total(measure, 0)}
    if rule == "armour_air":
        out: dict[str, int] = {}
        for measure in facts.case.criteria.armour_air.measures:
            out[measure] = facts.total(measure, decision)
            out[f"{measure}_initial"] = facts.total(measure, 0)
        return out
    if rule == "force_ratio" and front in facts.needed:
        return {"arrived": facts.best_combat(front, x), "needed": facts.needed[front][x]}
    return {}
