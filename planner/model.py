"""The CP-SAT model: variables, one function per constraint family, and the objective terms.

Every family is named after the rule it enforces (DESIGN.md §1b) and has a `check_<family>`
twin in `models.verify`. Criteria are enforced through literals so that `explain` can switch
them off one by one; a normal solve fixes all enabled literals to true.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from kantokuen.models.instance import Instance, UnitSpec

LinearExpr = cp_model.LinearExprT


@dataclass
class Leg:
    """How a facility handles one unit (DESIGN §1c, handling over days), as a place in the
    facility's queue: the facility works through its units one after another at its daily
    rate, so its work is a line of `rate` units per day (day d is [d·rate, (d+1)·rate)), and a
    unit takes the stretch [`queue`, `queue` + load) of it. It is handled from day `start`
    (the day its stretch begins) to day `end` (the day it ends), through on `end`; a unit that
    runs on past a day has the whole rate on the days in between. One leg per kind of facility
    (embark, debark, rail) serves every move through such a facility: only one move is taken,
    and each move ties the queue to its own facility's rate and the unit's load there.

    The rule (`models.verify`) is wider than a queue: a unit is handled in one block of
    consecutive days with the whole rate on the days in between, however the days are shared.
    The queue loses no plan worth having. In a block plan, (1) a unit that runs on into the
    next day can take all its first day has left (more of it earlier: its last day stays or
    comes sooner, the next day has more room); (2) when two units run on across the same night,
    with a and b their parts before it and a' and b' after, either a ≥ b' (B's part b' moves
    before the night and as much of A's part a after it: B is through a day sooner, A as
    before) or b' ≥ a (A's part a moves after the night and as much of B's part b' before it:
    A starts a day later and ends as before); each day's total stays the same. Repeating (1)
    and (2) never makes an arrival later or ships held longer, and ends with days that read as
    a queue: the unit running on from the night
    before, the units handled within the day, and the unit running on into the next, which
    fills the day. Measured against handling amounts per day as variables (BENCHMARKS.md,
    handling over days), the queue proves the historical movement's X-Day with a port rate cut
    in seconds (Dairen at 8,640 t/day: 3-4 s) where the amounts took 42 s or did not finish."""

    start: cp_model.IntVar
    end: cp_model.IntVar
    queue: cp_model.IntVar


@dataclass
class UnitVars:
    """Decision variables of one unit; `move_lits[k]` is true when it takes its k-th move.
    `legs` holds its handling at the embarkation port (ending on `sail`), at the debarkation
    port and on the railway (ending on `entrain`)."""

    spec: UnitSpec
    present: cp_model.IntVar | int
    move_lits: list[cp_model.IntVar | int]
    mobilize: cp_model.IntVar
    sail: cp_model.IntVar | None
    entrain: cp_model.IntVar
    arrive: cp_model.IntVar
    arrived_by_x: cp_model.IntVar | None = None
    legs: dict[str, Leg] = field(default_factory=dict)

    @property
    def ready(self) -> LinearExpr:
        return self.mobilize + self.spec.mobilization_days


@dataclass
class Model:
    """A built CP-SAT model of an instance, with handles on its variables."""

    inst: Instance
    cp: cp_model.CpModel
    units: list[UnitVars]
    x_day: cp_model.IntVar
    share_pct: cp_model.IntVar | None  # None: fixed share
    criteria: dict[str, cp_model.IntVar] = field(default_factory=dict)
    terms: dict[str, LinearExpr] = field(default_factory=dict)

    @property
    def share_bp(self) -> LinearExpr:
        """The North share in basis points: the chosen one (`auto`), else the case's on day 0
        (with a schedule the share changes by day: see `Instance.share_by_day`)."""
        if self.share_pct is not None:
            return 100 * self.share_pct
        return self.inst.share_on(0, 0)


def _const(lit: cp_model.IntVar | int) -> bool:
    return isinstance(lit, int)


def _enforce(ct: cp_model.Constraint, *lits: cp_model.IntVar | int) -> None:
    active = [lit for lit in lits if not _const(lit)]
    if any(_const(lit) and lit == 0 for lit in lits):
        raise ValueError("enforcing on a false constant")
    if active:
        ct.only_enforce_if(active)


def create_variables(inst: Instance) -> Model:
    """Variables with tight domains: nothing before a unit's earliest start or after the horizon."""
    cp = cp_model.CpModel()
    horizon = inst.horizon
    units: list[UnitVars] = []
    for spec in inst.units:
        present: cp_model.IntVar | int = (
            1 if spec.required else cp.new_bool_var(f"commit[{spec.id}]")
        )
        if len(spec.moves) == 1:
            lits: list[cp_model.IntVar | int] = [present]
        else:
            lits = [
                cp.new_bool_var(f"move[{spec.id},{m.rail if m.sea is None else m.sea}]")
                for m in spec.moves
            ]
        fastest = min(_min_travel(spec, k) for k in range(len(spec.moves)))
        # A unit available only after the horizon keeps a non-empty domain; the rule
        # mobilization_after_order then leaves it home (optional) or proves no-go (required).
        earliest = min(spec.earliest_start, horizon)
        mobilize = cp.new_int_var(earliest, horizon, f"mobilize[{spec.id}]")
        has_sea = any(m.sea is not None for m in spec.moves)
        sail = cp.new_int_var(earliest, horizon, f"sail[{spec.id}]") if has_sea else None
        entrain = cp.new_int_var(earliest, horizon, f"entrain[{spec.id}]")
        arrive = cp.new_int_var(
            min(spec.earliest_start + fastest, horizon), horizon, f"arrive[{spec.id}]"
        )
        u = UnitVars(spec, present, lits, mobilize, sail, entrain, arrive)
        kinds = (["embark", "debark"] if sail is not None else []) + ["rail"]
        ends = {"rail": entrain}
        for kind in kinds:
            u.legs[kind] = _new_leg(inst, cp, spec, kind, earliest, ends.get(kind))
        units.append(u)
    x_day = cp.new_int_var(0, horizon, "x_day")
    share = cp.new_int_var(0, 100, "north_share_pct") if inst.auto_share else None
    return Model(inst, cp, units, x_day, share)


