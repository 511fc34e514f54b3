"""`explain`: why a case is a no-go, or what binds its go, as one report.

No-go: every minimal conflict of criteria, levers and declared ranges (up to a limit, saying
whether the list is complete), each member in domain words with the least move that would do;
the members several conflicts share; and the cheapest corrections (sets of moves that together
give a go, priced by provenance), each with the exact values needed and a verified plan
(planner.corrections). Go: the criteria with zero slack, what sets X-Day (each criterion,
lever and saturated resource relaxed on its own, X-Day re-solved), the resources at capacity
and on which days, and the critical chain of the last unit to arrive. The time limit bounds
the whole; every plan used has passed the verifier; the report says how many checks and
solves it took, and how many checks ran out of time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from kantokuen.models.case import CRITERION_NAMES, HORIZON_MEMBER
from kantokuen.models.instance import BP, MILLI, Instance
from kantokuen.models.plan import CorrectionSet, Plan, Result, Status
from kantokuen.models.scenarios import LoadedCase
from kantokuen.planner.alternatives import Alternative, alternatives
from kantokuen.planner.binding import Chain, critical_chain, saturated_resources, what_binds
from kantokuen.planner.closure import Closure, closure
from kantokuen.planner.corrections import (
    ConflictSet,
    Explored,
    Search,
    correction_set,
    explore,
    member_distance,
)
from kantokuen.planner.explain import describe, minimal_conflict
from kantokuen.planner.factors import DEFAULT_WEIGHTS
from kantokuen.planner.prose import member_sentence, unchecked_sentence
from kantokuen.planner.result import build_result
from kantokuen.planner.solve import SolveOptions, plan_case


class ConflictMember(BaseModel):
    name: str
    kind: str = Field(description="criterion | lever | range (a declared value) | movement")
    label: str
    sentence: str
    current: str = ""
    needed: str = Field("", description="The least value that would do ('' unknown or none).")
    scope: str = Field(
        "case",
        description="case: moving this member alone gives a go; loosened: it does with "
        "the levers outside the conflict at their loosest; conflict: it only dissolves this "
        "conflict.",
    )


class ConflictReport(BaseModel):
    """One minimal conflict: dropping any member makes the case (reduced to it) feasible."""

    members: list[ConflictMember]
    minimal: bool = Field(
        True,
        description="Checked minimal by deletion: keeping all but any one member gives a go "
        "(each with a plan the verifier passed). False: some checks ran out of time.",
    )
    checks: int = 0


class Conflicts(BaseModel):
    """Every minimal conflict found, and whether that is all of them."""

    complete: bool = Field(
        False, description="Every minimal conflict is listed (the search ran to its end)."
    )
    more: bool = Field(False, description="At least one more conflict exists past the limit.")
    note: str = Field("", description="The list's completeness in words.")
    items: list[ConflictReport] = Field(default_factory=list)
    shared: list[str] = Field(
        default_factory=list,
        description="Members in several conflicts: moving that one member dissolves them all.",
    )


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


class AlternativeReport(BaseModel):
    """Another verified plan of a go, within the days allowed of the earliest X-Day."""

    x_day: str
    days_after: int = Field(description="Days after the earliest X-Day.")
    north_share: float
    changed: list[str] = Field(description="What it was asked to change (unit groups' routes).")
    moved: int = Field(description="Units on another route plus percents of North share.")
    differences: list[str] = Field(description="How it differs from the earliest plan, in words.")
    verified: bool = True


class WaitRow(BaseModel):
    """A requirement and the first X-Day it allows on the plan."""

    name: str
    label: str
    x_day: str | None
    detail: str = ""


class FrontClosureReport(BaseModel):
    """One front's force build-up up to X-Day."""

    front: str
    name: str
    arrived: list[float] = Field(description="Combat value arrived by each day, div.-eq.")
    needed: list[float] = Field(description="What the force ratio needs on each day, div.-eq.")
    closes: str | None = Field(None, description="First day the need is met for good.")
    required_last: str | None = Field(None, description="The last required unit's arrival.")
    last: list[ChainReport] = Field(
        default_factory=list, description="The last units to arrive, latest first."
    )
    sentence: str


