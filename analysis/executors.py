"""Where sweep points run: a local process pool, or a Dask distributed cluster.

Both executors follow the same rules:
- the base case travels to each worker once per sweep (pool initializer / Dask broadcast
  scatter); a point travels as its few lever values, and comes back as a small dict;
- points are submitted in a bounded window, so Ctrl-C (the `stop` callable turning true) stops
  submitting at once and little is in flight; in-flight points are abandoned, never half-stored;
- a point whose worker dies is retried elsewhere; a point that raises is retried; one that keeps
  failing comes back as `{"error": message}` and the sweep goes on;
- results are yielded to the caller (the client process), which alone writes the store.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from kantokuen.models.errors import CaseError, Problem

if TYPE_CHECKING:
    from kantokuen.analysis.sweep_point import SolvePoint
    from kantokuen.analysis.sweep_spec import Point
    from kantokuen.models.scenarios import LoadedCase
    from kantokuen.planner.solve import SolveOptions

#: Tries of a point that raises (not a bad-input answer) before it is recorded as an error.
ATTEMPTS = 3
Outcome = dict[str, Any]


def _error(message: str) -> Outcome:
    return {"error": message}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --- local: a process pool --------------------------------------------------------------------

# Set once per worker process by the pool initializer: the case is sent once, not per point.
_WORKER: tuple[Any, Any, Any] | None = None


def _init_worker(
    base: LoadedCase, options: SolveOptions, solve: SolvePoint, client: Connection
) -> None:
    global _WORKER
    _leave_terminal_group()
    threading.Thread(target=_exit_with_client, args=(client,), daemon=True).start()
    _WORKER = (base, options, solve)


def _leave_terminal_group() -> None:
    """Ctrl-C in a terminal signals every process of the foreground group; only the client may
    act on it. A worker leaves the group (and ignores SIGINT): CP-SAT would otherwise catch the
    signal mid-solve and return a truncated answer, or abort in a non-main thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.setpgrp()


def _exit_with_client(client: Connection) -> None:
    """End this worker when the client is gone (its end of the pipe closes, even on SIGKILL):
    a pool worker would otherwise wait for work forever."""
    with contextlib.suppress(EOFError, OSError):
        client.recv()
    os._exit(1)


def _run_point(levers: dict[str, Any]) -> Outcome:
    assert _WORKER is not None, "worker not initialized"
    base, options, solve = _WORKER
    outcome: Outcome = solve(base, levers, options)
    return outcome


class LocalExecutor:
    """Points on `workers` local processes (concurrent.futures.ProcessPoolExecutor).

    Workers are forked from a fresh fork server (not from the client, whose threads and open
    store lock they must not inherit). If a worker process dies, the pool breaks and every point
    in flight is lost: those points are re-run one at a time, so only a point that kills its
    worker again is charged, and after two such deaths it is recorded as an error.
    """

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._alive: Connection | None = None

    def _pool(
        self, base: LoadedCase, options: SolveOptions, solve: SolvePoint
    ) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(
            ["kantokuen.analysis.sweep_point", "kantokuen.planner.result"]
        )
        # Only this process holds `alive`: when it dies, every worker sees the pipe close.
        watch, self._alive = context.Pipe(duplex=False)
        return ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(base, options, solve, watch),
        )

    def run(
        self,
        base: LoadedCase,
        options: SolveOptions,
        solve: SolvePoint,
        points: Iterable[Point],
        stop: Callable[[], bool],
    ) -> Iterator[tuple[Point, Outcome]]:
        todo = deque(points)
        suspects: deque[Point] = deque()  # in flight when a worker died: re-run one at a time
        solo: Point | None = None  # the suspect now running alone
        attempts: dict[str, int] = {}
        deaths: dict[str, int] = {}
        running: dict[Future[Outcome], Point] = {}
        window = 2 * self.workers
        pool = self._pool(base, options, solve)
        finished = False
        try:
            while todo or suspects or running:
                if stop():
                    return
                broken = False
                try:
                    if suspects and not running:
                        solo = suspects.popleft()
                        running[pool.submit(_run_point, solo.levers)] = solo
                    while not suspects and todo and len(running) < window:
                        running[pool.submit(_run_point, todo[0].levers)] = todo[0]
                        todo.popleft()
                except BrokenProcessPool:
                    broken = True
                done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    point = running.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if point is solo:  # it ran alone: the death is its own
                            deaths[point.key] = deaths.get(point.key, 0) + 1
                            if deaths[point.key] >= 2:
                                yield (
                                    point,
                                    _error(
                                        "the worker process died while solving this point "
                                        "(twice, alone); see the system log (out of memory?)"
                                    ),
                                )
                                continue
                        suspects.append(point)
                        continue
                    except Exception as exc:  # raised by the solve: retry, then record
                        attempts[point.key] = attempts.get(point.key, 0) + 1
                        if attempts[point.key] < ATTEMPTS:
                            todo.appendleft(point)
                            continue
                        outcome = _error(f"failed {ATTEMPTS} times: {_describe(exc)}")
                    yield point, outcome
                if broken:
                    suspects.extend(running.values())
                    running.clear()
                    _terminate(pool)
                    pool = self._pool(base, options, solve)
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:
                _terminate(pool)
            if self._alive is not None:
                self._alive.close()


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel queued points and end the worker processes (their points are
    lost)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


