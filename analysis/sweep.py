"""Sweeps: a grid over levers, each point solved independently, every answer stored as it lands.

A sweep is the product of one or more `--vary LEVER=SPEC` axes on top of a base case (the file, an
optional scenario and `--set`s). Each point is the base with `with_overrides(base, {lever: value},
"--vary")`, solved and verified like `planner.result.solve` (less the no-go explanation, see
`solve_point`) with ONE CP-SAT worker and a fixed seed, so a point's answer does not depend on how
many points run beside it or where (local processes or a Dask cluster): a resumed or distributed
sweep gives the same numbers.

A point is identified by `point_key` = hash(base case hash, lever values, seed, CP-SAT workers).
Running the same sweep again skips stored keys; `--retry-failed` solves errors and no-answers
(TIME_LIMIT/UNKNOWN) again. See `analysis.store` for what makes the store crash-safe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol

from kantokuen.analysis import store as st
from kantokuen.models import __version__
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.loader import MAX_INT, read_value, shown
from kantokuen.models.scenarios import LoadedCase, with_overrides

if TYPE_CHECKING:
    from kantokuen.planner.solve import SolveOptions

#: CP-SAT workers per point: one, so answers are independent of parallelism (and deterministic).
POINT_CP_WORKERS = 1
#: The most points one sweep may have (a typo in a step should not try to enumerate a billion).
MAX_POINTS = 1_000_000
SPEC_HINT = (
    "ranges are START:END:STEP with END included (0.3:0.9:0.1, 1941-06-25:1941-08-01:7d), "
    "lists are a,b,c"
)

# --- axes: parsing `--vary LEVER=SPEC` --------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """One varied lever: its dotted path and the values it takes, in order."""

    path: str
    values: tuple[Any, ...]
    spec: str


def _spec_error(text: str, why: str) -> CaseError:
    return CaseError(Problem(why, "--vary", path=shown(text, 80), hint=SPEC_HINT))


def parse_vary(text: str) -> Axis:
    """`levers.north_share=0.3:0.9:0.1` → Axis('levers.north_share', (0.3, 0.4, ..., 0.9))."""
    if "=" not in text:
        raise _spec_error(text, "not of the form LEVER=SPEC")
    path, spec = (part.strip() for part in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise _spec_error(text, "empty lever name")
    if not spec:
        raise _spec_error(text, "no values")
    return Axis(path, parse_spec(text, spec), spec)


def parse_spec(text: str, spec: str) -> tuple[Any, ...]:
    """Values of a SPEC: `start:end:step` (numbers or dates, end included) or a list `a,b,c`."""
    parts = spec.split(":")
    if len(parts) == 3:
        start, end, step = (p.strip() for p in parts)
        if _DATE.fullmatch(start) or _DATE.fullmatch(end):
            return date_range(text, start, end, step)
        return number_range(text, start, end, step)
    if len(parts) == 2:
        raise _spec_error(text, "a range needs a step: START:END:STEP")
    if len(parts) > 3:
        raise _spec_error(text, "too many ':'")
    values = tuple(_list_item(text, item) for item in spec.split(","))
    if len(set(map(_canonical_json, values))) != len(values):
        raise _spec_error(text, "a value is listed twice")
    return values


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAYS = re.compile(r"(\d+)\s*([dw]?)")


def _list_item(text: str, item: str) -> Any:
    """An explicit value, read by the rules of a case file like `--set` (numbers, dates, text;
    no tags, bounded numbers)."""
    item = item.strip()
    if not item:
        raise _spec_error(text, "empty value in the list")
    try:
        value = read_value(item, "--vary")
    except CaseError as exc:
        raise _spec_error(
            text, f"cannot read the value '{shown(item)}': {exc.problems[0].message}"
        ) from None
    if value is None or isinstance(value, list | dict):
        raise _spec_error(text, f"'{shown(item)}' is not a single value")
    return value


def number_range(text: str, start: str, end: str, step: str) -> tuple[float | int, ...]:
    """Inclusive numeric range, computed in decimal so 0.3:0.9:0.1 ends exactly at 0.9."""
    try:
        a, b, s = Decimal(start), Decimal(end), Decimal(step)
    except InvalidOperation:
        raise _spec_error(
            text, "START, END and STEP must be numbers (or START and END dates)"
        ) from None
    if not all(d.is_finite() and abs(d) <= MAX_INT for d in (a, b, s)):
        raise _spec_error(text, f"numbers must be finite and at most {MAX_INT:,} in size")
    _check_range(text, a <= b, s > 0, int((b - a) / s) + 1 if s > 0 else 0)
    count = int((b - a) / s) + 1
    values = [a + i * s for i in range(count)]
    if (
        all(d == d.to_integral_value() for d in (a, s))
        and "." not in start + step
        and "e" not in (start + step).lower()
    ):
        return tuple(int(v) for v in values)
    return tuple(float(v) for v in values)


def date_range(text: str, start: str, end: str, step: str) -> tuple[dt.date, ...]:
    """Inclusive date range with a step in days (`7d`, `7`) or weeks (`2w`)."""
    try:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise _spec_error(text, "START and END must both be dates YYYY-MM-DD") from None
    match = _DAYS.fullmatch(step)
    if not match:
        raise _spec_error(text, f"date step '{step}' must be days or weeks, e.g. 7d or 2w")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    count = (b - a).days // days + 1 if days > 0 else 0
    _check_range(text, a <= b, days > 0, count)
    return tuple(a + dt.timedelta(days=i * days) for i in range(count))


def _check_range(text: str, ordered: bool, positive: bool, count: int) -> None:
    if not positive:
        raise _spec_error(text, "the step must be positive")
    if not ordered:
        raise _spec_error(text, "START is after END")
    if count > MAX_POINTS:
        raise _spec_error(text, f"more than {MAX_POINTS:,} values")


# --- points and their keys --------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """The value as stored and hashed: dates as ISO text, whole floats as ints (1.0 ≡ 1)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical_json(value: Any) -> str:
    return json.dumps(_canonical(value))


