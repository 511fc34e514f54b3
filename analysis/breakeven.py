"""Breakeven: the value of one lever at which the answer flips.

Where the answer (go, or X-Day by a date) is monotone in the lever — more shipping, a larger
North share, later deadlines, and, without a Soviet reaction, an earlier order or faster Soviet
withdrawals never make X-Day later (the property suite checks this) — the threshold is found by
bisection over the lever's grid — whole days for dates, whole percents for the North share,
steps of the tolerance for other numbers — with few solves. The direction comes from the two
ends of the range. Evaluations that contradict monotonicity (a middle value flipping while both
ends agree, or X-Day getting later toward the side that meets the target) are reported as such,
with the values that show it, never papered over.

Where monotonicity is not guaranteed (`monotonicity_doubt`: the Soviet reaction can make an
earlier order or faster withdrawals hurt, DESIGN §1c), nothing is assumed: every value of the
grid is solved (at most MAX_SCAN; a larger grid is scanned at a coarser step, and the answer says
so). If the answers are not monotone, the result says "not monotone" and gives two witnesses:
a value that should help more, and its worse answer, next to the one it should beat.

Certificates on each side: the verified plan at the threshold, and just past it either the
minimal conflict that makes it a no-go, or the X-Day that misses the target.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, Field

from kantokuen.models.case import COUNT_MEASURES, Case, Front
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.instance import BP, Instance
from kantokuen.models.plan import Result, Status
from kantokuen.models.scenarios import LoadedCase, split_path, with_overrides
from kantokuen.planner.explain import (
    GENEROUS_WITHDRAWAL_SCALE,
    EarliestX,
    describe,
    earliest_x_day,
    minimal_conflict,
)
from kantokuen.planner.result import build_result
from kantokuen.planner.solve import SolveOptions, plan_case

ORIGIN = "breakeven"


# --- The target -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What the answer must be: `go`, or go with X-Day on or before a date."""

    by: dt.date | None = None

    @property
    def text(self) -> str:
        return "go" if self.by is None else f"x-day<={self.by.isoformat()}"

    def limit(self, inst: Instance) -> int | None:
        """The latest X-Day (day number) the target allows, None for any."""
        return inst.case.day(self.by) if self.by is not None else None

    def ask(self, inst: Instance, options: SolveOptions) -> EarliestX:
        """The yes/no question the target asks: is there a plan (with X-Day by the date)? The
        first plan found answers it; CP-SAT settles such questions much faster than proving
        the earliest X-Day."""
        return earliest_x_day(inst, options, first_solution=True, at_most=self.limit(inst))

    def holds(self, inst: Instance, answer: EarliestX) -> bool | None:
        """Whether the answer to `ask` meets the target (None: undecided within the time limit)."""
        if answer.status == Status.INFEASIBLE:
            return False
        if answer.plan is None:
            return None
        limit = self.limit(inst)
        if limit is None or answer.plan.x_day <= limit:
            return True
        return False if answer.status == Status.OPTIMAL else None  # a later plan may yet improve


TARGET_FORM = re.compile(r"^\s*x-?day\s*<=\s*(\S+)\s*$", re.IGNORECASE)


def parse_target(text: str) -> Target:
    """`go` or `x-day<=1941-08-29`; a ValueError says what is accepted."""
    if text.strip().lower() == "go":
        return Target()
    match = TARGET_FORM.match(text)
    if match:
        try:
            return Target(dt.date.fromisoformat(match.group(1)))
        except ValueError:
            pass
    raise ValueError(f"'{text}' is not a target: use go or x-day<=YYYY-MM-DD")


