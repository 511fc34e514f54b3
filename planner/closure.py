"""How a go's force closes: per front, the combat value arrived day by day against what the
force ratio needs, the day each requirement is met for good, and the units that arrive last
with the chain of waits that held each of them (`planner.binding.critical_chain`).

X-Day is the first day on which every requirement holds at once; `waits` names, for each
criterion with a date of its own, the first X-Day it allows on the plan's arrivals, so the
latest of them is what X-Day waits for. Everything here is read from a verified plan and the
case's tables: no solving.
"""

from __future__ import annotations

from dataclasses import dataclass

from kantokuen.models.case import CRITERION_NAMES
from kantokuen.models.instance import MILLI, Instance
from kantokuen.models.plan import Plan
from kantokuen.planner.binding import Chain, critical_chain
from kantokuen.planner.prose import days, pretty

LAST_UNITS = 3
"""Units shown per front among the last to arrive."""


@dataclass(frozen=True)
class Wait:
    """A requirement and the first X-Day it allows on this plan (None: never, or not in force)."""

    name: str
    label: str
    day: int | None
    detail: str


@dataclass(frozen=True)
class FrontClosure:
    """One front's force build-up up to X-Day."""

    front: str
    name: str
    arrived: tuple[int, ...]  # combat value arrived by each day 0..X (thousandths)
    needed: tuple[int, ...]  # what the force ratio needs on each day 0..X (thousandths)
    closes: int | None  # first day from which arrived ≥ needed through X-Day
    required_last: int | None  # the day the last required unit bound here arrives
    last: tuple[Chain, ...]  # the last units to arrive by X-Day, latest first
    sentence: str


@dataclass(frozen=True)
class Closure:
    """Every front's closure, and what X-Day waits for."""

    fronts: tuple[FrontClosure, ...]
    waits: tuple[Wait, ...]
    sentence: str


def closure(inst: Instance, plan: Plan, last_units: int = LAST_UNITS) -> Closure:
    """The closure profile of a verified plan (see the module doc)."""
    x = plan.x_day
    specs = {s.id: s for s in inst.units}
    fronts = []
    force = inst.enabled("force_ratio")
    for front, name in ((f, inst.case.fronts[f].name) for f in inst.case.fronts):
        arrivals = [
            (u.arrive, u.id)
            for u in plan.units
            if u.committed and u.arrive is not None and specs[u.id].front == front
        ]
        per_day = [0] * (x + 1)
        for day, uid in arrivals:
            if day <= x:
                per_day[day] += specs[uid].combat
        arrived = tuple(_running(per_day))
        needed = tuple(inst.force_needed[front][: x + 1]) if force else (0,) * (x + 1)
        closes = _closes(arrived, needed)
        required = [day for day, uid in arrivals if specs[uid].required]
        latest = sorted((a for a in arrivals if a[0] <= x), reverse=True)[:last_units]
        chains = tuple(
            chain
            for chain in (critical_chain(inst, plan, uid) for _, uid in latest)
            if chain is not None
        )
        fronts.append(
            FrontClosure(
                front,
                name,
                arrived,
                needed,
                closes,
                max(required, default=None),
                chains,
                _front_sentence(inst, x, name, arrived, needed, closes, chains, force),
            )
        )
    waits = tuple(_waits(inst, plan, fronts))
    return Closure(tuple(fronts), waits, _waits_sentence(inst, x, waits))


def _running(values: list[int]) -> list[int]:
    total, out = 0, []
    for v in values:
        total += v
        out.append(total)
    return out


def _closes(arrived: tuple[int, ...], needed: tuple[int, ...]) -> int | None:
    """The first day from which the arrived force meets the need on every day up to the last."""
    if not arrived or arrived[-1] < needed[-1]:
        return None
    day = len(arrived) - 1
    while day > 0 and arrived[day - 1] >= needed[day - 1]:
        day -= 1
    return day


def _front_sentence(
    inst: Instance,
    x: int,
    name: str,
    arrived: tuple[int, ...],
    needed: tuple[int, ...],
    closes: int | None,
    chains: tuple[Chain, ...],
    force: bool,
) -> str:
    case = inst.case
    text = f"{name}: {arrived[-1] / MILLI:.3g} div.-eq. arrived by X-Day"
    if force:
        text += f" against {needed[-1] / MILLI:.3g} the force ratio needs"
        if closes is not None:
            ahead = x - closes
            text += f"; met from {pretty(case.date(closes))}" + (
                f", {days(ahead)} before X-Day" if ahead else ", X-Day itself"
            )
    text += "."
    if chains:
        last = chains[0]
        legs = [leg for leg in last.legs if leg.day > leg.earliest]
        held = "; ".join(f"{leg.name}: {leg.reason}" for leg in legs) or (
            "nothing waited: " + "; ".join(leg.reason for leg in last.legs[:2])
        )
        text += (
            f" Last to arrive: {last.name} ({last.unit}) on "
            f"{pretty(case.date(last.legs[-1].day))} via {last.route} ({held})."
        )
    return text


def _waits(inst: Instance, plan: Plan, fronts: list[FrontClosure]) -> list[Wait]:
    """The first X-Day each requirement allows on this plan's arrivals."""
    lag = inst.decision_lag
    out = []
    for name, holds in (
        ("halving", inst.halving_holds if inst.enabled("halving") else None),
        ("armour_air", inst.armour_air_holds if inst.enabled("armour_air") else None),
    ):
        if holds is None:
            continue
        first = next((d for d, ok in enumerate(holds) if ok), None)
        day = first + lag if first is not None else None
        detail = f"decision on {pretty(inst.case.date(first))}" if first is not None else ""
        out.append(Wait(name, CRITERION_NAMES[name], day, detail))
    if inst.enabled("required_arrivals"):
        last = max((f.required_last for f in fronts if f.required_last is not None), default=0)
        out.append(
            Wait("required_arrivals", CRITERION_NAMES["required_arrivals"], last, "last arrival")
        )
    if inst.enabled("force_ratio"):
        for f in fronts:
            out.append(Wait(f"force_ratio:{f.front}", f"force ratio at {f.name}", f.closes, ""))
    out.append(Wait("decision", "the decision day after the order", lag, ""))
    return out


def _waits_sentence(inst: Instance, x: int, waits: tuple[Wait, ...]) -> str:
    case = inst.case
    known = [w for w in waits if w.day is not None]
    binding = [w.label for w in known if w.day == x]
    listed = "; ".join(
        f"{w.label} from {pretty(case.date(w.day))}" + (f" ({w.detail})" if w.detail else "")
        for w in sorted(known, key=lambda w: -(w.day or 0))
        if w.day is not None
    )
    waits_on = (
        f"it waits for the {' and the '.join(binding)}"
        if binding
        else "no requirement falls on it: the movement itself sets it"
    )
    return (
        f"X-Day {pretty(case.date(x))} is the first day every requirement holds; {waits_on}. "
        f"Each allows X-Day from: {listed}."
    )