class ClosureReport(BaseModel):
    """How a go's force closes, front by front, and what X-Day waits for."""

    fronts: list[FrontClosureReport]
    waits: list[WaitRow]
    sentence: str


class ExplainReport(BaseModel):
    """What `kantokuen explain --json` prints."""

    case: str
    scenario: str | None
    overrides: list[dict[str, Any]]
    verdict: str = Field(description="go | no-go | no-answer")
    status: str
    x_day: str | None = None
    decision_day: str | None = None
    conflicts: Conflicts = Field(
        default_factory=Conflicts,
        description="A no-go's minimal conflicts, the first one found first; a go needs every "
        "one of them dissolved.",
    )
    correction_sets: list[CorrectionSet] = Field(
        default_factory=list,
        description="A no-go's cheapest minimal corrections, cheapest first, each verified.",
    )
    corrections_complete: bool = Field(
        False, description="No further correction exists among the members considered."
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="The cost of each class of move."
    )
    left_out: list[str] = Field(
        default_factory=list, description="Declared ranges no correction moves, and why."
    )
    movement_impossible: bool = False
    zero_slack: list[ZeroSlack] = Field(default_factory=list)
    binds: list[BindingRow] = Field(default_factory=list)
    saturated: list[SaturatedRow] = Field(default_factory=list)
    chain: ChainReport | None = None
    alternatives: list[AlternativeReport] = Field(
        default_factory=list,
        description="A go's other verified plans within --within days, each as different as "
        "it can be.",
    )
    alternatives_note: str = ""
    closure: ClosureReport | None = None
    solves: int = Field(0, description="CP-SAT solves used, all told.")
    checks: int = Field(0, description="Feasibility checks asked, all told (most by arithmetic).")
    not_checked: int = Field(0, description="Checks that ran out of time (never claims).")
    timings: dict[str, float] = Field(
        default_factory=dict, description="Seconds per stage (plan, first_conflict, ...)."
    )
    result: Result


@dataclass(frozen=True)
class ExplainOptions:
    """What `explain` looks for, and how hard."""

    max_conflicts: int = 3
    corrections: int = 3
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    alternatives: int = 3
    within: int = 3


CHECK_SHARE = 0.1
"""Each CP-SAT check of an explanation may use this share of the time limit (counted in
deterministic time), never more than `CHECK_SECONDS` and never past the deadline: most checks
need no solve at all, and no one hard check may take the whole command."""
CHECK_SECONDS = 3.0
SOLVE_SHARE = 0.2
"""A go's relaxations (what binds) each re-solve X-Day with this share of the time limit, at
most `SOLVE_SECONDS`, and never past the deadline."""
SOLVE_SECONDS = 5.0


def explain_case(
    loaded: LoadedCase,
    options: SolveOptions,
    max_conflicts: int = 3,
    explain: ExplainOptions | None = None,
) -> ExplainReport:
    """Solve the case, then explain the no-go (its minimal conflicts and cheapest corrections)
    or what binds the go. `options.time_limit` bounds the whole: planning and explanation share
    one deadline, and a check that runs out of time is reported as not checked."""
    started = time.perf_counter()
    explain = explain or ExplainOptions(max_conflicts=max_conflicts)
    deadline = started + options.time_limit
    inst = Instance(loaded.case)
    outcome = plan_case(inst, options, deadline=deadline)
    timings = {"plan": round(time.perf_counter() - started, 3)}
    head: dict[str, Any] = {
        "case": loaded.case.name,
        "scenario": loaded.scenario,
        "overrides": [o.as_json() for o in loaded.overrides],
        "status": outcome.status.value,
    }
    if outcome.status == Status.INFEASIBLE:
        report = _no_go(loaded, inst, outcome, options, head, explain, deadline, timings)
    elif outcome.plan is None:
        result = build_result(loaded, inst, outcome, options, [], [])
        report = ExplainReport(**head, verdict="no-answer", solves=1, result=result)
    else:
        report = _go(loaded, inst, outcome, options, head, explain, deadline, timings)
    timings["total"] = round(time.perf_counter() - started, 3)
    return report.model_copy(update={"timings": timings})


