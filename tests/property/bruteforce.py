"""An independent answer for tiny cases: the earliest X-Day by exhaustive search, no ortools.

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

from models.instance import BP, Instance, UnitSpec
from models.plan import Plan, UnitPlan
from models.verify import (
    check_decision_deadline,
    check_halving_criterion,
    check_south_readiness,
    check_weather_deadline,
    check_x_day_in_horizon,
    verify,
)

Use = tuple[tuple[str, str, int], int]  # ((resource kind, name, day), amount)


class SearchTooLarge(RuntimeError):
    """The tiny case was not tiny enough for an exhaustive search."""


@dataclass(frozen=True)
class Option:
    """One way to schedule one unit: its timeline and what it uses of each resource per day."""

    plan: UnitPlan
    uses: tuple[Use, ...]


def best_share_bp(inst: Instance) -> int | None:
    """The North share to search with: the case's, or (auto) the largest whole percent the
    South readiness criterion allows (None: no share satisfies it)."""
    if inst.fixed_share_bp is not None:
        return inst.fixed_share_bp
    for pct in range(100, -1, -1):
        if not check_south_readiness(inst, Plan(x_day=0, north_share_bp=pct * 100, units=())):
            return pct * 100
    return None


def unit_options(inst: Instance, spec: UnitSpec, share_bp: int) -> list[Option]:
    """Every timeline of a unit that fits the horizon, earliest arrival first."""
    case, horizon = inst.case, inst.horizon
    out: list[Option] = []
    if not spec.required:
        out.append(Option(UnitPlan(id=spec.id, committed=False), ()))
    depot = case.regions[spec.origin].depot_men is not None
    for k, move in enumerate(spec.moves):
        for mob in range(spec.earliest_start, horizon - spec.mobilization_days + 1):
            ready = mob + spec.mobilization_days
            mob_uses: list[Use] = ([(("depot", spec.origin, d), spec.men) for d in range(mob, ready)]
                                   if depot else [])
            if move.sea is None:
                for entrain in range(ready, horizon - move.transit_days + 1):
                    up = UnitPlan(id=spec.id, move=k, mobilize=mob, ready=ready, entrain=entrain,
                                  arrive=entrain + move.transit_days)
                    out.append(Option(up, tuple(mob_uses + [(("rail", move.rail, entrain), spec.lift)])))
                continue
            assert move.embark is not None and move.debark is not None
            for sail in range(ready + move.travel_to_port_days, horizon + 2 - move.cycle_days):
                debark = sail + move.sail_days
                at_sea = [(("ship", "north", d), spec.lift) for d in range(sail, sail + move.cycle_days)]
                ports = [(("port", move.embark, sail), spec.lift), (("port-out", move.debark, debark), spec.lift)]
                for entrain in range(debark, horizon - move.transit_days + 1):
                    up = UnitPlan(id=spec.id, move=k, mobilize=mob, ready=ready, sail=sail, debark=debark,
                                  entrain=entrain, arrive=entrain + move.transit_days)
                    uses = mob_uses + at_sea + ports + [(("rail", move.rail, entrain), spec.lift)]
                    out.append(Option(up, tuple(uses)))
    return sorted(out, key=lambda o: (o.plan.arrive if o.plan.committed else -1, str(o.plan)))


def capacities(inst: Instance, share_bp: int) -> dict[tuple[str, str, int], int]:
    """Capacity of every resource on every day (North shipping in tons × 10,000)."""
    case = inst.case
    cap: dict[tuple[str, str, int], int] = {}
    for d in range(inst.horizon + 1):
        cap[("ship", "north", d)] = share_bp * inst.pool[d]
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

    def __init__(self, inst: Instance, share_bp: int, budget: int) -> None:
        self.inst = inst
        self.share_bp = share_bp
        self.units = list(inst.units)
        self.options = [unit_options(inst, s, share_bp) for s in self.units]
        self.cap = capacities(inst, share_bp)
        self.budget = budget
        self.nodes = 0

    def plan_at(self, x: int) -> Plan | None:
        inst = self.inst
        required_on = inst.enabled("required_arrivals")
        allowed = [[o for o in opts if not (required_on and spec.required and o.plan.arrive is not None
                                            and o.plan.arrive > x)]
                   for spec, opts in zip(self.units, self.options, strict=True)]
        need = ({f: n[x] for f, n in inst.force_needed.items()} if inst.enabled("force_ratio")
                else dict.fromkeys(inst.case.fronts, 0))
        # What units from position i on could still bring to each front by X-Day.
        potential = [dict.fromkeys(inst.case.fronts, 0) for _ in range(len(self.units) + 1)]
        for i in range(len(self.units) - 1, -1, -1):
            potential[i] = dict(potential[i + 1])
            spec = self.units[i]
            if any(o.plan.arrive is not None and o.plan.arrive <= x for o in allowed[i]):
                potential[i][spec.front] += spec.combat
        load: dict[tuple[str, str, int], int] = defaultdict(int)
        arrived = dict.fromkeys(inst.case.fronts, 0)
        chosen: list[UnitPlan] = []
        for found in self._dfs(0, -1, allowed, load, arrived, need, potential, chosen, x):
            return Plan(x_day=x, north_share_bp=self.share_bp, units=tuple(found))
        return None

    def _dfs(self, i: int, floor: int, allowed: list[list[Option]], load: dict[tuple[str, str, int], int],
             arrived: dict[str, int], need: dict[str, int], potential: list[dict[str, int]],
             chosen: list[UnitPlan], x: int) -> Iterator[list[UnitPlan]]:
        if any(arrived[f] + potential[i][f] < need[f] for f in need):
            return
        if i == len(self.units):
            yield list(chosen)
            return
        spec = self.units[i]
        same_as_previous = i > 0 and self.units[i - 1].template == spec.template
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
                arrived[spec.front] += spec.combat
            chosen.append(option.plan)
            yield from self._dfs(i + 1, j, allowed, load, arrived, need, potential, chosen, x)
            chosen.pop()
            if counts:
                arrived[spec.front] -= spec.combat
            for key, amount in option.uses:
                load[key] -= amount * _scale(key[0])

    def _fits(self, option: Option, load: dict[tuple[str, str, int], int]) -> bool:
        return all(load[key] + amount * _scale(key[0]) <= self.cap[key] for key, amount in option.uses)


def x_day_rules_hold(inst: Instance, x: int, share_bp: int) -> bool:
    """The criteria that depend on X-Day alone (not on the schedule) hold at `x`."""
    probe = Plan(x_day=x, north_share_bp=share_bp, units=())
    checks = (check_x_day_in_horizon, check_halving_criterion, check_decision_deadline,
              check_weather_deadline, check_south_readiness)
    return not any(check(inst, probe) for check in checks)


def earliest_x_day(inst: Instance, budget: int = 200_000) -> tuple[int, Plan] | None:
    """The earliest X-Day with a valid plan, and that plan; None when no plan exists."""
    share = best_share_bp(inst)
    if share is None:
        return None
    search = Search(inst, share, budget)
    for x in range(inst.horizon + 1):
        if not x_day_rules_hold(inst, x, share):
            continue
        plan = search.plan_at(x)
        if plan is not None:
            violations = verify(inst, plan)
            assert not violations, f"brute force built an invalid plan: {violations}"
            return x, plan
    return None
