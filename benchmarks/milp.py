"""Baseline (b): the same planning problem as a time-indexed MILP, solved with HiGHS.

Time-indexed in the "by-day" (step) form: for unit u, move k and day t the binary
`sailed[u,k,t]` is 1 when the unit has sailed by day t, `mobilized[u,t]` when it has started
mobilizing by day t (only where a depot capacity makes the mobilization day matter; elsewhere
mobilizing on the earliest day is never worse). Handling over days (DESIGN §1c): at each
facility of the move (embarkation port, debarkation port, rail line) the unit has a step
`started[t]` (handling begun by day t), a step `through[t]` (its last part handled by day t)
and an integer `amount[t]` in the facility's measure (handling tons, or tons or trains on a
line): amount[t] ≤ min(load, rate) × (started[t] − through[t−1]) (only while handled), amount[t]
≥ rate × (started[t−1] − through[t]) (the whole rate on the days in between), Σ amount = load.
`entrained[u,k,t]` is the rail leg's `through`: the last train has left by day t. Precedences
are two-term rows: loading starts once ready at the port, sailed by t ⇒ loaded by t, unloading
starts exactly on the landing day (started_unloading[t] = sailed[t − sailing days]) with
something unloaded that day, entraining starts once unloaded (or ready). Every capacity is one
row per resource per day:

- shipping: Σ ship space × (loading started by d − unloaded by d − (cycle − sailing days)) ≤
  North capacity on day d (ships are held from the first loading day until they are back);
- ports: Σ amount loaded on d ≤ tons/day, and the same for unloading on d;
- rail: Σ amount entrained on d ≤ the line's tons or trains a day; depot: Σ men mobilizing on
  d ≤ men.

X-Day is a step too: `x_by[τ]` is 1 when X ≤ τ. Required units: `x_by[τ] ≤ arrived by τ`.
Force ratio, per front and candidate day x: Σ combat × arrived by x ≥ need(x) × (X = x). Days
the halving, deadline or weather criteria rule out cannot be X. An `auto` North share is an
integer percent variable. Stages are lexicographic like the planner's: X-Day, then the share,
then shipping ton-days, each stage fixing the optimum of the ones before, then the arrival-days
tidy-up (1% gap, never decides the status). HiGHS runs the proven stages with a zero gap
tolerance, so OPTIMAL means proven.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from kantokuen.models.instance import BP, Facility, Instance, MoveOption, UnitSpec
from kantokuen.models.plan import Plan, Status, UnitPlan


@dataclass
class _Step:
    """A monotone 0/1 step over days lo..hi: value(t) is 0 before lo and cols[hi] after hi."""

    lo: int
    hi: int
    cols: list[int]

    def at(self, t: int) -> int | None:
        """Column of "by day t", or None when it is the constant 0."""
        if t < self.lo:
            return None
        return self.cols[min(t, self.hi) - self.lo]

    def first(self, values: np.ndarray) -> int | None:
        """Day the step turns on in a solution, or None if it never does."""
        for t in range(self.lo, self.hi + 1):
            if values[self.cols[t - self.lo]] > 0.5:
                return t
        return None


@dataclass
class _Handling:
    """A unit's handling at one facility on one move (see the module doc)."""

    facility: Facility
    load: int
    started: _Step
    through: _Step
    amount: list[int]  # a column per day started.lo..started.hi

    def days(self, values: np.ndarray) -> tuple[tuple[int, int], ...]:
        """The (day, amount) pairs of a solution, days with nothing left out."""
        out = [(self.started.lo + i, round(values[c])) for i, c in enumerate(self.amount)]
        return tuple((day, amount) for day, amount in out if amount > 0)


@dataclass
class _UnitCols:
    spec: UnitSpec
    mobilized: _Step | None
    sailed: dict[int, _Step] = field(default_factory=dict)
    entrained: dict[int, _Step] = field(default_factory=dict)  # the rail leg's `through`
    legs: dict[int, dict[str, _Handling]] = field(default_factory=dict)


