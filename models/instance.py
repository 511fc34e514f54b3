"""A case compiled to whole days and integers: the tables the planner solves with.

The verifier (`models.verify`) does not read these tables: it recomputes every number from the
`Case` in its own code, so a mistake here shows up as a plan the verifier rejects. The two
sides agree by following the same written rules (DESIGN.md §1b, README "The rules"), exactly:
strength and combat values are in milli-division-equivalents, shares in basis points
(1/10,000); a case number is read as the decimal it is written as (`Fraction(str(x))`), a
strength or combat value is that exact value rounded half-to-even to a thousandth, and every
criterion is then exact integer or rational arithmetic, with no tolerances.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kantokuen.models.case import COUNT_MEASURES, DIVISIONS, Case, Unit

MILLI = 1000  # strength unit: 1 division-equivalent = 1000
BP = 10_000  # share unit: 100% = 10,000 basis points


@dataclass(frozen=True)
class MoveOption:
    """One way a unit can go: an optional sea leg, then a rail leg to its front."""

    index: int
    rail: str
    transit_days: int
    sea: str | None = None
    embark: str | None = None
    debark: str | None = None
    sail_days: int = 0
    cycle_days: int = 0
    travel_to_port_days: int = 0
    rail_load: int = 0  # the unit's load on this move's line, in the line's measure


Facility = tuple[str, str]
"""A facility that handles units day by day: ("embark", port), ("debark", port) or
("rail", line)."""


@dataclass(frozen=True)
class UnitSpec:
    """One movement unit after `count:` expansion. `lift` is its ship space (GRT held on the
    pool), `handling` its tons at a port; its load on a rail line is on each move."""

    id: str
    template: str
    name: str
    origin: str
    men: int
    lift: int
    mobilization_days: int
    earliest_start: int
    combat: int  # milli-division-equivalents
    front: str
    required: bool
    moves: tuple[MoveOption, ...]
    handling: int = 0

    def load_at(self, facility: Facility, move: MoveOption) -> int:
        """The unit's load at a facility of `move`, in the facility's measure."""
        return move.rail_load if facility[0] == "rail" else self.handling

    def facilities(self, move: MoveOption) -> list[Facility]:
        """The facilities a move passes through, in order."""
        out: list[Facility] = []
        if move.sea is not None:
            assert move.embark is not None and move.debark is not None
            out += [("embark", move.embark), ("debark", move.debark)]
        return out + [("rail", move.rail)]


def unit_ids(key: str, count: int) -> list[str]:
    """Ids of the units one `count:` entry expands into: `key` or `key-01`, `key-02`, ..."""
    if count == 1:
        return [key]
    width = len(str(count))
    return [f"{key}-{i:0{width}d}" for i in range(1, count + 1)]


def decimal(value: float) -> Fraction:
    """A case number as the exact decimal it is written as (0.1 → 1/10, not the binary float)."""
    return Fraction(str(value))


def share_bp(value: float) -> int:
    """A North share as basis points (the written decimal, rounded half to even)."""
    return round(decimal(value) * BP)


def milli(value: float) -> int:
    """Division-equivalents as thousandths (the written decimal, rounded half to even)."""
    return round(decimal(value) * MILLI)


@dataclass(frozen=True)
class Instance:
    """The compiled case: days are integers from the calendar start, 0..horizon."""

    case: Case

    @property
    def horizon(self) -> int:
        return self.case.calendar.horizon_days

    @property
    def order_day(self) -> int:
        return self.case.order_day

    @cached_property
    def units(self) -> tuple[UnitSpec, ...]:
        case = self.case
        out: list[UnitSpec] = []
        for key, unit in case.units.items():
            earliest = max(self.order_day, case.day(unit.available) if unit.available else 0)
            handling = self._handling_tons(unit)
            moves = tuple(
                self._move(
                    i, m.sea, m.rail, unit.travel_to_port_days, self._rail_load(unit, m.rail)
                )
                for i, m in enumerate(unit.moves)
            )
            for uid in unit_ids(key, unit.count):
                out.append(
                    UnitSpec(
                        uid,
                        key,
                        unit.name,
                        unit.origin,
                        unit.men,
                        self._ship_space(unit),
                        unit.mobilization_days,
                        earliest,
                        milli(unit.combat_value),
                        unit.front,
                        unit.required,
                        moves,
                        handling,
                    )
                )
        return tuple(out)

    def _ship_space(self, unit: Unit) -> int:
        """GRT the unit holds at sea: its lift, or men, horses and cargo by the case's ship
        space factors, rounded up to a whole ton (0 when the case gives no factors: such a
        unit cannot go by sea, which loading refuses)."""
        if unit.lift_tons is not None:
            return unit.lift_tons
        f = self.case.conversions.ship_space
        if f is None:
            return 0
        grt = (
            unit.men * decimal(f.grt_per_man)
            + unit.horses * decimal(f.grt_per_horse)
            + (unit.cargo_tons or 0) * decimal(f.grt_per_cargo_ton)
        )
        return math.ceil(grt)

    def _handling_tons(self, unit: Unit) -> int:
        """Tons a port handles of the unit: its lift, or its cargo plus the case's handling
        tons per man and per horse, rounded up to a whole ton."""
        if unit.lift_tons is not None:
            return unit.lift_tons
        f = self.case.conversions.handling
        if f is None:
            return 0
        tons = (
            (unit.cargo_tons or 0)
            + unit.men * decimal(f.tons_per_man)
            + unit.horses * decimal(f.tons_per_horse)
        )
        return math.ceil(tons)

    def _rail_load(self, unit: Unit, line_id: str) -> int:
        """The unit's load on a line in the line's measure: its handling tons on a line in
        tons; on a line in trains, men / men per troop train + horses / horses per horse train
        + cargo / tons per freight train, rounded up to whole trains."""
        line = self.case.rail[line_id]
        train = self.case.conversions.train
        if line.measure == "tons":
            return self._handling_tons(unit)
        if train is None or unit.cargo_tons is None:
            return 0  # refused when the case is loaded (references.sizes_convert)
        trains = (
            Fraction(unit.men, train.men)
            + Fraction(unit.horses, train.horses)
            + Fraction(unit.cargo_tons, train.cargo_tons)
        )
        return math.ceil(trains)

    def _move(
        self, index: int, sea: str | None, rail: str, travel: int, rail_load: int
    ) -> MoveOption:
        line = self.case.rail[rail]
        if sea is None:
            return MoveOption(index, rail, line.transit_days, rail_load=rail_load)
        route = self.case.sea_routes[sea]
        return MoveOption(
            index,
            rail,
            line.transit_days,
            sea,
            route.embark,
            route.debark,
            route.sail_days,
            route.cycle_days,
            travel,
            rail_load,
        )

    def rate(self, facility: Facility) -> int:
        """A facility's daily capacity in its own measure: a port's tons per day (loading and
        unloading each), a rail line's tons or trains per day."""
        kind, name = facility
        if kind == "rail":
            return self.case.rail[name].per_day
        return self.case.ports[name].tons_per_day

    @cached_property
    def pool(self) -> tuple[int, ...]:
        """Army shipping pool (tons) on each day 0..horizon: the latest step on or before the
        day (each step holds until the next, which may be smaller); 0 before the first step."""
        steps = sorted((self.case.day(s.date), s.tons) for s in self.case.shipping.pool)
        out = []
        for day in range(self.horizon + 1):
            out.append(next((t for d, t in reversed(steps) if d <= day), 0))
        return tuple(out)

    @property
    def auto_share(self) -> bool:
        """Whether the solver chooses the North share (`auto`: one whole percent)."""
        return self.case.levers.north_share == "auto"

    @property
    def fixed_share_bp(self) -> int | None:
        """The North share in basis points when the case gives one number; None when the solver
        chooses it (`auto`) or the case gives a schedule (see `share_by_day`)."""
        share = self.case.levers.north_share
        return share_bp(share) if isinstance(share, float | int) else None

    @cached_property
    def share_by_day(self) -> tuple[int, ...] | None:
        """The North share (basis points) in force on each day 0..horizon: the one number, or
        the schedule's latest step dated on or before the day (0 before the first step, as the
        pool has no ships before its first step); None when `auto`."""
        share = self.case.levers.north_share
        if share == "auto":
            return None
        if isinstance(share, float | int):
            return (share_bp(share),) * (self.horizon + 1)
        steps = [(self.case.day(s.date), share_bp(s.share)) for s in share]
        return tuple(
            next((bp for d, bp in reversed(steps) if d <= day), 0)
            for day in range(self.horizon + 1)
        )

    def share_on(self, day: int, chosen_bp: int) -> int:
        """The North share on a day (clamped into the horizon): the case's, or `chosen_bp` (the
        share a plan chose) when `auto`."""
        by_day = self.share_by_day
        return chosen_bp if by_day is None else by_day[min(max(day, 0), self.horizon)]

    def plan_share_bp(self, x_day: int, chosen_bp: int) -> int:
        """The North share a plan records: the chosen one when `auto`, the case's one number,
        or with a schedule the share in force on X-Day."""
        return self.share_on(x_day, chosen_bp)

    def north_capacity(self, day: int, bp: int) -> int:
        """North shipping tons on a day: floor(share × pool), the share being the case's on that
        day (one number or the schedule's step), or `bp` when the solver chooses it (`auto`)."""
        return self.share_on(day, bp) * self.pool[day] // BP

    def requirement_day(self, by: dt.date) -> int:
        """A South requirement is measured on its day, clamped into the horizon."""
        return self.case.day_in_horizon(by)

    def south_tons(self, day: int, chosen_bp: int) -> int:
        """The South's share of the pool on a day in whole tons: floor((1 − North share in force
        that day) × pool), `chosen_bp` being the North share when `auto`."""
        return (BP - self.share_on(day, chosen_bp)) * self.pool[day] // BP

    def south_met(self, chosen_bp: int) -> bool:
        """Whether the South's share meets every South requirement on its day (`chosen_bp`: the
        North share when `auto`)."""
        return all(
            self.south_tons(self.requirement_day(req.by), chosen_bp) >= req.tons
            for req in self.case.shipping.south_requirements.values()
        )

    @cached_property
    def south_share_limit_bp(self) -> int | None:
        """The largest North share (basis points) South readiness allows: 100% when the
        criterion is off or the South has no requirements, else `south_max_share_bp` (None when
        no share leaves the South enough)."""
        if not self.enabled("south_readiness") or not self.case.shipping.south_requirements:
            return BP
        return self.south_max_share_bp

    @cached_property
    def south_max_share_bp(self) -> int | None:
        """Largest constant North share that leaves the South every requirement (each measured
        on the pool of its day, clamped into the horizon), or None if none can."""
        return self.south_max_share_bp_between(0, self.horizon)

    def south_max_share_bp_between(self, first: int, last: int) -> int | None:
        """Largest North share in force on days first..last that leaves the South every
        requirement whose day falls there (100% when none does), or None if none can."""
        limit = BP
        for req in self.case.shipping.south_requirements.values():
            day = self.requirement_day(req.by)
            if not first <= day <= last:
                continue
            pool = self.pool[day]
            if req.tons == 0:
                continue
            if pool == 0:
                return None
            # (BP - share) * pool >= tons * BP  ⇔  share <= BP - ceil(tons * BP / pool)
            limit = min(limit, BP - -(-req.tons * BP // pool))
        return limit if limit >= 0 else None

    @cached_property
    def strength(self) -> dict[str, tuple[int, ...]]:
        """Soviet strength per front per day (milli-division-equivalents), DESIGN rule 6."""
        return self.measure_table(DIVISIONS)

    @cached_property
    def given_measures(self) -> tuple[str, ...]:
        """The measures the case gives: division-equivalents always; men, tanks, aircraft
        where some front gives them."""
        fronts = self.case.fronts.values()
        return (DIVISIONS,) + tuple(
            m for m in COUNT_MEASURES if any(getattr(f, m) is not None for f in fronts)
        )

    @cached_property
    def _measure_tables(self) -> dict[str, dict[str, tuple[int, ...]]]:
        return {}  # filled by measure_table, one measure at a time (most cases need one)

    def measure_table(self, measure: str) -> dict[str, tuple[int, ...]]:
        """Soviet strength in one measure per front that gives it per day, in thousandths of
        the measure's unit (empty when no front gives it); computed once, when first asked."""
        from kantokuen.models.soviet import strength_table

        tables = self._measure_tables
        if measure not in tables:
            given = measure in self.given_measures
            tables[measure] = strength_table(self.case, self.horizon, measure) if given else {}
        return tables[measure]

    @property
    def measures(self) -> dict[str, dict[str, tuple[int, ...]]]:
        """Soviet strength in every measure the case gives (see `measure_table`)."""
        return {m: self.measure_table(m) for m in self.given_measures}

    def measure_total(self, measure: str, day: int) -> int:
        """Soviet Far East total of a measure on a day (thousandths; 0 if no front gives it)."""
        return sum(days[day] for days in self.measure_table(measure).values())

    @cached_property
    def force_needed(self) -> dict[str, tuple[int, ...]]:
        """Japanese combat value each front needs on each day (milli): the exact ceiling of
        ratio × Soviet factor × Soviet strength, the case's decimals taken as written."""
        crit = self.case.criteria.force_ratio
        factor = decimal(crit.ratio) * decimal(crit.soviet_factor)
        return {f: tuple(math.ceil(factor * s) for s in days) for f, days in self.strength.items()}

    def fallen_to(self, fraction: float, measures: tuple[str, ...]) -> tuple[bool, ...]:
        """Per day, whether the Far East total of every measure is at most the fraction of its
        day-0 total (exactly: total(d) ≤ fraction × total(0) on the thousandths)."""
        limit = decimal(fraction)
        out = [True] * (self.horizon + 1)
        for measure in measures:
            initial = self.measure_total(measure, 0)
            for d in range(self.horizon + 1):
                out[d] = out[d] and self.measure_total(measure, d) <= limit * initial
        return tuple(out)

    @cached_property
    def halving_holds(self) -> tuple[bool, ...]:
        """Whether the Far East total of the halving criterion's measure is at most its fraction
        of the day-0 total, per day."""
        halving = self.case.criteria.halving
        return self.fallen_to(halving.fraction, (halving.measure,))

    @cached_property
    def armour_air_holds(self) -> tuple[bool, ...]:
        """Whether each measure of the armour-and-air criterion (tanks, aircraft) is at most its
        fraction of the day-0 total, per day."""
        crit = self.case.criteria.armour_air
        return self.fallen_to(crit.fraction, crit.measures)

    @property
    def decision_lag(self) -> int:
        return self.case.criteria.decision_deadline.decision_to_attack_days

    @property
    def decision_deadline_day(self) -> int:
        return self.case.day(self.case.criteria.decision_deadline.date)

    @property
    def weather_last_x_day(self) -> int:
        """Latest X-Day whose campaign still ends by the weather deadline."""
        weather = self.case.criteria.weather
        return self.case.day(weather.deadline) - weather.campaign_days

    def enabled(self, criterion: str) -> bool:
        return bool(getattr(self.case.criteria, criterion).enabled)
