"""A plan (what the planner decides) and a result (what the tool prints and stores)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UnitPlan(Frozen):
    """One unit's timeline in whole days from the calendar start (None: leg not used)."""

    id: str
    committed: bool = True
    move: int | None = Field(None, description="Index of the unit's allowed move taken.")
    mobilize: int | None = None
    ready: int | None = None
    sail: int | None = None
    debark: int | None = None
    entrain: int | None = None
    arrive: int | None = None


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
    """A named criterion at the plan's X-Day: whether it holds and by how much."""

    name: str
    enabled: bool
    holds: bool
    margin: float | None = Field(None, description="Slack in the criterion's own unit (>= 0 holds).")
    unit: str = ""
    detail: str = ""


class Result(Frozen):
    """What `kantokuen solve --json` prints; every plan in it has passed the verifier."""

    case: str
    case_file: str
    case_hash: str
    base_hash: str | None = Field(
        None, description="Hash of the case file's base case (before scenario and --set overrides): "
        "results with different base hashes come from different versions of the case.")
    levers: dict[str, Any] = Field(
        default_factory=dict, description="Effective lever values: mobilization_order (ISO), north_share "
        "(0..1 or 'auto'), withdrawal_scale.")
    scenario: str | None
    overrides: list[dict[str, Any]]
    status: Status
    go: bool
    x_day: str | None
    x_day_index: int | None
    decision_day: str | None
    order_day: str
    calendar_start: str
    horizon: int
    north_share: float | None = Field(None, description="North share of the pool used by the plan (0..1).")
    objective: dict[str, float]
    bound: dict[str, float]
    verified: bool
    criteria: list[CriterionResult]
    force_ratio: dict[str, dict[str, float]] = Field(default_factory=dict)
    shipping: dict[str, float] = Field(default_factory=dict)
    units: list[dict[str, Any]] = Field(default_factory=list)
    usage: dict[str, Any] = Field(default_factory=dict)
    strength: dict[str, dict[str, list[float]]] = Field(
        default_factory=dict, description="soviet / needed / japanese: per front, per day."
    )
    conflict: list[str] = Field(default_factory=list, description="For a no-go: a minimal set of criteria "
                                "and lever settings (`levers.<name>`) that cannot hold together.")
    explanation: list[str] = Field(default_factory=list)
    solve_seconds: float
    seed: int
    workers: int
    version: str
    ortools_version: str = ""