# --- The lever and its grid --------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """The values a lever is searched over: index 0 is the low end, `steps` the high end."""

    path: str
    kind: str  # date | share | int | float
    lo: Any
    hi: Any
    step: Any  # days, percents, or the tolerance

    @property
    def steps(self) -> int:
        span: float = (self.hi - self.lo).days if self.kind == "date" else self.hi - self.lo
        step: float = self.step
        if self.kind in ("date", "share"):
            return math.ceil(span / step)
        return math.ceil(round(span / step, 9))

    def value(self, k: int) -> Any:
        """The lever's value at grid index k (the last index is exactly the high end)."""
        if k >= self.steps:
            return self.hi / 100 if self.kind == "share" else self.hi
        if self.kind == "date":
            return self.lo + dt.timedelta(days=k * self.step)
        if self.kind == "share":
            return (self.lo + k * self.step) / 100
        if self.kind == "int":
            return int(self.lo + k * self.step)
        return round(self.lo + k * self.step, 10)

    def text(self, k: int) -> str:
        value = self.value(k)
        if self.kind == "date":
            day: dt.date = value
            return day.isoformat()
        if self.kind == "share":
            return f"{value:.0%}"
        return f"{value:g}"

    @property
    def step_text(self) -> str:
        if self.kind == "date":
            return "1 day" if self.step == 1 else f"{self.step} days"
        return f"{self.step}%" if self.kind == "share" else f"{self.step:g}"


def current_value(loaded: LoadedCase, path: str) -> Any:
    """The field's value in the loaded case, or a CaseError naming the case file."""
    data: Any = loaded.case.model_dump()
    for part in split_path(path):
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            raise CaseError(
                Problem(
                    f"--lever {path}: no such field in the case",
                    loaded.file,
                    hint="give a dotted path such as levers.withdrawal_scale",
                )
            ) from None
    return data


