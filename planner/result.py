"""From a loaded case to a Result: solve, verify, measure every criterion, collect usage."""

from __future__ import annotations

import time
from typing import Any

from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

from kantokuen.models import __version__
from kantokuen.models.case import CRITERIA, DIVISIONS, MEASURE_UNITS, Case
from kantokuen.models.certify import check_certificate
from kantokuen.models.instance import BP, MILLI, Instance, UnitSpec
from kantokuen.models.loader import build_case
from kantokuen.models.plan import (
    UNIT_LEGS,
    CorrectionSet,
    CriterionResult,
    Plan,
    Result,
    Status,
    UnitPlan,
)
from kantokuen.models.scenarios import LoadedCase, case_hash
from kantokuen.models.verify import (
    Violation,
    combat_arrived,
    port_loads,
    rail_loads,
    shipping_in_use,
    unit_handling,
    verify,
)
from kantokuen.planner.corrections import (
    Search,
    cheapest_corrections,
    correction_of,
    correction_set,
)
from kantokuen.planner.explain import describe, minimal_conflict
from kantokuen.planner.solve import Outcome, PlannerBug, SolveOptions, plan_case

# Certificate kinds that rest on a solver's proof, which the verifier cannot re-check.
SOLVER_PROOFS = ("full_model", "flow_relaxation")
EXPLAIN_CHECK_SHARE = 0.5
"""Each CP-SAT check of a no-go's explanation may use this share of the time limit (counted in
deterministic time, like the planner's stages), and never more than is left before the deadline:
no one hard check can take it all, and most checks need no solve at all. Half, not less: the
assumption core that seeds the conflict then finishes on max-north-34div at --time-limit 10
(~7.5 deterministic seconds), so the conflict is the same as with the default limit."""


CORRECTION_SHARE = 0.25
"""A no-go's cheapest corrections may take this share of the time limit, after the conflict:
enough for the shipped cases (under a second), and a hard case does not turn a quick no-go
into a wait for the whole limit."""
CORRECTION_SECONDS = 3.0
"""...and never more than this many seconds: on max-north-34div the search finds no correction
in the whole 15 s the share gave it at the default limit, and the no-go waited for it (speed
notes, issue 17); the shipped cases that have corrections find them in about a second."""
CORRECTION_CHECK_SHARE = 0.1
CORRECTION_CHECK_SECONDS = 3.0  # each CP-SAT check of the search: a share, at most this


def solve(loaded: LoadedCase, options: SolveOptions | None = None, corrections: int = 1) -> Result:
    """Solve a loaded case; the returned plan (if any) has passed the verifier.

    The time limit bounds the whole: one deadline for planning and, for a no-go, the search for
    its conflict and then for its `corrections` cheapest corrections, which get what planning
    left (`explain_seconds`). A check that runs out of time is reported as not checked, never
    as a claim; corrections not found in time are left out."""
    options = options or SolveOptions()
    deadline = time.perf_counter() + options.time_limit
    inst = Instance(loaded.case)
    outcome = plan_case(inst, options, deadline=deadline)
    conflict: list[str] = []
    explanation: list[str] = []
    cheapest: list[CorrectionSet] = []
    explain_seconds = 0.0
    if outcome.status == Status.INFEASIBLE:
        started = time.perf_counter()
        budget = EXPLAIN_CHECK_SHARE * options.time_limit
        core = minimal_conflict(inst, time_limit=budget, deadline=deadline)
        conflict = list(core.members)
        explanation = describe(inst, core)
        if corrections and core.feasible_without_criteria and core.proven_minimal:
            spend = min(CORRECTION_SHARE * options.time_limit, CORRECTION_SECONDS)
            share = min(deadline, time.perf_counter() + spend)
            check = min(CORRECTION_CHECK_SHARE * options.time_limit, CORRECTION_CHECK_SECONDS)
            cheapest = cheapest_of(inst, core.members, corrections, check, share)
        explain_seconds = time.perf_counter() - started
    result = build_result(loaded, inst, outcome, options, conflict, explanation)
    return result.model_copy(
        update={"explain_seconds": round(explain_seconds, 3), "corrections": cheapest}
    )


