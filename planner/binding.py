"""What binds a go: the criteria, levers and resources that set X-Day, and the critical chain.

Each enabled criterion, each relaxable lever and each resource that is full on some day up to
X-Day is relaxed on its own and X-Day re-solved: those that make X-Day earlier bind. Resources
at capacity are read from the verified plan's usage; the critical chain of the last unit to
arrive says, leg by leg, what held it (which resource was full on the days it waited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kantokuen.models.case import CRITERION_NAMES, LEVER_NAMES, Case
from kantokuen.models.instance import BP, Instance, UnitSpec
from kantokuen.models.plan import Plan, Status
from kantokuen.models.verify import port_loads, rail_loads, shipping_in_use, unit_handling
from kantokuen.planner.explain import (
    GENEROUS_WITHDRAWAL_SCALE,
    days,
    earliest_x_day,
    enforced_criteria,
    lever_member,
    pretty,
    relaxed_levers,
    share_words,
    with_criteria_off,
    with_levers,
)
from kantokuen.planner.solve import SolveOptions

# --- Go: what binds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Saturation:
    """A resource at capacity: on these days no further unit using it would fit."""

    resource: str  # shipping | port:<id>:loading | port:<id>:unloading | rail:<id> | depot:<region>
    label: str
    days: tuple[int, ...]


def _resource_users(inst: Instance) -> dict[str, list[UnitSpec]]:
    users: dict[str, list[UnitSpec]] = {}
    for spec in inst.units:
        for move in spec.moves:
            keys = [f"rail:{move.rail}"]
            if move.sea is not None:
                keys += ["shipping", f"port:{move.embark}:loading", f"port:{move.debark}:unloading"]
            for key in keys:
                users.setdefault(key, [])
                if spec not in users[key]:
                    users[key].append(spec)
        if inst.case.regions[spec.origin].depot_men is not None and spec.mobilization_days > 0:
            users.setdefault(f"depot:{spec.origin}", []).append(spec)
    return users


def resource_label(inst: Instance, key: str) -> str:
    """Domain name of a resource key."""
    case = inst.case
    kind, _, rest = key.partition(":")
    if kind == "shipping":
        return "North shipping (the pool's North share)"
    if kind == "port":
        port, _, leg = rest.partition(":")
        return f"{leg} at {case.ports[port].name}"
    if kind == "rail":
        return f"rail line {rest}"
    return f"mobilization depots of {case.regions[rest].name}"


def resource_loads(inst: Instance, plan: Plan) -> dict[str, tuple[list[int], list[int]]]:
    """Per resource key: (used, capacity) per day 0..horizon."""
    days = range(inst.horizon + 1)
    case = inst.case
    out: dict[str, tuple[list[int], list[int]]] = {
        "shipping": (
            shipping_in_use(inst.case, plan),
            [inst.north_capacity(d, plan.north_share_bp) for d in days],
        )
    }
    for leg, what in (("embark", "loading"), ("debark", "unloading")):
        loads = port_loads(inst.case, plan, leg)
        for p, port in case.ports.items():
            out[f"port:{p}:{what}"] = (
                [loads.get(p, {}).get(d, 0) for d in days],
                [port.tons_per_day] * len(days),
            )
    rails = rail_loads(inst.case, plan)
    for r, line in case.rail.items():
        out[f"rail:{r}"] = (
            [rails.get(r, {}).get(d, 0) for d in days],
            [line.per_day] * len(days),
        )
    timelines = {u.id: u for u in plan.units}  # matched by id, as the verifier does
    for region, reg in case.regions.items():
        if reg.depot_men is None:
            continue
        men = [0] * len(days)
        for spec in inst.units:
            up = timelines[spec.id]
            if spec.origin == region and up.committed and up.mobilize is not None:
                for d in range(
                    up.mobilize, min(up.mobilize + spec.mobilization_days, inst.horizon + 1)
                ):
                    men[d] += spec.men
        out[f"depot:{region}"] = (men, [reg.depot_men] * len(days))
    return out


def _size(key: str, spec: UnitSpec) -> int:
    """The unit's whole size at a resource, in its measure: men at a depot, ship space (GRT)
    on the pool, handling tons at a port, tons or trains on a line."""
    kind, _, rest = key.partition(":")
    if kind == "depot":
        return spec.men
    if kind == "port":
        return spec.handling
    if kind == "rail":
        return next(m.rail_load for m in spec.moves if m.rail == rest)
    return spec.lift


def saturated_resources(inst: Instance, plan: Plan) -> list[Saturation]:
    """Resources that are full on some day up to X-Day: in use, and too full to take even the
    smallest unit that could use them whole that day (with handling over days it could still
    start there, but not be through)."""
    users = _resource_users(inst)
    out = []
    for key, (used, cap) in resource_loads(inst, plan).items():
        if key not in users:
            continue
        smallest = min(_size(key, s) for s in users[key])
        days = tuple(
            d
            for d in range(min(plan.x_day, inst.horizon) + 1)
            if used[d] > 0 and cap[d] - used[d] < smallest
        )
        if days:
            out.append(Saturation(key, resource_label(inst, key), days))
    return out


def relax_resource(inst: Instance, key: str) -> Instance:
    """The instance with one resource made large enough never to bind."""
    case = inst.case
    total_lift = sum(s.lift for s in inst.units)
    total_handling = sum(s.handling for s in inst.units)
    kind, _, rest = key.partition(":")
    update: dict[str, Any]
    if kind == "shipping":
        # The pool grows until the North's smallest share carries every unit at once (a share
        # schedule's smallest step that gives anything; the South's limit when `auto`).
        by_day = inst.share_by_day
        given = [bp for bp in by_day or () if bp > 0]
        share = min(given) if given else (inst.south_share_limit_bp or BP)
        tons = max(max(inst.pool), -(-total_lift * BP // max(share, 1)))
        step = case.shipping.pool[0].model_copy(update={"date": case.calendar.start, "tons": tons})
        update = {"shipping": case.shipping.model_copy(update={"pool": (step,)})}
    elif kind == "port":
        port = rest.partition(":")[0]
        bigger = case.ports[port].model_copy(
            update={"tons_per_day": max(case.ports[port].tons_per_day, total_handling)}
        )
        update = {"ports": {**case.ports, port: bigger}}
    elif kind == "rail":
        line = case.rail[rest]
        total = sum(m.rail_load for s in inst.units for m in s.moves if m.rail == rest)
        field = "tons_per_day" if line.measure == "tons" else "trains_per_day"
        bigger_line = line.model_copy(update={field: max(line.per_day, total)})
        update = {"rail": {**case.rail, rest: bigger_line}}
    else:
        update = {
            "regions": {
                **case.regions,
                rest: case.regions[rest].model_copy(update={"depot_men": None}),
            }
        }
    return Instance(case.model_copy(update=update))


@dataclass(frozen=True)
class Binding:
    """One thing relaxed on its own, and the X-Day without it."""

    name: str  # criterion name, levers.<name>, or a resource key
    kind: str  # criterion | lever | resource
    label: str
    relaxation: str  # what was relaxed, in words
    x_day: int | None  # earliest X-Day once relaxed (None: no answer in time)
    days_earlier: int | None
    proven: bool  # the relaxed X-Day is proven optimal


def binding_candidates(inst: Instance, plan: Plan) -> list[tuple[str, str, str, str, Instance]]:
    """(name, kind, label, relaxation in words, relaxed instance) for every enabled criterion,
    every relaxable lever and every resource full on some day up to X-Day."""
    case = inst.case
    out: list[tuple[str, str, str, str, Instance]] = []
    for name in enforced_criteria(inst):
        out.append(
            (
                name,
                "criterion",
                CRITERION_NAMES[name],
                "switched off",
                with_criteria_off(inst, [name]),
            )
        )
    for lever, value in relaxed_levers(inst).items():
        words = {
            "mobilization_order": f"ordered on {pretty(case.calendar.start)}",
            "north_share": f"North share {share_words(inst, value)}",
            "withdrawal_scale": f"withdrawals {GENEROUS_WITHDRAWAL_SCALE:g}× history",
        }[lever]
        out.append(
            (
                lever_member(lever),
                "lever",
                LEVER_NAMES[lever],
                words,
                with_levers(inst, {lever: value}),
            )
        )
    for sat in saturated_resources(inst, plan):
        out.append(
            (
                sat.resource,
                "resource",
                sat.label,
                "capacity unlimited",
                relax_resource(inst, sat.resource),
            )
        )
    return out


def what_binds(
    inst: Instance, plan: Plan, options: SolveOptions, deadline: float | None = None
) -> list[Binding]:
    """Relax each candidate on its own: does an X-Day before the plan's become possible? A
    yes/no question first (X-Day capped one day earlier), which CP-SAT settles much faster
    than re-optimizing; only for the candidates that bind is the earliest X-Day then sought.
    No solve runs past `deadline` (a `time.perf_counter()` value): one cut short is 'no
    answer', never a claim."""
    out = []
    for name, kind, label, words, relaxed in binding_candidates(inst, plan):
        sooner = earliest_x_day(
            relaxed, options, first_solution=True, at_most=plan.x_day - 1, deadline=deadline
        )
        if sooner.status == Status.INFEASIBLE:
            out.append(Binding(name, kind, label, words, plan.x_day, 0, True))
            continue
        if sooner.plan is None:
            out.append(Binding(name, kind, label, words, None, None, False))
            continue
        best = earliest_x_day(relaxed, options, deadline=deadline)
        x = (
            best.x_day
            if best.x_day is not None and best.x_day <= sooner.plan.x_day
            else sooner.plan.x_day
        )
        out.append(
            Binding(name, kind, label, words, x, plan.x_day - x, best.status == Status.OPTIMAL)
        )
    return out