class _Lp:
    """Columns and row-wise triplets, handed to HiGHS in one `passModel`."""

    def __init__(self) -> None:
        self.col_lo: list[float] = []
        self.col_hi: list[float] = []
        self.integer: list[bool] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.start: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def col(self, lo: float = 0, hi: float = 1, integer: bool = True) -> int:
        self.col_lo.append(lo)
        self.col_hi.append(hi)
        self.integer.append(integer)
        return len(self.col_lo) - 1

    def step(self, lo: int, hi: int) -> _Step:
        """A monotone step of binaries over lo..hi (by day t ⇒ by day t+1)."""
        cols = [self.col() for _ in range(lo, hi + 1)]
        for a, b in zip(cols, cols[1:], strict=False):
            self.row({a: 1, b: -1}, hi=0)
        return _Step(lo, hi, cols)

    def row(
        self, terms: dict[int, float], lo: float = -highspy.kHighsInf, hi: float = highspy.kHighsInf
    ) -> None:
        terms = {c: v for c, v in terms.items() if v != 0}
        self.index.extend(terms)
        self.value.extend(terms.values())
        self.start.append(len(self.index))
        self.row_lo.append(lo)
        self.row_hi.append(hi)

    def highs(self) -> highspy.Highs:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.col_lo)
        lp.num_row_ = len(self.row_lo)
        lp.col_cost_ = np.zeros(lp.num_col_)
        lp.col_lower_ = np.array(self.col_lo, dtype=float)
        lp.col_upper_ = np.array(self.col_hi, dtype=float)
        lp.row_lower_ = np.array(self.row_lo, dtype=float)
        lp.row_upper_ = np.array(self.row_hi, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(self.start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.value, dtype=float)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in self.integer
        ]
        h = highspy.Highs()
        h.silent()
        h.passModel(lp)
        return h


def _add(terms: dict[int, float], col: int | None, coef: float) -> None:
    if col is not None:
        terms[col] = terms.get(col, 0) + coef


@dataclass
class MilpModel:
    """The built MILP with handles on its columns."""

    inst: Instance
    lp: _Lp
    units: list[_UnitCols]
    x_by: _Step
    share_pct: int | None
    x_days: list[int]


def x_window(inst: Instance) -> tuple[int, int, list[int]]:
    """The first and last candidate X-Day and the candidates the date criteria allow."""
    lo, hi = inst.decision_lag, inst.horizon
    if inst.enabled("decision_deadline"):
        hi = min(hi, inst.decision_deadline_day + inst.decision_lag)
    if inst.enabled("weather"):
        hi = min(hi, inst.weather_last_x_day)
    allowed = [
        x
        for x in range(lo, hi + 1)
        if not inst.enabled("halving") or inst.halving_holds[x - inst.decision_lag]
    ]
    return (allowed[0], allowed[-1], allowed) if allowed else (lo, lo - 1, [])


def build_milp(inst: Instance) -> MilpModel | None:
    """The time-indexed MILP, or None when no X-Day is allowed at all (no-go by the dates)."""
    lp = _Lp()
    x_lo, x_hi, allowed = x_window(inst)
    if not allowed:
        return None
    horizon = inst.horizon
    latest_arrival = x_hi if inst.enabled("required_arrivals") else horizon
    units = [
        _unit_columns(lp, inst, spec, latest_arrival if spec.required else horizon)
        for spec in inst.units
    ]
    _presence(lp, units)
    _precedences(lp, units)
    share = _share_column(lp, inst)
    _capacities(lp, inst, units, share)
    x_by = lp.step(x_lo, x_hi)
    lp.col_lo[x_by.cols[-1]] = 1  # X ≤ the last candidate day
    for x in range(x_lo + 1, x_hi + 1):
        if x not in allowed:
            lp.row({x_by.cols[x - x_lo]: 1, x_by.cols[x - x_lo - 1]: -1}, hi=0)  # X ≠ x
    _required_arrivals(lp, inst, units, x_by)
    _force_ratio(lp, inst, units, x_by, allowed)
    return MilpModel(inst, lp, units, x_by, share, allowed)


