"""Why no-go: a minimal set of criteria that cannot hold together, in domain words.

CP-SAT assumption cores are only reliable with one worker and no objective, and are not
minimal, so the core is shrunk with a deletion filter: a member is dropped when the case stays
infeasible without it. What remains is minimal: dropping any member makes the case feasible.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from models.instance import Instance
from planner.model import build

CRITERION_NAMES = {
    "halving": "halving criterion",
    "force_ratio": "force ratio",
    "decision_deadline": "decision deadline",
    "weather": "weather deadline",
    "south_readiness": "South readiness",
    "required_arrivals": "required units arriving by X-Day",
}


@dataclass(frozen=True)
class Conflict:
    """A minimal conflicting set of criteria (empty: the movement itself cannot be done)."""

    criteria: tuple[str, ...]
    feasible_without_criteria: bool


def feasible_with(inst: Instance, active: set[str], time_limit: float = 30.0) -> bool | None:
    """Whether some plan meets the resources and the given criteria (None: undecided in time)."""
    m = build(inst, criteria_as_assumptions=True)
    for name, lit in m.criteria.items():
        m.cp.add(lit == (1 if name in active else 0))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    code = solver.solve(m.cp)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if code == cp_model.INFEASIBLE:
        return False
    return None


def minimal_conflict(inst: Instance, time_limit: float = 30.0) -> Conflict:
    """Deletion filter over the enabled criteria of an infeasible case."""
    m = build(inst, criteria_as_assumptions=True)
    names = list(m.criteria)
    if feasible_with(inst, set(), time_limit) is False:
        return Conflict((), False)
    core = list(names)
    for name in list(core):
        trial = set(core) - {name}
        if feasible_with(inst, trial, time_limit) is False:
            core.remove(name)
    return Conflict(tuple(core), True)


def _with_scale(inst: Instance, scale: float) -> Instance:
    case = inst.case
    return Instance(case.model_copy(update={"levers": case.levers.model_copy(update={"withdrawal_scale": scale})}))


def halving_scale_needed(inst: Instance, decision_day: int, upper: float = 100.0) -> float | None:
    """Smallest withdrawal scale (to 0.01) at which halving holds on a decision day, or None."""
    if not 0 <= decision_day <= inst.horizon:
        return None
    if not _with_scale(inst, upper).halving_holds[decision_day]:
        return None
    lo, hi = 0.0, upper
    while hi - lo > 0.005:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if _with_scale(inst, mid).halving_holds[decision_day] else (mid, hi)
    return round(hi + 0.005, 2)


def latest_decision_day(inst: Instance) -> int:
    """The last decision day the deadlines allow (decision deadline, weather, horizon)."""
    last = inst.horizon - inst.decision_lag
    if inst.enabled("decision_deadline"):
        last = min(last, inst.decision_deadline_day)
    if inst.enabled("weather"):
        last = min(last, inst.weather_last_x_day - inst.decision_lag)
    return last


def describe(inst: Instance, conflict: Conflict) -> list[str]:
    """One sentence per member of the conflict, in domain words, saying how far it is off."""
    case = inst.case
    if not conflict.feasible_without_criteria:
        return ["The required units cannot all be mobilized and moved within the planning horizon "
                f"({inst.horizon} days from {case.calendar.start}), whatever the criteria: "
                "shipping, port or rail capacity is too small, or the order comes too late."]
    lines = []
    decision = latest_decision_day(inst)
    for name in conflict.criteria:
        label = CRITERION_NAMES[name]
        if name == "halving":
            lines.append(_halving_sentence(inst, decision))
        elif name == "decision_deadline":
            lines.append(f"The {label} ({case.criteria.decision_deadline.date}) comes too early: "
                         f"the attack follows the decision by {inst.decision_lag} days.")
        elif name == "weather":
            lines.append(f"The {label}: X-Day must fall by {case.date(inst.weather_last_x_day)} "
                         f"to finish the {case.criteria.weather.campaign_days}-day campaign by "
                         f"{case.criteria.weather.deadline}.")
        elif name == "force_ratio":
            lines.append(f"The {label} ({case.criteria.force_ratio.ratio:g}:1 against Soviet strength × "
                         f"{case.criteria.force_ratio.soviet_factor:g}) cannot be reached in time.")
        elif name == "south_readiness":
            lines.append(f"{label}: the North share leaves the South short of its requirements.")
        else:
            lines.append(f"Not all {label} in time.")
    return lines


def _halving_sentence(inst: Instance, decision: int) -> str:
    case = inst.case
    day = min(max(decision, 0), inst.horizon)
    total = sum(days[day] for days in inst.strength.values())
    initial = sum(days[0] for days in inst.strength.values())
    share = total / initial if initial else 0.0
    needed = halving_scale_needed(inst, day)
    text = (f"Soviet Far East strength on {case.date(day)} (the last possible decision day) is "
            f"{share:.0%} of its {case.calendar.start} level; the halving criterion needs ≤ "
            f"{case.criteria.halving.fraction:.0%}")
    scale = case.levers.withdrawal_scale
    if needed is None:
        return text + ": no withdrawal rate would get there in time."
    if scale > 0:
        return text + f": withdrawals would have to be {needed / scale:.1f}× faster (withdrawal scale ≥ {needed:g})."
    return text + f": it needs a withdrawal scale of at least {needed:g}."
