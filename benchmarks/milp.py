"""Baseline (b): the same planning problem as a time-indexed MILP, solved with HiGHS.

Time-indexed in the "by-day" (step) form: for unit u, move k and day t the binary
`sailed[u,k,t]` is 1 when the unit has sailed by day t, `entrained[u,k,t]` when it has
entrained by day t, `mobilized[u,t]` when it has started mobilizing by day t (only where a
depot capacity makes the mobilization day matter; elsewhere mobilizing on the earliest day is
never worse). The event "on day t" is the difference of two consecutive steps, so every
precedence is one two-term row (entrained by t ⇒ sailed by t − sailing days), and every
capacity is one row per resource per day:

- shipping: Σ lift × (sailed by d − sailed by d − cycle) ≤ North capacity on day d;
- ports: Σ lift × (sailed on d) ≤ embarkation tons/day, and the same for unloading on d;
- rail: Σ lift × (entrained on d) ≤ line tons/day; depot: Σ men × (mobilizing on d) ≤ men.

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

from kantokuen.models.instance import BP, Instance, UnitSpec
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
class _UnitCols:
    spec: UnitSpec
    mobilized: _Step | None
    sailed: dict[int, _Step] = field(default_factory=dict)
    entrained: dict[int, _Step] = field(default_factory=dict)


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
    """Steps for the days a unit can mobilize, sail and entrain (empty windows: move impossible)."""
    est, mob, horizon = spec.earliest_start, spec.mobilization_days, inst.horizon
    depot = inst.case.regions[spec.origin].depot_men is not None and mob > 0
    mobilized = lp.step(est, horizon - mob) if depot and est <= horizon - mob else None
    cols = _UnitCols(spec, mobilized)
    for k, move in enumerate(spec.moves):
        e_hi = min(horizon, last_arrival) - move.transit_days
        if move.sea is None:
            e_lo = est + mob
        else:
            s_lo = est + mob + move.travel_to_port_days
            s_hi = min(
                horizon + 1 - move.cycle_days, horizon - move.sail_days, e_hi - move.sail_days
            )
            if s_lo > s_hi:
                continue
            cols.sailed[k] = lp.step(s_lo, s_hi)
            e_lo = s_lo + move.sail_days
        if e_lo > e_hi:
            cols.sailed.pop(k, None)
            continue
        cols.entrained[k] = lp.step(e_lo, e_hi)
    return cols


def _presence(lp: _Lp, units: list[_UnitCols]) -> None:
    """Route choice: a committed unit takes one move (a required unit must); its sea leg, its
    rail leg and its mobilization all happen or none does."""
    for u in units:
        terms = {e.cols[-1]: 1.0 for e in u.entrained.values()}
        lp.row(terms, lo=1 if u.spec.required else 0, hi=1)
        for k, s in u.sailed.items():
            lp.row({u.entrained[k].cols[-1]: 1, s.cols[-1]: -1}, lo=0, hi=0)
        if u.mobilized is not None:
            terms = {e.cols[-1]: 1.0 for e in u.entrained.values()}
            terms[u.mobilized.cols[-1]] = -1
            lp.row(terms, lo=0, hi=0)


def _precedences(lp: _Lp, units: list[_UnitCols]) -> None:
    """Entrained by t ⇒ sailed by t − sailing days (or ready by t for rail only); sailed by t ⇒
    mobilized by t − mobilization − travel days."""
    for u in units:
        mob = u.spec.mobilization_days
        for k, e in u.entrained.items():
            move = u.spec.moves[k]
            s = u.sailed.get(k)
            for t in range(e.lo, e.hi + 1):
                if s is not None:
                    lp.row({e.cols[t - e.lo]: 1, s.at(t - move.sail_days): -1}, hi=0)  # type: ignore[dict-item]
                elif u.mobilized is not None:
                    _lag_row(lp, e, t, u.mobilized, t - mob)
            if s is not None and u.mobilized is not None:
                for t in range(s.lo, s.hi + 1):
                    _lag_row(lp, s, t, u.mobilized, t - mob - move.travel_to_port_days)


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


def _on(step: _Step, t: int, coef: float, terms: dict[int, float]) -> None:
    """Add coef × (the event happens on day t) = coef × (by t − by t−1)."""
    if step.lo <= t <= step.hi:
        _add(terms, step.at(t), coef)
        _add(terms, step.at(t - 1), -coef)


def _capacities(lp: _Lp, inst: Instance, units: list[_UnitCols], share: int | None) -> None:
    """One row per resource and day: shipping at sea, ports loading and unloading, rail, depot."""
    case, days = inst.case, range(inst.horizon + 1)
    ship = [dict[int, float]() for _ in days]
    embark = {p: [dict[int, float]() for _ in days] for p in case.ports}
    debark = {p: [dict[int, float]() for _ in days] for p in case.ports}
    rail = {r: [dict[int, float]() for _ in days] for r in case.rail}
    depot = {
        r: [dict[int, float]() for _ in days]
        for r, reg in case.regions.items()
        if reg.depot_men is not None
    }
    for u in units:
        lift = u.spec.lift
        for k, s in u.sailed.items():
            move = u.spec.moves[k]
            assert move.embark is not None and move.debark is not None
            for t in range(s.lo, s.hi + 1):
                _on(s, t, lift, embark[move.embark][t])
                _on(s, t, lift, debark[move.debark][t + move.sail_days])
            for d in range(s.lo, min(s.hi + move.cycle_days, inst.horizon + 1)):
                _add(ship[d], s.at(d), lift)
                _add(ship[d], s.at(d - move.cycle_days), -lift)
        for k, e in u.entrained.items():
            for t in range(e.lo, e.hi + 1):
                _on(e, t, lift, rail[u.spec.moves[k].rail][t])
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
    for table, caps in (
        (embark, {p: x.tons_per_day for p, x in case.ports.items()}),
        (debark, {p: x.tons_per_day for p, x in case.ports.items()}),
        (rail, {r: x.tons_per_day for r, x in case.rail.items()}),
        (depot, {r: x.depot_men for r, x in case.regions.items()}),
    ):
        for key, rows in table.items():
            for terms in rows:
                if terms:
                    lp.row(terms, hi=caps[key])


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
        units.append(
            UnitPlan(
                id=u.spec.id,
                committed=True,
                move=k,
                mobilize=mobilize,
                ready=mobilize + u.spec.mobilization_days,
                sail=sail,
                debark=sail + move.sail_days if sail is not None else None,
                entrain=entrain,
                arrive=entrain + move.transit_days,
            )
        )
    share = (
        inst.fixed_share_bp if mm.share_pct is None else round(values[mm.share_pct]) * (BP // 100)
    )
    assert share is not None
    return Plan(x_day=objective["x_day"], north_share_bp=share, units=tuple(units))
