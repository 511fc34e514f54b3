"""Imports point one way: models/ never imports ortools or click."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parent.parent


def test_models_import_neither_ortools_nor_click() -> None:
    """Importing every module of models/ loads neither ortools nor click."""
    modules = [f"models.{p.stem}" for p in (ROOT / "models").glob("*.py") if p.stem != "__init__"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "bad = [m for m in sys.modules if m.split('.')[0] in ('ortools', 'click')]\nprint(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_planner_does_not_import_analysis_reports_or_cli() -> None:
    """planner/ depends on models/ only (plus ortools)."""
    for path in (ROOT / "planner").glob("*.py"):
        text = path.read_text()
        for banned in ("import analysis", "from analysis", "import reports", "from reports", "import cli", "from cli"):
            assert banned not in text, f"{path.name}: {banned}"