def cheapest_of(
    inst: Instance, conflict: tuple[str, ...], count: int, budget: float, deadline: float
) -> list[CorrectionSet]:
    """The `count` cheapest corrections of a no-go whose first conflict is known, each with a
    verified plan; those not found (or not verified) before the deadline are left out."""
    search = Search(inst, time_limit=budget, deadline=deadline)
    ranges = [f.name for f in search.factors if f.kind == "range"]
    found, _ = cheapest_corrections(search, count, [[*conflict, *ranges]])
    out = []
    for names in found:
        if search.oracle.out_of_time():
            break
        correction = correction_of(search, names)
        if correction.plan is not None and not correction.note:
            out.append(correction_set(inst, correction))
    return out


def build_result(
    loaded: LoadedCase,
    inst: Instance,
    outcome: Outcome,
    options: SolveOptions,
    conflict: list[str],
    explanation: list[str],
) -> Result:
    case = inst.case
    plan = outcome.plan
    violations = verify(case, plan) if plan is not None else []
    if violations:
        raise PlannerBug(violations)
    lag = inst.decision_lag
    verified, verification = verification_of(case, outcome)
    return Result(
        case=case.name,
        case_file=loaded.file,
        case_hash=loaded.case_hash,
        base_hash=base_hash(loaded),
        levers=case.levers.model_dump(mode="json"),
        scenario=loaded.scenario,
        overrides=[o.as_json() for o in loaded.overrides],
        status=outcome.status,
        go=plan is not None,
        x_day=case.date(plan.x_day).isoformat() if plan else None,
        x_day_index=plan.x_day if plan else None,
        decision_day=case.date(plan.x_day - lag).isoformat() if plan else None,
        order_day=case.levers.mobilization_order.isoformat(),
        calendar_start=case.calendar.start.isoformat(),
        horizon=inst.horizon,
        north_share=plan.north_share_bp / BP if plan else None,
        objective={k: float(v) for k, v in outcome.objective.items()},
        bound={k: float(v) for k, v in outcome.bound.items()},
        bound_source=outcome.bound_source,
        verified=verified,
        verification=verification,
        certificate=outcome.certificate if plan is None else None,
        criteria=criteria_results(inst, plan, conflict),
        force_ratio=force_ratios(inst, plan) if plan else {},
        shipping=shipping_summary(inst, plan) if plan else {},
        units=unit_timelines(inst, plan) if plan else [],
        usage=usage(inst, plan) if plan else {},
        strength=strength_series(inst, plan),
        conflict=conflict,
        explanation=explanation,
        solve_seconds=round(outcome.seconds, 3),
        timings=dict(outcome.timings),
        seed=options.seed,
        workers=options.num_workers,
        version=__version__,
        ortools_version=ortools_version,
    )


def verification_of(case: Case, outcome: Outcome) -> tuple[bool, str]:
    """Whether the answer is verified, and why not when it is not. A plan was verified when it
    was made; a no-go is verified when the verifier accepts its certificate (a certificate the
    verifier rejects is a planner bug); a no-go proven only by CP-SAT on the full model, and no
    answer in time, are not verified, and say so."""
    if outcome.plan is not None:
        return True, ""
    certificate = outcome.certificate
    if outcome.status != Status.INFEASIBLE or certificate is None:
        return False, "no plan and no proof of a no-go: nothing to verify"
    if certificate.get("kind") in SOLVER_PROOFS:
        return False, str(certificate.get("note", "no certificate"))
    problems = check_certificate(case, certificate)
    if problems:
        raise PlannerBug([Violation("certificate", p) for p in problems])
    return True, ""


_BASE_HASHES: dict[int, tuple[object, str]] = {}


def base_hash(loaded: LoadedCase) -> str:
    """Hash of the case file's base case (no overrides): identifies the case version.
    Remembered per loaded document, so sweeps over one file validate its base case once."""
    if not loaded.overrides:
        return loaded.case_hash
    known = _BASE_HASHES.get(id(loaded.doc))
    if known is not None and known[0] is loaded.doc:
        return known[1]
    value = case_hash(build_case(loaded.doc))
    if len(_BASE_HASHES) > 64:
        _BASE_HASHES.clear()
    _BASE_HASHES[id(loaded.doc)] = (loaded.doc, value)
    return value


def criteria_results(
    inst: Instance, plan: Plan | None, conflict: list[str]
) -> list[CriterionResult]:
    """Each criterion with its margin at the plan's X-Day (for a no-go: whether it is in the
    conflict)."""
    case = inst.case
    crit = case.criteria
    out = []
    for name in CRITERIA:
        enabled = bool(getattr(crit, name).enabled)
        if plan is None:
            out.append(
                CriterionResult(
                    name=name,
                    enabled=enabled,
                    holds=(False if name in conflict else None) if enabled else True,
                    detail="in the conflict"
                    if name in conflict
                    else ("not evaluated (no plan)" if enabled else ""),
                )
            )
            continue
        margin, unit, detail = _margin(inst, plan, name)
        out.append(
            CriterionResult(
                name=name,
                enabled=enabled,
                holds=(not enabled) or margin >= 0,
                margin=margin,
                unit=unit,
                detail=detail,
            )
        )
    return out


