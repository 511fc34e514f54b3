"""The independent verifier: re-checks a plan against the case, rule by rule, without ortools.

This module is the executable form of DESIGN.md §1b. Each `check_<rule>` states one rule in
domain words and returns *all* its violations. The planner has one constraint family per
rule with the same name; a test fails if either side lacks the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from models.instance import BP, Instance, MoveOption, UnitSpec
from models.plan import Plan, UnitPlan


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


Pairs = list[tuple[UnitSpec, UnitPlan]]


def _committed(inst: Instance, plan: Plan) -> Pairs:
    by_id = {u.id: u for u in plan.units}
    return [(spec, by_id[spec.id]) for spec in inst.units if spec.id in by_id and by_id[spec.id].committed]


def _move(spec: UnitSpec, up: UnitPlan) -> MoveOption:
    assert up.move is not None
    return spec.moves[up.move]


def check_route_choice(inst: Instance, plan: Plan) -> list[str]:
    """Every unit appears once; a committed unit takes exactly one of its allowed moves with a full
    timeline inside the horizon; a required unit is always committed."""
    out = []
    ids = [u.id for u in plan.units]
    known = {s.id for s in inst.units}
    for uid in sorted(set(ids)):
        if ids.count(uid) > 1:
            out.append(f"{uid} appears {ids.count(uid)} times")
    for uid in sorted(set(ids) - known):
        out.append(f"{uid} is not a unit of the case")
    by_id = {u.id: u for u in plan.units}
    for spec in inst.units:
        up = by_id.get(spec.id)
        if up is None:
            out.append(f"{spec.id} is missing from the plan")
            continue
        if not up.committed:
            if spec.required:
                out.append(f"{spec.id} is required but not committed")
            continue
        if up.move is None or not 0 <= up.move < len(spec.moves):
            out.append(f"{spec.id} takes move {up.move}, not one of its {len(spec.moves)} allowed moves")
            continue
        legs = [up.mobilize, up.ready, up.entrain, up.arrive]
        if _move(spec, up).sea is not None:
            legs += [up.sail, up.debark]
        if any(day is None for day in legs):
            out.append(f"{spec.id} has an incomplete timeline")
        elif any(not 0 <= day <= inst.horizon for day in legs if day is not None):
            out.append(f"{spec.id} moves outside days 0..{inst.horizon}")
    return out


def _timed(inst: Instance, plan: Plan) -> Pairs:
    """Committed units whose timeline is complete (the others are reported by route_choice)."""
    return [(s, u) for s, u in _committed(inst, plan)
            if not check_route_choice_unit(s, u)]


def check_route_choice_unit(spec: UnitSpec, up: UnitPlan) -> bool:
    """True when the unit's chosen move or timeline is unusable."""
    if up.move is None or not 0 <= up.move < len(spec.moves):
        return True
    needed = [up.mobilize, up.ready, up.entrain, up.arrive]
    if spec.moves[up.move].sea is not None:
        needed += [up.sail, up.debark]
    return any(day is None for day in needed)


def check_mobilization_after_order(inst: Instance, plan: Plan) -> list[str]:
    """A unit starts mobilizing no earlier than the order (and its own availability), and is
    ready exactly its mobilization days later."""
    out = []
    for spec, up in _timed(inst, plan):
        assert up.mobilize is not None and up.ready is not None
        if up.mobilize < spec.earliest_start:
            out.append(f"{spec.id} starts mobilizing on day {up.mobilize}, before day {spec.earliest_start}")
        if up.ready != up.mobilize + spec.mobilization_days:
            out.append(f"{spec.id} is ready on day {up.ready}, not {up.mobilize + spec.mobilization_days}")
    return out


