"""The independent verifier: re-checks a plan against the case, rule by rule, without ortools.

This module is the executable form of DESIGN.md §1b. Each `check_<rule>` states one rule in
domain words and returns *all* its violations. The planner has one constraint family per
rule with the same name; a test fails if either side lacks the other.

The verifier reads the `Case` itself and recomputes every number it checks in its own plain
code: the units after `count:` expansion, their earliest starts and moves, the pool per day,
North capacity, port and rail loads, Soviet strength, the force needed, the decision day and
the weather. It imports only the case schema and the plan types, never the planner's tables
(`models.instance`, `models.soviet`, `planner/`): two implementations that must agree, so a
mistake in either shows up as a disagreement instead of passing every check.

Numbers are exact integers. Strength and combat value are in milli-division-equivalents
(`MILLI`), shares in basis points (`BP`). A case number is taken as the decimal it is written
as (`Fraction(str(x))`: 0.1 is one tenth, not the nearest binary float); a Soviet strength is
that exact value rounded half-to-even to a thousandth of a division-equivalent; the force
needed is the exact ceiling of ratio × Soviet factor × strength; halving holds when the total
on the decision day is at most fraction × the day-0 total, exactly.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

from kantokuen.models.case import DIVISIONS, MEASURE_UNITS, Case, Front, Move, Unit
from kantokuen.models.plan import Plan, UnitPlan

MILLI = 1000  # strength and combat unit: 1 division-equivalent = 1000
BP = 10_000  # share unit: 100% = 10,000 basis points


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


# --- The case, recomputed: units, pool, Soviet strength, criteria days -----------------------


@dataclass(frozen=True)
class MoveFacts:
    """One allowed way for a unit to reach its front: an optional sea leg, then a rail leg.
    A rail-only move has no ports and no days at sea or on the way to a port."""

    sea: str | None
    embark: str | None
    debark: str | None
    sail_days: int
    cycle_days: int
    travel_to_port_days: int
    rail: str
    transit_days: int
    on_rail: int = 0  # what the unit takes of the line, in the line's measure (tons or trains)


@dataclass(frozen=True)
class UnitFacts:
    """One unit after `count:` expansion; combat value in milli-division-equivalents. `lift`
    is the ship space it holds at sea (GRT), `handling` what a port handles of it (tons)."""

    id: str
    template: str
    name: str
    origin: str
    men: int
    lift: int
    combat: int
    front: str
    required: bool
    earliest_start: int
    mobilization_days: int
    moves: tuple[MoveFacts, ...]
    handling: int = 0


def exact(value: float) -> Fraction:
    """A case number as the decimal it is written as (0.1 is exactly one tenth)."""
    return Fraction(str(value))


def to_milli(value: Fraction) -> int:
    """An exact number of division-equivalents in thousandths, rounded half to even."""
    return round(value * MILLI)


def _ids(key: str, count: int) -> list[str]:
    """A `count:` entry's unit ids: the key itself for one unit, else key-1..key-n with the
    number zero-padded to as many digits as n has (key-01..key-12)."""
    if count == 1:
        return [key]
    digits = len(str(count))
    return [key + "-" + str(n).zfill(digits) for n in range(1, count + 1)]


def ship_space(case: Case, unit: Unit) -> int:
    """GRT of shipping the unit holds at sea: `lift_tons` when it gives it; otherwise men ×
    GRT per man + horses × GRT per horse + cargo × GRT per cargo ton, exactly, and the next
    whole ton up."""
    if unit.lift_tons is not None:
        return unit.lift_tons
    factors = case.conversions.ship_space
    if factors is None:
        return 0  # the loader refuses such a unit on a sea move
    total = exact(factors.grt_per_man) * unit.men + exact(factors.grt_per_horse) * unit.horses
    total += exact(factors.grt_per_cargo_ton) * (unit.cargo_tons or 0)
    return -(-total.numerator // total.denominator)


def handling_tons(case: Case, unit: Unit) -> int:
    """Tons a port handles of the unit: `lift_tons` when it gives it; otherwise its cargo tons
    + men × tons per man + horses × tons per horse, exactly, and the next whole ton up."""
    if unit.lift_tons is not None:
        return unit.lift_tons
    factors = case.conversions.handling
    if factors is None:
        return 0  # the loader refuses such a unit at a port or on a line in tons
    total = exact(factors.tons_per_man) * unit.men + exact(factors.tons_per_horse) * unit.horses
    total += unit.cargo_tons or 0
    return -(-total.numerator // total.denominator)


def trains_needed(case: Case, unit: Unit) -> int:
    """Whole trains the unit fills: men over a troop train's men, plus horses over a horse
    train's, plus cargo over a freight train's tons, and the next whole train up."""
    train = case.conversions.train
    if train is None or unit.cargo_tons is None:
        return 0  # the loader refuses such a unit on a line counted in trains
    total = (
        Fraction(unit.men, train.men)
        + Fraction(unit.horses, train.horses)
        + Fraction(unit.cargo_tons, train.cargo_tons)
    )
    return -(-total.numerator // total.denominator)


def line_rate(case: Case, line_id: str) -> int:
    """A rail line's daily capacity in its own measure: tons, or trains when it gives
    `trains_per_day`."""
    line = case.rail[line_id]
    rate = line.trains_per_day if line.trains_per_day is not None else line.tons_per_day
    assert rate is not None  # the schema wants one of the two
    return rate


def _move_facts(case: Case, unit: Unit, move: Move) -> MoveFacts:
    line = case.rail[move.rail]
    in_trains = line.trains_per_day is not None
    on_rail = trains_needed(case, unit) if in_trains else handling_tons(case, unit)
    if move.sea is None:
        return MoveFacts(None, None, None, 0, 0, 0, move.rail, line.transit_days, on_rail)
    route = case.sea_routes[move.sea]
    return MoveFacts(
        move.sea,
        route.embark,
        route.debark,
        route.sail_days,
        route.cycle_days,
        unit.travel_to_port_days,
        move.rail,
        line.transit_days,
        on_rail,
    )


_UNITS: list[tuple[Case, list[UnitFacts]]] = []


def _units_of(case: Case) -> list[UnitFacts]:
    """`expand_units`, kept for the last case asked (cases are frozen): the planner verifies
    several plans of one case in a row."""
    entry = _UNITS[0] if _UNITS else None  # read once: another thread may replace it
    if entry is None or entry[0] is not case:
        entry = (case, expand_units(case))
        _UNITS[:] = [entry]
    return entry[1]


def expand_units(case: Case) -> list[UnitFacts]:
    """Every unit of the case after `count:` expansion, in case order. A unit may start
    mobilizing on the order day, or on its own `available` day if that is later."""
    out = []
    for key, unit in case.units.items():
        available = case.day(unit.available) if unit.available is not None else 0
        earliest = max(case.order_day, available)
        moves = tuple(_move_facts(case, unit, move) for move in unit.moves)
        combat = to_milli(exact(unit.combat_value))
        for uid in _ids(key, unit.count):
            out.append(
                UnitFacts(
                    uid,
                    key,
                    unit.name,
                    unit.origin,
                    unit.men,
                    ship_space(case, unit),
                    combat,
                    unit.front,
                    unit.required,
                    earliest,
                    unit.mobilization_days,
                    moves,
                    handling_tons(case, unit),
                )
            )
    return out


def earliest_arrival(unit: UnitFacts, move: MoveFacts) -> int:
    """Day the unit reaches its front by `move` with every resource free: it starts mobilizing
    as early as it may, then goes to the port, sails (sea moves) and rides the railway."""
    at_sea = move.sail_days if move.sea is not None else 0
    return (
        unit.earliest_start
        + unit.mobilization_days
        + move.travel_to_port_days
        + at_sea
        + move.transit_days
    )


def pool_on(case: Case, day: int) -> int:
    """Army shipping pool (tons) on a day: the latest step dated on or before it (each step
    holds until the next, whether the next is larger or smaller); 0 before the first step."""
    steps = [step for step in case.shipping.pool if case.day(step.date) <= day]
    if not steps:
        return 0
    return max(steps, key=lambda step: step.date).tons


def north_capacity(share_bp: int, pool: int) -> int:
    """North tons for a share of a pool: floor(share × pool)."""
    return share_bp * pool // BP


def share_is_auto(case: Case) -> bool:
    """Whether the planner chooses the North share (`auto`)."""
    return case.levers.north_share == "auto"


def fixed_share_bp(case: Case) -> int | None:
    """The case's North share in basis points when it is one number; None when the planner
    chooses it (`auto`) or the case gives a schedule by date."""
    share = case.levers.north_share
    return round(exact(share) * BP) if isinstance(share, int | float) else None


def north_share_on(case: Case, day: int, chosen_bp: int) -> int:
    """The North share (basis points) in force on a day: the case's one number; with a
    schedule, the latest step dated on or before the day (none before the first step, as the
    pool has no ships before its first step); the plan's own share (`chosen_bp`) when `auto`."""
    share = case.levers.north_share
    if share == "auto":
        return chosen_bp
    if isinstance(share, int | float):
        return round(exact(share) * BP)
    steps = [step for step in share if case.day(step.date) <= day]
    if not steps:
        return 0
    return round(exact(max(steps, key=lambda step: step.date).share) * BP)