def _margin(inst: Instance, plan: Plan, name: str) -> tuple[float, str, str]:
    case = inst.case
    x = plan.x_day
    decision = x - inst.decision_lag
    if name == "halving":
        halving = case.criteria.halving
        return _fall_margin(inst, decision, halving.fraction, (halving.measure,))
    if name == "armour_air":
        crit = case.criteria.armour_air
        return _fall_margin(inst, decision, crit.fraction, crit.measures)
    if name == "force_ratio":
        arrived = combat_arrived(case, plan, x)
        margins = {f: (arrived[f] - need[x]) / MILLI for f, need in inst.force_needed.items()}
        worst = min(margins, key=lambda f: margins[f])
        return round(margins[worst], 3), "div.-eq.", f"tightest front: {worst}"
    if name == "decision_deadline":
        return inst.decision_deadline_day - decision, "days", f"decision on {case.date(decision)}"
    if name == "weather":
        return (
            inst.weather_last_x_day - x,
            "days",
            f"campaign ends {case.date(x + case.criteria.weather.campaign_days)}",
        )
    if name == "south_readiness":
        reqs = case.shipping.south_requirements
        if not reqs:
            return 0.0, "t", "no South requirements"
        slack = []
        for req in reqs.values():
            day = inst.requirement_day(req.by)
            slack.append(inst.south_tons(day, plan.north_share_bp) - req.tons)
        return float(min(slack)), "t", "South tons beyond its tightest requirement"
    arrivals = [u.arrive for s, u in paired(inst, plan) if s.required and u.arrive is not None]
    last = max(arrivals, default=x)
    return float(x - last), "days", f"last required unit arrives {case.date(last)}"


def _fall_margin(
    inst: Instance, decision: int, fraction: float, measures: tuple[str, ...]
) -> tuple[float, str, str]:
    """Margin of a criterion on Soviet strength: fraction × day-0 total − total on the decision
    day, in the unit of its tightest measure (the one with the least margin relative to its
    limit), and every measure in the detail."""
    rows = []
    for measure in measures:
        total = inst.measure_total(measure, decision) / MILLI
        initial = inst.measure_total(measure, 0) / MILLI
        limit = fraction * initial
        rows.append((measure, total, initial, limit))
    tightest = min(rows, key=lambda r: (r[3] - r[1]) / r[2] if r[2] else r[3] - r[1])
    measure, total, _, limit = tightest
    detail = "; ".join(
        f"Soviet {total:g} of {initial:g} {MEASURE_UNITS[m]} on the decision day (limit {limit:g})"
        for m, total, initial, limit in rows
    )
    return round(limit - total, 3), MEASURE_UNITS[measure], detail


def force_ratios(inst: Instance, plan: Plan) -> dict[str, dict[str, float]]:
    """Per front at X-Day: Japanese combat value arrived, Soviet strength, and their ratio."""
    x = plan.x_day
    arrived = combat_arrived(inst.case, plan, x)
    factor = inst.case.criteria.force_ratio.soviet_factor
    out = {}
    for front, strength in inst.strength.items():
        soviet = strength[x] / MILLI
        japanese = arrived[front] / MILLI
        out[front] = {
            "japanese": japanese,
            "soviet": soviet,
            "ratio": round(japanese / (soviet * factor), 3) if soviet * factor else float("inf"),
            "needed": inst.force_needed[front][x] / MILLI,
        }
    return out


def shipping_summary(inst: Instance, plan: Plan) -> dict[str, float]:
    """North and South tons at the peak of the pool and the most the North had at sea."""
    used = shipping_in_use(inst.case, plan)
    peak_pool = max(inst.pool)
    # The North's tons at their peak: the share of the peak pool, or with a share schedule the
    # largest day's share × pool; the South has the rest of the peak pool.
    north = max(inst.north_capacity(d, plan.north_share_bp) for d in range(inst.horizon + 1))
    return {
        "pool_peak": float(peak_pool),
        "north_tons": float(north),
        "south_tons": float(peak_pool - north),
        "north_share": plan.north_share_bp / BP,
        "north_peak_at_sea": float(max(used, default=0)),
        "sea_tons_moved": float(
            sum(s.lift for s, u in paired(inst, plan) if u.committed and u.sail is not None)
        ),
    }


