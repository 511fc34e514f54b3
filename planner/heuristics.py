"""Warm start for the CP-SAT stages: list scheduling, its randomized iteration, and X-Day bounds.

*List scheduling* (serial schedule generation): units are taken one at a time in a priority
order; each gets, over its allowed moves, the timeline that arrives earliest given the capacity
the units before it already took — mobilize on the first day the depot has room, sail on the
first day the debarkation port can start unloading it on landing, its loading block ends in time
and its ships are free from the first loading day until they are back (loading as late as that
allows), entrain in the line's soonest block. A block (handling over days, DESIGN §1c) takes
what its first day has left, the whole rate on the days in between and the rest on its last
day, so plans read as each facility's queue (`planner.model.Leg`). Nothing placed is ever
moved. An optional unit that does not fit stays home; a required one that does not fit means
no schedule. X-Day is then the first day on which every enabled criterion holds (the criteria
on Soviet strength, halving and armour and air, are tables by day). The North share is the
largest whole percent the South allows (a larger share never makes this X-Day later); with a
share schedule, each day's North tons follow it.

*Iterated* list scheduling tries four classic priority rules, then random orders — fresh ones
and perturbations of the best so far (seeded, a fixed number of passes, so the result is
deterministic) — keeping the best schedule. On the synthetic benchmark cases it finds in about a
second X-Days that CP-SAT alone needs minutes for (BENCHMARKS.md).

*Relaxation bound*: no X-Day can beat the first day on which the date criteria allow it, every
required unit could have arrived even with every resource free, no port or rail line taken alone
would hold the required units up longer (a fluid relaxation of each facility, in its own
measure), and every
front could have its force ratio from all units arriving as early as possible. When a schedule
reaches that day, its X-Day is proven optimal without any search.

The plans made here are ordinary `Plan`s; like every plan, they are checked by the verifier
before they are used or shown.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from kantokuen.models.instance import BP, Facility, Instance, MoveOption, UnitSpec
from kantokuen.models.plan import Plan, UnitPlan

Days = tuple[tuple[int, int], ...]
"""A unit's handling at one facility: (day, amount) in the facility's measure."""


class Timeline(NamedTuple):
    """One committed unit's days (the cheap form of a `UnitPlan` while scheduling), with what
    each facility of its move handles of it day by day (`legs`: embark, debark, rail)."""

    move: int
    mobilize: int
    sail: int | None
    entrain: int
    arrive: int
    legs: dict[str, Days] = {}

    def unit_plan(self, spec: UnitSpec) -> UnitPlan:
        move = spec.moves[self.move]
        debark = self.sail + move.sail_days if self.sail is not None else None
        own_day = {"embark": self.sail, "debark": debark, "rail": self.entrain}
        lists = {}
        for facility in spec.facilities(move):
            kind = facility[0]
            days = self.legs.get(kind, ())
            # The whole load on the leg's own day is the plan's default: left out.
            default = ((own_day[kind], spec.load_at(facility, move)),)
            lists[kind] = () if days == default or not days else days
        return UnitPlan(
            id=spec.id,
            committed=True,
            move=self.move,
            mobilize=self.mobilize,
            ready=self.mobilize + spec.mobilization_days,
            sail=self.sail,
            debark=debark,
            entrain=self.entrain,
            arrive=self.arrive,
            loading=lists.get("embark", ()),
            unloading=lists.get("debark", ()),
            entraining=lists["rail"],
        )


class Profiles:
    """Remaining capacity of every resource on every day: ship space (GRT), each facility in
    its own measure (ports' handling tons, lines' tons or trains), depots' men."""

    def __init__(self, inst: Instance, share_bp: int) -> None:
        days = inst.horizon + 1
        case = inst.case
        self.inst = inst
        self.ship = [inst.north_capacity(d, share_bp) for d in range(days)]
        facilities = [("embark", p) for p in case.ports] + [("debark", p) for p in case.ports]
        facilities += [("rail", r) for r in case.rail]
        self.rates = {f: inst.rate(f) for f in facilities}  # looked up for every block tried
        self.free = {f: [self.rates[f]] * days for f in facilities}
        self.depot = {
            r: [reg.depot_men] * days
            for r, reg in case.regions.items()
            if reg.depot_men is not None
        }

    def first_mobilization(self, spec: UnitSpec, not_before: int = 0) -> int | None:
        """First day from the unit's earliest start (and `not_before`) on which the depot holds
        its men for its whole mobilization."""
        first = max(spec.earliest_start, not_before)
        last = self.inst.horizon - spec.mobilization_days
        depot = self.depot.get(spec.origin)
        if depot is None:
            return first if first <= last else None
        return _first_window(depot, first, last, spec.mobilization_days, spec.men)

    def block(self, facility: Facility, release: int, load: int, last: int) -> Days | None:
        """The block that handles `load` at a facility soonest (DESIGN §1c): it starts on or
        after `release` with what its first day has left, takes the whole rate on each day in
        between and the rest on its last day, which is at most `last`. Of the blocks that end
        first, the one that starts latest (it holds the least of the days before). None if no
        block fits."""
        if load == 0:
            return ()
        free, rate = self.free[facility], self.rates[facility]
        best: Days | None = None
        for start in range(max(release, 0), last + 1):
            if best is not None and start > best[-1][0]:
                break
            days = _block_from(free, rate, start, load, last)
            if days is not None and (best is None or days[-1][0] <= best[-1][0]):
                best = days
        return best

    def latest_block(self, facility: Facility, release: int, load: int, by: int) -> Days | None:
        """The block that starts latest, no earlier than `release`, and ends by `by`: loading
        just in time for a sailing (ships are held from the first loading day)."""
        if load == 0:
            return ()
        free, rate = self.free[facility], self.rates[facility]
        for start in range(by, max(release, 0) - 1, -1):
            days = _block_from(free, rate, start, load, by)
            if days is not None:
                return days
        return None

    def voyage(
        self, spec: UnitSpec, move: MoveOption, at_port: int
    ) -> tuple[Days, int, Days] | None:
        """The soonest voyage from `at_port` on: (loading, sailing day, unloading). Unloading
        starts on the landing day (ships do not wait in the roads), loading ends by the sailing
        day and starts as late as it can, and the ships are free from the first loading day
        until they are back (the cycle from sailing, plus the days unloading runs past the
        landing day)."""
        assert move.embark is not None and move.debark is not None
        horizon, load, lift, ship = self.inst.horizon, spec.handling, spec.lift, self.ship
        embark, debark = ("embark", move.embark), ("debark", move.debark)
        unloaded, unload_rate = self.free[debark], self.rates[debark]
        # Room at the embarkation port from `at_port` up to each day: a loading block ending
        # on a day needs at least its load of it (the cheap test before looking for one).
        room, total = [], 0
        for free in self.free[embark][max(at_port, 0) :]:
            total += max(free, 0)
            room.append(total)
        for sail in range(max(at_port, 0), horizon - move.sail_days - move.transit_days + 1):
            if room[sail - max(at_port, 0)] < load:
                continue
            landed = sail + move.sail_days
            unloading = _block_from(
                unloaded, unload_rate, landed, load, horizon - move.transit_days
            )
            if unloading is None:
                continue
            back = sail + move.cycle_days + _last_day(unloading, landed) - landed
            if back > horizon + 1:
                return None  # a later sailing comes back later still
            # The ships are held at least from the sailing day on: when they are short on one
            # of those days, no loading block helps (checked first: it is the cheap test).
            if any(ship[d] < lift for d in range(sail, back)):
                continue
            loading = self.latest_block(embark, at_port, load, sail)
            if loading is None:
                continue
            first = _first_day(loading, sail)
            if all(ship[d] >= lift for d in range(first, sail)):
                return loading, sail, unloading
        return None

    def schedule(self, spec: UnitSpec, k: int, mobilize: int) -> Timeline | None:
        """The earliest timeline of a unit on move k, given its mobilization day: the soonest
        voyage (`voyage`), then entraining as soon as the line allows."""
        move, horizon = spec.moves[k], self.inst.horizon
        railhead = mobilize + spec.mobilization_days
        legs: dict[str, Days] = {}
        sail = None
        if move.sea is not None:
            voyage = self.voyage(spec, move, railhead + move.travel_to_port_days)
            if voyage is None:
                return None
            legs["embark"], sail, legs["debark"] = voyage
            railhead = _last_day(legs["debark"], sail + move.sail_days)
        line = ("rail", move.rail)
        trains = self.block(line, railhead, move.rail_load, horizon - move.transit_days)
        if trains is None:
            return None
        legs["rail"] = trains
        entrain = _last_day(trains, railhead)
        return Timeline(k, mobilize, sail, entrain, entrain + move.transit_days, legs)

    def take(self, spec: UnitSpec, tl: Timeline, sign: int = 1) -> None:
        """Book the unit's use of depot, shipping, ports and rail (`sign` -1: give it back)."""
        move = spec.moves[tl.move]
        if spec.origin in self.depot:
            depot = self.depot[spec.origin]
            for d in range(tl.mobilize, tl.mobilize + spec.mobilization_days):
                depot[d] -= sign * spec.men
        for facility in spec.facilities(move):
            for day, amount in tl.legs.get(facility[0], ()):
                self.free[facility][day] -= sign * amount
        if move.sea is not None:
            assert tl.sail is not None
            first = _first_day(tl.legs.get("embark", ()), tl.sail)
            landed = tl.sail + move.sail_days
            back = tl.sail + move.cycle_days + _last_day(tl.legs.get("debark", ()), landed) - landed
            for d in range(first, back):
                self.ship[d] -= sign * spec.lift

    def copy(self) -> Profiles:
        """An independent copy of what is left of every resource."""
        out = object.__new__(Profiles)
        out.inst = self.inst
        out.ship = list(self.ship)
        out.rates = self.rates  # never changed once made
        out.free = {f: list(days) for f, days in self.free.items()}
        out.depot = {r: list(days) for r, days in self.depot.items()}
        return out

    def place(self, spec: UnitSpec, target: int | None = None) -> Timeline | None:
        """The unit's earliest-arriving timeline over its moves (ties: the first listed), booked;
        None if no move fits. With a target X-Day, a move that still arrives by the target is
        preferred when it holds less shipping (lift × cycle days; none by rail)."""
        mobilize = self.first_mobilization(spec)
        if mobilize is None:
            return None
        options = [
            tl
            for k in range(len(spec.moves))
            if (tl := self.schedule(spec, k, mobilize)) is not None
        ]
        if not options:
            return None
        best = min(options, key=lambda tl: (tl.arrive, tl.move))
        if target is not None and best.arrive <= target:
            best = min(
                (tl for tl in options if tl.arrive <= target),
                key=lambda tl: (_ship_days(spec, tl.move), tl.arrive, tl.move),
            )
        self.take(spec, best)
        return best