def _requirement_day(case: Case, by_day: int) -> int:
    """A South requirement is measured on its day, clamped into the horizon 0..horizon."""
    return min(max(by_day, 0), case.calendar.horizon_days)


def _clamped(case: Case, day: int) -> int:
    return min(max(day, 0), case.calendar.horizon_days)


def south_shortfalls(case: Case, share_bp: int) -> list[str]:
    """One message per South requirement that the South's share ((1 − North share) × pool on
    the requirement's day) does not meet. The North share is `share_bp` (one number), or, when
    the case gives a schedule, the schedule's share in force on the requirement's day."""
    out = []
    schedule = isinstance(case.levers.north_share, tuple)
    for key, req in case.shipping.south_requirements.items():
        day = _requirement_day(case, case.day(req.by))
        pool = pool_on(case, day)
        north = north_share_on(case, day, share_bp) if schedule else share_bp
        south = (BP - north) * pool
        if south < req.tons * BP:
            out.append(f"{key}: South has {south // BP:,} t on {req.by}, needs {req.tons:,} t")
    return out


def _cumulative_by(case: Case, points: Sequence[Any], day: int) -> Fraction:
    """What a cumulative schedule (withdrawals or formations) holds by a day: none on day 0
    and before, linear between the schedule's points (from 0 on day 0), flat after the last."""
    if day <= 0:
        return Fraction(0)
    last_day, last = 0, Fraction(0)
    for point in points:
        point_day, total = case.day(point.date), exact(point.cumulative)
        if day <= point_day:
            # Point days increase and day > 0, so point_day > last_day here.
            return last + (total - last) * (day - last_day) / (point_day - last_day)
        last_day, last = point_day, total
    return last