def _end(text: str, kind: str, path: str) -> Any:
    """One end of --range, read as YAML (dates, numbers; `30%` for a share)."""
    raw = text.strip()
    try:
        value = (
            float(raw[:-1]) / 100 if kind == "share" and raw.endswith("%") else yaml.safe_load(raw)
        )
    except (yaml.YAMLError, ValueError):
        value = None
    if kind == "date":
        if isinstance(value, dt.date):
            return value
        raise ValueError(f"--range: '{raw}' is not a date (YYYY-MM-DD) for {path}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"--range: '{raw}' is not a number for {path}")
    return value


def lever_grid(
    loaded: LoadedCase, path: str, range_text: str | None, tolerance: float | None
) -> Grid:
    """The search grid of a lever, from the case, --range and --tolerance.

    Defaults: the order from the calendar start to the earliest deadline; the North share (or
    one step of a share schedule, `levers.north_share.<i>.share`) from 0 to the largest share
    the South allows (on that step's days); the withdrawal scale from 0 to the generous bound.
    Any other numeric or date field needs --range (dates default to the planning horizon).
    """
    value = current_value(loaded, path)
    if path == "levers.north_share" or share_step(path) is not None:
        kind = "share"
    elif isinstance(value, dt.date):
        kind = "date"
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseError(
            Problem(
                f"--lever {path}: the field holds {type(value).__name__} values, not a "
                "number or a date",
                loaded.file,
                hint="choose a numeric or date field",
            )
        )
    else:
        kind = "int" if isinstance(value, int) else "float"
    if range_text is not None:
        parts = range_text.split(":")
        if len(parts) != 2:
            raise ValueError(f"--range '{range_text}' is not of the form LO:HI")
        lo, hi = (_end(p, kind, path) for p in parts)
    else:
        lo, hi = default_range(loaded, path, kind, value)
    if not lo < hi:
        raise ValueError(f"--range: the low end {lo} must be below the high end {hi}")
    if kind == "date":
        return Grid(path, kind, lo, hi, max(1, round(tolerance)) if tolerance else 1)
    if kind == "share":
        lo_pct, hi_pct = round(lo * 100), round(hi * 100)
        if not 0 <= lo_pct < hi_pct <= 100:
            raise ValueError("--range: a North share range lies within 0..1 (e.g. 0.3:0.9)")
        return Grid(path, kind, lo_pct, hi_pct, max(1, round(tolerance * 100)) if tolerance else 1)
    if kind == "int":
        return Grid(path, kind, int(lo), int(hi), max(1, round(tolerance)) if tolerance else 1)
    return Grid(path, kind, float(lo), float(hi), tolerance or 0.01)


SHARE_STEP = re.compile(r"^levers\.north_share\.(\d+)\.share$")


def share_step(path: str) -> int | None:
    """The index of a North share schedule's step named by a dotted path
    (`levers.north_share.1.share` → 1), or None for any other path."""
    match = SHARE_STEP.match(path)
    return int(match.group(1)) if match else None


def step_share_limit_bp(inst: Instance, step: int) -> int | None:
    """The largest share one step of the North share schedule may take: the South's limit on
    the days the step is in force (its date until the next step's), 100% when no South
    requirement falls there or South readiness is off; None when no share leaves it enough."""
    steps = inst.case.levers.north_share
    assert isinstance(steps, tuple)
    if not inst.enabled("south_readiness"):
        return BP
    first = max(inst.case.day(steps[step].date), 0)
    last = inst.case.day(steps[step + 1].date) - 1 if step + 1 < len(steps) else inst.horizon
    return inst.south_max_share_bp_between(first, min(last, inst.horizon))


def default_range(loaded: LoadedCase, path: str, kind: str, value: Any) -> tuple[Any, Any]:
    case = loaded.case
    start = case.calendar.start
    if path == "levers.mobilization_order":
        crit = case.criteria
        ends = [start + dt.timedelta(days=case.calendar.horizon_days)]
        ends += [crit.decision_deadline.date] if crit.decision_deadline.enabled else []
        ends += [crit.weather.deadline] if crit.weather.enabled else []
        return start, min(ends)
    if kind == "date":
        return max(start, case.levers.mobilization_order), start + dt.timedelta(
            days=case.calendar.horizon_days
        )
    if kind == "share":
        step = share_step(path)
        inst = Instance(case)
        if step is None or not isinstance(case.levers.north_share, tuple):
            limit = inst.south_share_limit_bp
        else:
            limit = step_share_limit_bp(inst, step)
        return 0.0, (limit if limit is not None else BP) / BP
    if path == "levers.withdrawal_scale":
        return 0.0, GENEROUS_WITHDRAWAL_SCALE
    raise CaseError(
        Problem(
            f"--lever {path}: give --range LO:HI for this field",
            loaded.file,
            hint=f"e.g. --range 0:{2 * value:g}",
        )
    )


# --- Where the answer is monotone ---------------------------------------------------------

MAX_SCAN = 200  # solves a scan may take: a larger grid is scanned at a coarser step


@dataclass(frozen=True)
class Doubt:
    """Why the answer may not be monotone in a lever, and the way the lever is meant to help."""

    reason: str
    helps: str  # "up": larger values should help (faster withdrawals); "down": an earlier order


def monotonicity_doubt(case: Case, path: str) -> Doubt | None:
    """Why the answer may fail to be monotone in this lever on this case, or None where
    monotonicity is guaranteed (DESIGN §1c). The Soviet reaction takes it away from two levers:

    - The order date, when the reaction does anything (halts withdrawals that would happen, or
      brings reinforcements). Detection is the order day plus a lag, so an earlier order is
      detected earlier: withdrawals halt and reinforcements start sooner, and X-Day can get
      later or a go turn into a no-go.
    - The withdrawal scale, when several fronts share reinforcements that can reach the Far
      East ceiling by the last day X-Day may fall on. Faster withdrawals from one front free
      room under the ceiling, which the reinforcements fill and share out: another front, and
      with floors the total, may grow stronger. Below the ceiling, or with one front, faster
      withdrawals only weaken the fronts. Whether the ceiling can be reached is judged from the
      initial strengths (before any withdrawal): a safe side, which at worst solves every value.

    Every other way of helping (more shipping, a larger North share, later deadlines, and these
    two levers without the reaction) only widens what a plan may do: the old plan still works.

    Formations do not take monotonicity away by themselves: they are never scaled or halted, so
    a front's strength on every day still falls (or stays) as the withdrawal scale grows, in
    every measure. They only raise the Far East total the ceiling is measured against, so the
    ceiling test counts them; and the withdrawals the reaction halts are those of every
    measure (men, tanks and aircraft too)."""
    reaction = case.soviet_reaction
    if not reaction.enabled:
        return None
    if path == "levers.mobilization_order":
        halts = (
            reaction.halt_withdrawals
            and case.levers.withdrawal_scale > 0
            and any(_withdraws(front) for front in case.fronts.values())
        )
        if halts or reaction.reinforce_per_day > 0:
            return Doubt(
                "the Soviets react to the order: an earlier order is detected earlier, so "
                "their withdrawals halt and their reinforcements start earlier",
                "down",
            )
    shared = len(case.fronts) > 1 and reaction.reinforce_per_day > 0
    if path == "levers.withdrawal_scale" and shared:
        days = _last_x_day(case) - (case.order_day + reaction.detection_lag_days)
        # Before any withdrawal, with every formation of the schedules already in place.
        initial = sum(
            front.initial_strength + max((p.cumulative for p in front.formations), default=0)
            for front in case.fronts.values()
        )
        # a hair's margin: a tie in floating point counts as reached (then every value is solved)
        if days > 0 and initial + reaction.reinforce_per_day * days > reaction.ceiling - 1e-9:
            return Doubt(
                f"Soviet reinforcements can reach the Far East ceiling "
                f"({reaction.ceiling:g}) before X-Day: faster withdrawals from one front "
                "free room under it, which the reinforcements fill and share out among "
                "the fronts",
                "up",
            )
    return None


def _withdraws(front: Front) -> bool:
    """Whether a front has withdrawals to halt, in any measure."""
    measures = [front.measure(name) for name in COUNT_MEASURES]
    return bool(front.withdrawals) or any(m is not None and m.withdrawals for m in measures)


def _last_x_day(case: Case) -> int:
    """The last day X-Day may fall on: the horizon, or earlier by the enabled deadlines."""
    crit = case.criteria
    last = case.calendar.horizon_days
    if crit.weather.enabled:
        last = min(last, case.day(crit.weather.deadline) - crit.weather.campaign_days)
    if crit.decision_deadline.enabled:
        deadline = crit.decision_deadline
        last = min(last, case.day(deadline.date) + deadline.decision_to_attack_days)
    return last


# --- The search --------------------------------------------------------------------------


class Evaluation(BaseModel):
    """The answer at one value of the lever."""

    value: str
    status: str
    verdict: str = Field(description="GO, NO-GO, or for an X-Day target: no X-Day by the date")
    go: bool
    x_day: str | None
    earliest: bool = Field(
        False, description="x_day is the proven earliest (not just the first plan found)"
    )
    holds: bool | None


class Certificate(BaseModel):
    """The evidence on one side of the threshold."""

    value: str
    holds: bool
    verdict: str
    x_day: str | None = None
    decision_day: str | None = None
    conflict: list[str] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)
    result: Result | None = Field(
        None, description="The full result (a verified plan on the go side)."
    )