def point_key(case_hash: str, levers: dict[str, Any], seed: int, workers: int) -> str:
    """Identity of a point: same base case, lever values, seed and CP-SAT workers → same answer."""
    canonical = {k: _canonical(v) for k, v in sorted(levers.items())}
    text = json.dumps([case_hash, canonical, seed, workers], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Point:
    key: str
    levers: dict[str, Any]  # dotted path → value, as passed to with_overrides

    def stored_levers(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in self.levers.items()}


@dataclass(frozen=True)
class SweepPlan:
    """A validated grid: the base case, the axes, every point, and how each point is solved."""

    base: LoadedCase
    axes: tuple[Axis, ...]
    points: tuple[Point, ...]
    options: SolveOptions
    case_hash: str = field(default="")


def plan_sweep(
    base: LoadedCase, varies: Iterable[str], time_limit: float = 60.0, seed: int = 0
) -> SweepPlan:
    """Parse the axes, build the grid, and check every point's overrides before anything runs."""
    from kantokuen.planner.solve import SolveOptions

    axes = tuple(parse_vary(text) for text in varies)
    if not axes:
        raise CaseError(
            Problem("nothing to vary", "--vary", hint="give at least one --vary LEVER=SPEC")
        )
    paths = [a.path for a in axes]
    for path in paths:
        if paths.count(path) > 1:
            raise CaseError(
                Problem(
                    f"{path} is given twice", "--vary", hint="give each lever once, with a list"
                )
            )
        clash = next((p for p in paths if p != path and p.startswith(path + ".")), None)
        if clash:
            raise CaseError(
                Problem(f"{path} and {clash} touch the same field", "--vary", hint="keep one")
            )
    size = 1
    for axis in axes:
        size *= len(axis.values)
    if size > MAX_POINTS:
        raise CaseError(
            Problem(
                f"the grid has {size:,} points (at most {MAX_POINTS:,})",
                "--vary",
                hint="use coarser steps or fewer levers",
            )
        )
    options = SolveOptions(time_limit=time_limit, workers=POINT_CP_WORKERS, seed=seed)
    case_hash = base.case_hash
    points = tuple(
        Point(point_key(case_hash, levers, seed, POINT_CP_WORKERS), levers)
        for levers in (
            dict(zip(paths, combo, strict=True))
            for combo in itertools.product(*(a.values for a in axes))
        )
    )
    check_points(base, axes, points)
    return SweepPlan(base, axes, points, options, case_hash)


def check_points(base: LoadedCase, axes: tuple[Axis, ...], points: tuple[Point, ...]) -> None:
    """Every point must make a valid case: unknown lever paths and bad values fail before
    solving."""
    for axis in axes:  # one value per lever first: an unknown path gives one clear line
        _check_point(base, {axis.path: axis.values[0]})
    for point in points:
        _check_point(base, point.levers)


def _check_point(base: LoadedCase, levers: dict[str, Any]) -> None:
    try:
        with_overrides(base, levers, "--vary")
    except CaseError as exc:
        # One line: the first problem of the first bad point names the values that cause it.
        where = ", ".join(f"{k}={_canonical(v)}" for k, v in levers.items())
        first, more = exc.problems[0], len(exc.problems) - 1
        extra = f"; and {more} more problem{'s' * (more > 1)} at this point" if more else ""
        raise CaseError(
            Problem(
                f"{first.message} (with --vary {where}{extra})",
                first.file,
                first.line,
                first.path,
                first.hint,
            )
        ) from None


# --- solving one point (runs in a worker process) ---------------------------------------------


class Details(Protocol):
    """Facts of one solved point beyond the store's columns (planner and verifier types)."""

    def __call__(self, inst: Any, outcome: Any, result: Any) -> dict[str, Any]: ...


class SolvePoint(Protocol):
    def __call__(
        self, base: LoadedCase, levers: dict[str, Any], options: SolveOptions
    ) -> dict[str, Any]: ...


def solve_point(
    base: LoadedCase,
    levers: dict[str, Any],
    options: SolveOptions,
    details: Details | None = None,
) -> dict[str, Any]:
    """Solve one point; the answer as store fields (small, so it travels back cheaply).

    The same steps as `planner.result.solve` (plan, verify, measure the criteria) but without
    the no-go explanation: a minimal conflict costs seconds to tens of seconds per no-go point
    and the store keeps verdicts and margins, not explanations (`kantokuen explain` gives one
    for any point of interest). `details` (a module-level function, so that it travels to the
    workers) adds facts of its own to the store's `details` column, e.g. `explore`'s.

    Bad input and planner bugs give the same answer however often they are retried, so they come
    back as `{"error": ...}` at once; anything else (out of memory, a lost worker) raises, and the
    executor retries it elsewhere before recording it as an error.
    """
    from kantokuen.models.instance import Instance
    from kantokuen.planner.result import build_result
    from kantokuen.planner.solve import PlannerBug, plan_case

    started = time.perf_counter()
    try:
        loaded = with_overrides(base, levers, "--vary")
        inst = Instance(loaded.case)
        outcome = plan_case(inst, options)
        result = build_result(loaded, inst, outcome, options, [], [])
    except CaseError as exc:
        return {
            "error": "; ".join(str(p) for p in exc.problems),
            "solve_seconds": time.perf_counter() - started,
        }
    except PlannerBug as exc:
        return {"error": f"planner bug: {exc}", "solve_seconds": time.perf_counter() - started}
    return {
        "case_name": result.case,
        "status": result.status.value,
        "go": result.go,
        "verified": result.verified,
        "x_day": result.x_day,
        "x_day_index": result.x_day_index,
        "decision_day": result.decision_day,
        "north_share": result.north_share,
        "margins": {c.name: c.margin if c.enabled else None for c in result.criteria},
        "objective": result.objective,
        "gap": x_day_gap(result.status.value, result.objective, result.bound),
        # Wall time of the whole point (case, solve, verification): what a sweep pays for it.
        "solve_seconds": round(time.perf_counter() - started, 3),
        "version": result.version,
        "ortools_version": result.ortools_version,
        "details": details(inst, outcome, result) if details else None,
    }


def x_day_gap(status: str, objective: dict[str, float], bound: dict[str, float]) -> float | None:
    """(objective − bound) / objective for X-Day; None when proven (optimal or no-go) or unknown."""
    if status in ("OPTIMAL", "INFEASIBLE") or "x_day" not in objective or "x_day" not in bound:
        return None
    value, best = objective["x_day"], bound["x_day"]
    return round((value - best) / max(abs(value), 1.0), 6)


def point_row(plan: SweepPlan, point: Point, outcome: dict[str, Any]) -> dict[str, Any]:
    """The store row of a finished point (client side: adds identity, provenance and time)."""
    row: dict[str, Any] = {
        "point_key": point.key,
        "case_name": plan.base.case.name,
        "case_hash": plan.case_hash,
        "scenario": plan.base.scenario,
        "levers": point.stored_levers(),
        "seed": plan.options.seed,
        "workers": plan.options.num_workers,
        "version": __version__,
        "finished_at": st.now(),
    }
    if "error" in outcome:
        row.update(
            status=st.ERROR_STATUS,
            go=None,
            error=str(outcome["error"])[:4000],
            solve_seconds=outcome.get("solve_seconds"),
        )
    else:
        row.update(outcome, error=None)
    return row


# --- running a sweep --------------------------------------------------------------------------


class Executor(Protocol):
    """Runs points somewhere and yields (point, outcome) as each finishes; stops when told."""

    name: str

    def run(
        self,
        base: LoadedCase,
        options: SolveOptions,
        solve: SolvePoint,
        points: Iterable[Point],
        stop: Callable[[], bool],
    ) -> Iterator[tuple[Point, dict[str, Any]]]: ...


class StopFlag:
    """Set by Ctrl-C (SIGINT) or SIGTERM: stop submitting, keep what finished. A second signal
    raises KeyboardInterrupt at once."""

    def __init__(self) -> None:
        self.signal: int | None = None

    def __call__(self) -> bool:
        return self.signal is not None

    def handle(self, signum: int, frame: Any) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum

    @property
    def exit_code(self) -> int:
        return 128 + (self.signal or signal.SIGINT)


@contextmanager
def catch_stop_signals(flag: StopFlag) -> Iterator[StopFlag]:
    """Route SIGINT/SIGTERM to the flag while a sweep runs (main thread only; restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = {s: signal.signal(s, flag.handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@dataclass
class SweepRun:
    """What one run of a sweep did."""

    total: int
    skipped: int
    todo: int
    solved: int = 0
    interrupted: bool = False
    exit_code: int = 0  # 130 after Ctrl-C, 143 after SIGTERM
    run_id: int = 0


class Listener(Protocol):
    def started(self, run: SweepRun) -> None: ...
    def point(self, row: dict[str, Any]) -> None: ...


def run_sweep(
    plan: SweepPlan,
    store: str,
    executor: Executor,
    *,
    retry_failed: bool = False,
    solve: SolvePoint = solve_point,
    listener: Listener | None = None,
    stop: StopFlag | None = None,
    command: str = "",
    meta: dict[str, str] | None = None,
) -> SweepRun:
    """Solve every point of the plan not yet in the store, writing each one as it finishes.

    Holds the store's lock for the whole run; the store is written by this (client) process only.
    `meta` replaces the sweep's own `last_sweep` record (explore records its design instead).
    """
    stop = stop or StopFlag()
    with st.StoreLock(store):
        conn = st.connect(store, create=True)
        try:
            meta = meta or {"last_sweep": _sweep_record(plan, command)}
            return _run_locked(plan, conn, executor, retry_failed, solve, listener, stop, meta)
        finally:
            conn.close()


def _sweep_record(plan: SweepPlan, command: str) -> str:
    """What the store's `last_sweep` says: the case, its overrides, the axes, the command."""
    return json.dumps(
        {
            "case_file": plan.base.file,
            "scenario": plan.base.scenario,
            "overrides": [o.as_json() for o in plan.base.overrides],
            "vary": [f"{a.path}={a.spec}" for a in plan.axes],
            "command": command,
        },
        default=str,
    )


def _run_locked(
    plan: SweepPlan,
    conn: Any,
    executor: Executor,
    retry_failed: bool,
    solve: SolvePoint,
    listener: Listener | None,
    stop: StopFlag,
    meta: dict[str, str],
) -> SweepRun:
    stored = st.stored_points(conn, (p.key for p in plan.points))
    replace = {k for k, s in stored.items() if s.needs_retry} if retry_failed else set()
    todo = [p for p in plan.points if p.key not in stored or p.key in replace]
    run = SweepRun(total=len(plan.points), skipped=len(plan.points) - len(todo), todo=len(todo))
    st.set_meta(conn, meta)
    run.run_id = st.start_run(conn, executor.name, len(todo))
    if listener:
        listener.started(run)
    outcome = "done"
    try:
        with catch_stop_signals(stop):
            for point, answer in executor.run(plan.base, plan.options, solve, todo, stop):
                row = point_row(plan, point, answer)
                st.write_point(conn, run.run_id, row, replace=point.key in replace)
                run.solved += 1
                if listener:
                    listener.point(row)
                if stop():
                    break
        run.interrupted = stop() or run.solved < len(todo)
        run.exit_code = stop.exit_code if run.interrupted else 0
        outcome = "interrupted" if run.interrupted else "done"
    except BaseException:
        outcome = "interrupted"
        raise
    finally:
        st.finish_run(conn, run.run_id, outcome)
    return run


# --- summary ----------------------------------------------------------------------------------


@dataclass
class LeverValueSummary:
    value: Any
    points: int = 0
    go: int = 0
    earliest: str | None = None


@dataclass
class Summary:
    """Go count, earliest X-Day, and a per-lever breakdown of a set of stored points."""

    points: int = 0
    go: int = 0
    no_go: int = 0
    no_answer: int = 0
    errors: int = 0
    earliest: str | None = None
    earliest_levers: list[dict[str, Any]] = field(default_factory=list)
    per_lever: dict[str, list[LeverValueSummary]] = field(default_factory=dict)


def summarize(rows: list[dict[str, Any]], lever_order: list[str] | None = None) -> Summary:
    """Count verdicts, find the earliest X-Day (and every point reaching it), break down by
    lever."""
    summary = Summary(points=len(rows))
    paths = lever_order or st.lever_paths(rows)
    cells: dict[str, dict[str, LeverValueSummary]] = {p: {} for p in paths}
    for row in rows:
        if row.get("error"):
            summary.errors += 1
        elif row.get("go"):
            summary.go += 1
        elif row.get("status") == "INFEASIBLE":
            summary.no_go += 1
        else:
            summary.no_answer += 1
        x_day = row.get("x_day") if row.get("go") else None
        if x_day and (summary.earliest is None or x_day < summary.earliest):
            summary.earliest, summary.earliest_levers = x_day, []
        if x_day and x_day == summary.earliest:
            summary.earliest_levers.append(row.get("levers") or {})
        for path in paths:
            value = (row.get("levers") or {}).get(path)
            cell = cells[path].setdefault(_canonical_json(value), LeverValueSummary(value))
            cell.points += 1
            if x_day:
                cell.go += 1
                cell.earliest = min(cell.earliest or x_day, x_day)
    summary.per_lever = {
        p: sorted(c.values(), key=lambda c: _sort_key(c.value)) for p, c in cells.items()
    }
    return summary


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool) or value is None:
        return (2, str(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


# --- terminal view ----------------------------------------------------------------------------


class SweepProgress:
    """A rich progress bar with ETA, counting go answers as points land."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = console
        self.progress = Progress(
            TextColumn("[bold]sweep[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[go]} go, {task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: Any = None
        self.go = self.failed = 0

    def started(self, run: SweepRun) -> None:
        if run.skipped:
            self.console.print(
                f"{run.skipped} of {run.total} points already in the store; solving {run.todo}."
            )
        self.task = self.progress.add_task("sweep", total=run.todo, go=0, failed=0)
        self.progress.start()

    def point(self, row: dict[str, Any]) -> None:
        self.go += bool(row.get("go"))
        self.failed += bool(row.get("error"))
        self.progress.update(self.task, advance=1, go=self.go, failed=self.failed)

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()