def check_depot_capacity(inst: Instance, plan: Plan) -> list[str]:
    """In a region with a depot capacity, the men mobilizing at once never exceed it."""
    load: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for spec, up in _timed(inst, plan):
        assert up.mobilize is not None
        for day in range(up.mobilize, up.mobilize + spec.mobilization_days):
            load[spec.origin][day] += spec.men
    out = []
    for region, days in load.items():
        cap = inst.case.regions[region].depot_men
        if cap is None:
            continue
        out += [f"{region}: {men:,} men mobilizing on day {d} > depot capacity {cap:,}"
                for d, men in sorted(days.items()) if men > cap]
    return out


def check_sea_voyage(inst: Instance, plan: Plan) -> list[str]:
    """A unit going by sea sails no earlier than ready + travel to port, and reaches the
    debarkation port exactly the route's sailing days later; a rail-only unit does not sail."""
    out = []
    for spec, up in _timed(inst, plan):
        move = _move(spec, up)
        if move.sea is None:
            if up.sail is not None or up.debark is not None:
                out.append(f"{spec.id} moves by rail only but has a sea leg")
            continue
        assert up.sail is not None and up.ready is not None and up.debark is not None
        if up.sail < up.ready + move.travel_to_port_days:
            out.append(f"{spec.id} sails on day {up.sail}, before reaching the port on day {up.ready + move.travel_to_port_days}")
        if up.debark != up.sail + move.sail_days:
            out.append(f"{spec.id} debarks on day {up.debark}, not {up.sail + move.sail_days}")
    return out


def shipping_in_use(inst: Instance, plan: Plan) -> list[int]:
    """North tons held per day: a unit holds its lift from sailing for the route's cycle days."""
    used = [0] * (inst.horizon + 1)
    for spec, up in _timed(inst, plan):
        move = _move(spec, up)
        if move.sea is None or up.sail is None:
            continue
        for day in range(max(up.sail, 0), min(up.sail + move.cycle_days, inst.horizon + 1)):
            used[day] += spec.lift
    return used


def check_shipping_pool_capacity(inst: Instance, plan: Plan) -> list[str]:
    """North shipping held on a day is at most the North share of the pool available that day,
    and the share is the case's fixed share (or, when `auto`, a whole percent)."""
    out = []
    fixed = inst.fixed_share_bp
    if fixed is not None and plan.north_share_bp != fixed:
        out.append(f"North share {plan.north_share_bp / 100:g}% differs from the case's {fixed / 100:g}%")
    if fixed is None and (plan.north_share_bp % 100 or not 0 <= plan.north_share_bp <= BP):
        out.append(f"auto North share {plan.north_share_bp / 100:g}% is not a whole percent in 0..100")
    for day, tons in enumerate(shipping_in_use(inst, plan)):
        if tons * BP > plan.north_share_bp * inst.pool[day]:
            out.append(f"day {day}: {tons:,} t at sea > North capacity "
                       f"{inst.north_capacity(day, plan.north_share_bp):,} t")
    # A ship that sails near the horizon still has to come back: its cycle must end in time.
    for spec, up in _timed(inst, plan):
        move = _move(spec, up)
        if move.sea is not None and up.sail is not None and up.sail + move.cycle_days > inst.horizon + 1:
            out.append(f"{spec.id} sails on day {up.sail}; its ship is not back by the horizon")
    return out


def port_loads(inst: Instance, plan: Plan, leg: str) -> dict[str, dict[int, int]]:
    """Tons loaded (leg='embark', on the sailing day) or unloaded (leg='debark') per port per day."""
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for spec, up in _timed(inst, plan):
        move = _move(spec, up)
        port, day = (move.embark, up.sail) if leg == "embark" else (move.debark, up.debark)
        if port is not None and day is not None:
            out[port][day] += spec.lift
    return out


def _port_check(inst: Instance, plan: Plan, leg: str, verb: str) -> list[str]:
    out = []
    for port, days in port_loads(inst, plan, leg).items():
        cap = inst.case.ports[port].tons_per_day
        out += [f"{port}: {tons:,} t {verb} on day {d} > {cap:,} t/day" for d, tons in sorted(days.items()) if tons > cap]
    return out