def _first_day(days: Days, otherwise: int) -> int:
    return days[0][0] if days else otherwise


def _last_day(days: Days, otherwise: int) -> int:
    return days[-1][0] if days else otherwise


def _block_from(free: list[int], rate: int, start: int, load: int, last: int) -> Days | None:
    """The block starting on `start` (its first day takes what is left, up to the load), or
    None when it does not fit by `last`: a day in between is not wholly free, or the rest does
    not fit on a free day."""
    if load == 0:
        return ()
    if start > last or free[start] <= 0:
        return None
    days = [(start, min(free[start], load))]
    rest, day = load - days[0][1], start + 1
    while rest > 0:
        if day > last:
            return None
        if rest <= free[day]:
            days.append((day, rest))
            rest = 0
        elif free[day] == rate:
            days.append((day, rate))
            rest -= rate
        else:
            return None
        day += 1
    return tuple(days)


def _ship_days(spec: UnitSpec, k: int) -> int:
    move = spec.moves[k]
    return move.cycle_days if move.sea is not None else 0


def _first_window(free: list[int], first: int, last: int, length: int, need: int) -> int | None:
    """First start in first..last of `length` consecutive days that each have `need` free;
    a day short of it makes every window over it fail, so the scan jumps past it."""
    day = max(first, 0)
    while day <= last:
        blocked = next((d for d in range(day + length - 1, day - 1, -1) if free[d] < need), None)
        if blocked is None:
            return day
        day = blocked + 1
    return None


