"""The case format: every entity of DESIGN.md §1 as a frozen, strict pydantic model.

A case is immutable. Collections are mappings keyed by id so that a dotted path
(`units.home_division.men`) names any field; schedules are short lists whose items
are addressed by index (`shipping.pool.0.tons`). Field descriptions flow into the
JSON Schema that `kantokuen schema` prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

ASSUMPTION = "assumption"


class Strict(BaseModel):
    """Base of every case model: frozen, and a key that is not in the format is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Sourced(Strict):
    """An entity whose numbers come from history: `source` names an entry of `sources:`.

    `source: assumption` marks an unsourced value; `note` then has to give the reason.
    """

    source: str | None = Field(
        None,
        description="Key of the `sources:` entry these numbers come from, or `assumption`.",
    )
    note: str | None = Field(
        None, description="Reason for an assumption, or a remark on the value."
    )


# Upper bounds far beyond any real value keep every sum and product the planner forms
# (tons × days, milli-divisions × ratio) inside CP-SAT's 62-bit integers: a larger number is
# an input error, not a crash inside the solver.
MAX_COUNT = 10**9  # tons, men
MAX_DIVISIONS = 10_000.0  # division-equivalents, ratios and factors
# Durations up to a century, dates within 1800..2200: a date plus or minus any durations the
# planner adds up stays a real calendar date (Python's dates end at year 9999).
MAX_DAYS = 36_600
EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(2200, 12, 31)


def _not_true_or_false(value: Any) -> Any:
    """A number is written as a number: `men: true` is a mistake, not one man."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_not_bool",
            "input should be a number, not {value}",
            {"value": str(value).lower()},
        )
    return value


def _not_a_number(value: Any) -> Any:
    """A date is written as a date: `start: 0` is a mistake, not 1970-01-01."""
    if isinstance(value, int | float):
        raise PydanticCustomError(
            "date_not_number",
            "input should be a date YYYY-MM-DD, not the number {value}",
            {"value": str(value).lower()},
        )
    return value


def _in_the_calendar(value: dt.date) -> dt.date:
    """A case's dates lie between EARLIEST and LATEST."""
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "date {value} is outside {earliest}..{latest}",
            {"value": str(value), "earliest": str(EARLIEST), "latest": str(LATEST)},
        )
    return value


# pydantic reads true/false as 1/0 and a number as seconds since 1970: both refused.
NUMBER = BeforeValidator(_not_true_or_false)
Date = Annotated[dt.date, BeforeValidator(_not_a_number), AfterValidator(_in_the_calendar)]

PositiveInt = Annotated[int, Field(gt=0, le=MAX_COUNT), NUMBER]
NonNegInt = Annotated[int, Field(ge=0, le=MAX_COUNT), NUMBER]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS), NUMBER]
PositiveDays = Annotated[int, Field(gt=0, le=MAX_DAYS), NUMBER]
NonNegFloat = Annotated[float, Field(ge=0, le=MAX_DIVISIONS, allow_inf_nan=False), NUMBER]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), NUMBER]


class Source(Strict):
    """A reference that case numbers cite by key."""

    title: str = Field(description="Author and title of the work.")
    where: str = Field("", description="Where to find it (page, address, archive).")
    note: str = Field("", description="What the case takes from it.")


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False), NUMBER]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False), NUMBER]


class Location(Sourced):
    """A place on the map, in decimal degrees (WGS 84), with the source of its coordinates."""

    lat: Latitude = Field(description="Latitude in decimal degrees, north positive (-90..90).")
    lon: Longitude = Field(description="Longitude in decimal degrees, east positive (-180..180).")
    name: str = Field("", description="The place the coordinates are of (a town, a junction).")


LOCATION_DOC = "Where it is on the map: {lat, lon, source} (optional; used by `kantokuen map`)."
WAYPOINTS_DOC = (
    "Places the line passes, in order, to draw it on the map: a list of {lat, lon, source}."
)


