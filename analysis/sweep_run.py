"""Running a sweep: every point of the plan not yet in the store is solved by an executor and
written as it lands; Ctrl-C or SIGTERM stops submitting and keeps what finished; a rerun resumes.

Running the same sweep again skips stored keys; `--retry-failed` solves errors and no-answers
(TIME_LIMIT/UNKNOWN) again. See `analysis.store` for what makes the store crash-safe.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kantokuen.analysis import store as st
from kantokuen.analysis.sweep_point import SolvePoint, solve_point
from kantokuen.analysis.sweep_spec import Point, SweepPlan
from kantokuen.models import __version__
from kantokuen.models.scenarios import LoadedCase

if TYPE_CHECKING:
    from kantokuen.planner.solve import SolveOptions


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
    synced = time.monotonic()
    try:
        with catch_stop_signals(stop):
            for point, answer in executor.run(plan.base, plan.options, solve, todo, stop):
                row = point_row(plan, point, answer)
                st.write_point(conn, run.run_id, row, replace=point.key in replace)
                if time.monotonic() - synced >= st.DURABLE_SECONDS:
                    st.make_durable(conn)
                    synced = time.monotonic()
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