def min_journey(spec: UnitSpec) -> int:
    """Fewest days from the start of mobilization to arrival at the front, over the unit's moves."""
    return min(
        spec.mobilization_days
        + (m.travel_to_port_days + m.sail_days if m.sea else 0)
        + m.transit_days
        for m in spec.moves
    )


def earliest_arrival(spec: UnitSpec) -> int:
    """Day the unit would arrive with every resource free."""
    return spec.earliest_start + min_journey(spec)


def journey_priority(spec: UnitSpec) -> tuple[int, int, float, str]:
    """Priority rule (smaller first): required units, then the latest possible arrival first
    (the classic longest-path rule), then the most combat value per ton."""
    return (0 if spec.required else 1, -earliest_arrival(spec), -combat_density(spec), spec.id)


def combat_density(spec: UnitSpec) -> float:
    """Combat value per ton of ship space; a unit that takes none (lift 0, as a correction
    search may try) counts as taking one ton."""
    return spec.combat / max(spec.lift, 1)


def largest_share(inst: Instance) -> int:
    """The share to schedule with: for `auto` the largest whole percent the South readiness
    criterion allows; otherwise the case's share decides every day's capacity
    (`Instance.north_capacity`), and this is its share on day 0."""
    if not inst.auto_share:
        return inst.share_on(0, 0)
    limit = inst.south_share_limit_bp
    return BP if limit is None else limit // 100 * 100