# --- Go: the critical chain of the last unit to arrive -------------------------------------


@dataclass(frozen=True)
class Leg:
    """One leg of a unit's journey: the day it happened, the earliest it could have, and why."""

    name: str  # mobilize | ready | sail | debark | entrain | arrive
    day: int
    earliest: int
    reason: str


@dataclass(frozen=True)
class Chain:
    """The journey of the last unit to arrive by X-Day, leg by leg."""

    unit: str
    name: str
    front: str
    route: str
    x_day: int
    legs: tuple[Leg, ...] = field(default_factory=tuple)
    note: str = ""


def last_unit(inst: Instance, plan: Plan) -> tuple[UnitSpec, Any] | None:
    """The committed unit arriving last by X-Day (ties: the one that sailed last, then by id)."""
    timelines = {u.id: u for u in plan.units}  # matched by id, as the verifier does
    pairs = [
        (s, u)
        for s, u in ((s, timelines[s.id]) for s in inst.units)
        if u.committed and u.arrive is not None and u.arrive <= plan.x_day
    ]
    if not pairs:
        return None
    return max(
        pairs, key=lambda p: (p[1].arrive, p[1].sail if p[1].sail is not None else -1, p[0].id)
    )


def _days_text(case: Case, day_list: list[int]) -> str:
    """Days as compact date ranges: 5–7 Jul 1941, 10 Jul 1941."""
    runs: list[list[int]] = []
    for d in sorted(day_list):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs[:4]:
        first, last = case.date(run[0]), case.date(run[-1])
        parts.append(pretty(first) if len(run) == 1 else f"{pretty(first)}–{pretty(last)}")
    if len(runs) > 4:
        parts.append(f"and {len(runs) - 4} more periods")
    return ", ".join(parts)