class Calendar(Strict):
    """The case's calendar: day 0 is `start`; the plan looks `horizon_days` ahead."""

    start: Date = Field(description="Day 0 of the case (1941-06-22, the German invasion).")
    horizon_days: Annotated[int, Field(ge=1, le=1000), NUMBER] = Field(
        150, description="Last day a unit may arrive or X-Day may fall, counted from `start`."
    )


class ShareStep(Sourced):
    """From `date` on, the North has `share` of the Army shipping pool (until the next step)."""

    date: Date
    share: Fraction = Field(description="Fraction of the pool given to the North (0..1).")


def _share_form(value: Any) -> str:
    """Which form of `north_share` a value is written in: a schedule (a list of steps), `auto`,
    or one number (anything else, so a wrong value gets the number's message)."""
    if isinstance(value, list | tuple):
        return "schedule"
    return "auto" if value == "auto" else "number"


def _steps_in_date_order(steps: tuple[ShareStep, ...]) -> tuple[ShareStep, ...]:
    for before, after in zip(steps, steps[1:], strict=False):
        if after.date <= before.date:
            raise ValueError(
                f"share steps must be in date order: {after.date} does not follow {before.date}"
            )
    return steps


ShareSchedule = Annotated[
    tuple[ShareStep, ...], Field(min_length=1), AfterValidator(_steps_in_date_order)
]
# One number, `auto`, or a schedule: the branch is chosen by the value's form, so a mistake is
# reported once, in that form's words (not once per form).
NorthShare = Annotated[
    Annotated[Fraction, Tag("number")]
    | Annotated[Literal["auto"], Tag("auto")]
    | Annotated[ShareSchedule, Tag("schedule")],
    Discriminator(_share_form),
]


class Levers(Strict):
    """The counterfactual knobs that scenarios, `--set`, `--vary` and `breakeven` turn."""

    mobilization_order: Date = Field(
        description="Date the mobilization order goes out; no unit starts mobilizing before it."
    )
    north_share: NorthShare = Field(
        description="Fraction of the Army shipping pool given to the North (0..1); or `auto`: "
        "the smallest whole-percent share that still gives the earliest X-Day; or a schedule, "
        "a list of {date, share} steps: each step holds from its date until the next (the "
        "North has none before the first), e.g. 0.9 from the start, 0.6 from 1 August."
    )
    withdrawal_scale: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False), NUMBER] = Field(
        1.0, description="Multiplier on every front's withdrawal schedule (1.0 = history)."
    )


LEVER_NAMES = {
    "mobilization_order": "mobilization order",
    "north_share": "North share of the shipping pool",
    "withdrawal_scale": "Soviet withdrawal rate",
}
"""Each lever as a sentence names it (`the mobilization order on 7 Jul 1941`)."""
LEVER_LABELS = {
    "levers.mobilization_order": "Mobilization order date",
    "levers.north_share": "North's share of the shipping pool",
    "levers.withdrawal_scale": "Speed of Soviet withdrawals westward (× history)",
}
"""Each lever's dotted path as a table row, a heading or a chart's axis names it."""


class PoolStep(Sourced):
    """From `date` on, the Army shipping pool holds `tons` (requisitioning takes time)."""

    date: Date
    tons: NonNegInt = Field(description="Gross tons of Army shipping available from this date on.")


class SouthRequirement(Sourced):
    """The Southern operations need `tons` of the pool (South share) by `by`."""

    by: Date
    tons: NonNegInt
    name: str = ""


class Shipping(Sourced):
    """The Army shipping pool shared North/South, and what the South needs of it."""

    pool: tuple[PoolStep, ...] = Field(
        min_length=1,
        description="Stepwise availability: each step holds from its date until the next step.",
    )
    south_requirements: dict[str, SouthRequirement] = Field(default_factory=dict)

    @field_validator("pool")
    @classmethod
    def _pool_dates_increase(cls, pool: tuple[PoolStep, ...]) -> tuple[PoolStep, ...]:
        for before, after in zip(pool, pool[1:], strict=False):
            if after.date <= before.date:
                raise ValueError(
                    f"pool steps must be in date order: {after.date} does not follow {before.date}"
                )
        return pool


