"""A plan (what the planner decides) and a result (what the tool prints and stores)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, NotRequired, get_args

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Handled = tuple[tuple[int, int], ...]
"""(day, amount) pairs: what a facility handles of a unit on each day, in the facility's own
measure (handling tons at a port; tons or trains on a rail line)."""


class UnitPlan(Frozen):
    """One unit's timeline in whole days from the calendar start (None: leg not used).

    A unit larger than what a facility has left on a day is handled over several days; the
    three handling lists say how much on which day. An empty list means the whole unit on the
    leg's day: loaded on `sail`, unloaded on `debark`, entrained on `entrain`."""

    id: str
    committed: bool = True
    move: int | None = Field(None, description="Index of the unit's allowed move taken.")
    mobilize: int | None = None
    ready: int | None = None
    sail: int | None = Field(
        None, description="Day the unit sails: its last part is loaded on or before it."
    )
    debark: int | None = Field(
        None, description="Day the unit lands at the debarkation port; unloading starts then."
    )
    entrain: int | None = Field(
        None, description="Day the unit's last train leaves; it arrives transit days later."
    )
    arrive: int | None = None
    loading: Handled = Field(
        (), description="(day, tons) loaded at the embarkation port; empty: all on `sail`."
    )
    unloading: Handled = Field(
        (), description="(day, tons) unloaded at the debarkation port; empty: all on `debark`."
    )
    entraining: Handled = Field(
        (),
        description="(day, tons or trains, the line's measure) entrained; empty: all on `entrain`.",
    )


class Plan(Frozen):
    """A complete plan: X-Day, the North share, and every unit's timeline."""

    x_day: int
    north_share_bp: int
    units: tuple[UnitPlan, ...]

    def unit(self, uid: str) -> UnitPlan:
        for u in self.units:
            if u.id == uid:
                return u
        raise KeyError(uid)


class Status(StrEnum):
    """Solver outcome, mapped in one place (planner.solve.map_status)."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    TIME_LIMIT = "TIME_LIMIT"
    UNKNOWN = "UNKNOWN"


class CriterionResult(Frozen):
    """A named criterion at the plan's X-Day: whether it holds and by how much. For a no-go
    there is no plan to measure: `holds` is false for the members of the conflict and None
    (not evaluated) for the others."""

    name: str
    enabled: bool
    holds: bool | None
    margin: float | None = Field(
        None, description="Slack in the criterion's own unit (>= 0 holds)."
    )
    unit: str = ""
    detail: str = ""


# Nested parts of a Result are typed so that a saved result edited by hand or damaged is
# refused when read, naming the field, instead of failing later in a reader. They stay
# plain dicts (TypedDicts) for the code that reads them.
ISODate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class OverrideRecord(TypedDict):
    path: str
    value: Any
    origin: str


class ShareStepValue(TypedDict, total=False):
    """One step of a North share schedule, as the case gives it."""

    date: ISODate
    share: float
    source: str | None
    note: str | None


class LeverValues(TypedDict, total=False):
    mobilization_order: ISODate
    north_share: float | Literal["auto"] | list[ShareStepValue]
    withdrawal_scale: float


class ForceRow(TypedDict):
    japanese: float
    soviet: float
    ratio: float
    needed: float


class UnitRow(TypedDict):
    id: str
    name: str
    template: str
    front: str
    men: int
    lift: int  # ship space held (GRT): the unit's lift_tons, or its converted ship space
    combat: float
    required: bool
    committed: bool
    handling: NotRequired[int]  # handling tons at a port
    trains: NotRequired[int]  # trains on a line counted in trains (when the unit converts)
    route: NotRequired[str]
    loading: NotRequired[ISODate | None]  # first loading day (ships held from it)
    unloaded: NotRequired[ISODate | None]  # last unloading day: through the debarkation port
    entraining: NotRequired[ISODate | None]  # first train day
    mobilize: NotRequired[ISODate | None]
    ready: NotRequired[ISODate | None]
    sail: NotRequired[ISODate | None]
    debark: NotRequired[ISODate | None]
    entrain: NotRequired[ISODate | None]
    arrive: NotRequired[ISODate | None]


UnitLeg = Literal["mobilize", "ready", "sail", "debark", "entrain", "arrive"]
"""The dates of a unit's move, in order: the fields of UnitRow (and UnitPlan) that hold them."""
UNIT_LEGS: tuple[UnitLeg, ...] = get_args(UnitLeg)


class PortUsage(TypedDict):
    capacity: int
    loaded: list[int]
    unloaded: list[int]


class RailUsage(TypedDict):
    capacity: int
    entrained: list[int]
    measure: NotRequired[Literal["tons", "trains"]]  # what capacity and entrained count


class Usage(TypedDict, total=False):
    shipping: dict[str, list[int]]
    ports: dict[str, PortUsage]
    rail: dict[str, RailUsage]


class Exclusion(TypedDict):
    """X-Days first..last ruled out by one reason (models.certify lists the reasons)."""

    rule: str
    first: int
    last: int
    front: NotRequired[str]
    measure: NotRequired[str]  # halving on men, tanks or aircraft: what the numbers count
    numbers: dict[str, int]


class RequiredBy(TypedDict, total=False):
    """A lower bound on the last required arrival: one unit, or a facility and its units."""

    day: int
    unit: str
    facility: str
    units: list[str]