def check_seconds(options: SolveOptions) -> float:
    """The budget of one CP-SAT check of an explanation (see `CHECK_SHARE`)."""
    return min(CHECK_SHARE * options.time_limit, CHECK_SECONDS)


def _no_go(
    loaded: LoadedCase,
    inst: Instance,
    outcome: Any,
    options: SolveOptions,
    head: dict[str, Any],
    explain: ExplainOptions,
    deadline: float,
    timings: dict[str, float],
) -> ExplainReport:
    mark = time.perf_counter()
    budget = check_seconds(options)
    first = minimal_conflict(inst, time_limit=budget, deadline=deadline)
    timings["first_conflict"] = round(time.perf_counter() - mark, 3)
    result = build_result(
        loaded, inst, outcome, options, list(first.members), describe(inst, first)
    )
    weights = dict(explain.weights)
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
            conflicts=Conflicts(
                complete=True,
                note="The movement itself cannot be done: no criterion or lever matters.",
                items=[ConflictReport(members=[movement], checks=first.checks)],
            ),
            movement_impossible=True,
            weights=weights,
            solves=1 + first.checks,
            result=result,
        )
    search = Search(inst, weights, budget, deadline)
    mark = time.perf_counter()
    found = explore(search, explain.max_conflicts, explain.corrections, first.members)
    timings["conflicts_and_corrections"] = round(time.perf_counter() - mark, 3)
    conflicts = [_conflict_report(inst, search, c) for c in found.conflicts]
    corrections = [correction_set(inst, c) for c in found.corrections]
    oracle = search.oracle
    return ExplainReport(
        **head,
        verdict="no-go",
        conflicts=Conflicts(
            complete=found.conflicts_complete,
            more=found.more_conflicts,
            note=_completeness(found, explain.max_conflicts),
            items=conflicts,
            shared=shared_members(inst, search, found.conflicts),
        ),
        correction_sets=corrections,
        corrections_complete=found.corrections_complete,
        weights=weights,
        left_out=search.left_out,
        movement_impossible=found.movement_impossible,
        solves=1 + first.checks + oracle.solves,
        checks=oracle.checks,
        not_checked=oracle.undecided,
        result=result,
    )


def _completeness(found: Explored, limit: int) -> str:
    n = len(found.conflicts)
    listed = f"{n} minimal conflict{'' if n == 1 else 's'}"
    if found.conflicts_complete:
        return f"Complete: {'the only' if n == 1 else 'all'} {listed}."
    if found.more_conflicts:
        return f"{listed.capitalize()} shown (--max-conflicts {limit}); at least one more exists."
    return (
        f"{listed.capitalize()} found; some checks ran out of time, so there may be more "
        "(not checked)."
    )


def _conflict_report(inst: Instance, search: Search, conflict: ConflictSet) -> ConflictReport:
    members = []
    for name in conflict.members:
        factor = search.by_name[name]
        kind = factor.kind
        if name in conflict.unchecked:
            members.append(
                ConflictMember(
                    name=name, kind=kind, label=factor.label, sentence=unchecked_sentence(name)
                )
            )
            continue
        distance = member_distance(search, conflict, name)
        sentence = member_sentence(inst, factor, distance.value, distance.scope)
        if not distance.sure:
            sentence += " (Some checks ran out of time: a smaller move may also work.)"
        members.append(
            ConflictMember(
                name=name,
                kind=kind,
                label=factor.label,
                sentence=sentence,
                current=factor.words(factor.current),
                needed=factor.words(distance.value) if distance.value is not None else "",
                scope=distance.scope,
            )
        )
    return ConflictReport(members=members, minimal=conflict.minimal)