class Region(Strict):
    """Where units come from (home islands, Korea, Manchuria, North China)."""

    name: str
    rail_only: bool = Field(
        False, description="Units of this region move by rail only (already on the continent)."
    )
    depot_men: PositiveInt | None = Field(
        None, description="Men that may be mobilizing at once in this region (optional)."
    )
    source: str | None = None
    note: str | None = None
    location: Location | None = Field(None, description=LOCATION_DOC)


class Port(Sourced):
    """An embarkation or debarkation port with its daily military cargo throughput."""

    name: str
    region: str = Field(description="Region id the port lies in.")
    tons_per_day: PositiveInt = Field(description="Tons that may be loaded (or unloaded) per day.")
    location: Location | None = Field(None, description=LOCATION_DOC)


class SeaRoute(Sourced):
    """A sea lane from an embarkation port to a debarkation port."""

    embark: str = Field(description="Embarkation port id.")
    debark: str = Field(description="Debarkation port id.")
    sail_days: Days = Field(description="Days from sailing to arrival at the debarkation port.")
    cycle_days: PositiveDays = Field(
        description="Days the lift is held: load, sail, unload, and the ship's return."
    )
    waypoints: tuple[Location, ...] = Field(default=(), description=WAYPOINTS_DOC)

    @model_validator(mode="after")
    def _cycle_covers_voyage(self) -> SeaRoute:
        if self.cycle_days < self.sail_days:
            raise ValueError("cycle_days must be at least sail_days (the ship has to come back)")
        return self


class RailLine(Sourced):
    """A railway from a port or region to the concentration area facing a Soviet front."""

    start: str = Field(description="Port id or region id where units entrain.")
    front: str = Field(description="Soviet front id the line delivers to.")
    tons_per_day: PositiveInt | None = Field(
        None,
        description="Tons the line carries per day: units' `lift_tons`, or their handling tons "
        "(`conversions.handling`) when they give `cargo_tons`. Give it or `trains_per_day`.",
    )
    trains_per_day: PositiveInt | None = Field(
        None,
        description="Military trains the line runs per day; a unit's trains come from its men, "
        "horses and cargo (`conversions.train`). Give it or `tons_per_day`.",
    )
    transit_days: Days
    start_location: Location | None = Field(
        None,
        description="Where units entrain, on the map (default: the start port's or region's "
        "location).",
    )
    end_location: Location | None = Field(
        None,
        description="The concentration area the line delivers to, on the map (default: the "
        "front's location).",
    )
    waypoints: tuple[Location, ...] = Field(default=(), description=WAYPOINTS_DOC)

    @property
    def measure(self) -> Literal["tons", "trains"]:
        """What the line's capacity counts: tons or trains."""
        return "tons" if self.trains_per_day is None else "trains"

    @property
    def per_day(self) -> int:
        """The line's daily capacity in its own measure (tons or trains)."""
        value = self.tons_per_day if self.trains_per_day is None else self.trains_per_day
        assert value is not None  # one of the two is given (models.references.one_of_each)
        return value


class Move(Strict):
    """One allowed way for a unit to reach its front: optionally by sea, then by rail."""

    sea: str | None = Field(None, description="Sea route id (omit for a rail-only move).")
    rail: str = Field(
        description="Rail line id, from the sea route's debarkation port or the unit's region."
    )


