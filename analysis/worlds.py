"""The worlds `explore` solves: the case's declared ranges (and `--vary-range`), sampled by a
seeded design, each sample a set of dotted-path values on top of the case.

A range is sampled on its quantile scale u ∈ [0, 1] (0 = low, 1 = high) and u is turned into a
value by the range's distribution: uniform, or triangular with the case's own value as the
mode. Whole numbers and dates take whole values: a uniform range gives each of its values the
same chance; a triangular one rounds to the nearest. The designs:

- `lhs`: a Latin hypercube (scipy.stats.qmc): each range's [0, 1] is cut into N equal strata
  and every stratum holds exactly one world, so the share of worlds below any value is within
  1/N of its probability.
- `sobol`: Saltelli's design on a scrambled Sobol' sequence (SALib, which draws it with
  scipy.stats.qmc): N·(d + 2) worlds for d ranges, N a power of two, for Sobol' indices.
- `morris`: Morris trajectories (SALib) on 4 levels: r·(d + 1) worlds, one range moved a
  step at a time, for elementary effects.

The same seed gives the same worlds, so a store resumes and a rerun repeats its table.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.loader import build_case, shown
from kantokuen.models.scenarios import LoadedCase, parse_assignment, split_path
from kantokuen.models.uncertainty import Kind, Missing, value_at, value_kind

METHODS = ("lhs", "sobol", "morris")
MORRIS_LEVELS = 4
BASELINE = "baseline"


@dataclass(frozen=True)
class Range:
    """One sampled input: a dotted path, its bounds and distribution, and where it comes from."""

    path: str
    kind: Kind
    low: Any
    high: Any
    distribution: str
    mode: Any  # the case's value (after scenario and --set): a triangular range's peak
    source: str
    note: str
    origin: str  # "case" (its `uncertainties:`) or "--vary-range"

    def number(self, value: Any) -> float:
        """A value on the range's number line (dates as day ordinals)."""
        return float(value.toordinal()) if isinstance(value, dt.date) else float(value)

    def value(self, u: float) -> Any:
        """The value at quantile u of the range's distribution."""
        low, high = self.number(self.low), self.number(self.high)
        if self.distribution == "triangular":
            from scipy.stats import triang

            peak = (self.number(self.mode) - low) / (high - low)
            x = float(triang.ppf(min(max(u, 0.0), 1.0), peak, loc=low, scale=high - low))
            whole = round(x)
        else:
            x = low + u * (high - low)
            # each whole value gets an equal share of [0, 1]: floor over high − low + 1 slots
            whole = math.ceil(low) + math.floor(u * (math.floor(high) - math.ceil(low) + 1))
        if self.kind == "float":
            return round(x, 6)
        whole = min(max(whole, math.ceil(low)), math.floor(high))
        return dt.date.fromordinal(whole) if self.kind == "date" else whole

    def as_json(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            return v.isoformat() if isinstance(v, dt.date) else v

        return {
            "path": self.path,
            "kind": self.kind,
            "low": plain(self.low),
            "high": plain(self.high),
            "distribution": self.distribution,
            "mode": plain(self.mode),
            "source": self.source,
            "note": self.note,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Held:
    """A declared range that a scenario or `--set` replaced by a point value: not sampled."""

    path: str
    value: Any
    by: str


def _range_error(text: str, why: str) -> CaseError:
    return CaseError(
        Problem(
            why,
            "--vary-range",
            path=shown(text, 80),
            hint="give PATH=LOW:HIGH with numbers (8000:10000) or dates (1941-08-01:1941-08-20)",
        )
    )


def parse_vary_range(text: str) -> tuple[str, Any, Any]:
    """`ports.dairen.tons_per_day=8000:10000` → (path, 8000.0, 10000.0); dates stay dates."""
    if "=" not in text:
        raise _range_error(text, "not of the form PATH=LOW:HIGH")
    path, spec = (part.strip() for part in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise _range_error(text, "empty field name")
    parts = [p.strip() for p in spec.split(":")]
    if len(parts) != 2:
        raise _range_error(text, "a range is LOW:HIGH")
    bounds: tuple[Any, ...]  # dates, or numbers
    try:
        bounds = tuple(dt.date.fromisoformat(p) for p in parts)
    except ValueError:
        try:
            numbers = tuple(Decimal(p) for p in parts)
        except InvalidOperation:
            raise _range_error(text, "LOW and HIGH must both be numbers or both dates") from None
        if not all(n.is_finite() for n in numbers):
            raise _range_error(text, "LOW and HIGH must be finite numbers") from None
        bounds = tuple(float(n) for n in numbers)
    if not bounds[0] < bounds[1]:
        raise _range_error(text, f"LOW {parts[0]} is not below HIGH {parts[1]}")
    return path, bounds[0], bounds[1]


def explore_ranges(
    loaded: LoadedCase, vary_ranges: tuple[str, ...] | list[str] = ()
) -> tuple[list[Range], list[Held]]:
    """The ranges to sample: the case's declared ones, less those a scenario or `--set`
    replaced by another value (a counterfactual fixes what it sets), plus `--vary-range`
    (which also replaces a declared range of the same path)."""
    base = build_case(loaded.doc)
    case = loaded.case
    given = [parse_vary_range(text) for text in vary_ranges]
    overridden = {path for path, _, _ in given}
    ranges: list[Range] = []
    held: list[Held] = []
    for path, declared in case.uncertainties.items():
        if path in overridden:
            continue
        parts = split_path(path)
        value = value_at(case, parts)
        if value != value_at(base, parts):
            by = next(
                (o.origin for o in reversed(loaded.overrides) if _touches(o.path, path)),
                "an override",
            )
            held.append(Held(path, value, by))
            continue
        kind = value_kind(value)
        assert kind is not None  # checked when the case was loaded (models.uncertainty)
        ranges.append(
            Range(
                path,
                kind,
                _as_kind(declared.low, kind),
                _as_kind(declared.high, kind),
                declared.distribution,
                value,
                declared.source,
                declared.note or "",
                "case",
            )
        )
    for (path, low, high), text in zip(given, vary_ranges, strict=True):
        if path in [r.path for r in ranges]:
            raise _range_error(text, f"{path} is given twice")
        try:
            value = value_at(case, split_path(path))
        except Missing:
            raise _range_error(text, f"{path} names nothing in the case") from None
        kind = value_kind(value)
        if kind is None or (kind == "date") != isinstance(low, dt.date):
            want = {None: "a number or a date", "date": "dates"}.get(kind, "numbers")
            raise _range_error(text, f"{path} is {shown(value)!r}: give {want}")
        ranges.append(
            Range(path, kind, low, high, "uniform", value, "--vary-range", "", "--vary-range")
        )
    if not ranges:
        raise CaseError(
            Problem(
                "nothing to explore: no declared uncertainty is left to sample",
                loaded.file,
                hint="declare ranges under `uncertainties:` or give --vary-range PATH=LOW:HIGH",
            )
        )
    return ranges, held


def _touches(override: str, path: str) -> bool:
    return override == path or path.startswith(override + ".") or override.startswith(path + ".")


def _as_kind(bound: Any, kind: Kind) -> Any:
    if kind == "date":
        return bound
    return int(bound) if kind == "int" and float(bound).is_integer() else float(bound)


# --- designs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """The sampled quantiles (one row per world, one column per range) and how they were drawn."""

    method: str
    seed: int
    requested: int
    unit: NDArray[np.float64]
    base: int  # Sobol' N (worlds = N·(d + 2)), Morris trajectories, or the LHS size

    @property
    def problem(self) -> dict[str, Any]:
        """SALib's description of the inputs: every range on its quantile scale."""
        d = self.unit.shape[1]
        return {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


def design(dims: int, samples: int, method: str, seed: int) -> Design:
    """`samples` worlds or fewer: Sobol' and Morris designs come in whole blocks."""
    problem = {"num_vars": dims, "names": [f"x{j}" for j in range(dims)], "bounds": [[0, 1]] * dims}
    if method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=dims, rng=np.random.default_rng(seed)).random(samples)
        return Design(method, seed, samples, unit, samples)
    if method == "sobol":
        from SALib.sample import sobol

        block = dims + 2
        if samples < 2 * block:
            raise _samples_error(method, 2 * block, dims)
        base = 2 ** int(math.log2(samples // block))
        unit = sobol.sample(problem, base, calc_second_order=False, seed=seed)
        return Design(method, seed, samples, np.asarray(unit, dtype=float), base)
    if method == "morris":
        from SALib.sample import morris

        block = dims + 1
        if samples < 2 * block:
            raise _samples_error(method, 2 * block, dims)
        trajectories = samples // block
        unit = morris.sample(problem, trajectories, num_levels=MORRIS_LEVELS, seed=seed)
        return Design(method, seed, samples, np.asarray(unit, dtype=float), trajectories)
    raise CaseError(Problem(f"unknown method '{method}'", path="--method", hint=", ".join(METHODS)))


def _samples_error(method: str, least: int, dims: int) -> CaseError:
    return CaseError(
        Problem(
            f"--method {method} needs at least {least} samples for {dims} uncertainties",
            path="--samples",
            hint="give more --samples, or use --method lhs",
        )
    )


def sample_worlds(ranges: list[Range], unit: NDArray[np.float64]) -> list[dict[str, Any]]:
    """Each row of quantiles as the dotted-path values of one world."""
    return [{r.path: r.value(float(u)) for r, u in zip(ranges, row, strict=True)} for row in unit]


# --- policies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """Lever settings evaluated on every world: `baseline` is the case as loaded."""

    name: str
    settings: dict[str, Any]


def parse_policy(text: str) -> Policy:
    """`early=levers.mobilization_order=1941-06-25,levers.north_share=0.9` → Policy."""
    name, _, rest = text.partition("=")
    name = name.strip()
    hint = "e.g. --policy early=levers.mobilization_order=1941-06-25,levers.north_share=0.9"
    if not name or not rest.strip():
        raise CaseError(
            Problem("not of the form NAME=KEY=VALUE[,KEY=VALUE]", "--policy", hint=hint)
        )
    if name == BASELINE:
        raise CaseError(
            Problem(f"'{BASELINE}' is the case as loaded", "--policy", hint="choose another name")
        )
    settings: dict[str, Any] = {}
    for assignment in rest.split(","):
        key, value = parse_assignment(assignment.strip())
        if key in settings:
            raise CaseError(Problem(f"policy '{name}' sets {key} twice", "--policy", hint=hint))
        settings[key] = value
    return Policy(name, settings)


def parse_policies(texts: tuple[str, ...] | list[str]) -> list[Policy]:
    """The baseline, then each `--policy` in order (names unique)."""
    policies = [Policy(BASELINE, {})]
    for text in texts:
        policy = parse_policy(text)
        if policy.name in [p.name for p in policies]:
            raise CaseError(
                Problem(f"policy '{policy.name}' is given twice", "--policy", hint="rename one")
            )
        policies.append(policy)
    return policies