def _new_leg(
    inst: Instance,
    cp: cp_model.CpModel,
    spec: UnitSpec,
    kind: str,
    earliest: int,
    end: cp_model.IntVar | None,
) -> Leg:
    """The handling variables of one kind of facility, with domains wide enough for each of the
    unit's moves through such a facility (its load there and the facility's rate)."""
    sizes = [
        (spec.load_at(f, m), inst.rate(f))
        for m in spec.moves
        for f in spec.facilities(m)
        if f[0] == kind
    ]
    name = f"{kind}[{spec.id}]"
    horizon = inst.horizon
    top = max(rate * (horizon + 1) for _, rate in sizes)
    return Leg(
        cp.new_int_var(earliest, horizon, f"start_{name}"),
        end if end is not None else cp.new_int_var(earliest, horizon, f"end_{name}"),
        cp.new_int_var(0, top, f"queue_{name}"),
    )


def queue_days(queue: int, load: int, rate: int) -> tuple[tuple[int, int], ...]:
    """The (day, amount) pairs of the stretch [queue, queue + load) of a facility's queue,
    day d being [d·rate, (d + 1)·rate): a block of consecutive days, the whole rate on those
    in between."""
    out = []
    day, at, end = queue // rate, queue, queue + load
    while at < end:
        upto = min((day + 1) * rate, end)
        out.append((day, upto - at))
        at, day = upto, day + 1
    return tuple(out)


def _min_travel(spec: UnitSpec, k: int) -> int:
    move = spec.moves[k]
    sea = move.travel_to_port_days + move.sail_days if move.sea is not None else 0
    return spec.mobilization_days + sea + move.transit_days


# --- Movement and resources --------------------------------------------------------------


def route_choice(m: Model) -> None:
    """Each committed unit takes exactly one of its allowed moves; an uncommitted unit stays
    home."""
    for u in m.units:
        if len(u.move_lits) > 1:
            m.cp.add(sum(u.move_lits) == u.present)


def mobilization_after_order(m: Model) -> None:
    """A unit starts mobilizing on or after the order (and its availability) and is ready
    its mobilization days later (the domain of `mobilize` starts at its earliest day)."""
    for u in m.units:
        _enforce(m.cp.add(u.mobilize >= u.spec.earliest_start), u.present)
        _enforce(m.cp.add(u.mobilize + u.spec.mobilization_days <= m.inst.horizon), u.present)