def _held(case: Case, waited: int, blockers: dict[str, list[int]], free: list[int]) -> str:
    if waited <= 0:
        return "as early as possible"
    parts = [f"{label} full on {_days_text(case, days)}" for label, days in blockers.items()]
    if free:
        parts.append(f"{days(len(free))} not forced by capacity (a later leg set the pace)")
    return f"{days(waited)} after it could: " + "; ".join(parts)


def critical_chain(inst: Instance, plan: Plan, unit: str | None = None) -> Chain | None:
    """Mobilization → sailing → landing → entraining → arrival of the last unit to arrive (or
    of the committed unit `unit`), and for each leg that started later than it could, which
    resource was full on the days between."""
    case = inst.case
    if unit is None:
        found = last_unit(inst, plan)
    else:
        spec_of = {s.id: s for s in inst.units}
        found = (spec_of[unit], plan.unit(unit))
    if found is None:
        return None
    spec, up = found
    assert up.move is not None and up.mobilize is not None and up.entrain is not None
    move = spec.moves[up.move]
    loads = resource_loads(inst, plan)
    handling = unit_handling(case, plan).get(spec.id, {})
    mine = _own_use(inst, spec, up, handling)

    def fits(key: str, day: int, amount: int) -> bool:
        if key not in loads:
            return True  # no such limit (a region without a depot capacity)
        if not 0 <= day <= inst.horizon:
            return False
        used, cap = loads[key]
        return used[day] - mine.get((key, day), 0) + amount <= cap[day]

    def blockers(
        first: int, last: int, checks: Callable[[int], list[tuple[str, int]]]
    ) -> tuple[dict[str, list[int]], list[int]]:
        """For each day the leg could have started but did not: the resources that were full,
        and on which days they were full (a ship's cycle or a landing falls on later days)."""
        found_blockers: dict[str, list[int]] = {}
        free = []
        for d in range(first, last):
            full = checks(d)
            for label, day in full:
                if day not in found_blockers.setdefault(label, []):
                    found_blockers[label].append(day)
            if not full:
                free.append(d)
        return found_blockers, free

    def full_on(key: str, day_range: Iterable[int], amount: int) -> list[tuple[str, int]]:
        """The first day in the range on which the resource could not take the unit."""
        for t in day_range:
            if not fits(key, t, amount):
                return [(resource_label(inst, key), t)]
        return []

    legs: list[Leg] = []
    # Mobilization: from the order (or the unit's availability).
    cause = (
        f"the order on {pretty(case.levers.mobilization_order)}"
        if spec.earliest_start == inst.order_day
        else f"its availability on {pretty(case.date(spec.earliest_start))}"
    )
    depot = f"depot:{spec.origin}"

    def depot_full(d: int) -> list[tuple[str, int]]:
        return full_on(depot, range(d, d + spec.mobilization_days), spec.men)

    b, free = blockers(spec.earliest_start, up.mobilize, depot_full)
    if up.mobilize > spec.earliest_start:
        reason = f"after {cause}, " + _held(case, up.mobilize - spec.earliest_start, b, free)
    else:
        reason = f"at once after {cause}"
    legs.append(Leg("mobilize", up.mobilize, spec.earliest_start, reason))
    ready = up.mobilize + spec.mobilization_days
    legs.append(Leg("ready", ready, ready, f"mobilization takes {days(spec.mobilization_days)}"))
    railhead = ready
    if move.sea is not None and up.sail is not None:
        at_port = ready + move.travel_to_port_days

        def sea_full(d: int) -> list[tuple[str, int]]:
            # Sailing on day d as a one-day move: ship space for the cycle, the whole unit
            # loaded that day and unloaded on the landing day (a unit handled over days
            # could start earlier, but not be through sooner than the day the port has room).
            return (
                full_on("shipping", range(d, d + move.cycle_days), spec.lift)
                + full_on(f"port:{move.embark}:loading", [d], spec.handling)
                + full_on(f"port:{move.debark}:unloading", [d + move.sail_days], spec.handling)
            )

        b, free = blockers(at_port, up.sail, sea_full)
        legs.append(Leg("sail", up.sail, at_port, _held(case, up.sail - at_port, b, free)))
        landed = up.sail + move.sail_days
        unloading = handling.get("debark", [])
        railhead = unloading[-1][0] if unloading else landed
        reason = f"the crossing ({move.sea}) takes {days(move.sail_days)}"
        if railhead > landed:
            reason += f"; unloading takes {days(railhead - landed + 1)}"
        legs.append(Leg("debark", landed, landed, reason))
    line = f"rail:{move.rail}"
    b, free = blockers(railhead, up.entrain, lambda d: full_on(line, [d], move.rail_load))
    legs.append(Leg("entrain", up.entrain, railhead, _held(case, up.entrain - railhead, b, free)))
    assert up.arrive is not None
    legs.append(
        Leg(
            "arrive",
            up.arrive,
            up.arrive,
            f"rail transit ({move.rail}) takes {days(move.transit_days)}",
        )
    )
    route = f"{move.sea} + {move.rail}" if move.sea else move.rail
    if up.arrive == plan.x_day:
        note = "X-Day falls on its arrival: the movement sets X-Day."
    else:
        note = (
            f"It arrives {plan.x_day - up.arrive} days before X-Day: the movement is done early "
            "and something else (a criterion) sets X-Day."
        )
    return Chain(spec.id, spec.name, spec.front, route, plan.x_day, tuple(legs), note)