class Breakeven(BaseModel):
    """The threshold of one lever for a target, with its evidence and the solves it took."""

    case: str
    scenario: str | None
    lever: str
    kind: str
    target: str
    range: list[str]
    step: str
    method: str = Field(
        "bisection",
        description="bisection (the answer is monotone in the "
        "lever) | scan (not guaranteed: every value of the range was solved)",
    )
    scan_reason: str | None = Field(
        None,
        description="Why the lever was scanned: why monotonicity is not guaranteed on this case",
    )
    outcome: str = Field(description="threshold | always | never | not-monotone | undecided")
    direction: str | None = Field(
        None, description="up: larger values meet the target; down: smaller ones"
    )
    threshold: str | None = None
    bracket: list[str] = Field(
        default_factory=list, description="[value that fails, value that meets the target]"
    )
    message: str
    witnesses: list[Evaluation] = Field(
        default_factory=list,
        description="With not-monotone: the values whose answers show it "
        "(two: the value that should do better, then the one with the worse answer; three when "
        "bisection finds both ends agreeing and the middle not)",
    )
    meets: Certificate | None = None
    fails: Certificate | None = None
    evaluations: list[Evaluation] = Field(default_factory=list)
    solves: int = Field(0, description="Solves of the lever values (X-Day only)")
    certificate_solves: int = Field(
        0,
        description="Solves for the certificates: the full plan at the threshold "
        "(and, for an X-Day target, the earliest X-Day just past it)",
    )
    explanation_checks: int = Field(
        0, description="Feasibility checks for the conflict just past it"
    )

    @property
    def total_solves(self) -> int:
        return self.solves + self.certificate_solves + self.explanation_checks