class Unit(Sourced):
    """A division or auxiliary group to be mobilized and moved to a front."""

    name: str
    count: Annotated[int, Field(ge=1, le=100_000), NUMBER] = Field(
        1, description="Number of identical units this entry stands for."
    )
    origin: str = Field(description="Region id the unit mobilizes in.")
    men: NonNegInt
    horses: NonNegInt = Field(0, description="Horses and mules the unit takes.")
    cargo_tons: NonNegInt | None = Field(
        None,
        description="Tons of equipment and supplies (weapons, vehicles, ammunition, fodder). "
        "With the men and horses, `conversions:` turns it into ship space, port handling tons "
        "and trains. Give it or `lift_tons`.",
    )
    lift_tons: PositiveInt | None = Field(
        None,
        description="The one measure of a simple case: the tons of shipping, of port handling "
        "and of rail capacity (a line in tons per day) the unit occupies, its men, horses and "
        "cargo together. Give it or `cargo_tons`.",
    )
    mobilization_days: Days = Field(description="Days from start of mobilization to ready to move.")
    available: Date | None = Field(None, description="Earliest day the unit may start mobilizing.")
    travel_to_port_days: Days = Field(0, description="Days from ready to the embarkation port.")
    combat_value: NonNegFloat = Field(0.0, description="Combat value in division-equivalents.")
    front: str = Field(description="Soviet front id the unit is destined for.")
    required: bool = Field(
        True, description="Must arrive by X-Day; otherwise the solver may leave it home."
    )
    moves: tuple[Move, ...] = Field(
        min_length=1, description="Allowed routes; the planner picks one."
    )


Factor = Annotated[float, Field(ge=0, le=MAX_DIVISIONS, allow_inf_nan=False), NUMBER]


class ShipSpace(Sourced):
    """Shipping a unit holds from its first loading day until its ships are back, in gross
    register tons (GRT, the measure of the pool): so much per man, per horse and per ton of
    cargo, summed and rounded up to a whole ton."""

    grt_per_man: Factor = Field(description="GRT per man (troop space, with his kit).")
    grt_per_horse: Factor = Field(description="GRT per horse (stalls, fodder for the voyage).")
    grt_per_cargo_ton: Factor = Field(
        description="GRT per ton of equipment and supplies (stowage: cargo does not pack solid)."
    )


class Handling(Sourced):
    """What a unit weighs for port handling, and for rail lines counted in tons: its cargo
    tons plus so much per man and per horse (their kit, saddlery and fodder), rounded up to a
    whole ton. Men walk up the gangway: a man weighs little here, unlike in ship space."""

    tons_per_man: Factor = Field(description="Handling tons per man.")
    tons_per_horse: Factor = Field(description="Handling tons per horse.")


class Train(Sourced):
    """What one military train carries: a troop train `men` men, a horse train `horses`
    horses, a freight train `cargo_tons` tons. A unit needs men/men + horses/horses +
    cargo/cargo_tons trains, rounded up to whole trains (a part-filled train still runs)."""

    men: PositiveInt = Field(description="Men in one troop train.")
    horses: PositiveInt = Field(description="Horses in one horse train.")
    cargo_tons: PositiveInt = Field(description="Tons of cargo in one freight train.")


class Conversions(Strict):
    """How units given by men, horses and `cargo_tons` convert into each facility's measure:
    ship space (GRT), port handling (tons) and trains. A unit given by `lift_tons` needs none
    of them: its lift is its ship space, its handling tons and its tons on a rail line."""

    ship_space: ShipSpace | None = Field(None, description=ShipSpace.__doc__)
    handling: Handling | None = Field(None, description=Handling.__doc__)
    train: Train | None = Field(None, description=Train.__doc__)


class WithdrawalPoint(Sourced):
    """By `date`, `cumulative` division-equivalents have left the front (history scale)."""

    date: Date
    cumulative: NonNegFloat


class FormationPoint(Sourced):
    """By `date`, new formations raised in the Far East add `cumulative` division-equivalents."""

    date: Date
    cumulative: NonNegFloat


class CountPoint(Sourced):
    """By `date`, `cumulative` men, tanks or aircraft have left (withdrawals) or been added
    (formations)."""

    date: Date
    cumulative: NonNegInt


def _accumulates(points: tuple[Any, ...], what: str) -> tuple[Any, ...]:
    """A cumulative schedule: dates increase and no point is below the one before."""
    for before, after in zip(points, points[1:], strict=False):
        if after.date <= before.date:
            raise ValueError(f"{what} dates must increase: {after.date} after {before.date}")
        if after.cumulative < before.cumulative:
            raise ValueError(f"{what}s are cumulative: a later point cannot be smaller")
    return points


