"""Sweeps: grid specs, one verified answer per point, resume, errors and retries, interruption."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kantokuen.analysis import store as st
from kantokuen.analysis.executors import LocalExecutor
from kantokuen.analysis.sweep import (
    LeverValueSummary,
    parse_vary,
    plan_sweep,
    point_key,
    run_sweep,
    solve_point,
    summarize,
)
from kantokuen.cli import main
from kantokuen.models.errors import CaseError
from kantokuen.models.scenarios import LoadedCase, load, with_overrides
from kantokuen.planner.result import solve
from kantokuen.planner.solve import TIDY, SolveOptions
from kantokuen.reports.sweep import changes_only

ROOT = Path(__file__).resolve().parents[2]
TEACHING = str(ROOT / "cases" / "teaching" / "two_divisions.yaml")
# The line of the decision deadline in that file (the error names it).
DEADLINE_LINE = next(
    n
    for n, text in enumerate(Path(TEACHING).read_text().splitlines(), 1)
    if text.lstrip().startswith("decision_deadline:")
)
SHARE = "levers.north_share"
SCALE = "levers.withdrawal_scale"


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


# --- specs ------------------------------------------------------------------------------------


def test_numeric_range_is_exact_and_includes_the_end() -> None:
    """0.3:0.9:0.1 gives exactly the decimals typed, however floats would drift."""
    assert parse_vary("levers.north_share=0.3:0.9:0.1").values == (
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
    )
    assert parse_vary("x=0:1:0.25").values == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert parse_vary("x=2:10:4").values == (2, 6, 10)
    assert parse_vary("x=0.1:0.35:0.1").values == (
        0.1,
        0.2,
        0.3,
    )  # END off the grid: stop before it


def test_date_range_and_lists() -> None:
    axis = parse_vary("levers.mobilization_order=1941-06-25:1941-08-01:7d")
    assert axis.values[0] == dt.date(1941, 6, 25) and axis.values[-1] == dt.date(1941, 7, 30)
    assert len(axis.values) == 6
    assert parse_vary("o=1941-07-01:1941-07-29:2w").values == (
        dt.date(1941, 7, 1),
        dt.date(1941, 7, 15),
        dt.date(1941, 7, 29),
    )
    assert parse_vary("levers.north_share=auto,0.5, 1").values == ("auto", 0.5, 1)
    assert parse_vary("o=1941-07-01,1941-07-08").values == (
        dt.date(1941, 7, 1),
        dt.date(1941, 7, 8),
    )
    assert parse_vary("x=0.7").values == (0.7,)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("levers.north_share", "not of the form LEVER=SPEC"),
        ("levers.north_share=0.9:0.3:0.1", "START is after END"),
        ("levers.north_share=0.3:0.9:0", "the step must be positive"),
        ("levers.north_share=0.3:0.9", "a range needs a step"),
        ("levers.north_share=a:b:c", "must be numbers"),
        ("o=1941-07-01:1941-08-01:fortnight", "date step 'fortnight'"),
        ("o=1941-07-01:1941-13-01:7d", "must both be dates"),
        ("x=1,,2", "empty value"),
        ("x=1,1.0", "listed twice"),
        ("x=0:1e9:1", "more than 1,000,000 values"),
        ("x=0:1e400:1", "finite and at most"),
        ("x=nan:1:1", "finite and at most"),
        ("x=1," + "9" * 5000, "is too large"),
        ("x=[1,2]", "cannot read the value"),
    ],
)
def test_bad_specs_say_what_is_wrong(text: str, why: str) -> None:
    with pytest.raises(CaseError) as err:
        parse_vary(text)
    assert why in str(err.value)


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        (
            "levers.north_share=0.9:0.3:0.1",
            "Error: --vary: levers.north_share=0.9:0.3:0.1: START is "
            "after END (ranges are START:END:STEP with END included (0.3:0.9:0.1, "
            "1941-06-25:1941-08-01:7d), lists are a,b,c)\n",
        ),
        (
            "levers.nort_share=0.5,0.6",
            "Error: --vary: levers.nort_share: 'nort_share' is not a field of levers "
            "(with --vary levers.nort_share=0.5) (did you mean north_share? fields of levers: "
            "mobilization_order, north_share, withdrawal_scale)\n",
        ),
        (
            "levers.north_share=0.5:1.5:0.5",
            "Error: --vary: levers.north_share: input should be less than or equal "
            "to 1 (with --vary levers.north_share=1.5) (give a smaller number)\n",
        ),
        (
            "levers.mobilization_order=1941-07-01,1941-09-01",
            f"Error: {TEACHING}:{DEADLINE_LINE}: criteria.decision_deadline.date: "
            "decision deadline 1941-08-01 is before the mobilization order 1941-09-01 (with --vary "
            "levers.mobilization_order=1941-09-01; and 1 more problem at this point) (move the "
            "deadline after the order, or the order earlier)\n",
        ),
    ],
)
def test_bad_vary_is_one_line_exit_1_before_anything_runs(
    tmp_path: Path, vary: str, message: str
) -> None:
    """Every point's overrides are checked first: no store is created for a bad sweep."""
    store = tmp_path / "s.sqlite"
    result = cli("sweep", TEACHING, "--vary", vary, "--store", str(store))
    assert result.exit_code == 1
    assert result.stderr == message
    assert not store.exists()