def south_holds(inst: Instance, share_bp: int) -> bool:
    """Whether the South's share meets every South requirement (always, when the criterion is
    off); `share_bp` is the North share when `auto`, else the case's share in force on each
    requirement's day counts."""
    return not inst.enabled("south_readiness") or inst.south_met(share_bp)


def _date_allows(inst: Instance, x: int) -> bool:
    """The criteria that depend on X-Day alone: decision day in range, halving, armour and air,
    deadline, weather."""
    decision = x - inst.decision_lag
    if decision < 0 or x > inst.horizon:
        return False
    if inst.enabled("halving") and not inst.halving_holds[decision]:
        return False
    if inst.enabled("armour_air") and not inst.armour_air_holds[decision]:
        return False
    if inst.enabled("decision_deadline") and decision > inst.decision_deadline_day:
        return False
    return not (inst.enabled("weather") and x > inst.weather_last_x_day)


def _combat_by_day(
    inst: Instance, arrivals: Iterable[tuple[UnitSpec, int]]
) -> dict[str, list[int]]:
    """Per front, combat value arrived by each day."""
    out = {f: [0] * (inst.horizon + 1) for f in inst.case.fronts}
    for spec, day in arrivals:
        if 0 <= day <= inst.horizon:
            out[spec.front][day] += spec.combat
    for per_day in out.values():
        for d in range(1, len(per_day)):
            per_day[d] += per_day[d - 1]
    return out


def first_x_day(inst: Instance, arrivals: dict[str, int], required_last: int) -> int | None:
    """The first day on which every enabled criterion holds, given the committed units' arrival
    days and the last required unit's arrival."""
    combat = _combat_by_day(inst, ((s, arrivals[s.id]) for s in inst.units if s.id in arrivals))
    for x in range(max(inst.decision_lag, 0), inst.horizon + 1):
        if inst.enabled("required_arrivals") and x < required_last:
            continue
        if not _date_allows(inst, x):
            continue
        if inst.enabled("force_ratio") and any(
            combat[f][x] < need[x] for f, need in inst.force_needed.items()
        ):
            continue
        return x
    return None


def _resource_uses(spec: UnitSpec) -> dict[tuple[str, str], tuple[int, int]]:
    """The facilities (ports, rail lines) every move of the unit passes through, each with the
    unit's earliest day there and the fewest days from the day it is through to the front."""
    per_move: list[dict[tuple[str, str], tuple[int, int]]] = []
    ready = spec.earliest_start + spec.mobilization_days
    for m in spec.moves:
        uses: dict[tuple[str, str], tuple[int, int]] = {}
        railhead = ready
        if m.sea is not None:
            assert m.embark is not None and m.debark is not None
            sail = ready + m.travel_to_port_days
            uses[("embark", m.embark)] = (sail, m.sail_days + m.transit_days)
            uses[("debark", m.debark)] = (sail + m.sail_days, m.transit_days)
            railhead = sail + m.sail_days
        uses[("rail", m.rail)] = (railhead, m.transit_days)
        per_move.append(uses)
    common = set(per_move[0]).intersection(*per_move[1:])
    return {
        key: (min(u[key][0] for u in per_move), min(u[key][1] for u in per_move)) for key in common
    }


def load_on(spec: UnitSpec, facility: Facility) -> int:
    """The unit's load at a facility one of its moves passes through, in its measure."""
    move = next(m for m in spec.moves if facility in spec.facilities(m))
    return spec.load_at(facility, move)