def depot_capacity(m: Model) -> None:
    """In a region with a depot capacity, the men mobilizing at once never exceed it."""
    by_region: dict[str, list[tuple[cp_model.IntervalVar, int]]] = defaultdict(list)
    for u in m.units:
        cap = m.inst.case.regions[u.spec.origin].depot_men
        if cap is None or u.spec.mobilization_days == 0:
            continue
        name = f"mobilizing[{u.spec.id}]"
        if _const(u.present):
            iv = m.cp.new_fixed_size_interval_var(u.mobilize, u.spec.mobilization_days, name)
        else:
            iv = m.cp.new_optional_fixed_size_interval_var(
                u.mobilize, u.spec.mobilization_days, u.present, name
            )
        by_region[u.spec.origin].append((iv, u.spec.men))
    for region, items in by_region.items():
        cap = m.inst.case.regions[region].depot_men
        assert cap is not None
        m.cp.add_cumulative([iv for iv, _ in items], [men for _, men in items], cap)


def _block(m: Model, u: UnitVars, k: int, kind: str) -> None:
    """On move k, the unit's place in its facility's queue gives its days: it starts on the
    day its stretch begins and is through on the day it ends (`Leg`)."""
    move, leg, lit = u.spec.moves[k], u.legs[kind], u.move_lits[k]
    facility = next(f for f in u.spec.facilities(move) if f[0] == kind)
    load, rate = u.spec.load_at(facility, move), m.inst.rate(facility)
    cp = m.cp
    _enforce(cp.add(rate * leg.start <= leg.queue), lit)
    _enforce(cp.add(leg.queue <= rate * leg.start + rate - 1), lit)
    if load == 0:
        _enforce(cp.add(leg.end == leg.start), lit)
        return
    _enforce(cp.add(rate * leg.end <= leg.queue + load - 1), lit)
    _enforce(cp.add(leg.queue + load - 1 <= rate * leg.end + rate - 1), lit)


def sea_voyage(m: Model) -> None:
    """A unit going by sea loads at its port from the day it gets there (ready + travel days),
    on consecutive days (its place in the port's queue, `Leg`), and sails once its last part
    is loaded; it lands the route's sailing days later and is unloaded, in the debarkation
    port's queue, starting on its landing day."""
    for u in m.units:
        for k, move in enumerate(u.spec.moves):
            if move.sea is None:
                continue
            assert u.sail is not None
            lit, embark, debark = u.move_lits[k], u.legs["embark"], u.legs["debark"]
            _enforce(m.cp.add(embark.start >= u.ready + move.travel_to_port_days), lit)
            _enforce(m.cp.add(u.sail >= embark.end), lit)
            _enforce(m.cp.add(debark.start == u.sail + move.sail_days), lit)
            _block(m, u, k, "embark")
            _block(m, u, k, "debark")


def _sea_moves(m: Model) -> list[tuple[UnitVars, int]]:
    return [(u, k) for u in m.units for k, mv in enumerate(u.spec.moves) if mv.sea is not None]


def _back(u: UnitVars, k: int) -> LinearExpr:
    """The day a unit's ships are back on move k: the route's cycle counts from sailing, and a
    day more for each day its unloading runs past its landing day."""
    move = u.spec.moves[k]
    return u.legs["debark"].end - move.sail_days + move.cycle_days


def _held(m: Model, u: UnitVars, k: int) -> cp_model.IntervalVar:
    """The days a unit's ships are held on move k: from its first loading day until they are
    back (a variable length: loading and unloading may take several days)."""
    move, lit = u.spec.moves[k], u.move_lits[k]
    start = u.legs["embark"].start
    size = m.cp.new_int_var(move.cycle_days, m.inst.horizon + 1, f"held[{u.spec.id},{k}]")
    name = f"at_sea[{u.spec.id},{k}]"
    if _const(lit):
        return m.cp.new_interval_var(start, size, _back(u, k), name)
    return m.cp.new_optional_interval_var(start, size, _back(u, k), lit, name)


def _queued(m: Model, u: UnitVars, k: int, kind: str) -> cp_model.IntervalVar:
    """The unit's stretch of its facility's queue on move k (present when it takes the move)."""
    move, leg, lit = u.spec.moves[k], u.legs[kind], u.move_lits[k]
    facility = next(f for f in u.spec.facilities(move) if f[0] == kind)
    load, name = u.spec.load_at(facility, move), f"queued_{kind}[{u.spec.id},{k}]"
    if _const(lit):
        return m.cp.new_fixed_size_interval_var(leg.queue, load, name)
    return m.cp.new_optional_fixed_size_interval_var(leg.queue, load, lit, name)


