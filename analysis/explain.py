"""`explain`: why a case is a no-go, or what binds its go, as one report.

No-go: the minimal conflict of criteria and lever settings (planner.explain), each member in
domain words with how far it would have to move. Go: the criteria with zero slack, what sets
X-Day (each criterion, lever and saturated resource relaxed on its own, X-Day re-solved), the
resources at capacity and on which days, and the critical chain of the last unit to arrive.
Every plan used has passed the verifier; the report says how many solves it took.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kantokuen.models.case import CRITERION_NAMES, HORIZON_MEMBER
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Result, Status
from kantokuen.models.scenarios import LoadedCase
from kantokuen.planner.binding import critical_chain, saturated_resources, what_binds
from kantokuen.planner.explain import (
    describe,
    explain_conflict,
    minimal_conflict,
    other_conflicts,
)
from kantokuen.planner.result import build_result
from kantokuen.planner.solve import SolveOptions, plan_case


class ConflictMember(BaseModel):
    name: str
    kind: str
    label: str
    sentence: str
    current: str = ""
    needed: str = ""
    scope: str = Field(
        "case",
        description="case: moving this member alone gives a go; loosened: it does with "
        "the levers outside the conflict at their loosest; conflict: it only dissolves this conflict.",
    )


class ConflictReport(BaseModel):
    """One minimal conflict: dropping any member makes the case (reduced to it) feasible."""

    members: list[ConflictMember]
    minimal: bool = Field(True, description="Checked minimal (False: some checks ran out of time).")
    checks: int = 0


class BindingRow(BaseModel):
    name: str
    kind: str
    label: str
    relaxation: str
    x_day: str | None
    days_earlier: int | None
    binds: bool
    proven: bool


class SaturatedRow(BaseModel):
    resource: str
    label: str
    days: list[str]


class LegRow(BaseModel):
    leg: str
    date: str
    earliest: str
    waited_days: int
    reason: str


class ChainReport(BaseModel):
    unit: str
    name: str
    front: str
    route: str
    legs: list[LegRow]
    note: str


class ZeroSlack(BaseModel):
    name: str
    label: str
    margin: float
    unit: str
    detail: str


class ExplainReport(BaseModel):
    """What `kantokuen explain --json` prints."""

    case: str
    scenario: str | None
    overrides: list[dict[str, Any]]
    verdict: str = Field(description="go | no-go | no-answer")
    status: str
    x_day: str | None = None
    decision_day: str | None = None
    conflicts: list[ConflictReport] = Field(
        default_factory=list,
        description="Minimal conflicts, the first one found first; a go needs every one of "
        "them dissolved.",
    )
    movement_impossible: bool = False
    zero_slack: list[ZeroSlack] = Field(default_factory=list)
    binds: list[BindingRow] = Field(default_factory=list)
    saturated: list[SaturatedRow] = Field(default_factory=list)
    chain: ChainReport | None = None
    solves: int = Field(0, description="CP-SAT solves used, all told.")
    result: Result


def explain_case(
    loaded: LoadedCase, options: SolveOptions, max_conflicts: int = 3
) -> ExplainReport:
    """Solve the case, then explain the no-go (up to `max_conflicts` minimal conflicts) or
    what binds the go."""
    inst = Instance(loaded.case)
    outcome = plan_case(inst, options)
    head: dict[str, Any] = {
        "case": loaded.case.name,
        "scenario": loaded.scenario,
        "overrides": [o.as_json() for o in loaded.overrides],
        "status": outcome.status.value,
    }
    if outcome.status == Status.INFEASIBLE:
        return _no_go(loaded, inst, outcome, options, head, max_conflicts)
    if outcome.plan is None:
        result = build_result(loaded, inst, outcome, options, [], [])
        return ExplainReport(**head, verdict="no-answer", solves=1, result=result)
    return _go(loaded, inst, outcome, options, head)


def _no_go(
    loaded: LoadedCase,
    inst: Instance,
    outcome: Any,
    options: SolveOptions,
    head: dict[str, Any],
    max_conflicts: int,
) -> ExplainReport:
    first = minimal_conflict(inst, time_limit=options.time_limit)
    result = build_result(
        loaded, inst, outcome, options, list(first.members), describe(inst, first)
    )
    if not first.feasible_without_criteria:
        movement = ConflictMember(
            name=HORIZON_MEMBER,
            kind="movement",
            label="the movement itself",
            sentence=result.explanation[0],
        )
        return ExplainReport(
            **head,
            verdict="no-go",
            conflicts=[ConflictReport(members=[movement], checks=first.checks)],
            movement_impossible=True,
            solves=1 + first.checks,
            result=result,
        )
    conflicts, more_checks = other_conflicts(inst, first, options.time_limit, max_conflicts)
    solves = 1 + first.checks + more_checks
    reports = []
    for conflict in conflicts:
        members, used = explain_conflict(inst, conflict, options)
        solves += used
        reports.append(
            ConflictReport(
                members=[
                    ConflictMember(
                        name=m.name,
                        kind=m.kind,
                        label=m.label,
                        sentence=m.sentence,
                        current=m.current,
                        needed=m.needed,
                        scope=m.scope,
                    )
                    for m in members
                ],
                minimal=conflict.proven_minimal,
                checks=conflict.checks,
            )
        )
    return ExplainReport(**head, verdict="no-go", conflicts=reports, solves=solves, result=result)


def _go(
    loaded: LoadedCase, inst: Instance, outcome: Any, options: SolveOptions, head: dict[str, Any]
) -> ExplainReport:
    plan = outcome.plan
    case = inst.case
    result = build_result(loaded, inst, outcome, options, [], [])

    def date(day: int | None) -> str | None:
        return case.date(day).isoformat() if day is not None else None

    zero = [
        ZeroSlack(
            name=c.name,
            label=CRITERION_NAMES.get(c.name, c.name),
            margin=c.margin,
            unit=c.unit,
            detail=c.detail,
        )
        for c in result.criteria
        if c.enabled
        and c.margin is not None
        and c.margin <= 0
        and (c.name != "south_readiness" or case.shipping.south_requirements)
    ]  # no requirement: no slack to have
    binds = what_binds(inst, plan, options)
    binding_rows = [
        BindingRow(
            name=b.name,
            kind=b.kind,
            label=b.label,
            relaxation=b.relaxation,
            x_day=date(b.x_day),
            days_earlier=b.days_earlier,
            binds=bool(b.days_earlier and b.days_earlier > 0),
            proven=b.proven,
        )
        for b in binds
    ]
    binding_rows.sort(key=lambda r: -(r.days_earlier or 0))
    saturated = [
        SaturatedRow(
            resource=s.resource, label=s.label, days=[case.date(d).isoformat() for d in s.days]
        )
        for s in saturated_resources(inst, plan)
    ]
    chain = critical_chain(inst, plan)
    chain_report = None
    if chain is not None:
        chain_report = ChainReport(
            unit=chain.unit,
            name=chain.name,
            front=chain.front,
            route=chain.route,
            note=chain.note,
            legs=[
                LegRow(
                    leg=leg.name,
                    date=case.date(leg.day).isoformat(),
                    earliest=case.date(leg.earliest).isoformat(),
                    waited_days=leg.day - leg.earliest,
                    reason=leg.reason,
                )
                for leg in chain.legs
            ],
        )
    return ExplainReport(
        **head,
        verdict="go",
        x_day=result.x_day,
        decision_day=result.decision_day,
        zero_slack=zero,
        binds=binding_rows,
        saturated=saturated,
        chain=chain_report,
        solves=1 + len(binds),
        result=result,
    )