def test_points_are_the_product_with_stable_keys() -> None:
    base = load(TEACHING)
    plan = plan_sweep(base, [f"{SHARE}=0.5,0.8", f"{SCALE}=1:3:1"])
    assert [p.levers for p in plan.points] == [
        {SHARE: s, SCALE: w} for s in (0.5, 0.8) for w in (1, 2, 3)
    ]
    assert len({p.key for p in plan.points}) == 6
    # 1 and 1.0 are one value; the seed and the case are part of the identity.
    assert point_key("h", {SHARE: 1}, 0, 1) == point_key("h", {SHARE: 1.0}, 0, 1)
    assert point_key("h", {SHARE: 1}, 0, 1) != point_key("h", {SHARE: 1}, 1, 1)
    assert point_key("h", {SHARE: 1}, 0, 1) != point_key("g", {SHARE: 1}, 0, 1)
    assert plan.options.num_workers == 1


# --- solving and storing ----------------------------------------------------------------------


GRID = [f"{SHARE}=0.3,0.5,0.8,1", f"{SCALE}=0.5,2"]


def test_sweep_stores_one_verified_answer_per_point(tmp_path: Path) -> None:
    """Each stored point equals solving that counterfactual on its own; the summary counts them."""
    store = tmp_path / "s.sqlite"
    out_csv, out_json = tmp_path / "p.csv", tmp_path / "p.json"
    result = cli(
        "sweep",
        TEACHING,
        "--vary",
        GRID[0],
        "--vary",
        GRID[1],
        "--store",
        str(store),
        "--workers",
        "2",
        "--csv",
        str(out_csv),
        "--json",
        str(out_json),
    )
    assert result.exit_code == 0, result.output
    rows = st.read_points(str(store))
    assert len(rows) == 8
    base = load(TEACHING)
    for row in rows:
        alone = solve(
            with_overrides(base, row["levers"], "--vary"), SolveOptions(workers=1, seed=0)
        )
        assert (row["status"], row["go"], row["x_day"], row["decision_day"]) == (
            alone.status.value,
            alone.go,
            alone.x_day,
            alone.decision_day,
        ), row["levers"]
        assert row["margins"] == {c.name: c.margin if c.enabled else None for c in alone.criteria}
        # Points skip the arrival-days tidy-up (nothing in the store reads the arrival days).
        assert row["objective"] == {k: v for k, v in alone.objective.items() if k != TIDY}
        assert TIDY not in row["objective"]
        assert row["case_hash"] == base.case_hash and row["workers"] == 1 and row["seed"] == 0
        assert row["error"] is None and row["gap"] is None  # proven: optimal or no-go
        assert row["version"] and row["ortools_version"] and row["solve_seconds"] > 0
    assert {r["x_day"] for r in rows if r["levers"][SHARE] == 0.3} == {None}  # too little shipping
    assert {r["x_day"] for r in rows if r["levers"][SHARE] == 1} == {"1941-07-09"}
    assert "earliest X-Day │ 1941-07-09 at 4 points" in result.stdout
    assert out_csv.read_text().startswith(f"id,point_key,{SHARE},{SCALE},")
    assert len(out_csv.read_text().splitlines()) == 9
    assert json.loads(out_json.read_text()) == rows