# --- Dask distributed -------------------------------------------------------------------------


class DaskExecutor:
    """Points as tasks on a Dask cluster: `scheduler` (tcp://host:port), or a LocalCluster here.

    The case is scattered to every worker once (broadcast); each point is a task with
    `retries=ATTEMPTS-1` (for exceptions), and the scheduler moves a point whose worker dies to
    another worker (up to `distributed.scheduler.allowed-failures` deaths, then KilledWorker,
    which is recorded as an error). Results stream back through `as_completed`.
    """

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        quiet: bool = True,
        connect_timeout: float = 15.0,
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self.quiet = quiet
        self.connect_timeout = connect_timeout

    def _connect(self) -> tuple[Any, Any]:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise CaseError(
                Problem(
                    "--executor dask needs the 'distributed' package",
                    hint="pip install -e '.[dask]'",
                )
            ) from None
        if self.quiet:
            logging.getLogger("distributed").setLevel(logging.ERROR)
        if self.scheduler is None:
            # Workers run `dask_setup` below (a preload): Ctrl-C must reach only the client.
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                preload=[__name__],
                silence_logs=logging.CRITICAL if self.quiet else False,
            )
            return cluster, Client(cluster)
        try:
            client = Client(self.scheduler, timeout=self.connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise CaseError(
                Problem(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc}",
                    path="--scheduler",
                    hint="start one with `dask scheduler` and give its tcp://HOST:PORT",
                )
            ) from None
        try:
            client.wait_for_workers(1, timeout=60)
        except (OSError, TimeoutError):
            client.close()
            raise CaseError(
                Problem(
                    f"no Dask worker joined the scheduler at {self.scheduler} within 60 s",
                    path="--scheduler",
                    hint=f"start workers with `dask worker {self.scheduler} --nthreads 1`",
                )
            ) from None
        return None, client

    def run(
        self,
        base: LoadedCase,
        options: SolveOptions,
        solve: SolvePoint,
        points: Iterable[Point],
        stop: Callable[[], bool],
    ) -> Iterator[tuple[Point, Outcome]]:
        from distributed import as_completed

        cluster, client = self._connect()
        pending: dict[str, tuple[Any, Point]] = {}
        try:
            # Once per sweep: every worker gets the case now; workers that join later fetch it
            # from a peer when their first point needs it.
            case = client.scatter(base, broadcast=True, hash=False)
            todo = iter(points)
            ready = as_completed()
            window, checked = _window(client), time.monotonic()
            exhausted = False
            while True:
                while not exhausted and len(pending) < window and not stop():
                    point = next(todo, None)
                    if point is None:
                        exhausted = True
                        break
                    future = client.submit(
                        solve,
                        case,
                        point.levers,
                        options,
                        key=f"kantokuen-point-{point.key}",
                        retries=ATTEMPTS - 1,
                    )
                    pending[future.key] = (future, point)
                    ready.add(future)
                if stop() or not pending:
                    return
                if not ready.has_ready():
                    time.sleep(0.05)
                    continue
                for future in ready.next_batch(block=False):
                    if (
                        stop()
                    ):  # a point lost to the interruption is not an error: leave it unsolved
                        return
                    _, point = pending.pop(future.key)
                    yield point, _dask_outcome(future)
                if time.monotonic() - checked > 5:  # the cluster may have grown or shrunk
                    window, checked = _window(client), time.monotonic()
        finally:
            if pending:
                client.cancel([f for f, _ in pending.values()], force=True)
            client.close()
            if cluster is not None:
                cluster.close()


def dask_setup(worker: Any) -> None:
    """Dask preload hook, run by each LocalCluster worker process as it starts: leave the
    terminal's process group, so Ctrl-C reaches only the client (which cancels their points)."""
    if threading.current_thread() is threading.main_thread():
        _leave_terminal_group()


def _window(client: Any) -> int:
    """Points in flight: enough to keep every worker thread busy, few enough to stop quickly."""
    threads: int = sum(client.nthreads().values())
    return max(8, 4 * threads)


def _dask_outcome(future: Any) -> Outcome:
    """A finished Dask future as an outcome: its result, or the reason it failed for good."""
    try:
        outcome: Outcome = future.result()
        return outcome
    except Exception as raised:  # the point failed for good; say why
        exc = raised
    if future.cancelled() or type(exc).__name__ == "FutureCancelledError":
        return _error(
            f"cancelled by the Dask scheduler (the case data may have been lost with its workers): "
            f"{_describe(exc)}"
        )
    if type(exc).__name__ == "KilledWorker":
        return _error(f"Dask workers died while solving this point, too many times: {exc}")
    return _error(f"failed {ATTEMPTS} times: {_describe(exc)}")


def make_executor(
    kind: str, workers: int | None, scheduler: str | None
) -> LocalExecutor | DaskExecutor:
    """The executor named on the command line (`--scheduler` implies Dask)."""
    if scheduler and kind != "dask":
        raise CaseError(Problem("it needs --executor dask", "--scheduler"))
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    return LocalExecutor(workers)
