"""The progress bars of `sweep` and `explore` (reports/progress.py): what they print as rows
land."""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.console import Console

from kantokuen.reports.progress import ExploreProgress, SweepProgress


@dataclass
class Run:
    total: int = 3
    todo: int = 2
    skipped: int = 1


def console() -> Console:
    return Console(file=io.StringIO(), force_terminal=False, width=120)


def text(bar: SweepProgress | ExploreProgress) -> str:
    bar.progress.refresh()
    return bar.console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


def test_the_sweep_bar_counts_go_and_failed_points() -> None:
    bar = SweepProgress(console())
    bar.started(Run())
    bar.point({"go": True})
    bar.point({"go": False, "error": "boom"})
    bar.stop()
    out = text(bar)
    assert "1 of 3 points already in the store; solving 2." in out
    assert "2/2" in out and "1 go, 1 failed" in out


def test_the_explore_bar_gives_the_running_p_go_of_the_baseline_worlds() -> None:
    """A point answering two baseline worlds counts twice; a failed point counts in none."""
    worlds = {"a": 2, "b": 2, "c": 1}
    bar = ExploreProgress(console(), lambda row: worlds[row["point_key"]])
    bar.started(Run(total=4, todo=3, skipped=1))
    bar.point({"point_key": "a", "go": True})
    bar.point({"point_key": "b", "go": False})
    bar.point({"point_key": "c", "go": True, "error": "boom"})
    bar.stop()
    out = text(bar)
    assert "1 of 4 solves already in the store; solving 3." in out
    assert "P(go) 50.0% of 4, 1 failed" in out