def test_scenario_and_set_are_the_base_of_every_point(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    result = cli(
        "sweep",
        TEACHING,
        "--scenario",
        "small-pool",
        "--set",
        "criteria.weather.campaign_days=5",
        "--vary",
        f"{SCALE}=1,2",
        "--store",
        str(store),
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    rows = st.read_points(str(store))
    assert {r["scenario"] for r in rows} == {"small-pool"}
    assert {r["x_day"] for r in rows} == {"1941-07-11"}  # the small pool: day 10
    assert {r["case_hash"] for r in rows} == {
        load(TEACHING, "small-pool", ["criteria.weather.campaign_days=5"]).case_hash
    }


def test_resume_solves_only_what_is_missing(tmp_path: Path) -> None:
    """A second run of a grown grid solves the new points only and leaves stored rows untouched."""
    store = str(tmp_path / "s.sqlite")
    base = load(TEACHING)
    first = run_sweep(plan_sweep(base, [f"{SHARE}=0.5,0.8"]), store, LocalExecutor(2))
    before = {r["point_key"]: r for r in st.read_points(store)}
    second = run_sweep(plan_sweep(base, [f"{SHARE}=0.5,0.8,1"]), store, LocalExecutor(2))
    again = run_sweep(plan_sweep(base, [f"{SHARE}=0.5,0.8,1"]), store, LocalExecutor(2))
    assert (first.solved, second.skipped, second.solved, again.skipped, again.solved) == (
        2,
        2,
        1,
        3,
        0,
    )
    rows = st.read_points(store)
    assert len(rows) == 3
    assert all(before[k] == r for r in rows if (k := r["point_key"]) in before)
    assert [r["solved"] for r in st.read_runs(store)] == [2, 1, 0]


def flaky_solve(base: LoadedCase, levers: dict[str, Any], options: SolveOptions) -> dict[str, Any]:
    """The real solve, except that North share 0.5 always raises (as a crash in the solver
    would)."""
    if levers.get(SHARE) == 0.5:
        raise RuntimeError("solver crashed on purpose")
    return solve_point(base, levers, options)


def test_errors_are_recorded_and_retry_failed_solves_them_again(tmp_path: Path) -> None:
    """A failing point is retried, then stored with its message while the sweep goes on;
    --retry-failed solves only those again, in place."""
    store = str(tmp_path / "s.sqlite")
    plan = plan_sweep(load(TEACHING), [f"{SHARE}=0.5,0.8", f"{SCALE}=1,2"])
    run = run_sweep(plan, store, LocalExecutor(2), solve=flaky_solve)
    assert run.solved == 4 and not run.interrupted
    rows = {json.dumps(r["levers"], sort_keys=True): r for r in st.read_points(store)}
    failed = [r for r in rows.values() if r["error"]]
    assert len(failed) == 2
    assert {r["error"] for r in failed} == {
        "failed 3 times: RuntimeError: solver crashed on purpose"
    }
    assert all(r["status"] == "ERROR" and r["go"] is None for r in failed)
    plain = cli(
        "sweep", TEACHING, "--vary", f"{SHARE}=0.5,0.8", "--vary", f"{SCALE}=1,2", "--store", store
    )
    assert plain.exit_code == 0 and "Warning: 2 points failed" in plain.stderr
    assert (
        st.read_runs(store)[-1]["solved"] == 0
    )  # stored errors are skipped without --retry-failed
    retried = cli(
        "sweep",
        TEACHING,
        "--vary",
        f"{SHARE}=0.5,0.8",
        "--vary",
        f"{SCALE}=1,2",
        "--store",
        store,
        "--retry-failed",
    )
    assert retried.exit_code == 0, retried.output
    after = {json.dumps(r["levers"], sort_keys=True): r for r in st.read_points(store)}
    assert len(after) == 4 and not any(r["error"] for r in after.values())
    assert {k: r["id"] for k, r in after.items()} == {k: r["id"] for k, r in rows.items()}
    assert all(after[k] == r for k, r in rows.items() if not r["error"])  # the good ones untouched
    assert st.read_runs(store)[-1]["solved"] == 2


def test_a_second_sweep_on_a_busy_store_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom analysis.store import StoreLock\n"
            "StoreLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(60)",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = cli("sweep", TEACHING, "--vary", f"{SHARE}=0.5", "--store", str(store))
        assert result.exit_code == 1
        assert (
            result.stderr == f"Error: store {store} is in use by another sweep (pid {holder.pid})\n"
        )
    finally:
        holder.kill()
        holder.wait()


def test_store_only_mode_summarizes_and_exports(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    run_sweep(plan_sweep(load(TEACHING), [f"{SHARE}=0.3,1"]), store, LocalExecutor(1))
    out = tmp_path / "all.csv"
    result = cli("sweep", "--store", store, "--csv", str(out))
    assert result.exit_code == 0, result.output
    assert "2 points" in result.stdout and "no-go (proven) │ 1" in result.stdout
    assert len(out.read_text().splitlines()) == 3
    assert (
        cli("sweep", TEACHING, "--store", store).exit_code == 2
    )  # CASE without --vary: usage error
    missing = cli("sweep", "--store", str(tmp_path / "none.sqlite"))
    assert missing.exit_code == 1 and "no such sweep store" in missing.stderr


def test_summary_counts_and_breakdown() -> None:
    rows = [
        {
            "levers": {SHARE: 0.5},
            "go": True,
            "status": "OPTIMAL",
            "x_day": "1941-07-11",
            "error": None,
        },
        {
            "levers": {SHARE: 0.8},
            "go": True,
            "status": "OPTIMAL",
            "x_day": "1941-07-09",
            "error": None,
        },
        {"levers": {SHARE: 0.3}, "go": False, "status": "INFEASIBLE", "x_day": None, "error": None},
        {"levers": {SHARE: 0.4}, "go": False, "status": "TIME_LIMIT", "x_day": None, "error": None},
        {"levers": {SHARE: 0.2}, "go": None, "status": "ERROR", "x_day": None, "error": "boom"},
    ]
    s = summarize(rows)
    assert (s.points, s.go, s.no_go, s.no_answer, s.errors) == (5, 2, 1, 1, 1)
    assert s.earliest == "1941-07-09" and s.earliest_levers == [{SHARE: 0.8}]
    assert [(c.value, c.go, c.earliest) for c in s.per_lever[SHARE]] == [
        (0.2, 0, None),
        (0.3, 0, None),
        (0.4, 0, None),
        (0.5, 1, "1941-07-11"),
        (0.8, 1, "1941-07-09"),
    ]


def test_a_long_axis_shows_where_the_answer_changes() -> None:
    cells = [
        LeverValueSummary(
            i,
            1,
            1 if i >= 7 else 0,
            "1941-07-09" if i >= 15 else ("1941-07-11" if i >= 7 else None),
        )
        for i in range(30)
    ]
    assert [c.value for c in changes_only(cells)] == [0, 7, 15, 29]
    assert changes_only(cells[:20]) == cells[:20]


# --- interruption: real processes -------------------------------------------------------------

# 3 × 101 points of 10-20 ms each: a few seconds on two workers.
BIG = [f"{SHARE}=0.3:0.7:0.004", f"{SCALE}=0.5,1,2"]
BIG_POINTS = 303


def start_sweep(store: Path, *extra: str) -> subprocess.Popen[str]:
    args = [
        sys.executable,
        "-m",
        "kantokuen.cli",
        "sweep",
        TEACHING,
        "--vary",
        BIG[0],
        "--vary",
        BIG[1],
        "--store",
        str(store),
        "--workers",
        "2",
        *extra,
    ]
    return subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_rows(store: Path, proc: subprocess.Popen[str], count: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if store.exists():
            with sqlite3.connect(store) as conn:
                try:
                    stored = conn.execute("SELECT count(*) FROM points").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0
            if stored >= count:
                return int(stored)
        time.sleep(0.05)
    raise AssertionError("the sweep stored too few points in 60 s")


def snapshot(store: Path) -> dict[str, tuple[int, str]]:
    return {r["point_key"]: (r["id"], r["finished_at"]) for r in st.read_points(str(store))}


def test_sigkill_half_way_then_resume_loses_nothing_and_solves_nothing_twice(
    tmp_path: Path,
) -> None:
    """Kill -9 the sweep mid-run: the store stays sound, and the rerun solves exactly the rest."""
    store = tmp_path / "s.sqlite"
    proc = start_sweep(store)
    try:
        wait_for_rows(store, proc, 40)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.killpg(proc.pid, signal.SIGKILL) if _group_alive(proc.pid) else None
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = snapshot(store)
    assert 40 <= len(kept) < BIG_POINTS, "the kill must land half-way"
    (killed,) = st.read_runs(str(store))
    assert killed["solved"] == len(kept) and killed["outcome"] == "running"

    resumed = start_sweep(store)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert (
        f"{len(kept)} of {BIG_POINTS} points already in the store; solving "
        f"{BIG_POINTS - len(kept)}." in err
    )
    rows = st.read_points(str(store))
    assert len(rows) == BIG_POINTS == len({r["point_key"] for r in rows})
    plan = plan_sweep(load(TEACHING), BIG)
    assert {r["point_key"] for r in rows} == {p.key for p in plan.points}
    after = snapshot(store)
    assert all(after[k] == v for k, v in kept.items()), "a stored point was solved again"
    first, second = st.read_runs(str(store))
    assert first["outcome"] == "killed" and second["outcome"] == "done"
    assert (
        second["solved"] == BIG_POINTS - len(kept)
        and first["solved"] + second["solved"] == BIG_POINTS
    )
    assert not any(r["error"] for r in rows)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_keeps_what_finished_and_exits_130(tmp_path: Path) -> None:
    """SIGINT to the whole process group (as a terminal does): workers stay out of it, the client
    stops cleanly with one line, and no point is stored half-solved or truncated."""
    store = tmp_path / "s.sqlite"
    proc = start_sweep(store)
    try:
        wait_for_rows(store, proc, 30)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("Interrupted: ") and last.endswith(
        "run the same command again to resume."
    )
    assert "Traceback" not in err
    rows = st.read_points(str(store))
    assert 30 <= len(rows) < BIG_POINTS
    assert {r["status"] for r in rows} <= {"OPTIMAL", "INFEASIBLE"} and not any(
        r["error"] for r in rows
    )
    (run,) = st.read_runs(str(store))
    assert run["outcome"] == "interrupted" and run["solved"] == len(rows)
    assert not Path(str(store) + ".lock").exists()
