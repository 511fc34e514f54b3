"""An independent answer for tiny cases: the earliest X-Day by exhaustive search, no ortools.

The oracle reads the `Case` itself through the verifier's public helpers (`expand_units`,
`pool_on`, `soviet_strength`, `force_needed`, ...), never the planner's tables
(`models.instance.Instance`), so a mistake in those tables cannot agree with itself here.

For each X-Day from day 0 upward, a depth-first search tries every unit's every day
assignment (commit or not, move, mobilization, sailing and entraining day) and keeps the
capacities (depots, North shipping, ports, rail) as running per-day totals. Two reductions are
used, both exact: identical units of one `count:` entry are interchangeable, so their options
are taken in non-decreasing order; and a search branch is cut when the force ratio cannot be
reached even if every remaining unit arrived. For the North share the largest share the South
allows is taken: more North shipping never hurts anything but the South. Every plan found is
passed through `models.verify.verify`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from kantokuen.models.case import Case
from kantokuen.models.plan import Plan, UnitPlan
from kantokuen.models.verify import (
    BP,
    UnitFacts,
    expand_units,
    fixed_share_bp,
    force_needed,
    north_share_on,
    pool_on,
    share_is_auto,
    south_shortfalls,
    soviet_strength,
    verify,
)

Use = tuple[tuple[str, str, int], int]  # ((resource kind, name, day), amount)

# The rules that depend on X-Day and the share alone, not on any unit's timeline.
X_DAY_RULES = frozenset(
    {
        "x_day_in_horizon",
        "halving_criterion",
        "armour_air_criterion",
        "decision_deadline",
        "weather_deadline",
        "south_readiness",
    }
)


class SearchTooLarge(RuntimeError):
    """The tiny case was not tiny enough for an exhaustive search."""


@dataclass(frozen=True)
class Option:
    """One way to schedule one unit: its timeline and what it uses of each resource per day."""

    plan: UnitPlan
    uses: tuple[Use, ...]


def _enabled(case: Case, criterion: str) -> bool:
    return bool(getattr(case.criteria, criterion).enabled)


def best_share_bp(case: Case) -> int | None:
    """The North share to search with: the case's (one number; with a schedule, the schedule
    decides each day and this is 0), or (auto) the largest whole percent the South readiness
    criterion allows (None: no share satisfies it)."""
    if not share_is_auto(case):
        return fixed_share_bp(case) or 0
    if not _enabled(case, "south_readiness"):
        return BP
    for pct in range(100, -1, -1):
        if not south_shortfalls(case, pct * 100):
            return pct * 100
    return None


def unit_options(case: Case, unit: UnitFacts) -> list[Option]:
    """Every timeline of a unit that fits the horizon, earliest arrival first."""
    horizon = case.calendar.horizon_days
    out: list[Option] = []
    if not unit.required:
        out.append(Option(UnitPlan(id=unit.id, committed=False), ()))
    depot = case.regions[unit.origin].depot_men is not None
    for k, move in enumerate(unit.moves):
        for mob in range(unit.earliest_start, horizon - unit.mobilization_days + 1):
            ready = mob + unit.mobilization_days
            mob_uses: list[Use] = []
            if depot:
                mob_uses = [(("depot", unit.origin, d), unit.men) for d in range(mob, ready)]
            if move.sea is None:
                for entrain in range(ready, horizon - move.transit_days + 1):
                    up = UnitPlan(
                        id=unit.id,
                        move=k,
                        mobilize=mob,
                        ready=ready,
                        entrain=entrain,
                        arrive=entrain + move.transit_days,
                    )
                    rail: Use = (("rail", move.rail, entrain), unit.lift)
                    out.append(Option(up, tuple([*mob_uses, rail])))
                continue
            assert move.embark is not None and move.debark is not None
            for sail in range(ready + move.travel_to_port_days, horizon + 2 - move.cycle_days):
                debark = sail + move.sail_days
                at_sea = [
                    (("ship", "north", d), unit.lift) for d in range(sail, sail + move.cycle_days)
                ]
                ports = [
                    (("port", move.embark, sail), unit.lift),
                    (("port-out", move.debark, debark), unit.lift),
                ]
                for entrain in range(debark, horizon - move.transit_days + 1):
                    up = UnitPlan(
                        id=unit.id,
                        move=k,
                        mobilize=mob,
                        ready=ready,
                        sail=sail,
                        debark=debark,
                        entrain=entrain,
                        arrive=entrain + move.transit_days,
                    )
                    uses = mob_uses + at_sea + ports + [(("rail", move.rail, entrain), unit.lift)]
                    out.append(Option(up, tuple(uses)))
    return sorted(out, key=lambda o: (o.plan.arrive if o.plan.committed else -1, str(o.plan)))


def capacities(case: Case, share_bp: int) -> dict[tuple[str, str, int], int]:
    """Capacity of every resource on every day (North shipping in tons × 10,000)."""
    cap: dict[tuple[str, str, int], int] = {}
    for d in range(case.calendar.horizon_days + 1):
        cap[("ship", "north", d)] = north_share_on(case, d, share_bp) * pool_on(case, d)
        for key, region in case.regions.items():
            if region.depot_men is not None:
                cap[("depot", key, d)] = region.depot_men
        for key, port in case.ports.items():
            cap[("port", key, d)] = cap[("port-out", key, d)] = port.tons_per_day
        for key, line in case.rail.items():
            cap[("rail", key, d)] = line.tons_per_day
    return cap


def _scale(kind: str) -> int:
    return BP if kind == "ship" else 1


class Search:
    """Depth-first search for a schedule meeting the X-Day dependent rules at one X-Day."""

    def __init__(self, case: Case, share_bp: int, budget: int) -> None:
        self.case = case
        self.share_bp = share_bp
        self.units = expand_units(case)
        self.options = [unit_options(case, u) for u in self.units]
        self.cap = capacities(case, share_bp)
        self.needed = force_needed(case, soviet_strength(case))
        self.budget = budget
        self.nodes = 0

    def plan_at(self, x: int) -> Plan | None:
        case = self.case
        required_on = _enabled(case, "required_arrivals")

        def late(unit: UnitFacts, o: Option) -> bool:
            return required_on and unit.required and o.plan.arrive is not None and o.plan.arrive > x

        allowed = [
            [o for o in opts if not late(unit, o)]
            for unit, opts in zip(self.units, self.options, strict=True)
        ]
        need = (
            {f: n[x] for f, n in self.needed.items()}
            if _enabled(case, "force_ratio")
            else dict.fromkeys(case.fronts, 0)
        )
        # What units from position i on could still bring to each front by X-Day.
        potential = [dict.fromkeys(case.fronts, 0) for _ in range(len(self.units) + 1)]
        for i in range(len(self.units) - 1, -1, -1):
            potential[i] = dict(potential[i + 1])
            unit = self.units[i]
            if any(o.plan.arrive is not None and o.plan.arrive <= x for o in allowed[i]):
                potential[i][unit.front] += unit.combat
        load: dict[tuple[str, str, int], int] = defaultdict(int)
        arrived = dict.fromkeys(case.fronts, 0)
        chosen: list[UnitPlan] = []
        for found in self._dfs(0, -1, allowed, load, arrived, need, potential, chosen, x):
            share = north_share_on(case, x, self.share_bp)  # a schedule's share on X-Day
            return Plan(x_day=x, north_share_bp=share, units=tuple(found))
        return None

    def _dfs(
        self,
        i: int,
        floor: int,
        allowed: list[list[Option]],
        load: dict[tuple[str, str, int], int],
        arrived: dict[str, int],
        need: dict[str, int],
        potential: list[dict[str, int]],
        chosen: list[UnitPlan],
        x: int,
    ) -> Iterator[list[UnitPlan]]:
        if any(arrived[f] + potential[i][f] < need[f] for f in need):
            return
        if i == len(self.units):
            yield list(chosen)
            return
        unit = self.units[i]
        same_as_previous = i > 0 and self.units[i - 1].template == unit.template
        start = floor if same_as_previous else 0
        for j in range(max(start, 0), len(allowed[i])):
            self.nodes += 1
            if self.nodes > self.budget:
                raise SearchTooLarge(f"more than {self.budget} search nodes")
            option = allowed[i][j]
            if not self._fits(option, load):
                continue
            for key, amount in option.uses:
                load[key] += amount * _scale(key[0])
            counts = option.plan.arrive is not None and option.plan.arrive <= x
            if counts:
                arrived[unit.front] += unit.combat
            chosen.append(option.plan)
            yield from self._dfs(i + 1, j, allowed, load, arrived, need, potential, chosen, x)
            chosen.pop()
            if counts:
                arrived[unit.front] -= unit.combat
            for key, amount in option.uses:
                load[key] -= amount * _scale(key[0])

    def _fits(self, option: Option, load: dict[tuple[str, str, int], int]) -> bool:
        return all(
            load[key] + amount * _scale(key[0]) <= self.cap[key] for key, amount in option.uses
        )


def x_day_rules_hold(case: Case, x: int, share_bp: int) -> bool:
    """The criteria that depend on X-Day alone (not on the schedule) hold at `x`: a plan with
    no units breaks no rule of `X_DAY_RULES` (its missing units break others, ignored here)."""
    probe = Plan(x_day=x, north_share_bp=share_bp, units=())
    return not any(v.rule in X_DAY_RULES for v in verify(case, probe))


def earliest_x_day(case: Case, budget: int = 200_000) -> tuple[int, Plan] | None:
    """The earliest X-Day with a valid plan, and that plan; None when no plan exists."""
    share = best_share_bp(case)
    if share is None:
        return None
    search = Search(case, share, budget)
    for x in range(case.calendar.horizon_days + 1):
        if not x_day_rules_hold(case, x, share):
            continue
        plan = search.plan_at(x)
        if plan is not None:
            violations = verify(case, plan)
            assert not violations, f"brute force built an invalid plan: {violations}"
            return x, plan
    return None