@dataclass
class _Point:
    loaded: LoadedCase
    inst: Instance
    answer: EarliestX
    holds: bool | None


class _Search:
    """Evaluates lever values once each, remembering every answer. A bisection asks the target's
    yes/no question; a scan (`earliest`) proves each value's earliest X-Day, so answers compare."""

    def __init__(
        self,
        loaded: LoadedCase,
        grid: Grid,
        target: Target,
        options: SolveOptions,
        earliest: bool = False,
    ) -> None:
        self.loaded, self.grid, self.target, self.options = loaded, grid, target, options
        self.earliest = earliest
        self.points: dict[int, _Point] = {}

    def at(self, k: int) -> _Point:
        if k not in self.points:
            loaded = with_overrides(self.loaded, {self.grid.path: self.grid.value(k)}, ORIGIN)
            inst = Instance(loaded.case)
            answer = (
                earliest_x_day(inst, self.options)
                if self.earliest
                else self.target.ask(inst, self.options)
            )
            self.points[k] = _Point(loaded, inst, answer, self.target.holds(inst, answer))
        return self.points[k]

    def _verdict(self, p: _Point) -> str:
        if p.answer.plan is not None:
            return "GO"
        if p.answer.status != Status.INFEASIBLE:
            return p.answer.status.value
        return "NO-GO" if self.target.by is None else f"no X-Day by {self.target.by.isoformat()}"

    def evaluation(self, k: int) -> Evaluation:
        p = self.points[k]
        x = p.answer.x_day
        return Evaluation(
            value=self.grid.text(k),
            status=p.answer.status.value,
            verdict=self._verdict(p),
            go=p.answer.plan is not None,
            x_day=p.inst.case.date(x).isoformat() if x is not None else None,
            earliest=p.answer.status == Status.OPTIMAL,
            holds=p.holds,
        )

    def evaluations(self) -> list[Evaluation]:
        return [self.evaluation(k) for k in sorted(self.points)]