def shared_members(inst: Instance, search: Search, conflicts: list[ConflictSet]) -> list[str]:
    """For each member of several conflicts: moving it alone dissolves all of them."""
    out = []
    for factor in search.factors:
        where = [i for i, c in enumerate(conflicts, 1) if factor.name in c.members]
        if len(where) < 2:
            continue
        numbers = ", ".join(str(i) for i in where[:-1]) + f" and {where[-1]}"
        both = "both" if len(where) == 2 else f"all {len(where)}"
        out.append(
            f"In conflicts {numbers}: the {factor.label}. Moving that one member dissolves {both}."
        )
    return out


def _go(
    loaded: LoadedCase,
    inst: Instance,
    outcome: Any,
    options: SolveOptions,
    head: dict[str, Any],
    explain: ExplainOptions,
    deadline: float,
    timings: dict[str, float],
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
    # The new answers first (no solve, then one solve per alternative), then what binds with
    # what is left of the time limit.
    profile = closure(inst, plan)
    mark = time.perf_counter()
    others = alternatives(inst, plan, explain.alternatives, explain.within, options, deadline)
    timings["alternatives"] = round(time.perf_counter() - mark, 3)
    mark = time.perf_counter()
    each = SolveOptions(
        min(SOLVE_SHARE * options.time_limit, SOLVE_SECONDS), options.workers, options.seed
    )
    binds = what_binds(inst, plan, each, deadline)
    timings["binds"] = round(time.perf_counter() - mark, 3)
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
    chain_report = _chain_report(inst, chain) if chain is not None else None

    return ExplainReport(
        **head,
        verdict="go",
        x_day=result.x_day,
        decision_day=result.decision_day,
        zero_slack=zero,
        binds=binding_rows,
        saturated=saturated,
        chain=chain_report,
        alternatives=[_alternative_report(inst, plan, a) for a in others],
        alternatives_note=_alternatives_note(explain, len(others)),
        closure=_closure_report(inst, profile),
        solves=1 + len(binds) + len(others),
        result=result,
    )


def _chain_report(inst: Instance, chain: Chain) -> ChainReport:
    case = inst.case
    return ChainReport(
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


def _alternative_report(inst: Instance, best: Plan, alt: Alternative) -> AlternativeReport:
    groups = {s.template: s.name for s in inst.units}
    changed = [
        "the North share" if axis == "share" else f"{groups[axis.partition(':')[2]]}: route"
        for axis in alt.changed
    ]
    return AlternativeReport(
        x_day=inst.case.date(alt.plan.x_day).isoformat(),
        days_after=alt.plan.x_day - best.x_day,
        north_share=alt.plan.north_share_bp / BP,
        changed=changed,
        moved=alt.moved,
        differences=list(alt.differences),
    )


def _alternatives_note(explain: ExplainOptions, found: int) -> str:
    if found >= explain.alternatives:
        return ""
    return (
        f"{found} of the {explain.alternatives} alternatives asked for: no other plan within "
        f"{explain.within} days was found (or time ran out)."
    )


def _closure_report(inst: Instance, profile: Closure) -> ClosureReport:
    case = inst.case

    def date(day: int | None) -> str | None:
        return case.date(day).isoformat() if day is not None else None

    return ClosureReport(
        fronts=[
            FrontClosureReport(
                front=f.front,
                name=f.name,
                arrived=[v / MILLI for v in f.arrived],
                needed=[v / MILLI for v in f.needed],
                closes=date(f.closes),
                required_last=date(f.required_last),
                last=[_chain_report(inst, c) for c in f.last],
                sentence=f.sentence,
            )
            for f in profile.fronts
        ],
        waits=[
            WaitRow(name=w.name, label=w.label, x_day=date(w.day), detail=w.detail)
            for w in profile.waits
        ],
        sentence=profile.sentence,
    )