class MeasureFacts(NamedTuple):
    """A front's numbers in one measure, exact: day 0, floor, share of the reinforcements,
    withdrawals and formations."""

    initial: Fraction
    floor: Fraction
    reinforcement_share: Fraction
    withdrawals: Sequence[Any]
    formations: Sequence[Any]


def measure_facts(front: Front, measure: str) -> MeasureFacts | None:
    """The front's numbers in a measure; None when it does not give the measure. A count
    written as a bare number (`tanks: 1800`) has no schedules and a floor of 0; the
    reinforcements of the Soviet reaction count in division-equivalents only."""
    if measure == DIVISIONS:
        return MeasureFacts(
            exact(front.initial_strength),
            exact(front.floor),
            exact(front.reinforcement_share),
            front.withdrawals,
            front.formations,
        )
    value = getattr(front, measure)
    if value is None:
        return None
    if isinstance(value, int):
        return MeasureFacts(Fraction(value), Fraction(0), Fraction(0), (), ())
    return MeasureFacts(
        Fraction(value.initial),
        Fraction(value.floor),
        Fraction(0),
        value.withdrawals,
        value.formations,
    )


def detection(case: Case) -> int | None:
    """Day the Soviets detect Japanese mobilization (order day + lag); None without a reaction."""
    reaction = case.soviet_reaction
    return case.order_day + reaction.detection_lag_days if reaction.enabled else None


def strength_on(case: Case, day: int, measure: str = DIVISIONS) -> dict[str, int]:
    """Soviet strength per front on one day in one measure (thousandths of its unit: milli-
    div.-eq. by default), DESIGN rule 6, exactly: initial − withdrawal scale × withdrawn (halted
    at detection when the reaction halts withdrawals) + formed (never scaled or halted: new
    formations are raised on the spot), plus, in division-equivalents, the front's share of the
    reinforcements: the Trans-Siberian rate × days since detection, never lifting the Far East
    total above the ceiling; never below the floor. Only the fronts that give the measure."""
    reaction = case.soviet_reaction
    detected = detection(case)
    scale = exact(case.levers.withdrawal_scale)
    until = day
    if detected is not None and reaction.halt_withdrawals:
        until = min(day, detected)
    facts = {
        key: numbers
        for key, front in case.fronts.items()
        if (numbers := measure_facts(front, measure)) is not None
    }
    base = {
        key: n.initial
        - scale * _cumulative_by(case, n.withdrawals, until)
        + _cumulative_by(case, n.formations, day)
        for key, n in facts.items()
    }
    reinforced = Fraction(0)
    if measure == DIVISIONS and detected is not None and day > detected:
        room = max(Fraction(0), exact(reaction.ceiling) - sum(base.values()))
        reinforced = min(exact(reaction.reinforce_per_day) * (day - detected), room)
    return {
        key: to_milli(max(n.floor, base[key] + n.reinforcement_share * reinforced))
        for key, n in facts.items()
    }


def soviet_strength(case: Case, measure: str = DIVISIONS) -> dict[str, list[int]]:
    """Soviet strength per front (thousandths of the measure) on every day 0..horizon."""
    out: dict[str, list[int]] = {
        key: [] for key, front in case.fronts.items() if measure_facts(front, measure)
    }
    for day in range(case.calendar.horizon_days + 1):
        for key, value in strength_on(case, day, measure).items():
            out[key].append(value)
    return out


def _needed(case: Case, soviet: int) -> int:
    """Japanese combat value (milli) a front needs against a Soviet strength: the exact ceiling
    of ratio × Soviet factor × strength."""
    crit = case.criteria.force_ratio
    return math.ceil(exact(crit.ratio) * exact(crit.soviet_factor) * soviet)