def _own_use(
    inst: Instance, spec: UnitSpec, up: Any, handling: dict[str, list[tuple[int, int]]]
) -> dict[tuple[str, int], int]:
    """What the unit itself uses of each resource on each day (taken out before testing
    whether it would have fitted on an earlier day): its ships from its first loading day
    until they are back, and its part of each day at each facility (`handling`, from
    `models.verify.unit_handling`)."""
    out: dict[tuple[str, int], int] = {}
    move = spec.moves[up.move]

    def add(key: str, day: int, amount: int) -> None:
        out[(key, day)] = out.get((key, day), 0) + amount

    if move.sea is not None and up.sail is not None:
        loading, unloading = handling.get("embark", []), handling.get("debark", [])
        landed = up.sail + move.sail_days
        first = loading[0][0] if loading else up.sail
        back = up.sail + move.cycle_days + (unloading[-1][0] - landed if unloading else 0)
        for d in range(first, min(back, inst.horizon + 1)):
            add("shipping", d, spec.lift)
        for day, tons in loading:
            add(f"port:{move.embark}:loading", day, tons)
        for day, tons in unloading:
            add(f"port:{move.debark}:unloading", day, tons)
    for day, amount in handling.get("rail", []):
        add(f"rail:{move.rail}", day, amount)
    if inst.case.regions[spec.origin].depot_men is not None:
        for d in range(up.mobilize, min(up.mobilize + spec.mobilization_days, inst.horizon + 1)):
            add(f"depot:{spec.origin}", d, spec.men)
    return out