def check_embarkation_throughput(inst: Instance, plan: Plan) -> list[str]:
    """Tons loaded at an embarkation port on one day (units sailing that day) ≤ its tons/day."""
    return _port_check(inst, plan, "embark", "loaded")


def check_debarkation_throughput(inst: Instance, plan: Plan) -> list[str]:
    """Tons unloaded at a debarkation port on one day (units arriving that day) ≤ its tons/day."""
    return _port_check(inst, plan, "debark", "unloaded")


def rail_loads(inst: Instance, plan: Plan) -> dict[str, dict[int, int]]:
    """Tons entrained per rail line per day."""
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for spec, up in _timed(inst, plan):
        if up.entrain is not None:
            out[_move(spec, up).rail][up.entrain] += spec.lift
    return out


def check_rail_capacity(inst: Instance, plan: Plan) -> list[str]:
    """A unit entrains no earlier than it reaches the railhead (debarkation, or ready for a
    rail-only unit), takes its lift of the line's tons/day that day, and arrives at its front
    exactly the line's transit days later."""
    out = []
    for spec, up in _timed(inst, plan):
        move = _move(spec, up)
        assert up.entrain is not None and up.arrive is not None and up.ready is not None
        railhead = up.debark if move.sea is not None else up.ready
        assert railhead is not None
        if up.entrain < railhead:
            out.append(f"{spec.id} entrains on day {up.entrain}, before reaching the railhead on day {railhead}")
        if up.arrive != up.entrain + move.transit_days:
            out.append(f"{spec.id} arrives on day {up.arrive}, not {up.entrain + move.transit_days}")
    for line, days in rail_loads(inst, plan).items():
        cap = inst.case.rail[line].tons_per_day
        out += [f"{line}: {tons:,} t entrained on day {d} > {cap:,} t/day" for d, tons in sorted(days.items()) if tons > cap]
    return out


def check_required_arrivals(inst: Instance, plan: Plan) -> list[str]:
    """Every required unit has arrived at its front by X-Day."""
    if not inst.enabled("required_arrivals"):
        return []
    return [f"{s.id} arrives on day {u.arrive}, after X-Day {plan.x_day}"
            for s, u in _timed(inst, plan) if s.required and u.arrive is not None and u.arrive > plan.x_day]


def combat_arrived(inst: Instance, plan: Plan, day: int) -> dict[str, int]:
    """Japanese combat value (milli-div.-eq.) arrived at each front by a day."""
    out = {f: 0 for f in inst.case.fronts}
    for spec, up in _timed(inst, plan):
        if up.arrive is not None and up.arrive <= day:
            out[spec.front] += spec.combat
    return out


def _x_in_horizon(inst: Instance, plan: Plan) -> bool:
    return 0 <= plan.x_day <= inst.horizon


def check_force_ratio(inst: Instance, plan: Plan) -> list[str]:
    """On each front, the combat value arrived by X-Day is at least ratio × Soviet factor ×
    Soviet strength on X-Day."""
    if not inst.enabled("force_ratio") or not _x_in_horizon(inst, plan):
        return []
    arrived = combat_arrived(inst, plan, plan.x_day)
    return [f"{f}: {arrived[f] / 1000:g} div.-eq. arrived < {need[plan.x_day] / 1000:g} needed on X-Day"
            for f, need in inst.force_needed.items() if arrived[f] < need[plan.x_day]]


def check_halving_criterion(inst: Instance, plan: Plan) -> list[str]:
    """On the decision day (X-Day − decision-to-attack days), Soviet Far East strength is at most
    the halving fraction of its initial level."""
    if not inst.enabled("halving"):
        return []
    decision = plan.x_day - inst.decision_lag
    if not 0 <= decision <= inst.horizon:
        return [f"decision day {decision} is outside days 0..{inst.horizon}"]
    if inst.halving_holds[decision]:
        return []
    total = sum(days[decision] for days in inst.strength.values()) / 1000
    initial = sum(days[0] for days in inst.strength.values()) / 1000
    return [f"Soviet strength on decision day {decision} is {total:g} of {initial:g} div.-eq., above "
            f"{inst.case.criteria.halving.fraction:g} of it"]