def force_needed(case: Case, strength: dict[str, list[int]]) -> dict[str, list[int]]:
    """Japanese combat value each front needs on each day of a strength table."""
    return {front: [_needed(case, s) for s in days] for front, days in strength.items()}


def fallen_to(fraction: float, strength: dict[str, list[int]], day: int) -> bool:
    """Whether the Far East total of a strength table (one measure) on a day is at most the
    fraction of its day-0 total (exactly, on the thousandths)."""
    total = sum(days[day] for days in strength.values())
    initial = sum(days[0] for days in strength.values())
    return total <= exact(fraction) * initial


def halving_holds(case: Case, strength: dict[str, list[int]], decision_day: int) -> bool:
    """Whether Soviet Far East strength (the halving criterion's measure: `strength` is its
    table) on the decision day is at most the halving fraction of its day-0 level."""
    return fallen_to(case.criteria.halving.fraction, strength, decision_day)


def decision_lag(case: Case) -> int:
    """Days from the go decision to the attack: decision day = X-Day − this."""
    return case.criteria.decision_deadline.decision_to_attack_days


def deadline_day(case: Case) -> int:
    """The decision deadline as a day number."""
    return case.day(case.criteria.decision_deadline.date)


def latest_weather_x_day(case: Case) -> int:
    """Latest X-Day whose campaign still ends by the weather deadline."""
    weather = case.criteria.weather
    return case.day(weather.deadline) - weather.campaign_days


# --- One verification: the case's numbers and the plan's units, computed once ---------------


class Placed(NamedTuple):
    """A committed unit with its plan and the move it takes."""

    unit: UnitFacts
    up: UnitPlan
    move: MoveFacts


class Facts:
    """What the checks read, computed once per call from the case and the plan."""

    def __init__(self, case: Case, plan: Plan) -> None:
        self.case = case
        self.plan = plan
        self.horizon = case.calendar.horizon_days
        self._strength: dict[tuple[int, str], dict[str, int]] = {}

    def enabled(self, criterion: str) -> bool:
        return bool(getattr(self.case.criteria, criterion).enabled)

    @cached_property
    def units(self) -> list[UnitFacts]:
        return _units_of(self.case)

    @cached_property
    def pool(self) -> list[int]:
        """Pool tons on each day 0..horizon."""
        return [pool_on(self.case, day) for day in range(self.horizon + 1)]

    def strength(self, day: int, measure: str = DIVISIONS) -> dict[str, int]:
        """Soviet strength per front on a day in a measure (only the days and measures a check
        looks at are computed)."""
        if (day, measure) not in self._strength:
            self._strength[day, measure] = strength_on(self.case, day, measure)
        return self._strength[day, measure]

    @cached_property
    def placed(self) -> list[Placed]:
        """Committed units whose move and timeline are complete (route_choice reports the
        others), matched to the case's units by id."""
        by_id = {up.id: up for up in self.plan.units}
        out = []
        for unit in self.units:
            up = by_id.get(unit.id)
            if up is None or not up.committed or up.move is None:
                continue
            if not 0 <= up.move < len(unit.moves):
                continue
            move = unit.moves[up.move]
            legs = [up.mobilize, up.ready, up.entrain, up.arrive]
            if move.sea is not None:
                legs += [up.sail, up.debark]
            if all(day is not None for day in legs):
                out.append(Placed(unit, up, move))
        return out


# --- The rules ----------------------------------------------------------------------------


def check_route_choice(f: Facts) -> list[str]:
    """Every unit appears once; a committed unit takes exactly one of its allowed moves with a full
    timeline inside the horizon; a required unit is always committed."""
    out = []
    times = Counter(u.id for u in f.plan.units)
    known = {u.id for u in f.units}
    for uid in sorted(times):
        if times[uid] > 1:
            out.append(f"{uid} appears {times[uid]} times")
    for uid in sorted(set(times) - known):
        out.append(f"{uid} is not a unit of the case")
    by_id = {u.id: u for u in f.plan.units}
    for unit in f.units:
        up = by_id.get(unit.id)
        if up is None:
            out.append(f"{unit.id} is missing from the plan")
            continue
        if not up.committed:
            if unit.required:
                out.append(f"{unit.id} is required but not committed")
            continue
        if up.move is None or not 0 <= up.move < len(unit.moves):
            out.append(
                f"{unit.id} takes move {up.move}, not one of its {len(unit.moves)} allowed moves"
            )
            continue
        legs = [up.mobilize, up.ready, up.entrain, up.arrive]
        if unit.moves[up.move].sea is not None:
            legs += [up.sail, up.debark]
        if any(day is None for day in legs):
            out.append(f"{unit.id} has an incomplete timeline")
        elif any(not 0 <= day <= f.horizon for day in legs if day is not None):
            out.append(f"{unit.id} moves outside days 0..{f.horizon}")
    return out