WITHDRAWALS_DOC = "Cumulative withdrawals, linear between points, flat after the last one."
FORMATIONS_DOC = (
    "Cumulative new formations raised locally (call-ups in the Far East), linear between "
    "points, flat after the last one; not scaled by `levers.withdrawal_scale`."
)


class Measure(Sourced):
    """A front's strength in one more measure (men, tanks or aircraft), with its own schedules.

    On day d: max(floor, initial − withdrawal scale × withdrawn(d) + formed(d)); the Soviet
    reaction halts these withdrawals too, but its reinforcements count in division-equivalents
    only."""

    initial: NonNegInt = Field(description="Men, tanks or aircraft on day 0.")
    floor: NonNegInt = Field(0, description="Level the front never falls below.")
    withdrawals: Annotated[
        tuple[CountPoint, ...], AfterValidator(lambda p: _accumulates(p, "withdrawal"))
    ] = Field(default=(), description=WITHDRAWALS_DOC)
    formations: Annotated[
        tuple[CountPoint, ...], AfterValidator(lambda p: _accumulates(p, "formation"))
    ] = Field(default=(), description=FORMATIONS_DOC)


def _count_form(value: Any) -> str:
    """`tanks: 1800` (the day-0 count, no schedules) or `tanks: {initial: 1800, ...}`."""
    return "measure" if isinstance(value, dict | BaseModel) else "count"


CountMeasure = Annotated[
    Annotated[NonNegInt, Tag("count")] | Annotated[Measure, Tag("measure")],
    Discriminator(_count_form),
]

DIVISIONS: Final = "divisions"
COUNT_MEASURES = ("men", "tanks", "aircraft")
MEASURES = (DIVISIONS, *COUNT_MEASURES)
MeasureName = Literal["divisions", "men", "tanks", "aircraft"]
CountMeasureName = Literal["men", "tanks", "aircraft"]
MEASURE_UNITS = {DIVISIONS: "div.-eq.", "men": "men", "tanks": "tanks", "aircraft": "aircraft"}


class Front(Sourced):
    """A Soviet front facing Manchuria, with its strength, its withdrawals westward and the
    new formations raised on the spot, in division-equivalents and optionally in men, tanks
    and aircraft."""

    name: str
    initial_strength: NonNegFloat = Field(description="Division-equivalents on day 0.")
    floor: NonNegFloat = Field(0.0, description="Strength the front never falls below.")
    men: CountMeasure | None = Field(
        None, description="Men: a number (day 0, no schedules) or a measure with schedules."
    )
    tanks: CountMeasure | None = Field(
        None, description="Tanks: a number (day 0, no schedules) or a measure with schedules."
    )
    aircraft: CountMeasure | None = Field(
        None, description="Aircraft: a number (day 0, no schedules) or a measure with schedules."
    )
    withdrawals: tuple[WithdrawalPoint, ...] = Field(default=(), description=WITHDRAWALS_DOC)
    formations: tuple[FormationPoint, ...] = Field(default=(), description=FORMATIONS_DOC)
    reinforcement_share: Fraction = Field(
        0.0, description="Share of Soviet reaction reinforcements that go to this front."
    )
    location: Location | None = Field(None, description=LOCATION_DOC)

    @field_validator("withdrawals")
    @classmethod
    def _withdrawals_accumulate(
        cls, points: tuple[WithdrawalPoint, ...]
    ) -> tuple[WithdrawalPoint, ...]:
        return _accumulates(points, "withdrawal")

    @field_validator("formations")
    @classmethod
    def _formations_accumulate(
        cls, points: tuple[FormationPoint, ...]
    ) -> tuple[FormationPoint, ...]:
        return _accumulates(points, "formation")

    def measure(self, name: str) -> Measure | None:
        """The front's count measure by name, a bare number read as a measure without
        schedules; None when the front does not give it."""
        value = getattr(self, name)
        return Measure(initial=value) if isinstance(value, int) else value