def breakeven(
    loaded: LoadedCase,
    path: str,
    target: Target,
    grid: Grid,
    options: SolveOptions,
    certify: bool = True,
    max_scan: int = MAX_SCAN,
) -> Breakeven:
    """The value of the lever at which the answer flips to meeting the target: by bisection
    where the answer is monotone in the lever, by solving every value where that is not
    guaranteed (`monotonicity_doubt`)."""
    doubt = monotonicity_doubt(loaded.case, path)
    if doubt is not None:
        return _scan(loaded, path, target, grid, options, doubt, certify, max_scan)
    search = _Search(loaded, grid, target, options)
    n = grid.steps
    low, high = search.at(0), search.at(n)
    base = _head(loaded, path, target, grid)

    def done(outcome: str, message: str, **extra: Any) -> Breakeven:
        return Breakeven(
            **base,
            outcome=outcome,
            message=message,
            evaluations=search.evaluations(),
            solves=len(search.points),
            **extra,
        )

    if low.holds is None or high.holds is None:
        k = 0 if low.holds is None else n
        return done(
            "undecided",
            f"No answer within the time limit at {path} = {grid.text(k)}; raise --time-limit.",
        )
    if low.holds == high.holds:
        middle = search.at(n // 2) if n >= 2 else None
        if middle is not None and middle.holds is not None and middle.holds != low.holds:
            return done(
                "not-monotone",
                f"Not monotone: the target is {_met(low.holds)} at both "
                f"ends of the range but {_met(middle.holds)} at {grid.text(n // 2)}; "
                "narrow --range or scan it with `kantokuen sweep`.",
                witnesses=[search.evaluation(k) for k in (0, n // 2, n)],
            )
        outcome = "always" if low.holds else "never"
        advice = (
            "widen --range, or run `kantokuen explain` at the loose end to see what else stands in "
            "the way"
            if not low.holds
            else "the threshold, if any, lies outside the range"
        )
        return done(
            outcome,
            f"No threshold in {grid.text(0)} .. {grid.text(n)}: the target ({target.text}) is "
            f"{_met(low.holds)} at both ends (and, the answer being monotone, in between); "
            f"{advice}.",
        )
    good, bad = (n, 0) if high.holds else (0, n)
    direction = "up" if high.holds else "down"
    while abs(good - bad) > 1:
        mid = (good + bad) // 2
        point = search.at(mid)
        if point.holds is None:
            return done(
                "undecided",
                f"No answer within the time limit at {path} = {grid.text(mid)}; the "
                f"threshold lies between {grid.text(bad)} and {grid.text(good)}.",
                direction=direction,
                bracket=[grid.text(bad), grid.text(good)],
            )
        good, bad = (mid, bad) if point.holds else (good, mid)
    pair = x_day_contradiction(search, good > bad)
    extra = _threshold(search, good, bad, certify)
    if pair:
        said = _contradiction(search, *pair, " (closer to the side that meets the target)")
        return done(
            "not-monotone",
            said + " " + extra.pop("message"),
            witnesses=[search.evaluation(k) for k in pair],
            **extra,
        )
    return done("threshold", extra.pop("message"), **extra)


def _head(loaded: LoadedCase, path: str, target: Target, grid: Grid) -> dict[str, Any]:
    """What every answer starts with: the case, the lever, the target and the range."""
    return {
        "case": loaded.case.name,
        "scenario": loaded.scenario,
        "lever": path,
        "kind": grid.kind,
        "target": target.text,
        "range": [grid.text(0), grid.text(grid.steps)],
        "step": grid.step_text,
    }


def _threshold(search: _Search, good: int, bad: int, certify: bool) -> dict[str, Any]:
    """The threshold between adjacent values `bad` (misses the target) and `good` (meets it),
    its message, and the certificates on both sides."""
    grid = search.grid
    direction = "up" if good > bad else "down"
    if grid.kind == "date":
        word = "on or after" if direction == "up" else "on or before"
    else:
        word = "at least" if direction == "up" else "at most"
    message = (
        f"The target ({search.target.text}) is met for {grid.path} {word} "
        f"{grid.text(good)}, and missed at {grid.text(bad)}."
    )
    extra: dict[str, Any] = {
        "message": message,
        "direction": direction,
        "threshold": grid.text(good),
        "bracket": [grid.text(bad), grid.text(good)],
    }
    if certify:
        meets, fails, cert_solves, checks = certificates(search, good, bad, search.options)
        extra.update(
            meets=meets, fails=fails, certificate_solves=cert_solves, explanation_checks=checks
        )
    return extra


def _scan(
    loaded: LoadedCase,
    path: str,
    target: Target,
    grid: Grid,
    options: SolveOptions,
    doubt: Doubt,
    certify: bool,
    max_scan: int,
) -> Breakeven:
    """Solve every value of the grid (at most `max_scan`: a larger grid gets a coarser step) and
    read the answers as they are: a threshold where the target flips once, and "not monotone"
    with two witnesses wherever a value that should help more has a worse answer."""
    values = grid.steps + 1
    coarser = ""
    if values > max_scan:
        factor = math.ceil(grid.steps / max(1, max_scan - 1))
        grid = Grid(grid.path, grid.kind, grid.lo, grid.hi, grid.step * factor)
        coarser = (
            f" The range holds {values} values, more than the {max_scan} solves a scan "
            f"may take, so only one value in {factor} was solved (step {grid.step_text}); "
            "narrow --range for a finer answer."
        )
    search = _Search(loaded, grid, target, options, earliest=True)
    n = grid.steps
    points = [search.at(k) for k in range(n + 1)]
    scanned = (
        f"The answer is not guaranteed monotone in {path} here ({doubt.reason}), so "
        f"the range was solved value by value instead of bisecting.{coarser}"
    )
    base = {**_head(loaded, path, target, grid), "method": "scan", "scan_reason": doubt.reason}
    pair = _against(search, doubt.helps)
    witnesses = [search.evaluation(k) for k in pair] if pair else []
    lead = _contradiction(search, *pair) + " " if pair else ""

    def done(outcome: str, message: str, **extra: Any) -> Breakeven:
        if pair and outcome != "undecided":
            outcome = "not-monotone"
        return Breakeven(
            **base,
            outcome=outcome,
            message=lead + message + " " + scanned,
            witnesses=witnesses,
            evaluations=search.evaluations(),
            solves=len(search.points),
            **extra,
        )

    undecided = [grid.text(k) for k, p in enumerate(points) if p.holds is None]
    if undecided:
        return done(
            "undecided",
            f"No answer within the time limit at {path} = "
            f"{', '.join(undecided)}; raise --time-limit.",
        )
    holds = [bool(p.holds) for p in points]
    flips = [k for k in range(1, n + 1) if holds[k] != holds[k - 1]]
    if not flips:
        return done(
            "always" if holds[0] else "never",
            f"No threshold in {grid.text(0)} .. "
            f"{grid.text(n)}: the target ({target.text}) is {_met(holds[0])} at every "
            "value.",
        )
    if len(flips) > 1:
        met = ", ".join(_runs(grid, [k for k in range(n + 1) if holds[k]]))
        return done(
            "not-monotone", f"No single threshold: the target ({target.text}) is met only at {met}."
        )
    k = flips[0]
    good, bad = (k, k - 1) if holds[k] else (k - 1, k)
    extra = _threshold(search, good, bad, certify)
    return done("threshold", extra.pop("message"), **extra)


def _runs(grid: Grid, ks: list[int]) -> list[str]:
    """Grid indexes as runs of consecutive values: '1941-07-02 .. 1941-07-05', '1941-07-09'."""
    runs: list[list[int]] = []
    for k in ks:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return [
        grid.text(r[0]) if len(r) == 1 else f"{grid.text(r[0])} .. {grid.text(r[-1])}" for r in runs
    ]


def _met(holds: bool) -> str:
    return "met" if holds else "missed"


def _worse(after: EarliestX, before: EarliestX) -> bool:
    """`after` is a proven worse answer than `before`: a no-go against a go, or a later
    earliest X-Day (only proven-optimal X-Days compare)."""
    if after.status == Status.INFEASIBLE:
        return before.plan is not None
    return (
        after.status == before.status == Status.OPTIMAL
        and after.x_day is not None
        and before.x_day is not None
        and after.x_day > before.x_day
    )


def _against(search: _Search, helps: str) -> tuple[int, int] | None:
    """Two values whose answers contradict the lever helping in direction `helps`: walking the
    grid the helpful way, the first value with a worse answer than the best before it, and that
    best one (the nearest, on ties). Answers not proven (time limit) are left out."""
    best: int | None = None
    for k in sorted(search.points, reverse=helps == "down"):
        answer = search.points[k].answer
        if answer.status not in (Status.OPTIMAL, Status.INFEASIBLE):
            continue
        if best is not None and _worse(answer, search.points[best].answer):
            return best, k
        best = k  # at least as good as every value before it
    return None


def x_day_contradiction(search: _Search, good_is_up: bool) -> tuple[int, int] | None:
    """A sign that the answer is not monotone: toward the side that meets the target, X-Day
    must never get later (only proven-optimal X-Days are compared). Returns the two values:
    the one with the earlier X-Day, then the one closer to that side with a later X-Day."""
    points = sorted(
        (k, p)
        for k, p in search.points.items()
        if p.answer.plan is not None and p.answer.status == Status.OPTIMAL
    )
    if not good_is_up:
        points.reverse()
    for (k1, p1), (k2, p2) in zip(points, points[1:], strict=False):
        if _worse(p2.answer, p1.answer):
            return k1, k2
    return None


def _answer_text(search: _Search, k: int) -> str:
    e = search.evaluation(k)
    if e.x_day is None:
        return e.verdict
    return f"GO with X-Day {e.x_day}" + ("" if e.earliest else " (first plan found)")


def _contradiction(search: _Search, before: int, after: int, toward: str = "") -> str:
    """The two witnesses in words: `after` lies further the way the lever should help
    (`toward` says why, when the reason is not given elsewhere), and its answer is worse."""
    grid = search.grid
    if grid.kind == "date":
        further = "later" if after > before else "earlier"
    else:
        further = "larger" if after > before else "smaller"
    return (
        f"Not monotone: {grid.path} = {grid.text(before)} gives "
        f"{_answer_text(search, before)}, but {grid.text(after)}, {further}{toward}, gives "
        f"{_answer_text(search, after)}."
    )


def certificates(
    search: _Search, good: int, bad: int, options: SolveOptions
) -> tuple[Certificate, Certificate, int, int]:
    """The verified plan at the threshold; just past it, the conflict (no-go) or, for an X-Day
    target, the earliest X-Day it does get (already known after a scan)."""
    grid = search.grid
    p = search.points[good]
    outcome = plan_case(p.inst, options)
    solves = 1
    result = build_result(p.loaded, p.inst, outcome, options, [], [])
    meets = Certificate(
        value=grid.text(good),
        holds=True,
        verdict=_result_verdict(result),
        x_day=result.x_day,
        decision_day=result.decision_day,
        result=result,
    )
    q = search.points[bad]
    by = search.target.by
    later = None
    if by is not None:
        later = q.answer if search.earliest else earliest_x_day(q.inst, options)
        solves += 0 if search.earliest else 1
    if later is not None and later.plan is not None:
        x = q.inst.case.date(later.plan.x_day)
        proof = (
            "the earliest possible"
            if later.status == Status.OPTIMAL
            else "the best found within the time limit"
        )
        fails = Certificate(
            value=grid.text(bad),
            holds=False,
            verdict="GO",
            x_day=x.isoformat(),
            explanation=[f"No X-Day on or before {by} is possible (proven); X-Day {x} is {proof}."],
        )
        return meets, fails, solves, 0
    if q.answer.status != Status.INFEASIBLE or (
        later is not None and later.status != Status.INFEASIBLE
    ):
        fails = Certificate(
            value=grid.text(bad),
            holds=False,
            verdict="NO ANSWER",
            explanation=["No answer within the time limit just past the threshold."],
        )
        return meets, fails, solves, 0
    core = minimal_conflict(q.inst, time_limit=options.time_limit)
    fails = Certificate(
        value=grid.text(bad),
        holds=False,
        verdict="NO-GO",
        conflict=list(core.members) or ["movement"],
        explanation=describe(q.inst, core),
    )
    return meets, fails, solves, core.checks


def _result_verdict(result: Result) -> str:
    if result.go:
        return "GO"
    return "NO-GO" if result.status == Status.INFEASIBLE else f"NO ANSWER ({result.status.value})"
