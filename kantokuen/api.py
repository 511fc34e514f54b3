"""The Python API, for notebooks and scripts: the commands' work without the printing.

    import kantokuen
    hist = kantokuen.solve(kantokuen.load_case("kantokuen_1941", "historical"))
    met = kantokuen.solve(kantokuen.load_case("kantokuen_1941", "halving-met"))
    kantokuen.compare([hist, met]).row("x_day").display

The command line calls these same functions. Importing this module is light: OR-Tools, the
reports' libraries and pandas are imported only by the functions that need them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from kantokuen.analysis.compare import Comparison
    from kantokuen.analysis.explain import ExplainReport
    from kantokuen.analysis.sweep import Listener, SweepPlan, SweepRun
    from kantokuen.models.bundled import BundledCase
    from kantokuen.models.plan import Result
    from kantokuen.models.scenarios import LoadedCase
    from kantokuen.planner.solve import SolveOptions

CaseLike: TypeAlias = "LoadedCase | str | os.PathLike[str]"
"""A loaded case, a case file's path, or a bundled case's name (`kantokuen_1941`)."""

Sets: TypeAlias = "Mapping[str, Any] | Iterable[str]"
"""Overrides by dotted path: {"levers.withdrawal_scale": 3.5}, or ["levers.x=value", ...]."""


def bundled_cases() -> list[BundledCase]:
    """The cases shipped with kantokuen (the historical case, then the teaching cases), each
    with its name, file, title and description."""
    from kantokuen.models.bundled import bundled_cases as listed

    return listed()


def load_case(
    name_or_path: str | os.PathLike[str], scenario: str | None = None, sets: Sets = ()
) -> LoadedCase:
    """A validated case: from a file or a bundled case's name, with a scenario and overrides
    applied (overrides beat the scenario, as `--set` does). A mapping's values are Python
    values (numbers, ISO date strings or dates, text); texts `path=value` are read as on the
    command line. Bad input raises CaseError listing every problem."""
    from kantokuen.models.scenarios import load

    return load(os.fspath(name_or_path), scenario, set_texts(sets))


def solve(
    case: CaseLike,
    *,
    time_limit: float = 60.0,
    workers: int = 0,
    seed: int = 0,
    corrections: int = 1,
) -> Result:
    """The earliest X-Day and its verified plan, or a proven no-go with its conflict and its
    `corrections` cheapest corrections (when they fit the time limit), as `kantokuen solve`
    gives it. `time_limit` bounds the whole solve in seconds; `workers` is the number of
    solver threads (0: all cores); a fixed seed and worker count give the same answer every
    time."""
    from kantokuen.planner.result import solve as solve_loaded

    return solve_loaded(as_loaded(case), options(time_limit, workers, seed), corrections)


def compare(results: Sequence[Result | str | os.PathLike[str]]) -> Comparison:
    """Results side by side, the first one the reference for the deltas: inputs, verdict,
    X-Day, criteria margins, shipping, force ratios and the units whose arrival moved (rows
    by key, e.g. `comparison.row("x_day")`; `comparison.frame()` as a DataFrame). Results
    saved with `solve --json -o FILE` may be given by path."""
    from kantokuen.analysis.compare import compare_results, load_result

    return compare_results(
        [r if not isinstance(r, str | os.PathLike) else load_result(os.fspath(r)) for r in results]
    )


def explain(
    case: CaseLike,
    *,
    time_limit: float = 60.0,
    workers: int = 0,
    seed: int = 0,
    max_conflicts: int = 3,
    corrections: int = 3,
    weights: Mapping[str, float] | None = None,
    alternatives: int = 3,
    within: int = 3,
) -> ExplainReport:
    """Why no-go (up to `max_conflicts` minimal conflicts, each member with the value that
    would work, and the `corrections` cheapest sets of changes that give a go, priced by
    `weights`: lever, assumption, beyond_range, sourced), or what sets X-Day of a go (criteria
    and levers relaxed one at a time, the resources at capacity, the critical chain of the
    last unit, up to `alternatives` other plans within `within` days of X-Day, and when each
    front's force closes), as `kantokuen explain` gives it. `time_limit` bounds the whole."""
    from kantokuen.analysis.explain import ExplainOptions, explain_case
    from kantokuen.planner.factors import DEFAULT_WEIGHTS

    chosen = ExplainOptions(
        max_conflicts=max_conflicts,
        corrections=corrections,
        weights=dict(DEFAULT_WEIGHTS) | dict(weights or {}),
        alternatives=alternatives,
        within=within,
    )
    return explain_case(as_loaded(case), options(time_limit, workers, seed), explain=chosen)


@dataclass(frozen=True)
class SweepResult:
    """A finished (or interrupted) sweep: this grid's points as stored (one dict each: the
    levers' values, verdict, X-Day, ...), what the run did, and the grid it solved."""

    points: list[dict[str, Any]]
    run: SweepRun
    plan: SweepPlan

    def frame(self) -> Any:
        """The points as a pandas DataFrame, one row each (needs `kantokuen[pandas]`)."""
        from kantokuen.models.frames import rows_frame

        return rows_frame(self.points)


def sweep(
    case: CaseLike,
    vary: Mapping[str, str | Sequence[Any]] | Iterable[str],
    store: str | os.PathLike[str],
    *,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    time_limit: float = 60.0,
    seed: int = 0,
    retry_failed: bool = False,
    listener: Listener | None = None,
    command: str = "",
) -> SweepResult:
    """Solve the grid of every combination of the `vary` levers' values, each point on its
    own, keeping each answer in the SQLite `store` as it finishes; run it again and only the
    missing points are solved. A lever's values are a list, or a spec as on the command line
    (`"1941-06-25:1941-08-01:7d"`, `"0.3:0.9:0.1"`); or give `--vary` texts (`"path=spec"`).
    `workers`: points solved in parallel
    (default all cores; each point uses one solver thread); `executor`: "local" or "dask"."""
    from kantokuen.analysis import store as st
    from kantokuen.analysis.executors import make_executor
    from kantokuen.analysis.sweep import plan_sweep, run_sweep

    store = os.fspath(store)
    plan = plan_sweep(as_loaded(case), vary_texts(vary), time_limit, seed)
    runner = make_executor(executor, workers, scheduler)
    run = run_sweep(
        plan, store, runner, retry_failed=retry_failed, listener=listener, command=command
    )
    return SweepResult(st.read_points(store, [p.key for p in plan.points]), run, plan)


# --- Helpers shared with the command line ---------------------------------------------------


def as_loaded(case: CaseLike) -> LoadedCase:
    """A loaded case as it is; a path or a bundled name loaded as written (no scenario)."""
    from kantokuen.models.scenarios import LoadedCase

    return case if isinstance(case, LoadedCase) else load_case(case)


def options(time_limit: float, workers: int, seed: int) -> SolveOptions:
    """The solver's options, as the command line's --time-limit, --workers and --seed."""
    from kantokuen.planner.solve import SolveOptions

    return SolveOptions(time_limit=time_limit, workers=workers, seed=seed)


def set_texts(sets: Sets) -> tuple[str, ...]:
    """Overrides as `--set` texts: a mapping's values written so that they read back as the
    same value (JSON is YAML), texts as they are."""
    if isinstance(sets, str):
        raise TypeError("sets: give a mapping {path: value} or a list of 'path=value' texts")
    if isinstance(sets, Mapping):
        return tuple(f"{path}={json.dumps(value, default=_iso)}" for path, value in sets.items())
    return tuple(sets)


def vary_texts(vary: Mapping[str, str | Sequence[Any]] | Iterable[str]) -> list[str]:
    """Levers to vary as `--vary` texts: a mapping's specs as they are, lists as `a,b,c`."""
    if isinstance(vary, str):
        raise TypeError("vary: give a mapping {path: values} or a list of 'path=spec' texts")
    if not isinstance(vary, Mapping):
        return list(vary)
    return [f"{path}={_spec(values)}" for path, values in vary.items()]


def _spec(values: str | Sequence[Any]) -> str:
    if isinstance(values, str):
        return values
    return ",".join(_iso(v) if isinstance(v, dt.date) else str(v) for v in values)


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} is not a case value (numbers, text, dates, lists, mappings)")