def shipping_pool_capacity(m: Model) -> None:
    """A unit holds its ship space (GRT) of North shipping from its first loading day until
    its ships are back: the route's cycle days from sailing, plus the days its unloading runs
    past its landing day; the ships are back by the horizon. North GRT held on a day ≤ North
    share × pool available that day."""
    inst = m.inst
    intervals, demands = [], []
    for u, k in _sea_moves(m):
        _enforce(m.cp.add(_back(u, k) <= inst.horizon + 1), u.move_lits[k])
        intervals.append(_held(m, u, k))
        demands.append(u.spec.lift)
    if not intervals:
        return
    if m.share_pct is None:
        # The North's tons per day, floor(share in force × pool), change stepwise with the pool
        # and, with a schedule, with the share; a fixed "reserved" interval per step takes up
        # what the day lacks of the peak, so one cumulative with the peak capacity enforces
        # every day's limit.
        caps = [inst.north_capacity(day, 0) for day in range(inst.horizon + 1)]
        cap_peak = max(caps)
        reserved = [
            (m.cp.new_fixed_size_interval_var(s, n, f"unrequisitioned[{s}]"), cap_peak - cap)
            for s, n, cap in _segments(caps)
            if cap < cap_peak
        ]
        m.cp.add_cumulative(
            intervals + [iv for iv, _ in reserved], demands + [r for _, r in reserved], cap_peak
        )
    else:
        # 100 × tons at sea ≤ pct × pool(day), with the share itself a variable.
        pool = inst.pool
        peak = max(pool)
        segments = _segments(list(pool))
        pct = m.share_pct
        reserved_iv = [
            m.cp.new_fixed_size_interval_var(s, n, f"unrequisitioned[{s}]")
            for s, n, p in segments
            if p < peak
        ]
        reserved_dem: list[LinearExpr] = [pct * (peak - p) for s, n, p in segments if p < peak]
        scaled: list[LinearExpr] = [100 * d for d in demands]
        m.cp.add_cumulative(intervals + reserved_iv, scaled + reserved_dem, pct * peak)


def _segments(per_day: list[int]) -> list[tuple[int, int, int]]:
    """Runs of equal values in a per-day list: (first day, number of days, value)."""
    out: list[tuple[int, int, int]] = []
    start = 0
    for day in range(1, len(per_day) + 1):
        if day == len(per_day) or per_day[day] != per_day[start]:
            out.append((start, day - start, per_day[start]))
            start = day
    return out


def _port_queue(m: Model, kind: str) -> None:
    by_port: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    for u, k in _sea_moves(m):
        move = u.spec.moves[k]
        port = move.embark if kind == "embark" else move.debark
        assert port is not None
        by_port[port].append(_queued(m, u, k, kind))
    for intervals in by_port.values():
        m.cp.add_no_overlap(intervals)


def embarkation_throughput(m: Model) -> None:
    """Tons loaded at an embarkation port on one day, over every unit loading there that day
    (each its part of that day), ≤ its tons/day: the units' stretches of the port's queue do
    not overlap."""
    _port_queue(m, "embark")


def debarkation_throughput(m: Model) -> None:
    """Tons unloaded at a debarkation port on one day, over every unit unloading there that
    day, ≤ its tons/day: the units' stretches of the port's queue do not overlap."""
    _port_queue(m, "debark")


def rail_capacity(m: Model) -> None:
    """A unit entrains from the day it is at the railhead (its last part unloaded, or ready),
    on consecutive days in the line's queue (tons or trains, the line's measure; `Leg`), its
    last train leaving on `entrain`, and arrives at its front the line's transit days later; a
    line carries at most its daily rate each day: the units' stretches of its queue do not
    overlap."""
    by_line: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    for u in m.units:
        rail = u.legs["rail"]
        for k, move in enumerate(u.spec.moves):
            lit = u.move_lits[k]
            # The railhead: the debarkation port once the unit's last part is unloaded for a
            # sea move, the unit's region once it is ready for a rail-only move (DESIGN rule 5).
            if move.sea is not None:
                _enforce(m.cp.add(rail.start >= u.legs["debark"].end), lit)
            else:
                _enforce(m.cp.add(rail.start >= u.ready), lit)
            _block(m, u, k, "rail")
            _enforce(m.cp.add(u.arrive == u.entrain + move.transit_days), lit)
            by_line[move.rail].append(_queued(m, u, k, "rail"))
    for intervals in by_line.values():
        m.cp.add_no_overlap(intervals)


# --- Criteria --------------------------------------------------------------------------


def _criterion(m: Model, name: str) -> cp_model.IntVar:
    lit = m.criteria.get(name)
    if lit is None:
        lit = m.cp.new_bool_var(f"criterion[{name}]")
        m.criteria[name] = lit
    return lit