class SovietReaction(Sourced):
    """What the Soviets do once Japanese mobilization is detected."""

    enabled: bool = False
    detection_lag_days: Days = Field(14, description="Days from the order to Soviet detection.")
    halt_withdrawals: bool = Field(True, description="Stop sending divisions west once detected.")
    reinforce_per_day: NonNegFloat = Field(
        0.0, description="Division-equivalents per day the Trans-Siberian Railway brings east."
    )
    ceiling: NonNegFloat = Field(
        60.0, description="Total Far East strength the railway can sustain (division-equivalents)."
    )


class Criterion(Sourced):
    enabled: bool = True


class Halving(Criterion):
    """Soviet Far East strength must have fallen to `fraction` of its initial level by the decision
    day."""

    fraction: Fraction = 0.5
    measure: MeasureName = Field(
        DIVISIONS,
        description="The measure of Soviet strength tested: divisions (division-equivalents), "
        "men, tanks or aircraft, summed over the fronts that give it.",
    )


class ArmourAir(Criterion):
    """Soviet Far East tanks and aircraft must each have fallen to `fraction` of their initial
    level by the decision day (the record's second condition: down to one third)."""

    fraction: Fraction = Field(0.333, description="Largest share of each measure's day-0 total.")
    measures: tuple[CountMeasureName, ...] = Field(
        ("tanks", "aircraft"),
        min_length=1,
        description="The measures tested, each on its own (men, tanks, aircraft).",
    )


class ForceRatio(Criterion):
    """On each front, Japanese combat value at X-Day ≥ ratio × soviet_factor × Soviet strength."""

    ratio: NonNegFloat = 2.0
    soviet_factor: NonNegFloat = Field(
        1.0, description="Japanese divisions one Soviet division is worth."
    )


class DecisionDeadline(Criterion):
    """The go decision is taken by `date`; the attack follows `decision_to_attack_days` later."""

    date: Date
    decision_to_attack_days: Days


class Weather(Criterion):
    """X-Day + campaign_days must not pass the weather deadline."""

    deadline: Date
    campaign_days: Days


class SouthReadiness(Criterion):
    """The South's share of the pool meets every South requirement by its date."""


class RequiredArrivals(Criterion):
    """Every required unit has arrived at its front by X-Day."""


class Criteria(Strict):
    """The named go/no-go criteria; each can be switched off or changed by a scenario."""

    halving: Halving = Field(default_factory=Halving)
    armour_air: ArmourAir = Field(
        default_factory=lambda: ArmourAir(enabled=False),
        description="Off unless the case gives it (then on unless `enabled: false`).",
    )
    force_ratio: ForceRatio = Field(default_factory=ForceRatio)
    decision_deadline: DecisionDeadline
    weather: Weather
    south_readiness: SouthReadiness = Field(default_factory=SouthReadiness)
    required_arrivals: RequiredArrivals = Field(default_factory=RequiredArrivals)


CRITERIA = (
    "halving",
    "armour_air",
    "force_ratio",
    "decision_deadline",
    "weather",
    "south_readiness",
    "required_arrivals",
)
HORIZON_MEMBER = "calendar.horizon_days"
"""The conflict member of a no-go whose movement cannot be done within the planning horizon.
A required unit must be committed and complete its move by the horizon even when the
`required_arrivals` criterion is off: that criterion only ties the arrivals to X-Day."""
HORIZON_LABEL = "the planning horizon (required units must complete their moves within it)"
CRITERION_LABELS = {
    "halving": "Halving (Soviet strength)",
    "armour_air": "Armour and air (Soviet tanks, aircraft)",
    "force_ratio": "Force ratio",
    "decision_deadline": "Decision deadline",
    "weather": "Weather deadline",
    "south_readiness": "South readiness",
    "required_arrivals": "Required units arrived",
}
"""Each criterion as a table row or a heading names it."""
CRITERION_NAMES = {
    "halving": "halving criterion",
    "armour_air": "armour-and-air criterion",
    "force_ratio": "force ratio",
    "decision_deadline": "decision deadline",
    "weather": "weather deadline",
    "south_readiness": "South readiness",
    "required_arrivals": "required units arriving by X-Day",
}
"""Each criterion as a sentence names it (`the halving criterion needs ≤ 50%`)."""