def _unit_columns(lp: _Lp, inst: Instance, spec: UnitSpec, last_arrival: int) -> _UnitCols:
    """Steps and amounts for the days a unit can mobilize, be handled and sail (empty
    windows: move impossible)."""
    est, mob, horizon = spec.earliest_start, spec.mobilization_days, inst.horizon
    depot = inst.case.regions[spec.origin].depot_men is not None and mob > 0
    mobilized = lp.step(est, horizon - mob) if depot and est <= horizon - mob else None
    cols = _UnitCols(spec, mobilized)
    for k, move in enumerate(spec.moves):
        e_hi = min(horizon, last_arrival) - move.transit_days
        legs: dict[str, _Handling] = {}
        if move.sea is None:
            r_lo = est + mob
        else:
            s_lo = est + mob + move.travel_to_port_days
            s_hi = min(horizon - move.sail_days, e_hi - move.sail_days)
            # Ships back by the horizon: last unloading day − sailing days + cycle ≤ horizon + 1.
            d_hi = min(e_hi, horizon + 1 + move.sail_days - move.cycle_days)
            r_lo = s_lo + move.sail_days
            if s_lo > s_hi or r_lo > d_hi:
                continue
            cols.sailed[k] = lp.step(s_lo, s_hi)
            legs["embark"] = _handling(lp, inst, spec, move, "embark", s_lo, s_hi)
            legs["debark"] = _handling(lp, inst, spec, move, "debark", r_lo, d_hi)
        if r_lo > e_hi:
            cols.sailed.pop(k, None)
            continue
        legs["rail"] = _handling(lp, inst, spec, move, "rail", r_lo, e_hi)
        cols.entrained[k] = legs["rail"].through
        cols.legs[k] = legs
    return cols


def _handling(
    lp: _Lp, inst: Instance, spec: UnitSpec, move: MoveOption, kind: str, lo: int, hi: int
) -> _Handling:
    """The steps and amounts of one facility over days lo..hi, with the rows that make them a
    block: handled only between start and through, the whole rate on the days in between, the
    whole load in all, through once started."""
    facility = next(f for f in spec.facilities(move) if f[0] == kind)
    load, rate = spec.load_at(facility, move), inst.rate(facility)
    started, through = lp.step(lo, hi), lp.step(lo, hi)
    amount = [lp.col(0, min(load, rate)) for _ in range(lo, hi + 1)]
    for t in range(lo, hi + 1):
        lp.row({through.cols[t - lo]: 1, started.cols[t - lo]: -1}, hi=0)
        terms = {amount[t - lo]: 1.0, started.cols[t - lo]: -min(load, rate)}
        _add(terms, through.at(t - 1), min(load, rate))
        lp.row(terms, hi=0)
        if t > lo:  # started before t and not through by t: a day in between, the whole rate
            lp.row(
                {amount[t - lo]: 1, started.cols[t - lo - 1]: -rate, through.cols[t - lo]: rate},
                lo=0,
            )
    total = {c: 1.0 for c in amount}
    total[started.cols[-1]] = -load
    lp.row(total, lo=0, hi=0)
    lp.row({through.cols[-1]: 1, started.cols[-1]: -1}, lo=0, hi=0)
    return _Handling(facility, load, started, through, amount)


def _presence(lp: _Lp, units: list[_UnitCols]) -> None:
    """Route choice: a committed unit takes one move (a required unit must); its sailing, each
    facility's handling and its mobilization all happen or none does."""
    for u in units:
        terms = {e.cols[-1]: 1.0 for e in u.entrained.values()}
        lp.row(terms, lo=1 if u.spec.required else 0, hi=1)
        for k, e in u.entrained.items():
            for s in [u.sailed.get(k)] + [leg.started for leg in u.legs[k].values()]:
                if s is not None and s is not e:
                    lp.row({e.cols[-1]: 1, s.cols[-1]: -1}, lo=0, hi=0)
        if u.mobilized is not None:
            terms = {e.cols[-1]: 1.0 for e in u.entrained.values()}
            terms[u.mobilized.cols[-1]] = -1
            lp.row(terms, lo=0, hi=0)