class Certificate(TypedDict, total=False):
    """Why no X-Day is possible, as arithmetic the verifier re-checks (models.certify); kind
    `full_model` when only CP-SAT's proof on the full model stands, `flow_relaxation` when
    CP-SAT's proof on the movement's flow relaxation does (planner/flow_bound)."""

    kind: Literal["criteria", "relaxation", "full_model", "flow_relaxation"]
    exclusions: list[Exclusion]
    required_by: RequiredBy
    open_day: int
    open_days: list[int]
    note: str


class Change(Frozen):
    """One move of a correction: a member of the case at the least value that still gives a
    go (the path is the one `--set` takes)."""

    member: str = Field(
        description="A criterion, levers.<lever>, a declared path, or <path>> past its range."
    )
    path: str = Field(description="The dotted path it sets.")
    kind: str = Field(description="lever | criterion | range | beyond")
    label: str
    cost_class: str = Field(description="lever | assumption | beyond_range | sourced")
    cost: float
    current: Any = Field(description="The case's value (JSON form).")
    value: Any = Field(description="The value that does, or 'off' (JSON form).")
    words: str = Field(description="The move in words: `from 1× history to 3.34× history`.")
    declared: list[Any] | None = Field(None, description="The declared range, low and high.")


class CorrectionSet(Frozen):
    """A minimal correction of a no-go: moves that together give a go (no fewer would),
    priced by provenance."""

    cost: float
    changes: list[Change]
    verified: bool = Field(description="A plan of the corrected case passed the verifier.")
    x_day: str | None = Field(None, description="X-Day of that verified plan.")
    note: str = ""
    sentence: str


class Result(Frozen):
    """What `kantokuen solve --json` prints; every plan in it has passed the verifier."""

    case: str
    case_file: str
    case_hash: str
    base_hash: str | None = Field(
        None,
        description="Hash of the case file's base case (before scenario and --set overrides): "
        "results with different base hashes come from different versions of the case.",
    )
    levers: LeverValues = Field(
        default_factory=lambda: LeverValues(),
        description="Effective lever values: mobilization_order (ISO), north_share "
        "(0..1, 'auto', or a schedule of {date, share} steps), withdrawal_scale.",
    )
    scenario: str | None
    overrides: list[OverrideRecord]
    status: Status
    go: bool
    x_day: str | None
    x_day_index: int | None
    decision_day: str | None
    order_day: str
    calendar_start: str
    horizon: int
    north_share: float | None = Field(
        None,
        description="North share of the pool used by the plan (0..1); with a share schedule, "
        "the share in force on X-Day.",
    )
    objective: dict[str, float]
    bound: dict[str, float]
    bound_source: str = Field(
        "",
        description="What gave X-Day's bound (`bound.x_day`): `relaxation` (each port and "
        "rail line alone, and the date criteria), `flow relaxation` (the whole movement as a "
        "linear program, every resource shared) or `search` (CP-SAT's own); empty without a "
        "plan.",
    )
    verified: bool = Field(
        description="A plan: it passed the independent verifier. A no-go: its "
        "certificate passed the verifier (see `verification` when false)."
    )
    verification: str = Field("", description="Why `verified` is false, when it is.")
    certificate: Certificate | None = Field(
        None,
        description="For a no-go: why no X-Day in 0..horizon is possible, checked by the "
        "verifier without a solver.",
    )
    criteria: list[CriterionResult]
    force_ratio: dict[str, ForceRow] = Field(default_factory=dict)
    shipping: dict[str, float] = Field(default_factory=dict)
    units: list[UnitRow] = Field(default_factory=list)
    usage: Usage = Field(default_factory=lambda: Usage())
    strength: dict[str, dict[str, list[float]]] = Field(
        default_factory=dict,
        description="soviet / needed / japanese (division-equivalents), and soviet_men / "
        "soviet_tanks / soviet_aircraft where the case gives them: per front, per day.",
    )
    conflict: list[str] = Field(
        default_factory=list,
        description="For a no-go: a minimal set of criteria "
        "and lever settings (`levers.<name>`) that cannot hold together.",
    )
    explanation: list[str] = Field(default_factory=list)
    corrections: list[CorrectionSet] = Field(
        default_factory=list,
        description="For a no-go: the cheapest correction (moves that together give a go, "
        "verified), when it fits the time limit; `explain` lists more.",
    )
    solve_seconds: float
    explain_seconds: float = Field(
        0.0,
        description="Seconds spent explaining a no-go (finding its conflict) after the solve, "
        "within the same time limit; 0 when there was nothing to explain.",
    )
    timings: dict[str, float] = Field(
        default_factory=dict,
        description="Seconds per planner phase (relaxation_bound, build, "
        "warm_start, solve_<stage>, verify). wall_cap_<stage>: the wall-clock cap (seconds), not "
        "the deterministic budget, ended that stage, so its answer may depend on machine load. "
        "presolve_retry_<stage>: CP-SAT's presolve crashed on the hints and the stage was solved "
        "again without them (seconds lost).",
    )
    seed: int
    workers: int
    version: str
    ortools_version: str = ""

    def to_json(self, indent: int | None = 2) -> str:
        """The result as `kantokuen solve --json` prints it (and `compare` reads it back)."""
        return self.model_dump_json(indent=indent)

    def units_frame(self) -> Any:
        """Each unit's timeline as a pandas DataFrame, indexed by unit id (needs pandas:
        `pip install 'kantokuen[pandas]'`)."""
        from kantokuen.models.frames import units_frame

        return units_frame(self)

    def usage_frame(self) -> Any:
        """Shipping, port and rail tons per day as a pandas DataFrame, indexed by date (needs
        pandas: `pip install 'kantokuen[pandas]'`)."""
        from kantokuen.models.frames import usage_frame

        return usage_frame(self)
