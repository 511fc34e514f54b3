"""`kantokuen explore`: how sure is the answer, and what decides it?

Every world is the case (with its scenario and `--set`s) plus one sample of its declared
uncertainties (`analysis.worlds`), solved and verified like a sweep point, with proof (or its
gap when the time limit cut the proof short), and stored as it finishes in the sweep store:
an interrupted explore resumes, `--retry-failed` solves errors again, and the local pool or
Dask run the worlds (`analysis.executors`). A world is a store point keyed by its values, so
identical worlds (whole-number ranges, Morris grids) are solved once.

Policies are lever settings evaluated on the same worlds (common random numbers): their
differences to the baseline are paired world by world.

What comes out (`summarize`): P(go) with a Wilson interval, the X-Day distribution among go
worlds, how often each criterion fails or binds, the Soviet strength left by the deadline,
global sensitivity (`analysis.sensitivity`), PRIM boxes (`analysis.prim`) and the policies.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kantokuen.analysis import store as st
from kantokuen.analysis.prim import find_boxes
from kantokuen.analysis.sensitivity import sensitivity
from kantokuen.analysis.sweep import (
    POINT_CP_WORKERS,
    Executor,
    Point,
    StopFlag,
    SweepPlan,
    SweepRun,
    point_key,
    point_options,
    run_sweep,
    solve_point,
)
from kantokuen.analysis.worlds import (
    BASELINE,
    Design,
    Held,
    Policy,
    Range,
    design,
    explore_ranges,
    parse_policies,
    sample_worlds,
)
from kantokuen.models import __version__
from kantokuen.models.case import CRITERIA
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.scenarios import LoadedCase, with_overrides

#: X-Day quantiles reported (percent).
QUANTILES = (5, 25, 50, 75, 95)
#: Wilson interval's normal quantile (95%).
Z95 = 1.959963984540054
#: Certificate rules that are not a criterion (the decision cannot fall before day 0).
NOT_A_CRITERION = ("decision_before_start",)


@dataclass(frozen=True)
class ExplorePlan:
    """The worlds, the policies, and the store points that solve them (world-major order)."""

    base: LoadedCase
    ranges: tuple[Range, ...]
    held: tuple[Held, ...]
    design: Design
    worlds: tuple[dict[str, Any], ...]
    policies: tuple[Policy, ...]
    sweep: SweepPlan
    # point key → every (world, policy) it answers (identical worlds share one solve)
    index: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def baseline_worlds(self, row: dict[str, Any]) -> int:
        """How many baseline worlds (the case's own policy) a stored point answers."""
        return sum(1 for _, p in self.index.get(row["point_key"], []) if p == BASELINE)

    def key(self, world: int, policy: Policy) -> str:
        return point_key(
            self.sweep.case_hash,
            {**self.worlds[world], **policy.settings},
            self.sweep.options.seed,
            POINT_CP_WORKERS,
        )


def plan_explore(
    base: LoadedCase,
    samples: int,
    method: str = "lhs",
    seed: int = 0,
    vary_ranges: tuple[str, ...] | list[str] = (),
    policies: tuple[str, ...] | list[str] = (),
    time_limit: float = 60.0,
) -> ExplorePlan:
    """Draw the worlds and check, before anything is solved, that every range's ends and every
    policy make a valid case (a bad range names its line in the case file)."""
    ranges, held = explore_ranges(base, vary_ranges)
    chosen = parse_policies(policies)
    drawn = design(len(ranges), samples, method, seed)
    worlds = tuple(sample_worlds(ranges, drawn.unit))
    _check_ends(base, ranges)
    for policy in chosen[1:]:
        _check(base, {**worlds[0], **policy.settings}, ("--policy", None, policy.name))
    options = point_options(time_limit, seed)
    case_hash = base.case_hash
    index: dict[str, list[tuple[int, str]]] = {}
    points: list[Point] = []
    for w, world in enumerate(worlds):
        for policy in chosen:
            levers = {**world, **policy.settings}
            key = point_key(case_hash, levers, seed, POINT_CP_WORKERS)
            if key not in index:
                index[key] = []
                points.append(Point(key, levers))
            index[key].append((w, policy.name))
    sweep = SweepPlan(base, (), tuple(points), options, case_hash)
    return ExplorePlan(base, tuple(ranges), tuple(held), drawn, worlds, tuple(chosen), sweep, index)


def _check_ends(base: LoadedCase, ranges: list[Range]) -> None:
    """Each range at its low and at its high end (others at the case's values) is a valid case."""
    for r in ranges:
        where = (
            (base.file, base.doc.line_of(("uncertainties", r.path)), f"uncertainties.{r.path}")
            if r.origin == "case"
            else ("--vary-range", None, r.path)
        )
        for end in (r.value(0.0), r.value(1.0)):
            _check(base, {r.path: end}, where)


def _check(base: LoadedCase, levers: dict[str, Any], where: tuple[str, int | None, str]) -> None:
    """The case with these values is valid; otherwise one error at `where` (file, line,
    path) that says which values break it and how."""
    try:
        with_overrides(base, levers, "explore")
    except CaseError as exc:
        first = exc.problems[0]
        values = ", ".join(f"{k}={_plain(v)}" for k, v in levers.items())
        raise CaseError(
            Problem(
                f"with {shorten(values)}: {first.path + ': ' if first.path else ''}{first.message}",
                *where,
                first.hint,
            )
        ) from None


def shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --- solving a world (runs in a worker process) -----------------------------------------------


def world_details(inst: Any, outcome: Any, answer: Any) -> dict[str, Any]:
    """What explore needs of a world beyond the sweep's columns:

    - `soviet_share`: the lowest Soviet Far East strength (division-equivalents) on any
      decision day up to the deadline, as a share of day 0: how near the halving came;
    - `reasons` (no-go): the criteria its certificate uses to rule out every X-Day (None when
      only CP-SAT's proof stands);
    - `binds` (go): the criteria with no slack: halving or force ratio that would fail one day
      earlier with this plan, or a criterion at its limit (margin 0).
    """
    from kantokuen.models.instance import MILLI
    from kantokuen.models.verify import combat_arrived

    strength = inst.strength
    last = inst.decision_deadline_day if inst.enabled("decision_deadline") else inst.horizon
    last = min(max(last, 0), inst.horizon)
    totals = [sum(days[d] for days in strength.values()) for d in range(last + 1)]
    share = min(totals) / totals[0] if totals[0] else 0.0
    details: dict[str, Any] = {"soviet_share": round(share, 6)}
    plan = outcome.plan
    if plan is None:
        certificate = outcome.certificate or {}
        exclusions = certificate.get("exclusions")
        details["reasons"] = (
            sorted({e["rule"] for e in exclusions} - set(NOT_A_CRITERION)) if exclusions else None
        )
        return details
    x = plan.x_day
    decision = x - inst.decision_lag
    binds = []
    for criterion in answer.criteria:
        if not criterion.enabled:
            continue
        if criterion.name == "halving":
            tight = decision >= 1 and not inst.halving_holds[decision - 1]
        elif criterion.name == "force_ratio":
            arrived = combat_arrived(inst.case, plan, x - 1) if x >= 1 else {}
            tight = x >= 1 and any(
                arrived.get(f, 0) < need[x - 1] for f, need in inst.force_needed.items()
            )
        elif criterion.name == "south_readiness" and not inst.case.shipping.south_requirements:
            tight = False  # nothing to meet: its margin 0 is no limit
        else:
            tight = criterion.margin is not None and abs(criterion.margin) < 1 / MILLI
        if tight:
            binds.append(criterion.name)
    details["binds"] = binds
    return details


solve_world = functools.partial(solve_point, details=world_details)


# --- running ----------------------------------------------------------------------------------


def explore_record(plan: ExplorePlan, command: str) -> str:
    """The store's `last_explore`: what was sampled, how, and the command."""
    return json.dumps(
        {
            "case_file": plan.base.file,
            "scenario": plan.base.scenario,
            "overrides": [o.as_json() for o in plan.base.overrides],
            "method": plan.design.method,
            "seed": plan.design.seed,
            "samples": len(plan.worlds),
            "ranges": [r.as_json() for r in plan.ranges],
            "policies": [{"name": p.name, "settings": p.settings} for p in plan.policies],
            "command": command,
        },
        default=str,
    )


def run_explore(
    plan: ExplorePlan,
    store: str,
    executor: Executor,
    *,
    retry_failed: bool = False,
    listener: Any = None,
    stop: StopFlag | None = None,
    command: str = "",
    solve: Callable[..., dict[str, Any]] = solve_world,
) -> SweepRun:
    """Solve every world (and policy) not yet in the store; see `analysis.sweep.run_sweep`."""
    return run_sweep(
        plan.sweep,
        store,
        executor,
        retry_failed=retry_failed,
        solve=solve,
        listener=listener,
        stop=stop,
        meta={"last_explore": explore_record(plan, command)},
    )


# --- the answer -------------------------------------------------------------------------------


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (95% by default): honest near 0 and 1."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class World:
    """One world's answer under one policy, as the analysis reads it."""

    go: bool | None  # None: no answer (error, or the time limit without a plan)
    x_day: int | None
    proven: bool
    gap: float | None
    status: str
    details: dict[str, Any]


def _world(row: dict[str, Any] | None) -> World:
    if row is None or row.get("error"):
        return World(None, None, False, None, st.ERROR_STATUS if row else "MISSING", {})
    status = row.get("status") or ""
    go = bool(row.get("go"))
    answered = go or status == "INFEASIBLE"
    return World(
        go if answered else None,
        row.get("x_day_index") if go else None,
        status in ("OPTIMAL", "INFEASIBLE"),
        row.get("gap"),
        status,
        row.get("details") or {},
    )


def answers(plan: ExplorePlan, rows: list[dict[str, Any]]) -> dict[str, list[World]]:
    """Per policy, each world's answer in world order (World(None…) where none is stored)."""
    by_key = {r["point_key"]: r for r in rows}
    return {
        p.name: [_world(by_key.get(plan.key(w, p))) for w in range(len(plan.worlds))]
        for p in plan.policies
    }


def summarize(plan: ExplorePlan, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole answer as one JSON-ready object (the keys `explore --json` documents)."""
    case = plan.base.case
    per_policy = answers(plan, rows)
    worlds = per_policy[BASELINE]
    answered = [w for w in worlds if w.go is not None]
    go = sum(1 for w in answered if w.go)
    start = case.calendar.start
    out: dict[str, Any] = {
        "case": case.name,
        "case_file": plan.base.file,
        "scenario": plan.base.scenario,
        "overrides": [o.as_json() for o in plan.base.overrides],
        "method": plan.design.method,
        "seed": plan.design.seed,
        "samples": len(plan.worlds),
        "requested_samples": plan.design.requested,
        "time_limit": plan.sweep.options.time_limit,
        "uncertainties": [r.as_json() for r in plan.ranges],
        "held": [{"path": h.path, "value": _plain(h.value), "by": h.by} for h in plan.held],
        "worlds": _counts(worlds),
        "p_go": go / len(answered) if answered else None,
        "p_go_interval": list(wilson(go, len(answered))),
        **_x_days(worlds, start),
        "criteria": _criteria(worlds),
        "soviet_share": _soviet_share(worlds, case),
        "sensitivity": sensitivity(plan.design, worlds, plan.ranges, case.calendar.horizon_days),
        "boxes": _boxes(plan, worlds),
        "policies": [_policy(p, per_policy[p.name], worlds, start) for p in plan.policies[1:]],
        "version": __version__,
    }
    return out


def _counts(worlds: list[World]) -> dict[str, int]:
    return {
        "total": len(worlds),
        "go": sum(1 for w in worlds if w.go),
        "no_go": sum(1 for w in worlds if w.go is False),
        "proven": sum(1 for w in worlds if w.go is not None and w.proven),
        "go_with_gap": sum(1 for w in worlds if w.go and not w.proven),
        "no_answer": sum(
            1 for w in worlds if w.go is None and w.status not in ("ERROR", "MISSING")
        ),
        "errors": sum(1 for w in worlds if w.status == st.ERROR_STATUS),
        "missing": sum(1 for w in worlds if w.status == "MISSING"),
    }


def _date(start: dt.date, day: float) -> str:
    return (start + dt.timedelta(days=int(day))).isoformat()


def _x_days(worlds: list[World], start: dt.date) -> dict[str, Any]:
    """X-Day quantiles (as dates), earliest, latest and the count per date among go worlds."""
    days = sorted(w.x_day for w in worlds if w.go and w.x_day is not None)
    if not days:
        return {"x_day_quantiles": {}, "x_day": {"earliest": None, "latest": None, "counts": {}}}
    quantiles = {
        str(q): _date(start, float(np.quantile(days, q / 100, method="inverted_cdf")))
        for q in QUANTILES
    }
    counts: dict[str, int] = {}
    for d in days:
        counts[_date(start, d)] = counts.get(_date(start, d), 0) + 1
    return {
        "x_day_quantiles": quantiles,
        "x_day": {
            "earliest": _date(start, days[0]),
            "latest": _date(start, days[-1]),
            "counts": counts,
            "upper_bounds": sum(1 for w in worlds if w.go and not w.proven),
        },
    }


def _criteria(worlds: list[World]) -> list[dict[str, Any]]:
    """Per criterion: the share of answered worlds it fails in (a reason of the no-go's
    certificate) and binds in (no slack in a go world)."""
    answered = [w for w in worlds if w.go is not None]
    go = [w for w in answered if w.go]
    names = list(CRITERIA) + sorted(
        {r for w in answered for r in (w.details.get("reasons") or [])} - set(CRITERIA)
    )
    out = []
    for name in names:
        fails = sum(1 for w in answered if not w.go and name in (w.details.get("reasons") or []))
        binds = sum(1 for w in go if name in (w.details.get("binds") or []))
        out.append(
            {
                "name": name,
                "fails": fails,
                "binds": binds,
                "p_fails": fails / len(answered) if answered else None,
                "p_binds": binds / len(answered) if answered else None,
                "binds_in_go": binds / len(go) if go else None,
            }
        )
    unknown = sum(1 for w in answered if w.go is False and w.details.get("reasons") is None)
    if unknown:
        out.append(
            {
                "name": "undetermined",
                "fails": unknown,
                "binds": 0,
                "p_fails": unknown / len(answered),
                "p_binds": 0.0,
                "binds_in_go": None,
            }
        )
    return out


def _soviet_share(worlds: list[World], case: Any) -> dict[str, Any]:
    shares = sorted(w.details["soviet_share"] for w in worlds if "soviet_share" in w.details)
    if not shares:
        return {}
    needed = case.criteria.halving.fraction if case.criteria.halving.enabled else None
    return {
        "min": shares[0],
        "median": statistics.median(shares),
        "max": shares[-1],
        "halving_needs": needed,
        "p_halved": sum(1 for s in shares if needed is not None and s <= needed) / len(shares),
    }


def _boxes(plan: ExplorePlan, worlds: list[World]) -> dict[str, Any]:
    """PRIM boxes for the rarer outcome (go when P(go) ≤ ½, else no-go), in input values."""
    known = [i for i, w in enumerate(worlds) if w.go is not None]
    go = sum(1 for i in known if worlds[i].go)
    target = "go" if go * 2 <= len(known) else "no-go"
    x = np.array(
        [[r.number(plan.worlds[i][r.path]) for r in plan.ranges] for i in known], dtype=float
    ).reshape(len(known), len(plan.ranges))
    y = np.array([bool(worlds[i].go) == (target == "go") for i in known], dtype=bool)
    out: dict[str, Any] = {
        "outcome": target,
        "worlds": len(known),
        "hits": int(y.sum()),
        "boxes": [],
    }
    if len(known) < 10 or not y.any():
        return out
    for found in find_boxes(x, y):
        out["boxes"].append(
            {
                **_box_json(plan.ranges, found.box),
                "trajectory": [_box_json(plan.ranges, b, brief=True) for b in found.trajectory],
            }
        )
    return out


def _box_json(ranges: tuple[Range, ...], box: Any, brief: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "coverage": round(box.coverage, 6),
        "density": round(box.density, 6),
        "mass": round(box.mass, 6),
        "worlds": box.count,
        "hits": box.hits,
    }
    if brief:
        out["restricted"] = len(box.restricted)
        return out
    restrictions = []
    for j in box.restricted:
        r = ranges[j]
        lo, hi = box.lower[j], box.upper[j]
        restrictions.append(
            {
                "path": r.path,
                "kind": r.kind,
                "low": _bound(r, lo) if np.isfinite(lo) else None,
                "high": _bound(r, hi) if np.isfinite(hi) else None,
                "range_low": _plain(r.low),
                "range_high": _plain(r.high),
            }
        )
    out["restrictions"] = restrictions
    return out


def _bound(r: Range, value: float) -> Any:
    if r.kind == "date":
        return dt.date.fromordinal(int(value)).isoformat()
    return int(value) if r.kind == "int" else value


def _policy(
    policy: Policy, worlds: list[World], baseline: list[World], start: dt.date
) -> dict[str, Any]:
    """A policy on the common worlds, paired with the baseline world by world."""
    answered = [w for w in worlds if w.go is not None]
    go = sum(1 for w in answered if w.go)
    pairs = [(b, p) for b, p in zip(baseline, worlds, strict=True) if None not in (b.go, p.go)]
    diffs = [int(bool(p.go)) - int(bool(b.go)) for b, p in pairs]
    delta = statistics.fmean(diffs) if diffs else None
    half = Z95 * statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else None
    shifts = [
        p.x_day - b.x_day
        for b, p in pairs
        if b.go and p.go and b.x_day is not None and p.x_day is not None
    ]
    return {
        "name": policy.name,
        "settings": {k: _plain(v) for k, v in policy.settings.items()},
        "p_go": go / len(answered) if answered else None,
        "p_go_interval": list(wilson(go, len(answered))),
        "paired_worlds": len(pairs),
        "delta_p_go": delta,
        "delta_interval": [delta - half, delta + half]
        if delta is not None and half is not None
        else None,
        "gained": sum(1 for d in diffs if d > 0),
        "lost": sum(1 for d in diffs if d < 0),
        "x_day_shift": {
            "worlds": len(shifts),
            "mean": statistics.fmean(shifts) if shifts else None,
            "median": statistics.median(shifts) if shifts else None,
            "earlier": sum(1 for s in shifts if s < 0),
            "later": sum(1 for s in shifts if s > 0),
            "min": min(shifts) if shifts else None,
            "max": max(shifts) if shifts else None,
        },
    }
