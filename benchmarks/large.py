"""Issue 17 on the large synthetic cases: where the X-Day bound comes from, and what each
device tried on them does (ablation rows for BENCHMARKS.md).

For each case and time limit, one planner run per variant (`planner.solve.Tuning`; each in a
fresh process), and the X-Day bound taken apart into its relaxations (`bound_sources`): the date
criteria alone, every required unit arriving as early as it could, each port and rail line alone
(the fluid bound), each front's force ratio with every unit as early as it could. The bound the
planner reports is the largest of these (or CP-SAT's own, when its search raised it); the
*source* names the relaxation(s) that give it. The time-indexed LP of the pool
(`benchmarks.pool_lp`) is asked whether it rules out the bound's day: when it does not, no
relaxation of that kind can close the gap, and only a better plan can.
"""

from __future__ import annotations

import time
from typing import Any

VARIANTS: dict[str, dict[str, bool]] = {
    "default (warm start + LNS + CP-SAT)": {},
    "no LNS": {"lns": False},
}


def bound_sources(inst: Any) -> dict[str, int | None]:
    """Each relaxation's X-Day bound (None: that relaxation alone allows no day)."""
    from kantokuen.planner.heuristics import (
        _date_allows,
        earliest_arrival,
        first_x_day,
        relaxation_bound,
        resource_bound,
    )

    required = [s for s in inst.units if s.required]
    early = {s.id: earliest_arrival(s) for s in inst.units}
    return {
        "date criteria": next((x for x in range(inst.horizon + 1) if _date_allows(inst, x)), None),
        "required units, resources free": max((early[s.id] for s in required), default=0),
        "each port and line alone (fluid)": resource_bound(inst),
        "force ratio, units as early as they could": first_x_day(inst, early, 0),
        "relaxation bound (the largest)": relaxation_bound(inst),
    }


def source_of(sources: dict[str, int | None], bound: int | None) -> str:
    """The relaxations whose day is the bound, or CP-SAT when its search raised it further."""
    names = [k for k, v in sources.items() if v == bound and not k.startswith("relaxation")]
    if bound is None:
        return "–"
    relaxed = sources.get("relaxation bound (the largest)")
    if relaxed is not None and bound > relaxed:
        return "CP-SAT's own bound"
    return " + ".join(names) or "–"


def large_run(units: int, seed: int, limit: float, variant: str) -> dict[str, Any]:
    """One planner run on a synthetic case (in its own process), with its bound's source."""
    from benchmarks.generate import instance
    from benchmarks.suite import _options, outcome_row
    from kantokuen.planner.lns import steps_for
    from kantokuen.planner.solve import Tuning, plan_case

    inst = instance(units, seed)[0]
    outcome = plan_case(inst, _options(limit), Tuning(**VARIANTS[variant]))
    row = outcome_row(inst, outcome)
    sources = bound_sources(inst)
    return {
        "instance": f"syn{units}/{seed}",
        "units": units,
        "time_limit": limit,
        "variant": variant,
        "lns_steps": steps_for(inst, limit) if VARIANTS[variant].get("lns", True) else 0,
        "sources": sources,
        "bound_source": "flow relaxation"
        if outcome.bound_source == "flow relaxation"
        else source_of(sources, row["x_bound"]),
        **{
            k: row[k]
            for k in ("status", "x_day", "x_bound", "x_gap", "seconds", "timings", "verified")
        },
    }


def pool_lp_run(units: int, seed: int) -> dict[str, Any]:
    """Whether the time-indexed pool LP rules out the relaxation bound's day."""
    from benchmarks.generate import instance
    from benchmarks.pool_lp import feasible_by, groups
    from kantokuen.planner.heuristics import relaxation_bound

    inst = instance(units, seed)[0]
    day = relaxation_bound(inst)
    started = time.perf_counter()
    answer = feasible_by(inst, day, 600.0) if day is not None else None
    return {
        "instance": f"syn{units}/{seed}",
        "day": day,
        "groups": len(groups(inst)),
        "feasible": answer,
        "seconds": round(time.perf_counter() - started, 2),
    }


def large(cases: tuple[tuple[int, float], ...], lp_units: tuple[int, ...]) -> dict[str, Any]:
    from benchmarks.suite import isolated

    rows = [
        isolated(large_run, units, 0, limit, variant)
        for units, limit in cases
        for variant in VARIANTS
    ]
    lp = [isolated(pool_lp_run, units, 0) for units in lp_units]
    return {"rows": rows, "pool_lp": lp}


def _lns_cell(r: dict[str, Any]) -> str:
    """Seconds in the neighbourhood search, and whether the clock (safety net) ended it before
    its steps were done."""
    seconds = r["timings"].get("lns")
    if seconds is None:
        return "–"
    capped = " (cut by the clock)" if "wall_cap_lns" in r["timings"] else ""
    return f"{seconds:.2f}{capped}"


def markdown(data: dict[str, Any] | None) -> list[str]:
    """The ablation table and the bound sources."""
    if not data:
        return []

    def fmt(v: Any) -> str:
        return "–" if v is None else str(v)

    out = [
        "",
        "## Large cases: bound sources and what was tried (issue 17)",
        "",
        "Seed 0, 2 workers, each run in a fresh process. *Bound source*: the relaxation(s) whose "
        "day is the reported bound (`benchmarks/large.py`). *LNS steps*: neighbourhood steps "
        "after the warm start (`planner/lns.py`; 0 = off), a count unless the clock (a safety "
        "net at twice the warm start's and the steps' shares of the limit) cut them.",
        "",
        "| Instance | Limit | Variant | LNS steps | Status | X-Day | Bound | Gap | Bound source | "
        "Seconds | Warm start s | LNS s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in data["rows"]:
        gap = f"{r['x_gap']:.3f}" if r["x_gap"] is not None else "–"
        out.append(
            f"| {r['instance']} | {r['time_limit']:g} s | {r['variant']} | {r['lns_steps']} | "
            f"{r['status']} | {fmt(r['x_day'])} | {fmt(r['x_bound'])} | {gap} | "
            f"{r['bound_source']} | {r['seconds']:.2f} | "
            f"{r['timings'].get('warm_start', 0.0):.2f} | {_lns_cell(r)} |"
        )
    seen: set[str] = set()
    out += ["", "Each relaxation's X-Day bound:", ""]
    for r in data["rows"]:
        if r["instance"] in seen:
            continue
        seen.add(r["instance"])
        parts = "; ".join(f"{k}: {fmt(v)}" for k, v in r["sources"].items())
        out.append(f"- {r['instance']}: {parts}.")
    for lp in data.get("pool_lp", []):
        verdict = {True: "has a solution (rules nothing out)", False: "has none (day ruled out)"}
        out.append(
            f"- {lp['instance']}: the time-indexed pool LP ({lp['groups']} groups of identical "
            f"units) at day {fmt(lp['day'])} {verdict.get(lp['feasible'], 'gave no answer')}, "
            f"{lp['seconds']:.1f} s."
        )
    return out