def x_day_in_horizon(m: Model) -> None:
    """X-Day and the decision day fall within the planning horizon."""
    m.cp.add(m.x_day - m.inst.decision_lag >= 0)


def required_arrivals(m: Model) -> None:
    """Every required unit has arrived at its front by X-Day."""
    if not m.inst.enabled("required_arrivals"):
        return
    lit = _criterion(m, "required_arrivals")
    for u in m.units:
        if u.spec.required:
            m.cp.add(u.arrive <= m.x_day).only_enforce_if(lit)


def force_ratio(m: Model) -> None:
    """On each front, combat value arrived by X-Day ≥ ratio × Soviet factor × Soviet strength
    on X-Day (a table lookup: Soviet strength is known per day)."""
    if not m.inst.enabled("force_ratio"):
        return
    lit = _criterion(m, "force_ratio")
    for front, need in m.inst.force_needed.items():
        needed = m.cp.new_int_var(min(need), max(need), f"force_needed[{front}]")
        m.cp.add_element(m.x_day, list(need), needed)
        terms = []
        for u in m.units:
            if u.spec.front != front or u.spec.combat == 0:
                continue
            arrived = m.cp.new_bool_var(f"arrived_by_x[{u.spec.id}]")
            m.cp.add(u.arrive <= m.x_day).only_enforce_if(arrived)
            if not _const(u.present):
                m.cp.add_implication(arrived, u.present)
            u.arrived_by_x = arrived
            terms.append(u.spec.combat * arrived)
        m.cp.add(sum(terms) >= needed).only_enforce_if(lit)


def halving_criterion(m: Model) -> None:
    """On the decision day (X-Day − decision-to-attack days), Soviet Far East strength in the
    criterion's measure (division-equivalents unless it names men, tanks or aircraft) is at
    most the halving fraction of its initial level."""
    if not m.inst.enabled("halving"):
        return
    _decision_day_in(m, "halving", m.inst.halving_holds)


def armour_air_criterion(m: Model) -> None:
    """On the decision day, Soviet Far East tanks and aircraft (the criterion's measures) are
    each at most the criterion's fraction (the record's one third) of their initial level."""
    if not m.inst.enabled("armour_air"):
        return
    _decision_day_in(m, "armour_air", m.inst.armour_air_holds)


def _decision_day_in(m: Model, criterion: str, holds: tuple[bool, ...]) -> None:
    """X-Day may only be a day whose decision day (X-Day − lag) is one where `holds` is true
    (a table: Soviet strength is known per day), enforced through the criterion's literal."""
    lit = _criterion(m, criterion)
    lag = m.inst.decision_lag
    ok = [x for x in range(m.inst.horizon + 1) if x - lag >= 0 and holds[x - lag]]
    m.cp.add_linear_expression_in_domain(m.x_day, cp_model.Domain.from_values(ok)).only_enforce_if(
        lit
    )


def decision_deadline(m: Model) -> None:
    """The decision day (X-Day − decision-to-attack days) is no later than the deadline."""
    if not m.inst.enabled("decision_deadline"):
        return
    lit = _criterion(m, "decision_deadline")
    m.cp.add(m.x_day - m.inst.decision_lag <= m.inst.decision_deadline_day).only_enforce_if(lit)


def weather_deadline(m: Model) -> None:
    """X-Day plus the campaign days ends no later than the weather deadline."""
    if not m.inst.enabled("weather"):
        return
    lit = _criterion(m, "weather")
    m.cp.add(m.x_day <= m.inst.weather_last_x_day).only_enforce_if(lit)


def south_readiness(m: Model) -> None:
    """The South's share of the pool (the North share in force on the requirement's day taken
    out) meets each South requirement by its date."""
    if not m.inst.enabled("south_readiness") or not m.inst.case.shipping.south_requirements:
        return
    lit = _criterion(m, "south_readiness")
    if m.share_pct is None:
        # The case's share (one number or a schedule): the South's share in force on each
        # requirement's day is known, so the criterion holds or fails whatever the plan.
        if not m.inst.south_met(0):
            m.cp.add_bool_or([lit.negated()])
        return
    limit = m.inst.south_max_share_bp
    if limit is None:
        m.cp.add_bool_or([lit.negated()])
    else:
        m.cp.add(m.share_bp <= limit).only_enforce_if(lit)


ConstraintFn = Callable[[Model], None]

