"""Baseline (a): greedy list scheduling, the way a planner would do it by hand.

Serial schedule generation (`planner.heuristics.list_schedule`): units are placed one at a
time in priority order, each at the earliest days every resource it needs still has room
(depot, shipping from the first loading day until the ships are back, both ports and the rail
line, each handling the unit over as many days as it takes: the planner's rules, DESIGN §1c),
over its allowed moves the one that arrives first; nothing placed is moved again. X-Day is the
first day every criterion holds for that schedule. The North share is the largest the South
allows.

To keep the baseline honest (not a straw man) it tries four classic priority rules
(`planner.heuristics.RULES`) and keeps the best X-Day:

- `longest_journey`: required units first, latest possible arrival first (critical path);
- `earliest_release`: required units first, earliest possible start first;
- `largest_lift`: required units first, heaviest first (big rocks first);
- `combat_density`: most combat value per ton first, then the journey rule.

The planner's own warm start (`planner.heuristics.iterated_list_schedule`) starts from the
same four schedules and then perturbs the best order at random; the baseline stops here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Plan
from kantokuen.planner.heuristics import RULES, largest_share, list_schedule


@dataclass(frozen=True)
class GreedyResult:
    """The best rule's plan (None: no rule gives an X-Day that meets the criteria, a no-go)."""

    plan: Plan | None
    x_day: int | None
    rule: str | None
    by_rule: dict[str, int | None]


def greedy(inst: Instance) -> GreedyResult:
    """Each priority rule once; the best X-Day (ties: fewer ton-days) wins."""
    share = largest_share(inst)
    best = None
    best_rule = None
    by_rule: dict[str, int | None] = {}
    for name, rule in RULES.items():
        sched = list_schedule(inst, sorted(inst.units, key=rule), share)
        by_rule[name] = sched.x_day
        if sched.x_day is not None and (
            best is None or (sched.x_day, sched.ton_days) < (best.x_day, best.ton_days)
        ):
            best, best_rule = sched, name
    if best is None:
        return GreedyResult(None, None, None, by_rule)
    return GreedyResult(best.plan, best.x_day, best_rule, by_rule)
