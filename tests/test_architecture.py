"""Imports point one way: models/ never imports ortools or click; the verifier stands alone."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent


def test_models_import_neither_ortools_nor_click() -> None:
    """Importing every module of models/ loads neither ortools nor click."""
    modules = [
        f"kantokuen.models.{p.stem}" for p in (ROOT / "models").glob("*.py") if p.stem != "__init__"
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('ortools', 'click')]\nprint(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_planner_does_not_import_analysis_reports_or_cli() -> None:
    """planner/ depends on models/ only (plus ortools)."""
    for path in (ROOT / "planner").glob("*.py"):
        text = path.read_text()
        for banned in ("kantokuen.analysis", "kantokuen.reports", "kantokuen.cli"):
            assert banned not in text, f"{path.name}: {banned}"


# The verifier recomputes everything from the case: it must not see the planner's tables.
PLANNER_SIDE = (
    "kantokuen.models.instance",
    "kantokuen.models.soviet",
    "kantokuen.planner",
    "ortools",
)
INDEPENDENT = ["kantokuen.models.verify", "kantokuen.models.certify"]


def _planner_side(name: str) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in PLANNER_SIDE)


@pytest.mark.parametrize("module", INDEPENDENT)
def test_verifier_loads_nothing_of_the_planner(module: str) -> None:
    """Importing the verifier (or the no-go certificate checker) in a fresh interpreter loads
    none of models.instance, models.soviet, planner, ortools."""
    code = (
        f"import sys\nimport {module}\nprint(sorted(m for m in sys.modules if any("
        f"m == b or m.startswith(b + '.') for b in {PLANNER_SIDE!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def _imports(path: pathlib.Path) -> set[str]:
    """Every module a source file imports, at any depth (a function-level import counts too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_verifier_source_imports_only_the_case_the_plan_and_the_stdlib() -> None:
    """models/verify.py imports models.case, models.plan and the standard library, nothing else
    (so no planner table can slip in through a later edit, even inside a function)."""
    allowed = ("kantokuen.models.case", "kantokuen.models.plan")
    for name in _imports(ROOT / "models" / "verify.py"):
        top = name.split(".")[0]
        if top == "kantokuen":
            assert name in allowed or name.startswith(tuple(a + "." for a in allowed)), name
        else:
            assert top in sys.stdlib_module_names or top == "__future__", name


@pytest.mark.parametrize("module", INDEPENDENT)
def test_independent_sources_import_nothing_of_the_planner(module: str) -> None:
    """No import of models.instance, models.soviet, planner or ortools in the source, at any
    depth (the import test above only sees the imports that run at import time)."""
    path = ROOT / "models" / f"{module.split('.')[2]}.py"
    assert not [name for name in _imports(path) if _planner_side(name)]