CONSTRAINTS: tuple[tuple[str, ConstraintFn], ...] = (
    ("route_choice", route_choice),
    ("mobilization_after_order", mobilization_after_order),
    ("depot_capacity", depot_capacity),
    ("sea_voyage", sea_voyage),
    ("shipping_pool_capacity", shipping_pool_capacity),
    ("embarkation_throughput", embarkation_throughput),
    ("debarkation_throughput", debarkation_throughput),
    ("rail_capacity", rail_capacity),
    ("x_day_in_horizon", x_day_in_horizon),
    ("required_arrivals", required_arrivals),
    ("force_ratio", force_ratio),
    ("halving_criterion", halving_criterion),
    ("armour_air_criterion", armour_air_criterion),
    ("decision_deadline", decision_deadline),
    ("weather_deadline", weather_deadline),
    ("south_readiness", south_readiness),
)


def objective_terms(m: Model) -> None:
    """Lexicographic objective terms: X-Day; then the North share (when `auto`); then shipping
    ton-days (Σ lift × cycle days of every sea movement: the least shipping committed); then,
    as a tidy-up, arrival days (Σ arrival day of committed units: everyone as early as can be)."""
    m.terms["x_day"] = m.x_day
    m.terms["north_share_pct"] = m.share_pct if m.share_pct is not None else 0
    m.terms["ton_days"] = sum(
        u.spec.lift * u.spec.moves[k].cycle_days * lit
        for u in m.units
        for k, lit in enumerate(u.move_lits)
        if u.spec.moves[k].sea is not None
    )
    arrivals = []
    for u in m.units:
        if _const(u.present):
            arrivals.append(u.arrive)
        else:
            counted = m.cp.new_int_var(0, m.inst.horizon, f"counted_arrival[{u.spec.id}]")
            m.cp.add(counted == u.arrive).only_enforce_if(u.present)
            m.cp.add(counted == 0).only_enforce_if(u.present.negated())  # type: ignore[union-attr]
            arrivals.append(counted)
    m.terms["arrival_days"] = sum(arrivals)


# --- Redundant constraints (not rules: they only cut the search) --------------------------


def symmetry_groups(inst: Instance) -> list[list[int]]:
    """Indices of the units of each `count:` group whose moves are all by sea or all by rail
    only (identical units that can trade places in any plan), in unit order."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, spec in enumerate(inst.units):
        groups[spec.template].append(i)
    out = []
    for members in groups.values():
        kinds = {m.sea is None for m in inst.units[members[0]].moves}
        if len(members) > 1 and len(kinds) == 1:
            out.append(members)
    return out


def order_key(u: UnitVars) -> cp_model.IntVar:
    """The day identical units are ordered by: sailing for sea movers, entraining for rail."""
    return u.sail if u.sail is not None else u.entrain


def identical_units_in_order(m: Model) -> None:
    """Identical units of one `count:` group are interchangeable: any plan stays a plan (with
    the same X-Day, share and ton-days) when they swap whole timelines. So the planner may
    assume the committed ones come first and sail (or entrain) in id order, which removes the
    factorial number of relabelled copies of every plan from the search."""
    for members in symmetry_groups(m.inst):
        for a, b in zip(members, members[1:], strict=False):
            first, second = m.units[a], m.units[b]
            if _const(second.present):
                m.cp.add(order_key(first) <= order_key(second))
            else:
                m.cp.add_implication(second.present, first.present)
                m.cp.add(order_key(first) <= order_key(second)).only_enforce_if(second.present)


REDUNDANT: tuple[tuple[str, ConstraintFn], ...] = (
    ("identical_units_in_order", identical_units_in_order),
)


def build(
    inst: Instance,
    criteria_as_assumptions: bool = False,
    symmetry_breaking: bool = True,
    omit: frozenset[str] = frozenset(),
) -> Model:
    """The whole model. Criteria literals are fixed true unless used as assumptions (explain).
    Symmetry breaking among identical units is on unless switched off (for measuring it).
    `omit` leaves out the named constraint families: only for tests and benchmarks (knock-out
    tests show the verifier catches each rule); its plans may break the omitted rules."""
    unknown = omit - {name for name, _ in CONSTRAINTS}
    if unknown:
        raise ValueError(f"no constraint family named {', '.join(sorted(unknown))}")
    m = create_variables(inst)
    for name, family in CONSTRAINTS:
        if name not in omit:
            family(m)
    if symmetry_breaking:
        for _, extra in REDUNDANT:
            extra(m)
    objective_terms(m)
    if not criteria_as_assumptions:
        for lit in m.criteria.values():
            m.cp.add(lit == 1)
    return m