def fluid_bound(capacity: int, jobs: list[tuple[int, int, int]]) -> int:
    """Lower bound on max(through day + tail) for jobs (release day, tail, load) handled over
    days by a facility of `capacity` per day (DESIGN §1c; loads and capacity in the facility's
    measure). Relaxation: the load flows like a fluid at `capacity` per day, day d being the
    interval [d, d+1); any real schedule is such a flow with every job done by the end of its
    through day. For the fluid problem, preemptive largest-tail-first (Jackson's rule) is
    optimal, so its max(finish + tail), rounded up, minus the day's length is a valid bound."""
    pending = sorted(jobs)
    queue: list[tuple[int, int, float]] = []  # (-tail, release, tons left)
    now, i, worst = 0.0, 0, float("-inf")
    while i < len(pending) or queue:
        if not queue:
            now = max(now, float(pending[i][0]))
        while i < len(pending) and pending[i][0] <= now:
            release, tail, tons = pending[i]
            heapq.heappush(queue, (-tail, release, float(tons)))
            i += 1
        neg_tail, release, left = heapq.heappop(queue)
        next_release = float(pending[i][0]) if i < len(pending) else float("inf")
        finish = now + left / capacity
        if finish <= next_release:
            now = finish
            worst = max(worst, finish - neg_tail)
        else:  # a new job arrives first: run until then and look again
            heapq.heappush(queue, (neg_tail, release, left - (next_release - now) * capacity))
            now = next_release
    return math.ceil(worst - 1e-9) - 1 if jobs else 0


def resource_bound(inst: Instance) -> int:
    """The latest required arrival that the facilities (ports and rail lines) force, each
    considered alone with the required units that cannot avoid it (`fluid_bound`)."""
    jobs: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
    for spec in inst.units:
        if spec.required:
            for key, (release, tail) in _resource_uses(spec).items():
                jobs[key].append((release, tail, load_on(spec, key)))
    return max((fluid_bound(inst.rate(key), items) for key, items in jobs.items()), default=0)


def relaxation_bound(inst: Instance) -> int | None:
    """A day no X-Day can beat (see module doc), or None when no day passes even the relaxation
    (then the case is a no-go). Valid only with every enabled criterion enforced."""
    if not south_holds(inst, 0):
        # The South's requirements fail at the case's share (at the least share, for `auto`),
        # whatever the X-Day.
        return None
    required_last = max((earliest_arrival(s) for s in inst.units if s.required), default=0)
    if required_last > inst.horizon:
        return None  # a required unit cannot even arrive within the horizon
    required_last = max(required_last, resource_bound(inst))
    if required_last > inst.horizon:
        return None  # ...or not once the ports and rail lines are taken into account
    best = {s.id: earliest_arrival(s) for s in inst.units}
    return first_x_day(inst, best, required_last)


@dataclass(frozen=True)
class Schedule:
    """A list schedule: each unit's timeline (None: stays home), and its X-Day (None if a
    required unit did not fit or no X-Day meets the criteria)."""

    inst: Instance
    share_bp: int
    timelines: tuple[Timeline | None, ...]
    x_day: int | None
    ton_days: int  # Σ lift × arrival day: the tie-break (the objective's is `shipping_ton_days`)

    @property
    def plan(self) -> Plan | None:
        """The schedule as a Plan, when it has an X-Day."""
        if self.x_day is None:
            return None
        units = tuple(
            tl.unit_plan(spec) if tl is not None else UnitPlan(id=spec.id, committed=False)
            for spec, tl in zip(self.inst.units, self.timelines, strict=True)
        )
        share = self.inst.plan_share_bp(self.x_day, self.share_bp)
        return Plan(x_day=self.x_day, north_share_bp=share, units=units)


def list_schedule(
    inst: Instance, order: Iterable[UnitSpec], share_bp: int, target: int | None = None
) -> Schedule:
    """Serial schedule generation in the given order, then the first X-Day the criteria allow
    (`target`: see `Profiles.place`)."""
    profiles = Profiles(inst, share_bp)
    placed: dict[str, Timeline | None] = {}
    for spec in order:
        tl = profiles.place(spec, target)
        if tl is None and spec.required:
            return Schedule(inst, share_bp, (), None, 0)
        placed[spec.id] = tl
    timelines = tuple(placed[s.id] for s in inst.units)
    arrivals = {
        s.id: tl.arrive for s, tl in zip(inst.units, timelines, strict=True) if tl is not None
    }
    required_last = max((arrivals[s.id] for s in inst.units if s.required), default=0)
    x = first_x_day(inst, arrivals, required_last) if south_holds(inst, share_bp) else None
    ton_days = sum(
        s.lift * tl.arrive for s, tl in zip(inst.units, timelines, strict=True) if tl is not None
    )
    return Schedule(inst, share_bp, timelines, x, ton_days)