def unit_timelines(inst: Instance, plan: Plan) -> list[dict[str, Any]]:
    """Per unit: its size in each measure (ship space `lift`, `handling` tons, `trains` on a
    line counted in trains), the route taken and the date of each leg, with the first loading
    day, the last unloading day and the first train's day of a unit handled over days."""
    case = inst.case
    handling = unit_handling(case, plan)
    out = []
    for spec, up in paired(inst, plan):
        row: dict[str, Any] = {
            "id": spec.id,
            "name": spec.name,
            "template": spec.template,
            "front": spec.front,
            "men": spec.men,
            "lift": spec.lift,
            "combat": spec.combat / MILLI,
            "required": spec.required,
            "committed": up.committed,
            "handling": spec.handling,
        }
        if up.committed and up.move is not None:
            move = spec.moves[up.move]
            if case.rail[move.rail].measure == "trains":
                row["trains"] = move.rail_load
            row["route"] = f"{move.sea} + {move.rail}" if move.sea else move.rail
            for leg in UNIT_LEGS:
                day = getattr(up, leg)
                row[leg] = case.date(day).isoformat() if day is not None else None
            days = handling.get(spec.id, {})
            for field, kind, end in (
                ("loading", "embark", 0),
                ("unloaded", "debark", -1),
                ("entraining", "rail", 0),
            ):
                if days.get(kind):
                    row[field] = case.date(days[kind][end][0]).isoformat()
        out.append(row)
    return out


def usage(inst: Instance, plan: Plan) -> dict[str, Any]:
    """Shipping, port and rail use per day against capacity (lists indexed by day), each in its
    own measure: ship space in GRT, ports in handling tons, a rail line in tons or in trains
    (`measure`); a unit handled over several days counts on each day its part."""
    days = range(inst.horizon + 1)
    ports_in = port_loads(inst.case, plan, "embark")
    ports_out = port_loads(inst.case, plan, "debark")
    rails = rail_loads(inst.case, plan)
    return {
        "shipping": {
            "used": shipping_in_use(inst.case, plan),
            "north_capacity": [inst.north_capacity(d, plan.north_share_bp) for d in days],
            "pool": list(inst.pool),
        },
        "ports": {
            p: {
                "capacity": port.tons_per_day,
                "loaded": [ports_in.get(p, {}).get(d, 0) for d in days],
                "unloaded": [ports_out.get(p, {}).get(d, 0) for d in days],
            }
            for p, port in inst.case.ports.items()
        },
        "rail": {
            r: {
                "capacity": line.per_day,
                "entrained": [rails.get(r, {}).get(d, 0) for d in days],
                "measure": line.measure,
            }
            for r, line in inst.case.rail.items()
        },
    }


def strength_series(inst: Instance, plan: Plan | None) -> dict[str, dict[str, list[float]]]:
    """Soviet strength, Japanese force needed and Japanese combat value arrived, per front per
    day (division-equivalents); and `soviet_<measure>` for each other measure the case gives
    (men, tanks, aircraft), per front that gives it."""
    out: dict[str, dict[str, list[float]]] = {
        "soviet": {f: [v / MILLI for v in s] for f, s in inst.strength.items()},
        "needed": {f: [v / MILLI for v in s] for f, s in inst.force_needed.items()},
    }
    for measure, table in inst.measures.items():
        if measure != DIVISIONS:
            out[f"soviet_{measure}"] = {f: [v / MILLI for v in s] for f, s in table.items()}
    if plan is not None:
        arrivals = {f: [0] * (inst.horizon + 1) for f in inst.case.fronts}
        for spec, up in paired(inst, plan):
            if up.committed and up.arrive is not None:
                arrivals[spec.front][up.arrive] += spec.combat
        out["japanese"] = {f: [v / MILLI for v in _running_sum(a)] for f, a in arrivals.items()}
    return out


def paired(inst: Instance, plan: Plan) -> list[tuple[UnitSpec, UnitPlan]]:
    """Each unit of the case (in case order) with its own timeline, matched by id as the
    verifier matches them: a plan may list its units in any order."""
    by_id = {up.id: up for up in plan.units}
    return [(spec, by_id[spec.id]) for spec in inst.units]


def _running_sum(values: list[int]) -> list[int]:
    total, out = 0, []
    for v in values:
        total += v
        out.append(total)
    return out
