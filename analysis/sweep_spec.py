"""The grid of a sweep: `--vary LEVER=SPEC` axes parsed, their product as points, each point's
key, and every point's overrides checked against the base case before anything is solved.

A point is identified by `point_key` = hash(base case hash, lever values, seed, CP-SAT workers):
the same key means the same answer, so a rerun skips stored keys (see `analysis.sweep_run`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.loader import MAX_INT, read_value, shown
from kantokuen.models.scenarios import LoadedCase, with_overrides

if TYPE_CHECKING:
    from kantokuen.planner.solve import SolveOptions


#: CP-SAT workers per point: one, so answers are independent of parallelism (and deterministic).
POINT_CP_WORKERS = 1


def point_options(time_limit: float, seed: int) -> SolveOptions:
    """How a sweep or explore point is solved: one CP-SAT worker, and no arrival-days tidy-up.
    The store keeps verdicts, X-Day, share, shipping and margins, never the plan's arrival days,
    and the tidy-up (which never changes those) was most of every go point's solve time
    (BENCHMARKS.md, sweep throughput); `kantokuen solve` of any point still tidies."""
    from kantokuen.planner.solve import SolveOptions

    return SolveOptions(time_limit=time_limit, workers=POINT_CP_WORKERS, seed=seed, tidy=False)


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
    if len(set(map(canonical_json, values))) != len(values):
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


def canonical(value: Any) -> Any:
    """The value as stored and hashed: dates as ISO text, whole floats as ints (1.0 ≡ 1)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(canonical(value))


def point_key(case_hash: str, levers: dict[str, Any], seed: int, workers: int) -> str:
    """Identity of a point: same base case, lever values, seed and CP-SAT workers → same answer."""
    values = {k: canonical(v) for k, v in sorted(levers.items())}
    text = json.dumps([case_hash, values, seed, workers], sort_keys=True, separators=(",", ":"))
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
    options = point_options(time_limit, seed)
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
        where = ", ".join(f"{k}={canonical(v)}" for k, v in levers.items())
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