def check_mobilization_after_order(f: Facts) -> list[str]:
    """A unit starts mobilizing no earlier than the order (and its own availability), and is
    ready exactly its mobilization days later."""
    out = []
    for unit, up, _ in f.placed:
        assert up.mobilize is not None and up.ready is not None
        if up.mobilize < unit.earliest_start:
            out.append(
                f"{unit.id} starts mobilizing on day {up.mobilize}, "
                f"before day {unit.earliest_start}"
            )
        if up.ready != up.mobilize + unit.mobilization_days:
            out.append(
                f"{unit.id} is ready on day {up.ready}, not {up.mobilize + unit.mobilization_days}"
            )
    return out


def check_depot_capacity(f: Facts) -> list[str]:
    """In a region with a depot capacity, the men mobilizing at once never exceed it."""
    load: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit, up, _ in f.placed:
        assert up.mobilize is not None
        for day in range(up.mobilize, up.mobilize + unit.mobilization_days):
            load[unit.origin][day] += unit.men
    out = []
    for region, days in load.items():
        cap = f.case.regions[region].depot_men
        if cap is None:
            continue
        out += [
            f"{region}: {men:,} men mobilizing on day {d} > depot capacity {cap:,}"
            for d, men in sorted(days.items())
            if men > cap
        ]
    return out


LEG_DAY = {"embark": "sail", "debark": "debark", "rail": "entrain"}
LEG_LIST = {"embark": "loading", "debark": "unloading", "rail": "entraining"}


def handled(up: UnitPlan, leg: str, load: int) -> list[tuple[int, int]]:
    """What a facility handles of a unit, day by day, in date order (leg `embark`, `debark` or
    `rail`): the plan's list, or, when it gives none, the whole load on the leg's own day
    (loaded on `sail`, unloaded on `debark`, entrained on `entrain`). Nothing for a unit that
    weighs nothing there."""
    given = getattr(up, LEG_LIST[leg])
    if given:
        return sorted((int(day), int(amount)) for day, amount in given)
    day = getattr(up, LEG_DAY[leg])
    return [(day, load)] if load and day is not None else []


def _block_problems(
    f: Facts, uid: str, what: str, days: list[tuple[int, int]], load: int, rate: int, unit: str
) -> list[str]:
    """A unit is handled at a facility in one block: positive amounts, each day once, on
    consecutive days inside the horizon, adding up to its load, with the facility's whole
    daily rate on every day between its first and its last (it shares only those two)."""
    out = []
    total = sum(amount for _, amount in days)
    if total != load:
        out.append(f"{uid}: {what} {total:,} {unit} in all, not its {load:,} {unit}")
    on = [day for day, _ in days]
    if any(amount <= 0 for _, amount in days):
        out.append(f"{uid}: {what} lists a day with nothing handled")
    if len(set(on)) != len(on):
        out.append(f"{uid}: {what} lists a day twice")
    elif on and on[-1] - on[0] + 1 != len(on):
        out.append(f"{uid}: {what} is not on consecutive days ({on[0]}..{on[-1]})")
    if any(not 0 <= day <= f.horizon for day in on):
        out.append(f"{uid}: {what} falls outside days 0..{f.horizon}")
    out += [
        f"{uid}: {what} takes {amount:,} {unit} on day {day}, between its first and last "
        f"day, not the whole {rate:,} {unit}/day"
        for day, amount in days[1:-1]
        if amount != rate
    ]
    return out


def _through(days: list[tuple[int, int]], otherwise: int) -> int:
    """The day a unit is through a facility: its last part's day (`otherwise` if none)."""
    return days[-1][0] if days else otherwise


def check_sea_voyage(f: Facts) -> list[str]:
    """A unit going by sea loads at its embarkation port from the day it gets there (ready +
    travel days), in one block of consecutive days (the port's whole rate on the days between
    its first and its last); it sails once its last part is loaded, lands at the debarkation
    port exactly the route's sailing days later and is unloaded there, in one block, starting
    on its landing day (its ships do not wait in the roads). A rail-only unit does not sail."""
    out = []
    for unit, up, move in f.placed:
        if move.sea is None:
            if up.sail is not None or up.debark is not None or up.loading or up.unloading:
                out.append(f"{unit.id} moves by rail only but has a sea leg")
            continue
        assert move.embark is not None and move.debark is not None
        assert up.sail is not None and up.ready is not None and up.debark is not None
        loading = handled(up, "embark", unit.handling)
        rate = f.case.ports[move.embark].tons_per_day
        out += _block_problems(
            f, unit.id, f"loading at {move.embark}", loading, unit.handling, rate, "t"
        )
        at_port = up.ready + move.travel_to_port_days
        first = loading[0][0] if loading else up.sail
        if first < at_port:
            out.append(
                f"{unit.id} starts loading on day {first}, before reaching the port on day "
                f"{at_port}"
            )
        if loading and loading[-1][0] > up.sail:
            out.append(
                f"{unit.id} is still loading on day {loading[-1][0]}, after sailing on day "
                f"{up.sail}"
            )
        if up.debark != up.sail + move.sail_days:
            out.append(f"{unit.id} debarks on day {up.debark}, not {up.sail + move.sail_days}")
        unloading = handled(up, "debark", unit.handling)
        rate = f.case.ports[move.debark].tons_per_day
        out += _block_problems(
            f, unit.id, f"unloading at {move.debark}", unloading, unit.handling, rate, "t"
        )
        if unloading and unloading[0][0] != up.debark:
            out.append(
                f"{unit.id} is unloaded from day {unloading[0][0]}, not from its landing day "
                f"{up.debark}"
            )
    return out


