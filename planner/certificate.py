"""No-go certificates (the planner's side): why no X-Day in 0..horizon is possible, as
arithmetic the verifier re-checks without a solver (`models.certify`, which also lists the
reasons and states each in domain words).

Each day is ruled out by the first reason in `REASON_ORDER` that holds on it, and runs of days
with the same reason become one exclusion. The reasons are relaxations of the model (every
unit as early as it could arrive with every resource free, one facility at a time), so a
certificate exists only when those already rule out every day; otherwise the no-go rests on
CP-SAT's proof for the full model alone, and the certificate says so (kind `full_model`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from kantokuen.models.case import DIVISIONS
from kantokuen.models.instance import Instance
from kantokuen.planner.heuristics import _resource_uses, earliest_arrival, load_on, south_holds

REASON_ORDER = (
    "decision_before_start",
    "movement",
    "south_readiness",
    "decision_deadline",
    "weather",
    "halving",
    "armour_air",
    "required_arrivals",
    "force_ratio",
)
MOVEMENT_REASONS = ("movement", "required_arrivals", "force_ratio")


def facility_name(key: tuple[str, str]) -> str:
    """`embark:<port>`, `debark:<port>` or `rail:<line>`."""
    return f"{key[0]}:{key[1]}"


def _best_subset(capacity: int, jobs: list[tuple[int, int, int, str]]) -> tuple[int, list[str]]:
    """The subset of (first day, tail, load, id) jobs on one facility with the latest bound
    a + ceil(W / c) − 1 + q (W and c in the facility's measure: tons, or trains; valid with
    handling over days: the facility passes at most c a day, and the last unit is through only
    when its last part is); the best subset is always 'every job with first day ≥ a and tail
    ≥ q' for some a and q, so trying those is enough."""
    best, members = -1, []
    for q in sorted({tail for _, tail, _, _ in jobs}):
        eligible = sorted((j for j in jobs if j[1] >= q), key=lambda j: -j[0])
        tons, ids = 0, []
        for first, _, lift, uid in eligible:
            tons += lift
            ids.append(uid)
            bound = first + math.ceil(tons / capacity) - 1 + q
            if bound > best:
                best, members = bound, list(ids)
    return best, members


def required_by(inst: Instance) -> dict[str, Any] | None:
    """The latest day the last required unit could arrive by, with its witness: one unit's
    earliest arrival, or a facility that a set of required units cannot avoid."""
    required = [s for s in inst.units if s.required]
    if not required:
        return None
    slowest = max(required, key=earliest_arrival)
    witness: dict[str, Any] = {"day": earliest_arrival(slowest), "unit": slowest.id}
    jobs: dict[tuple[str, str], list[tuple[int, int, int, str]]] = defaultdict(list)
    for spec in required:
        for key, (first, tail) in _resource_uses(spec).items():
            jobs[key].append((first, tail, load_on(spec, key), spec.id))
    for key, items in sorted(jobs.items()):
        bound, members = _best_subset(inst.rate(key), items)
        if bound > witness["day"]:
            witness = {"day": bound, "facility": facility_name(key), "units": members}
    return witness


def _best_combat(inst: Instance) -> dict[str, list[int]]:
    """Per front and day, the combat value of every unit that could have arrived by then."""
    out = {f: [0] * (inst.horizon + 1) for f in inst.case.fronts}
    for spec in inst.units:
        day = earliest_arrival(spec)
        if day <= inst.horizon:
            out[spec.front][day] += spec.combat
    for per_day in out.values():
        for d in range(1, len(per_day)):
            per_day[d] += per_day[d - 1]
    return out


class _Reasons:
    """Which reason rules out an X-Day, on the planner's tables."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.witness = required_by(inst)
        self.last = self.witness["day"] if self.witness else None
        self.combat = _best_combat(inst)
        # A share the solver chooses (`auto`) can be as small as 0, which leaves the South most.
        self.south_fails = inst.enabled("south_readiness") and not south_holds(inst, 0)

    def first(self, x: int) -> tuple[str, str | None] | None:
        inst, decision = self.inst, x - self.inst.decision_lag
        tests = {
            "decision_before_start": decision < 0,
            "movement": self.last is not None and self.last > inst.horizon,
            "south_readiness": self.south_fails,
            "decision_deadline": inst.enabled("decision_deadline")
            and decision > inst.decision_deadline_day,
            "weather": inst.enabled("weather") and x > inst.weather_last_x_day,
            "halving": inst.enabled("halving")
            and decision >= 0
            and not inst.halving_holds[decision],
            "armour_air": inst.enabled("armour_air")
            and decision >= 0
            and not inst.armour_air_holds[decision],
            "required_arrivals": inst.enabled("required_arrivals")
            and self.last is not None
            and x < self.last,
        }
        for reason in REASON_ORDER[:-1]:
            if tests[reason]:
                return reason, None
        if inst.enabled("force_ratio"):
            for front, need in inst.force_needed.items():
                if self.combat[front][x] < need[x]:
                    return "force_ratio", front
        return None

    def numbers(self, reason: str, x: int, front: str | None) -> dict[str, int]:
        """The arithmetic of a reason on day x (see models.certify.stated_numbers)."""
        inst = self.inst
        decision = x - inst.decision_lag
        if reason == "halving":
            measure = inst.case.criteria.halving.measure
            return {
                "soviet": inst.measure_total(measure, decision),
                "initial": inst.measure_total(measure, 0),
            }
        if reason == "armour_air":
            out: dict[str, int] = {}
            for measure in inst.case.criteria.armour_air.measures:
                out[measure] = inst.measure_total(measure, decision)
                out[f"{measure}_initial"] = inst.measure_total(measure, 0)
            return out
        if reason == "force_ratio" and front is not None:
            return {"arrived": self.combat[front][x], "needed": inst.force_needed[front][x]}
        return {}


def no_go_certificate(inst: Instance) -> dict[str, Any]:
    """The certificate of a no-go: exclusions covering every X-Day, or kind `full_model` when
    the relaxations leave some day open (then only CP-SAT's proof stands)."""
    reasons = _Reasons(inst)
    exclusions: list[dict[str, Any]] = []
    for x in range(inst.horizon + 1):
        found = reasons.first(x)
        if found is None:
            return {
                "kind": "full_model",
                "open_day": x,
                "note": f"day {x} ({inst.case.date(x)}) passes every relaxation: the no-go rests "
                "on CP-SAT's proof that the full model is infeasible",
            }
        reason, front = found
        last = exclusions[-1] if exclusions else None
        if last is not None and (last["rule"], last.get("front")) == found:
            last["last"] = x
        else:
            exclusions.append(
                {"rule": reason, "first": x, "last": x} | ({"front": front} if front else {})
            )
    halving = inst.case.criteria.halving
    for ex in exclusions:
        ex["numbers"] = reasons.numbers(ex["rule"], ex["last"], ex.get("front"))
        if ex["rule"] == "halving" and halving.measure != DIVISIONS:
            ex["measure"] = halving.measure  # the reader sees what the numbers count
    uses_movement = any(ex["rule"] in MOVEMENT_REASONS for ex in exclusions)
    cert: dict[str, Any] = {
        "kind": "relaxation" if uses_movement else "criteria",
        "exclusions": exclusions,
    }
    if uses_movement and reasons.witness is not None:
        cert["required_by"] = reasons.witness
    return cert