def check_decision_deadline(inst: Instance, plan: Plan) -> list[str]:
    """The decision day (X-Day − decision-to-attack days) is no later than the decision deadline."""
    if not inst.enabled("decision_deadline"):
        return []
    decision = plan.x_day - inst.decision_lag
    if decision > inst.decision_deadline_day:
        return [f"decision day {decision} is after the deadline, day {inst.decision_deadline_day}"]
    return []


def check_weather_deadline(inst: Instance, plan: Plan) -> list[str]:
    """X-Day plus the campaign days ends no later than the weather deadline."""
    if not inst.enabled("weather") or plan.x_day <= inst.weather_last_x_day:
        return []
    return [f"X-Day {plan.x_day} + campaign ends after the weather deadline (latest X-Day {inst.weather_last_x_day})"]


def check_south_readiness(inst: Instance, plan: Plan) -> list[str]:
    """The South's share of the pool meets each South requirement by its date."""
    if not inst.enabled("south_readiness"):
        return []
    out = []
    for key, req in inst.case.shipping.south_requirements.items():
        day = min(max(inst.case.day(req.by), 0), inst.horizon)
        south = (BP - plan.north_share_bp) * inst.pool[day]
        if south < req.tons * BP:
            out.append(f"{key}: South has {south // BP:,} t on {req.by}, needs {req.tons:,} t")
    return out


def check_x_day_in_horizon(inst: Instance, plan: Plan) -> list[str]:
    """X-Day and the decision day fall within the planning horizon."""
    if not _x_in_horizon(inst, plan):
        return [f"X-Day {plan.x_day} is outside days 0..{inst.horizon}"]
    # The planner holds the decision inside the horizon even with the halving and deadline
    # criteria off; without this check the two would disagree on what a valid plan is.
    if plan.x_day - inst.decision_lag < 0:
        return [f"decision day {plan.x_day - inst.decision_lag} (X-Day − {inst.decision_lag} days) is before day 0"]
    return []


CheckFn = Callable[[Instance, Plan], list[str]]

CHECKS: tuple[tuple[str, CheckFn], ...] = (
    ("route_choice", check_route_choice),
    ("mobilization_after_order", check_mobilization_after_order),
    ("depot_capacity", check_depot_capacity),
    ("sea_voyage", check_sea_voyage),
    ("shipping_pool_capacity", check_shipping_pool_capacity),
    ("embarkation_throughput", check_embarkation_throughput),
    ("debarkation_throughput", check_debarkation_throughput),
    ("rail_capacity", check_rail_capacity),
    ("x_day_in_horizon", check_x_day_in_horizon),
    ("required_arrivals", check_required_arrivals),
    ("force_ratio", check_force_ratio),
    ("halving_criterion", check_halving_criterion),
    ("decision_deadline", check_decision_deadline),
    ("weather_deadline", check_weather_deadline),
    ("south_readiness", check_south_readiness),
)


def verify(inst: Instance, plan: Plan) -> list[Violation]:
    """Every violation of every rule by the plan (empty: the plan is valid)."""
    return [Violation(rule, msg) for rule, check in CHECKS for msg in check(inst, plan)]


def objective_terms(inst: Instance, plan: Plan) -> dict[str, int]:
    """The objective terms recomputed from the plan, in lexicographic order of priority:
    X-Day; North share (percent, counted only when `auto`); shipping ton-days (Σ lift × cycle
    days of every sea movement); arrival days (Σ arrival day of committed units, the tidy-up)."""
    timed = _timed(inst, plan)
    ton_days = sum(s.lift * _move(s, u).cycle_days for s, u in timed if _move(s, u).sea is not None)
    arrival_days = sum(u.arrive or 0 for _, u in timed)
    share = plan.north_share_bp // 100 if inst.fixed_share_bp is None else 0
    return {"x_day": plan.x_day, "north_share_pct": share, "ton_days": ton_days, "arrival_days": arrival_days}