def _precedences(lp: _Lp, units: list[_UnitCols]) -> None:
    """Loading starts once the unit is at the port (mobilized by t − mobilization − travel
    days), it sails once loaded, unloading starts on the landing day with something unloaded
    that day, and entraining starts once unloaded (or, rail only, once ready)."""
    for u in units:
        mob = u.spec.mobilization_days
        for k, legs in u.legs.items():
            move = u.spec.moves[k]
            rail = legs["rail"]
            s = u.sailed.get(k)
            if s is not None:
                embark, debark = legs["embark"], legs["debark"]
                for t in range(s.lo, s.hi + 1):
                    lp.row({s.cols[t - s.lo]: 1, embark.through.cols[t - s.lo]: -1}, hi=0)
                    if u.mobilized is not None:
                        _lag_row(
                            lp, embark.started, t, u.mobilized, t - mob - move.travel_to_port_days
                        )
                d = debark.started
                for t in range(d.lo, d.hi + 1):
                    terms = {d.cols[t - d.lo]: 1.0}
                    _add(terms, s.at(t - move.sail_days), -1)
                    lp.row(terms, lo=0, hi=0)
                    terms = {debark.amount[t - d.lo]: 1.0, d.cols[t - d.lo]: -1}
                    _add(terms, d.at(t - 1), 1)
                    lp.row(terms, lo=0)
                for t in range(rail.started.lo, rail.started.hi + 1):
                    terms = {rail.started.cols[t - rail.started.lo]: 1.0}
                    _add(terms, debark.through.at(t), -1)
                    lp.row(terms, hi=0)
            elif u.mobilized is not None:
                for t in range(rail.started.lo, rail.started.hi + 1):
                    _lag_row(lp, rail.started, t, u.mobilized, t - mob)


def _lag_row(lp: _Lp, later: _Step, t: int, earlier: _Step, t_earlier: int) -> None:
    col = earlier.at(t_earlier)
    if col is None:
        lp.col_hi[later.cols[t - later.lo]] = 0
    else:
        lp.row({later.cols[t - later.lo]: 1, col: -1}, hi=0)


def _share_column(lp: _Lp, inst: Instance) -> int | None:
    """An `auto` North share as an integer percent, capped by the South readiness criterion."""
    if inst.fixed_share_bp is not None:
        return None
    top = 100
    if inst.enabled("south_readiness") and inst.case.shipping.south_requirements:
        limit = inst.south_max_share_bp
        top = -1 if limit is None else limit // 100
    return lp.col(0, top)


def _capacities(lp: _Lp, inst: Instance, units: list[_UnitCols], share: int | None) -> None:
    """One row per resource and day: ships held, ports loading and unloading, rail, depot."""
    case, days = inst.case, range(inst.horizon + 1)
    ship = [dict[int, float]() for _ in days]
    handled: dict[Facility, list[dict[int, float]]] = {}
    depot = {
        r: [dict[int, float]() for _ in days]
        for r, reg in case.regions.items()
        if reg.depot_men is not None
    }
    for u in units:
        for k, legs in u.legs.items():
            move = u.spec.moves[k]
            for leg in legs.values():
                rows = handled.setdefault(leg.facility, [dict[int, float]() for _ in days])
                for i, col in enumerate(leg.amount):
                    _add(rows[leg.started.lo + i], col, 1)
            if move.sea is not None:
                # Held from the first loading day until back: unloaded by d − (cycle − sailing).
                loading, unloading = legs["embark"].started, legs["debark"].through
                back = move.cycle_days - move.sail_days
                for d in range(loading.lo, min(unloading.hi + back, inst.horizon + 1)):
                    _add(ship[d], loading.at(d), u.spec.lift)
                    _add(ship[d], unloading.at(d - back), -u.spec.lift)
        if u.mobilized is not None:
            m, mob = u.mobilized, u.spec.mobilization_days
            for d in range(m.lo, min(m.hi + mob, inst.horizon + 1)):
                _add(depot[u.spec.origin][d], m.at(d), u.spec.men)
                _add(depot[u.spec.origin][d], m.at(d - mob), -u.spec.men)
    for d in days:
        if share is None:
            assert inst.fixed_share_bp is not None
            lp.row(ship[d], hi=inst.north_capacity(d, inst.fixed_share_bp))
        elif ship[d]:
            terms = {c: 100 * v for c, v in ship[d].items()}
            terms[share] = -inst.pool[d]
            lp.row(terms, hi=0)
    for facility, rows in handled.items():
        for terms in rows:
            if terms:
                lp.row(terms, hi=inst.rate(facility))
    for region, rows in depot.items():
        cap = case.regions[region].depot_men
        for terms in rows:
            if terms:
                lp.row(terms, hi=cap)


def _arrived_by(u: _UnitCols, tau: int, terms: dict[int, float], coef: float) -> None:
    for k, e in u.entrained.items():
        _add(terms, e.at(tau - u.spec.moves[k].transit_days), coef)


