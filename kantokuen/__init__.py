"""kantokuen: a counterfactual planner for the Japanese Army's 1941 "crash schedule" (Kantokuen).

The Python API (defined in `kantokuen.api`):

    import kantokuen
    result = kantokuen.solve(kantokuen.load_case("kantokuen_1941", "halving-met"))
    result.x_day, result.go, result.units_frame()

`load_case`, `solve`, `compare`, `sweep`, `explain` and `bundled_cases`; the types they return
(`LoadedCase`, `Result`, `Comparison`, `ExplainReport`, `SweepResult`, `BundledCase`) and the
error they raise on bad input (`CaseError`). Importing kantokuen is light: OR-Tools, matplotlib
and pandas are imported only when a function needs them.

This folder is the installed package: besides this file and `api.py`, its entries are symbolic
links to the repository's top-level `cli.py`, `commands/`, `models/`, `planner/`, `analysis/`,
`reports/` and `cases/`, so the repository keeps DESIGN.md's layout and the distribution adds
nothing but `kantokuen` to site-packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kantokuen.api import (
    SweepResult,
    bundled_cases,
    compare,
    explain,
    load_case,
    solve,
    sweep,
)
from kantokuen.models import __version__
from kantokuen.models.errors import CaseError

if TYPE_CHECKING:
    from kantokuen.analysis.compare import Comparison
    from kantokuen.analysis.explain import ExplainReport
    from kantokuen.models.bundled import BundledCase
    from kantokuen.models.plan import Result
    from kantokuen.models.scenarios import LoadedCase

# Types whose modules import pydantic (or more): loaded on first use, not with the package.
_LAZY = {
    "BundledCase": "kantokuen.models.bundled",
    "Comparison": "kantokuen.analysis.compare",
    "ExplainReport": "kantokuen.analysis.explain",
    "LoadedCase": "kantokuen.models.scenarios",
    "Result": "kantokuen.models.plan",
}

__all__ = [
    "BundledCase",
    "CaseError",
    "Comparison",
    "ExplainReport",
    "LoadedCase",
    "Result",
    "SweepResult",
    "__version__",
    "bundled_cases",
    "compare",
    "explain",
    "load_case",
    "solve",
    "sweep",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kantokuen' has no attribute {name!r}")
