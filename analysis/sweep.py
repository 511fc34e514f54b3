"""Sweeps: a grid over levers, each point solved independently, every answer stored as it lands.

A sweep is the product of one or more `--vary LEVER=SPEC` axes on top of a base case (the file, an
optional scenario and `--set`s). Each point is the base with `with_overrides(base, {lever: value},
"--vary")`, solved and verified like `planner.result.solve` (less the no-go explanation, see
`solve_point`) with ONE CP-SAT worker and a fixed seed, so a point's answer does not depend on how
many points run beside it or where (local processes or a Dask cluster): a resumed or distributed
sweep gives the same numbers.

This module is the sweep's public face; the work lives by what it does:
- `analysis.sweep_spec`: parsing `--vary`, the grid of points, their keys, checking every point;
- `analysis.sweep_point`: solving one point (in a worker process);
- `analysis.sweep_run`: the run loop, stop signals, resuming and writing the store;
- `analysis.sweep_summary`: verdict counts and the per-lever breakdown of stored points;
- `reports.sweep`: the summary table and the progress bar in the terminal.
"""

from __future__ import annotations

from kantokuen.analysis.sweep_point import Details, SolvePoint, solve_point, x_day_gap
from kantokuen.analysis.sweep_run import (
    Executor,
    Listener,
    StopFlag,
    SweepRun,
    catch_stop_signals,
    point_row,
    run_sweep,
)
from kantokuen.analysis.sweep_spec import (
    MAX_POINTS,
    POINT_CP_WORKERS,
    SPEC_HINT,
    Axis,
    Point,
    SweepPlan,
    check_points,
    date_range,
    number_range,
    parse_spec,
    parse_vary,
    plan_sweep,
    point_key,
    point_options,
)
from kantokuen.analysis.sweep_summary import LeverValueSummary, Summary, summarize

__all__ = [
    "MAX_POINTS",
    "POINT_CP_WORKERS",
    "SPEC_HINT",
    "Axis",
    "Details",
    "Executor",
    "LeverValueSummary",
    "Listener",
    "Point",
    "SolvePoint",
    "StopFlag",
    "Summary",
    "SweepPlan",
    "SweepRun",
    "catch_stop_signals",
    "check_points",
    "date_range",
    "number_range",
    "parse_spec",
    "parse_vary",
    "plan_sweep",
    "point_key",
    "point_options",
    "point_row",
    "run_sweep",
    "solve_point",
    "summarize",
    "x_day_gap",
]