def _required_arrivals(lp: _Lp, inst: Instance, units: list[_UnitCols], x_by: _Step) -> None:
    """X ≤ τ ⇒ every required unit has arrived by τ."""
    if not inst.enabled("required_arrivals"):
        return
    for u in units:
        if not u.spec.required:
            continue
        for tau in range(x_by.lo, x_by.hi + 1):
            terms = {x_by.cols[tau - x_by.lo]: 1.0}
            _arrived_by(u, tau, terms, -1.0)
            lp.row(terms, hi=0)


def _force_ratio(
    lp: _Lp, inst: Instance, units: list[_UnitCols], x_by: _Step, allowed: list[int]
) -> None:
    """X = x ⇒ on each front the combat value arrived by x is at least what x needs."""
    if not inst.enabled("force_ratio"):
        return
    for front, need in inst.force_needed.items():
        for x in allowed:
            if need[x] <= 0:
                continue
            terms: dict[int, float] = {}
            for u in units:
                if u.spec.front == front and u.spec.combat:
                    _arrived_by(u, x, terms, u.spec.combat)
            _add(terms, x_by.at(x), -need[x])
            _add(terms, x_by.at(x - 1), need[x])
            lp.row(terms, lo=0)


@dataclass(frozen=True)
class MilpOutcome:
    """The MILP's answer with per-stage statuses and timings."""

    status: Status
    plan: Plan | None
    objective: dict[str, int]
    bound: dict[str, float]
    seconds: float
    build_seconds: float
    columns: int
    rows: int
    nonzeros: int
    proven_seconds: float | None = None  # when every status-deciding stage was proven (None: never)


def _objective(mm: MilpModel, term: str) -> tuple[dict[int, float], float]:
    """Cost vector and offset of one lexicographic term (the planner's terms, same names)."""
    if term == "x_day":
        # X = hi − Σ_{τ<hi} x_by[τ]
        xs = mm.x_by
        return {c: -1.0 for c in xs.cols[:-1]}, float(xs.hi)
    if term == "north_share_pct":
        assert mm.share_pct is not None
        return {mm.share_pct: 1.0}, 0.0
    cost: dict[int, float] = {}
    for u in mm.units:
        if term == "ton_days":
            # Σ lift × cycle days of every sea movement (the shipping committed)
            for k, s in u.sailed.items():
                _add(cost, s.cols[-1], u.spec.lift * u.spec.moves[k].cycle_days)
            continue
        for k, e in u.entrained.items():
            # arrival = Σ_t (t + transit) × (on day t) = (hi + transit)·by[hi] − Σ_{t<hi} by[t]
            transit = u.spec.moves[k].transit_days
            _add(cost, e.cols[-1], e.hi + transit)
            for c in e.cols[:-1]:
                _add(cost, c, -1)
    return cost, 0.0


_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
}


TIDY = "arrival_days"
TIDY_SHARE = 0.1  # as the planner: the tidy-up keeps 10% of the time limit...
TIDY_GAP = 0.01  # ...and stops within 1% of its bound; it never decides the status


def _stage_time(deadline: float, stage: int, stages: int, time_limit: float) -> float:
    remaining = deadline - time.perf_counter()
    reserve = min(remaining, TIDY_SHARE * time_limit)
    if stage == stages - 1:
        return reserve
    return (remaining - reserve) * (0.7 if stage == 0 else 1 / (stages - 1 - stage))