Priority = Callable[[UnitSpec], tuple[object, ...]]

RULES: dict[str, Priority] = {
    "longest_journey": journey_priority,
    "earliest_release": lambda s: (
        0 if s.required else 1,
        s.earliest_start,
        -earliest_arrival(s),
        s.id,
    ),
    "largest_lift": lambda s: (0 if s.required else 1, -s.lift, s.id),
    "combat_density": lambda s: (
        -combat_density(s),
        0 if s.required else 1,
        -earliest_arrival(s),
        s.id,
    ),
}
"""Classic priority rules (smaller key first): critical path, release date, big rocks first,
combat value per ton."""


def ton_days_floor(inst: Instance) -> int:
    """Shipping ton-days no plan goes below: every required unit on the route with the shortest
    ship cycle (none if it may go by rail); optional units may stay home."""
    return sum(
        s.lift * min(m.cycle_days if m.sea is not None else 0 for m in s.moves)
        for s in inst.units
        if s.required
    )


def shipping_ton_days(schedule: Schedule) -> int:
    """The plan's shipping ton-days (the objective's: Σ lift × cycle days of every sea move)."""
    return sum(
        spec.lift * spec.moves[tl.move].cycle_days
        for spec, tl in zip(schedule.inst.units, schedule.timelines, strict=True)
        if tl is not None and spec.moves[tl.move].sea is not None
    )


def _better(a: Schedule, b: Schedule | None) -> bool:
    """A strictly earlier X-Day, or the same X-Day with fewer ton-days."""
    if a.x_day is None:
        return False
    return b is None or b.x_day is None or (a.x_day, a.ton_days) < (b.x_day, b.ton_days)


def iterated_list_schedule(
    inst: Instance, passes: int, seed: int = 0, stop_at: int | None = None
) -> Schedule:
    """The best of the classic rules, then up to `passes` more list schedules, alternating two
    kinds of random orders: a fresh one (the journey rule with each key scaled by a factor in
    [0.7, 1.3]) and a nearby one (the best order so far with every rank moved by Gaussian noise of
    5% of the number of units). An order is kept when its schedule is no worse. Half of the
    schedules aim at `stop_at` (a unit arriving by then takes its least-shipping move), half
    simply arrive as early as they can: each wins on different cases. Stops once X-Day reaches
    `stop_at` (a proven bound: nothing can be better); among the classic rules, once the
    ton-days too are at their least (`ton_days_floor`)."""
    share = largest_share(inst)
    best: Schedule | None = None
    best_order: list[UnitSpec] = []
    targets = [stop_at, None] if stop_at is not None else [None]
    floor = ton_days_floor(inst)
    for rule in RULES.values():
        order = sorted(inst.units, key=rule)
        for target in targets:
            trial = list_schedule(inst, order, share, target)
            if best is None or _better(trial, best):
                best, best_order = trial, order
            reached = stop_at is not None and best.x_day is not None and best.x_day <= stop_at
            if reached and shipping_ton_days(best) <= floor:
                return best  # no schedule can beat it in either term
    assert best is not None
    rng = random.Random(seed)
    spread = 0.05 * len(inst.units)
    for i in range(passes):
        if best.x_day is None or (stop_at is not None and best.x_day <= stop_at):
            break
        key: dict[str, tuple[float, ...]]
        if i % 2 == 0:
            key = {
                s.id: (0 if s.required else 1, -earliest_arrival(s) * (0.7 + 0.6 * rng.random()))
                for s in inst.units
            }
        else:
            key = {s.id: (r + rng.gauss(0, spread),) for r, s in enumerate(best_order)}
        order = sorted(inst.units, key=lambda s: key[s.id])
        trial = list_schedule(inst, order, share, targets[(i // 2) % len(targets)])
        if trial.x_day is not None and not _better(best, trial):
            best, best_order = trial, order
    return best