class Scenario(Strict):
    """Named overrides in dotted-path form, optionally building on other scenarios."""

    description: str = ""
    extends: tuple[str, ...] = Field(default=(), description="Scenarios applied first, in order.")
    overrides: dict[str, Any] = Field(default_factory=dict)

    @field_validator("extends", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


RangeEnd = Annotated[float, Field(allow_inf_nan=False), NUMBER] | Date


class Uncertainty(Strict):
    """A declared range of one number or date of the case, which `kantokuen explore` samples.

    Keyed in `uncertainties:` by the field's dotted path (`ports.dairen.tons_per_day`). The
    value the case ships must lie in the range, and is the mode of a triangular distribution.
    Scenarios and `--set` keep setting point values; only `explore` draws from the range.
    """

    low: RangeEnd = Field(description="Lowest plausible value (a number, or a date).")
    high: RangeEnd = Field(description="Highest plausible value (a number, or a date).")
    distribution: Literal["uniform", "triangular"] = Field(
        "uniform",
        description="uniform over [low, high], or triangular with the shipped value as its mode.",
    )
    source: str = Field(
        description="Key of the `sources:` entry both bounds come from, or `assumption` "
        "(then `note` gives the reason)."
    )
    note: str | None = Field(None, description="Where the bounds come from, in words.")


class Case(Strict):
    """A whole planning case: the data, the levers, the criteria and the named scenarios."""

    name: str
    title: str = ""
    description: str = ""
    calendar: Calendar
    sources: dict[str, Source] = Field(default_factory=dict)
    levers: Levers
    shipping: Shipping
    regions: dict[str, Region]
    ports: dict[str, Port] = Field(default_factory=dict)
    sea_routes: dict[str, SeaRoute] = Field(default_factory=dict)
    rail: dict[str, RailLine]
    fronts: dict[str, Front] = Field(min_length=1)
    soviet_reaction: SovietReaction = Field(default_factory=SovietReaction)
    units: dict[str, Unit] = Field(min_length=1)
    conversions: Conversions = Field(
        default_factory=Conversions,
        description="Factors that turn men, horses and cargo tons into ship space, port "
        "handling tons and trains (for units that give `cargo_tons`).",
    )
    criteria: Criteria
    scenarios: dict[str, Scenario] = Field(default_factory=dict)
    uncertainties: dict[str, Uncertainty] = Field(
        default_factory=dict,
        description="Declared ranges of numbers and dates, keyed by dotted path, for `explore`.",
    )

    def day(self, date: dt.date) -> int:
        """Day number of a date, counted from the calendar start."""
        return (date - self.calendar.start).days

    def date(self, day: int) -> dt.date:
        """Date of a day number."""
        return self.calendar.start + dt.timedelta(days=day)

    def day_in_horizon(self, date: dt.date) -> int:
        """Day number of a date clamped into the horizon 0..horizon_days: the day a South
        requirement is measured on (one dated before the start counts on day 0)."""
        return min(max(self.day(date), 0), self.calendar.horizon_days)

    @property
    def order_day(self) -> int:
        return self.day(self.levers.mobilization_order)

    def locations(self) -> Iterator[tuple[tuple[str | int, ...], Location]]:
        """(path, location) of every coordinate set the case gives, for the map and its sources."""
        for section in ("regions", "ports", "fronts"):
            for key, entity in getattr(self, section).items():
                if entity.location is not None:
                    yield (section, key, "location"), entity.location
        for key, line in self.rail.items():
            for end in ("start_location", "end_location"):
                if getattr(line, end) is not None:
                    yield ("rail", key, end), getattr(line, end)
        for section in ("rail", "sea_routes"):
            for key, path in getattr(self, section).items():
                for i, point in enumerate(path.waypoints):
                    yield (section, key, "waypoints", i), point
