"""Sweeps on Dask: a real scheduler and workers on loopback, a worker killed mid-sweep, and the
same answers as the local process pool."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kantokuen.analysis import store as st
from kantokuen.analysis.executors import DaskExecutor, LocalExecutor
from kantokuen.analysis.sweep import plan_sweep, run_sweep
from kantokuen.models.errors import CaseError
from kantokuen.models.scenarios import load
from tests.analysis.test_sweep import flaky_solve

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
TEACHING = str(ROOT / "cases" / "teaching" / "two_divisions.yaml")
GRID = ["levers.north_share=0.3:0.7:0.005", "levers.withdrawal_scale=0.5,2"]  # 162 points
SAME = (
    "levers",
    "status",
    "go",
    "x_day",
    "x_day_index",
    "decision_day",
    "north_share",
    "margins",
    "objective",
    "gap",
    "case_hash",
    "case_name",
    "seed",
    "workers",
    "error",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """`dask scheduler` and two `dask worker --nthreads 1` processes on 127.0.0.1."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [
        spawn(
            [
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                address.rsplit(":", 1)[1],
                "--no-dashboard",
            ],
            tmp_path / "scheduler.log",
        )
    ]
    workers = [
        spawn(
            [
                "distributed.cli.dask_worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--name",
                f"w{i}",
                "--death-timeout",
                "60",
            ],
            tmp_path / f"worker{i}.log",
        )
        for i in range(2)
    ]
    procs += workers
    try:
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for proc in reversed(procs):
            stop(proc)


def rows_by_key(store: Path) -> dict[str, dict[str, Any]]:
    return {r["point_key"]: r for r in st.read_points(str(store))}


def test_worker_killed_mid_sweep_loses_nothing_and_matches_local(
    tmp_path: Path, cluster: tuple[str, list[Any]]
) -> None:
    """Issue 9 done-when: every point exactly once in the store, identical to a local sweep."""
    address, workers = cluster
    local = tmp_path / "local.sqlite"
    plan = plan_sweep(load(TEACHING), GRID)
    run_sweep(plan, str(local), LocalExecutor(2))
    store = tmp_path / "dask.sqlite"
    sweep = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kantokuen.cli",
            "sweep",
            TEACHING,
            "--vary",
            GRID[0],
            "--vary",
            GRID[1],
            "--store",
            str(store),
            "--executor",
            "dask",
            "--scheduler",
            address,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        at_kill = _wait_for_rows(store, sweep, len(plan.points) // 4)
        workers[0].kill()  # SIGKILL: whatever it was solving is lost with it
        workers[0].wait(10)
        out, err = sweep.communicate(timeout=120)
    finally:
        stop(sweep)
    assert sweep.returncode == 0, err
    assert at_kill < len(plan.points), "the worker must die while the sweep runs"
    got = rows_by_key(store)
    assert len(st.read_points(str(store))) == len(plan.points) == len(got)
    assert set(got) == {p.key for p in plan.points}
    want = rows_by_key(local)
    for key, row in got.items():
        assert {f: row[f] for f in SAME} == {f: want[key][f] for f in SAME}, row["levers"]
    assert st.read_runs(str(store))[0]["executor"] == "dask"


def _wait_for_rows(store: Path, proc: subprocess.Popen[str], count: int) -> int:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if store.exists():
            with sqlite3.connect(store) as conn:
                try:
                    stored = int(conn.execute("SELECT count(*) FROM points").fetchone()[0])
                except sqlite3.OperationalError:
                    stored = 0
            if stored >= count:
                return stored
        time.sleep(0.05)
    raise AssertionError("the sweep stored too few points in 90 s")


def test_local_cluster_retries_then_records_failures(tmp_path: Path) -> None:
    """--executor dask with no scheduler starts a LocalCluster here; a point that keeps raising is
    retried, then stored as an error while the rest match the process pool's answers."""
    grid = ["levers.north_share=0.3,0.5,1", "levers.withdrawal_scale=1,2"]
    plan = plan_sweep(load(TEACHING), grid)
    run_sweep(plan, str(tmp_path / "local.sqlite"), LocalExecutor(1))
    run = run_sweep(plan, str(tmp_path / "dask.sqlite"), DaskExecutor(2), solve=flaky_solve)
    assert run.solved == 6 and not run.interrupted
    got, want = rows_by_key(tmp_path / "dask.sqlite"), rows_by_key(tmp_path / "local.sqlite")
    assert set(got) == set(want)
    failed = {k for k, r in got.items() if r["error"]}
    assert {got[k]["levers"]["levers.north_share"] for k in failed} == {0.5} and len(failed) == 2
    assert {got[k]["error"] for k in failed} == {
        "failed 3 times: RuntimeError: solver crashed on purpose"
    }
    assert all(
        {f: got[k][f] for f in SAME} == {f: want[k][f] for f in SAME} for k in set(got) - failed
    )


def test_unreachable_scheduler_is_bad_input() -> None:
    executor = DaskExecutor(1, f"tcp://127.0.0.1:{free_port()}", connect_timeout=1)
    with pytest.raises(CaseError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:"):
        executor._connect()


def test_scheduler_without_dask_executor_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kantokuen.cli import main

    result = CliRunner().invoke(
        main,
        [
            "sweep",
            TEACHING,
            "--vary",
            "levers.north_share=0.5",
            "--store",
            str(tmp_path / "s.sqlite"),
            "--scheduler",
            "tcp://127.0.0.1:1",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: --scheduler: it needs --executor dask\n"


def test_throughput_benchmark_helpers() -> None:
    """The benchmark's grids have exactly the asked size; 'pays off' means from there on, Dask is
    at least as fast at every larger size."""
    from benchmarks.sweep_throughput import grid_of, pays_off

    assert [len(plan_sweep(load(TEACHING), grid_of(n)).points) for n in (1, 7, 300)] == [1, 7, 300]
    rows = [
        {"executor": e, "points": n, "points_per_s": v}
        for e, n, v in [
            ("local", 10, 5.0),
            ("dask", 10, 2.0),
            ("local", 100, 9.0),
            ("dask", 100, 9.5),
            ("local", 1000, 9.0),
            ("dask@tcp://h:1", 1000, 12.0),
        ]
    ]
    assert pays_off(rows) == 100
    assert pays_off(rows[:2]) is None