def _ships_held(unit: UnitFacts, up: UnitPlan, move: MoveFacts) -> tuple[int, int]:
    """The first day a sea unit's ships are held and the day they are back: from its first
    loading day (its sailing day if it loads nothing) until the route's cycle days after
    sailing, and a day later for each day its unloading runs past its landing day."""
    assert up.sail is not None and up.debark is not None
    loading = handled(up, "embark", unit.handling)
    unloaded = _through(handled(up, "debark", unit.handling), up.debark)
    first = min(loading[0][0], up.sail) if loading else up.sail
    return first, up.sail + move.cycle_days + unloaded - up.debark


def _shipping_in_use(f: Facts) -> list[int]:
    """Ship space held per day: a unit's ships from its first loading day until they are back."""
    used = [0] * (f.horizon + 1)
    for unit, up, move in f.placed:
        if move.sea is None:
            continue
        first, back = _ships_held(unit, up, move)
        for day in range(max(first, 0), min(back, f.horizon + 1)):
            used[day] += unit.lift
    return used


def check_shipping_pool_capacity(f: Facts) -> list[str]:
    """North shipping held on a day is at most the North share in force that day (the case's
    one number, or its schedule's latest step on or before the day) of the pool available that
    day (the latest pool step on or before it). The plan's share is the case's (with a
    schedule: the one in force on X-Day), or, when `auto`, a whole percent."""
    out = []
    share = f.plan.north_share_bp
    case_share = north_share_on(f.case, _clamped(f.case, f.plan.x_day), share)
    if share != case_share:
        when = "" if fixed_share_bp(f.case) is not None else " in force on X-Day"
        out.append(
            f"North share {share / 100:g}% differs from the case's {case_share / 100:g}%{when}"
        )
    if share_is_auto(f.case) and (share % 100 or not 0 <= share <= BP):
        out.append(f"auto North share {share / 100:g}% is not a whole percent in 0..100")
    for day, tons in enumerate(_shipping_in_use(f)):
        day_share = north_share_on(f.case, day, share)
        if tons * BP > day_share * f.pool[day]:
            out.append(
                f"day {day}: {tons:,} t at sea > North capacity "
                f"{north_capacity(day_share, f.pool[day]):,} t"
            )
    # A ship that sails near the horizon still has to come back: its cycle must end in time.
    for unit, up, move in f.placed:
        back = _ships_held(unit, up, move)[1] if move.sea is not None else 0
        if back > f.horizon + 1:
            out.append(f"{unit.id} sails on day {up.sail}; its ship is not back by the horizon")
    return out


def _port_loads(f: Facts, leg: str) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit, up, move in f.placed:
        port = move.embark if leg == "embark" else move.debark
        if port is None:
            continue
        for day, tons in handled(up, leg, unit.handling):
            out[port][day] += tons
    return out


def _port_check(f: Facts, leg: str, verb: str) -> list[str]:
    out = []
    for port, days in _port_loads(f, leg).items():
        cap = f.case.ports[port].tons_per_day
        out += [
            f"{port}: {tons:,} t {verb} on day {d} > {cap:,} t/day"
            for d, tons in sorted(days.items())
            if tons > cap
        ]
    return out


def check_embarkation_throughput(f: Facts) -> list[str]:
    """Tons loaded at an embarkation port on one day, over every unit loading there that day
    (each its part of that day), are at most the port's tons/day."""
    return _port_check(f, "embark", "loaded")


def check_debarkation_throughput(f: Facts) -> list[str]:
    """Tons unloaded at a debarkation port on one day, over every unit unloading there that
    day, are at most the port's tons/day."""
    return _port_check(f, "debark", "unloaded")


def _rail_loads(f: Facts) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _, up, move in f.placed:
        for day, amount in handled(up, "rail", move.on_rail):
            out[move.rail][day] += amount
    return out


def _rail_unit(case: Case, line_id: str) -> str:
    return "trains" if case.rail[line_id].trains_per_day is not None else "t"