def solve_milp(inst: Instance, time_limit: float = 60.0, threads: int = 2) -> MilpOutcome:
    """Lexicographic stages with HiGHS, like the planner's: X-Day, North share (auto), shipping
    ton-days (each proven or the status is FEASIBLE), then the arrival-days tidy-up. The plan (if
    any) is extracted but not verified here: the caller runs the verifier."""
    started = time.perf_counter()
    mm = build_milp(inst)
    built = time.perf_counter() - started
    if mm is None:
        return MilpOutcome(Status.INFEASIBLE, None, {}, {}, built, built, 0, 0, 0, built)
    h = mm.lp.highs()
    built = time.perf_counter() - started
    h.setOptionValue("threads", threads)
    h.setOptionValue("random_seed", 0)
    stages = (
        ["x_day"] + (["north_share_pct"] if mm.share_pct is not None else []) + ["ton_days", TIDY]
    )
    objective: dict[str, int] = {}
    bound: dict[str, float] = {}
    status = Status.OPTIMAL
    values: np.ndarray | None = None
    proven_at: float | None = None
    n = len(mm.lp.col_lo)
    deadline = started + time_limit
    sizes = (n, len(mm.lp.row_lo), len(mm.lp.index))
    for i, term in enumerate(stages):
        seconds = _stage_time(deadline, i, len(stages), time_limit)
        if seconds <= 0.05:
            if term != TIDY:
                status = Status.FEASIBLE if values is not None else Status.TIME_LIMIT
            break
        h.setOptionValue("time_limit", seconds)
        h.setOptionValue("mip_rel_gap", TIDY_GAP if term == TIDY else 0.0)
        cost, offset = _objective(mm, term)
        h.changeColsCost(
            n, np.arange(n, dtype=np.int32), np.array([cost.get(c, 0.0) for c in range(n)])
        )
        h.changeObjectiveOffset(offset)
        if values is not None:
            h.setSolution(_solution(values))  # the previous stage's optimum is feasible here
        h.run()
        code = h.getModelStatus()
        info = h.getInfo()
        if code == highspy.HighsModelStatus.kInfeasible and values is None:
            elapsed = time.perf_counter() - started
            return MilpOutcome(Status.INFEASIBLE, None, {}, {}, elapsed, built, *sizes, elapsed)
        if info.primal_solution_status != 2:  # no feasible solution in time
            if term != TIDY:
                status = Status.FEASIBLE if values is not None else Status.TIME_LIMIT
            break
        values = np.array(h.getSolution().col_value)
        objective[term] = round(info.objective_function_value)
        bound[term] = info.mip_dual_bound
        if term == TIDY:
            break
        if code != highspy.HighsModelStatus.kOptimal:
            status = Status.FEASIBLE
            break
        if i == len(stages) - 2:
            proven_at = time.perf_counter() - started
        # Fix this term at its optimum before the next stage.
        h.addRow(
            objective[term] - offset,
            objective[term] - offset,
            len(cost),
            np.array(list(cost), dtype=np.int32),
            np.array(list(cost.values()), dtype=float),
        )
    plan = (
        extract_plan(mm, values, objective) if values is not None and "x_day" in objective else None
    )
    return MilpOutcome(
        status, plan, objective, bound, time.perf_counter() - started, built, *sizes, proven_at
    )


def _solution(values: np.ndarray) -> highspy.HighsSolution:
    sol = highspy.HighsSolution()
    sol.col_value = list(values)
    sol.value_valid = True
    return sol


def _listed(days: tuple[tuple[int, int], ...], day: int, load: int) -> tuple[tuple[int, int], ...]:
    """A leg's days for the plan: () when they are the default, the whole load on `day`."""
    return () if days == ((day, load),) or not days else days


def extract_plan(mm: MilpModel, values: np.ndarray, objective: dict[str, int]) -> Plan:
    """The MILP solution as a Plan (for the verifier)."""
    inst = mm.inst
    units = []
    for u in mm.units:
        taken = [k for k, e in u.entrained.items() if values[e.cols[-1]] > 0.5]
        if not taken:
            units.append(UnitPlan(id=u.spec.id, committed=False))
            continue
        k = taken[0]
        move = u.spec.moves[k]
        mobilize = u.mobilized.first(values) if u.mobilized is not None else u.spec.earliest_start
        assert mobilize is not None
        sail = u.sailed[k].first(values) if k in u.sailed else None
        entrain = u.entrained[k].first(values)
        assert entrain is not None
        debark = sail + move.sail_days if sail is not None else None
        lists = {
            kind: _listed(leg.days(values), day, leg.load)
            for kind, day in (("embark", sail), ("debark", debark), ("rail", entrain))
            if (leg := u.legs[k].get(kind)) is not None and day is not None
        }
        units.append(
            UnitPlan(
                id=u.spec.id,
                committed=True,
                move=k,
                mobilize=mobilize,
                ready=mobilize + u.spec.mobilization_days,
                sail=sail,
                debark=debark,
                entrain=entrain,
                arrive=entrain + move.transit_days,
                loading=lists.get("embark", ()),
                unloading=lists.get("debark", ()),
                entraining=lists["rail"],
            )
        )
    share = (
        inst.fixed_share_bp if mm.share_pct is None else round(values[mm.share_pct]) * (BP // 100)
    )
    assert share is not None
    return Plan(x_day=objective["x_day"], north_share_bp=share, units=tuple(units))
