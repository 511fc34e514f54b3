"""The sweep store: the schema readers rely on, crash-safe writes, the one-sweep lock, exports."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kantokuen.analysis import store as st
from kantokuen.models.errors import CaseError

# The contract with readers (the reports' heat-map): these columns, in this order.
SCHEMA = [
    "id",
    "point_key",
    "case_name",
    "case_hash",
    "scenario",
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
    "solve_seconds",
    "seed",
    "workers",
    "version",
    "ortools_version",
    "error",
    "finished_at",
    "details",
    "verified",
]


def row(key: str, **fields: Any) -> dict[str, Any]:
    base = {
        "point_key": key,
        "case_name": "c",
        "case_hash": "h",
        "scenario": None,
        "levers": {"levers.north_share": 0.5, "levers.mobilization_order": "1941-07-01"},
        "status": "OPTIMAL",
        "go": True,
        "x_day": "1941-07-09",
        "x_day_index": 8,
        "decision_day": "1941-07-09",
        "north_share": 0.5,
        "margins": {"weather": 3.0, "halving": None},
        "objective": {"x_day": 8.0},
        "gap": None,
        "solve_seconds": 0.01,
        "seed": 0,
        "workers": 1,
        "version": "0.1.0",
        "ortools_version": "9",
        "error": None,
        "finished_at": st.now(),
    }
    base.update(fields)
    return base


def open_run(path: Path) -> tuple[sqlite3.Connection, int]:
    conn = st.connect(str(path), create=True)
    return conn, st.start_run(conn, "local", 3)


def test_schema_is_the_documented_one(tmp_path: Path) -> None:
    """The points table has exactly the documented columns; the journal is WAL, each commit
    survives the process (synced to disk by `make_durable`)."""
    conn = st.connect(str(tmp_path / "s.sqlite"), create=True)
    assert [r[1] for r in conn.execute("PRAGMA table_info(points)")] == SCHEMA
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {
        "points",
        "meta",
        "runs",
    }


def test_a_finished_run_is_in_the_database_file_itself(tmp_path: Path) -> None:
    """When a run finishes, its points are checkpointed into the database file (on disk, not
    only in the WAL): a copy of the file alone, without its -wal, holds them all."""
    path = tmp_path / "s.sqlite"
    conn, run = open_run(path)
    for key in "abc":
        st.write_point(conn, run, row(key))
    st.finish_run(conn, run, "done")
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(path.read_bytes())  # the database file only, while the writer is open
    conn.close()
    assert [p["point_key"] for p in st.read_points(str(copy))] == ["a", "b", "c"]


def test_a_store_from_before_the_details_column_is_read_and_extended(tmp_path: Path) -> None:
    """A store written before `details` existed reads (details None) and gains the column the
    next time a sweep or an explore writes to it."""
    path = tmp_path / "old.sqlite"
    conn, run = open_run(path)
    st.write_point(conn, run, row("a"))
    conn.execute("ALTER TABLE points DROP COLUMN details")
    conn.close()
    assert st.read_points(str(path))[0].get("details") is None
    conn = st.connect(str(path), create=True)
    st.write_point(conn, run, row("b", details={"soviet_share": 0.85}))
    conn.close()
    assert [p["details"] for p in st.read_points(str(path))] == [None, {"soviet_share": 0.85}]


def test_points_round_trip_with_json_decoded(tmp_path: Path) -> None:
    """read_points gives back levers/margins/objective as objects, go as a bool, errors as None
    go."""
    path = tmp_path / "s.sqlite"
    conn, run = open_run(path)
    st.write_point(conn, run, row("a"))
    st.write_point(
        conn, run, row("b", status="ERROR", go=None, x_day=None, error="boom", margins=None)
    )
    conn.close()
    a, b = st.read_points(str(path))
    assert a["levers"] == {"levers.north_share": 0.5, "levers.mobilization_order": "1941-07-01"}
    assert a["margins"] == {"weather": 3.0, "halving": None}
    assert a["objective"] == {"x_day": 8.0}
    assert a["go"] is True and b["go"] is None and b["error"] == "boom"
    assert [p["point_key"] for p in st.read_points(str(path), ["b"])] == ["b"]
    assert st.read_runs(str(path))[0]["solved"] == 2


def test_a_point_is_never_stored_twice(tmp_path: Path) -> None:
    """Inserting a stored key again is an error, not a silent overwrite; replace keeps its id."""
    path = tmp_path / "s.sqlite"
    conn, run = open_run(path)
    st.write_point(conn, run, row("a", status="TIME_LIMIT", go=False))
    with pytest.raises(sqlite3.IntegrityError):
        st.write_point(conn, run, row("a"))
    st.write_point(conn, run, row("a"), replace=True)
    conn.close()
    (only,) = st.read_points(str(path))
    assert only["id"] == 1 and only["status"] == "OPTIMAL"
    # The failed insert was rolled back together with its run count.
    assert st.read_runs(str(path))[0]["solved"] == 2


def test_retry_selects_errors_and_no_answers() -> None:
    assert st.Stored("ERROR", "boom").needs_retry
    assert st.Stored("TIME_LIMIT", None).needs_retry
    assert not st.Stored("OPTIMAL", None).needs_retry
    assert not st.Stored("INFEASIBLE", None).needs_retry


def test_a_run_left_running_is_marked_killed(tmp_path: Path) -> None:
    """The next run (which holds the lock) knows a 'running' run lost its process."""
    path = tmp_path / "s.sqlite"
    conn, _ = open_run(path)
    st.start_run(conn, "local", 1)
    conn.close()
    assert [r["outcome"] for r in st.read_runs(str(path))] == ["killed", "running"]


def test_missing_and_foreign_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="no such sweep store"):
        st.read_points(str(tmp_path / "nope.sqlite"))
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all " * 100)
    with pytest.raises(CaseError, match="not a kantokuen sweep store"):
        st.read_points(str(junk))
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE things (id INTEGER)").connection.commit()
    with pytest.raises(CaseError, match="it has no table 'points'"):
        st.read_points(str(foreign))
    blank = tmp_path / "blank.sqlite"  # just created by a sweep that has not written its schema yet
    blank.touch()
    assert st.read_points(str(blank)) == [] and st.read_runs(str(blank)) == []
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE points (id INTEGER)").connection.commit()
    with pytest.raises(CaseError, match="lacks point_key"):
        st.connect(str(other), create=True)


HOLDER = """
import sys, time
from kantokuen.analysis.store import StoreLock
lock = StoreLock(sys.argv[1]); lock.acquire(); print("locked", flush=True); time.sleep(60)
"""


def hold_lock(store: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_refuses_a_second_sweep_and_dies_with_its_holder(tmp_path: Path) -> None:
    """A second sweep is told who holds the store; a SIGKILLed holder leaves no stale lock."""
    store = tmp_path / "s.sqlite"
    holder = hold_lock(store)
    try:
        with pytest.raises(st.StoreBusy) as err:
            st.StoreLock(str(store)).acquire()
        assert err.value.line == f"store {store} is in use by another sweep (pid {holder.pid})"
        assert isinstance(err.value, CaseError)  # bad input for the command line: exit 1
    finally:
        holder.kill()
        holder.wait()
    with st.StoreLock(str(store)):
        assert Path(str(store) + ".lock").read_text() == str(os.getpid())
    assert not Path(str(store) + ".lock").exists()


def test_csv_and_json_exports(tmp_path: Path) -> None:
    """CSV: one column per lever and per margin; JSON: the read_points objects."""
    path = tmp_path / "s.sqlite"
    conn, run = open_run(path)
    st.write_point(conn, run, row("a"))
    st.write_point(
        conn,
        run,
        row(
            "b",
            levers={"levers.north_share": 0.7},
            go=False,
            status="INFEASIBLE",
            x_day=None,
            margins={"weather": None},
        ),
    )
    conn.close()
    rows = st.read_points(str(path))
    lines = st.to_csv(rows).splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["id", "point_key", "levers.north_share", "levers.mobilization_order"]
    assert "margin.weather" in header and "margin.halving" in header and header[-1] == "objective"
    first = dict(zip(header, next(csv.reader([lines[1]])), strict=True))
    assert (
        first["levers.north_share"] == "0.5"
        and first["go"] == "1"
        and first["margin.weather"] == "3.0"
    )
    second = dict(zip(header, next(csv.reader([lines[2]])), strict=True))
    assert second["levers.mobilization_order"] == "" and second["go"] == "0"
    assert json.loads(st.to_json(rows)) == rows


def test_store_survives_a_writer_killed_mid_stream(tmp_path: Path) -> None:
    """A writer SIGKILLed while committing points leaves a sound store holding whole points only."""
    store = tmp_path / "s.sqlite"
    writer = f"""
import sys
from kantokuen.analysis import store as st
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_store import row
conn = st.connect(sys.argv[1], create=True)
run = st.start_run(conn, "local", 100000)
for i in range(100000):
    st.write_point(conn, run, row(f"k{{i}}"))
"""
    proc = subprocess.Popen([sys.executable, "-c", writer, str(store)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if store.exists() and len(st.read_points(str(store))) > 50:
            break
    proc.kill()
    proc.wait()
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    rows = st.read_points(str(store))
    assert rows and all(r["levers"] and r["margins"] and r["objective"] for r in rows)
    assert st.read_runs(str(store))[0]["solved"] == len(rows)  # point and count: one transaction