def check_rail_capacity(f: Facts) -> list[str]:
    """A unit entrains from the day it is at the railhead (its last part unloaded at the
    debarkation port, or ready for a rail-only unit), in one block of consecutive days in the
    line's measure (tons, or whole trains), the line's whole rate on the days between its
    first and its last; its last train leaves on or before `entrain`, and it arrives at its
    front exactly the line's transit days after `entrain`. A line carries at most its daily
    rate each day."""
    out = []
    for unit, up, move in f.placed:
        assert up.entrain is not None and up.arrive is not None and up.ready is not None
        if move.sea is not None:
            assert up.debark is not None
            railhead = _through(handled(up, "debark", unit.handling), up.debark)
        else:
            railhead = up.ready
        trains = handled(up, "rail", move.on_rail)
        measure = _rail_unit(f.case, move.rail)
        rate = line_rate(f.case, move.rail)
        what = f"entraining on {move.rail}"
        out += _block_problems(f, unit.id, what, trains, move.on_rail, rate, measure)
        first = trains[0][0] if trains else up.entrain
        if first < railhead:
            out.append(
                f"{unit.id} entrains on day {first}, before reaching the railhead on day {railhead}"
            )
        if trains and trains[-1][0] > up.entrain:
            out.append(
                f"{unit.id} still entrains on day {trains[-1][0]}, after its entraining day "
                f"{up.entrain}"
            )
        if up.arrive != up.entrain + move.transit_days:
            out.append(
                f"{unit.id} arrives on day {up.arrive}, not {up.entrain + move.transit_days}"
            )
    for line, days in _rail_loads(f).items():
        cap, measure = line_rate(f.case, line), _rail_unit(f.case, line)
        out += [
            f"{line}: {amount:,} {measure} entrained on day {d} > {cap:,} {measure}/day"
            for d, amount in sorted(days.items())
            if amount > cap
        ]
    return out


def check_required_arrivals(f: Facts) -> list[str]:
    """Every required unit has arrived at its front by X-Day."""
    if not f.enabled("required_arrivals"):
        return []
    x = f.plan.x_day
    return [
        f"{unit.id} arrives on day {up.arrive}, after X-Day {x}"
        for unit, up, _ in f.placed
        if unit.required and up.arrive is not None and up.arrive > x
    ]


def _combat_arrived(f: Facts, day: int) -> dict[str, int]:
    out = dict.fromkeys(f.case.fronts, 0)
    for unit, up, _ in f.placed:
        if up.arrive is not None and up.arrive <= day:
            out[unit.front] += unit.combat
    return out


def _x_in_horizon(f: Facts) -> bool:
    return 0 <= f.plan.x_day <= f.horizon


def check_force_ratio(f: Facts) -> list[str]:
    """On each front, the combat value arrived by X-Day is at least ratio × Soviet factor ×
    Soviet strength on X-Day (the exact ceiling, in milli-div.-eq.)."""
    if not f.enabled("force_ratio") or not _x_in_horizon(f):
        return []
    x = f.plan.x_day
    arrived = _combat_arrived(f, x)
    out = []
    for front, soviet in f.strength(x).items():
        need = _needed(f.case, soviet)
        if arrived[front] < need:
            out.append(
                f"{front}: {arrived[front] / MILLI:g} div.-eq. arrived < "
                f"{need / MILLI:g} needed on X-Day"
            )
    return out


def _above_fraction(f: Facts, fraction: float, measures: tuple[str, ...]) -> list[str]:
    """One message per measure whose Far East total on the decision day is above the fraction
    of its day-0 total."""
    decision = f.plan.x_day - decision_lag(f.case)
    if not 0 <= decision <= f.horizon:
        return [f"decision day {decision} is outside days 0..{f.horizon}"]
    out = []
    for measure in measures:
        total = sum(f.strength(decision, measure).values())
        initial = sum(f.strength(0, measure).values())
        if total > exact(fraction) * initial:
            what = "strength" if measure == DIVISIONS else measure
            out.append(
                f"Soviet {what} on decision day {decision} is {total / MILLI:g} of "
                f"{initial / MILLI:g} {MEASURE_UNITS[measure]}, above {fraction:g} of it"
            )
    return out


def check_halving_criterion(f: Facts) -> list[str]:
    """On the decision day (X-Day − decision-to-attack days), Soviet Far East strength in the
    criterion's measure (division-equivalents unless it names men, tanks or aircraft) is at
    most the halving fraction of its initial level."""
    if not f.enabled("halving"):
        return []
    halving = f.case.criteria.halving
    return _above_fraction(f, halving.fraction, (halving.measure,))


def check_armour_air_criterion(f: Facts) -> list[str]:
    """On the decision day, Soviet Far East tanks and aircraft (the criterion's measures) are
    each at most the criterion's fraction (the record's one third) of their initial level."""
    if not f.enabled("armour_air"):
        return []
    crit = f.case.criteria.armour_air
    return _above_fraction(f, crit.fraction, crit.measures)


def check_decision_deadline(f: Facts) -> list[str]:
    """The decision day (X-Day − decision-to-attack days) is no later than the decision deadline."""
    if not f.enabled("decision_deadline"):
        return []
    decision = f.plan.x_day - decision_lag(f.case)
    deadline = deadline_day(f.case)
    if decision > deadline:
        return [f"decision day {decision} is after the deadline, day {deadline}"]
    return []


def check_weather_deadline(f: Facts) -> list[str]:
    """X-Day plus the campaign days ends no later than the weather deadline."""
    latest = latest_weather_x_day(f.case)
    if not f.enabled("weather") or f.plan.x_day <= latest:
        return []
    return [
        f"X-Day {f.plan.x_day} + campaign ends after the weather deadline (latest X-Day {latest})"
    ]


def check_south_readiness(f: Facts) -> list[str]:
    """The South's share of the pool meets each South requirement by its date."""
    if not f.enabled("south_readiness"):
        return []
    return south_shortfalls(f.case, f.plan.north_share_bp)


def check_x_day_in_horizon(f: Facts) -> list[str]:
    """X-Day and the decision day fall within the planning horizon."""
    if not _x_in_horizon(f):
        return [f"X-Day {f.plan.x_day} is outside days 0..{f.horizon}"]
    # The planner holds the decision inside the horizon even with the halving and deadline
    # criteria off; without this check the two would disagree on what a valid plan is.
    lag = decision_lag(f.case)
    if f.plan.x_day - lag < 0:
        return [f"decision day {f.plan.x_day - lag} (X-Day − {lag} days) is before day 0"]
    return []


CheckFn = Callable[[Facts], list[str]]

CHECKS: tuple[tuple[str, CheckFn], ...] = (
    ("route_choice", check_route_choice),
    ("mobilization_after_order", check_mobilization_after_order),
    ("depot_capacity", check_depot_capacity),
    ("sea_voyage", check_sea_voyage),
    ("shipping_pool_capacity", check_shipping_pool_capacity),
    ("embarkation_throughput", check_embarkation_throughput),
    ("debarkation_throughput", check_debarkation_throughput),
    ("rail_capacity", check_rail_capacity),
    ("x_day_in_horizon", check_x_day_in_horizon),
    ("required_arrivals", check_required_arrivals),
    ("force_ratio", check_force_ratio),
    ("halving_criterion", check_halving_criterion),
    ("armour_air_criterion", check_armour_air_criterion),
    ("decision_deadline", check_decision_deadline),
    ("weather_deadline", check_weather_deadline),
    ("south_readiness", check_south_readiness),
)


def verify(case: Case, plan: Plan) -> list[Violation]:
    """Every violation of every rule by the plan (empty: the plan is valid)."""
    facts = Facts(case, plan)
    return [Violation(rule, msg) for rule, check in CHECKS for msg in check(facts)]


# --- Measures of a plan (for results and reports), by the verifier's arithmetic --------------


def shipping_in_use(case: Case, plan: Plan) -> list[int]:
    """North ship space (GRT) held per day: a unit holds its ship space from its first loading
    day until its ships are back (sailing day + the route's cycle days − 1)."""
    return _shipping_in_use(Facts(case, plan))


def port_loads(case: Case, plan: Plan, leg: str) -> dict[str, dict[int, int]]:
    """Handling tons loaded (leg='embark') or unloaded (leg='debark') per port and day, each
    unit's part of each day counted on that day."""
    return _port_loads(Facts(case, plan), leg)


def rail_loads(case: Case, plan: Plan) -> dict[str, dict[int, int]]:
    """What each rail line carries per day, in its own measure (tons, or trains)."""
    return _rail_loads(Facts(case, plan))


def unit_handling(case: Case, plan: Plan) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """Per committed unit, what each facility of its move handles of it day by day (`embark`,
    `debark`, `rail`: (day, amount) in the facility's measure)."""
    out: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for unit, up, move in Facts(case, plan).placed:
        legs = {"rail": handled(up, "rail", move.on_rail)}
        if move.sea is not None:
            legs["embark"] = handled(up, "embark", unit.handling)
            legs["debark"] = handled(up, "debark", unit.handling)
        out[unit.id] = legs
    return out


def combat_arrived(case: Case, plan: Plan, day: int) -> dict[str, int]:
    """Japanese combat value (milli-div.-eq.) arrived at each front by a day."""
    return _combat_arrived(Facts(case, plan), day)


def objective_terms(case: Case, plan: Plan) -> dict[str, int]:
    """The objective terms recomputed from the plan, in lexicographic order of priority:
    X-Day; North share (percent, counted only when `auto`); shipping ton-days (Σ lift × cycle
    days of every sea movement); arrival days (Σ arrival day of committed units, the tidy-up)."""
    placed = Facts(case, plan).placed
    ton_days = sum(unit.lift * move.cycle_days for unit, _, move in placed if move.sea is not None)
    arrival_days = sum(up.arrive or 0 for _, up, _ in placed)
    share = plan.north_share_bp // 100 if share_is_auto(case) else 0
    return {
        "x_day": plan.x_day,
        "north_share_pct": share,
        "ton_days": ton_days,
        "arrival_days": arrival_days,
    }
