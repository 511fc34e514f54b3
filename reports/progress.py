"""The terminal progress bar of a run of solves (`kantokuen sweep`, `kantokuen explore`): a
bar with ETA, and a status the kind of run fills as its rows land."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Run(Protocol):
    """What a run says before its first solve: how many points, and how many are stored."""

    total: int
    todo: int
    skipped: int


class RunProgress:
    """A rich progress bar with ETA over a run's solves; `status` is the text after the count
    (rich's template, over the fields `initial` and `fields` give)."""

    label = "run"
    noun = "points"
    status = ""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = console
        self.progress = Progress(
            TextColumn(f"[bold]{self.label}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.status),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self.task: Any = None
        self.failed = 0

    def initial(self) -> dict[str, Any]:
        """The status fields before the first row."""
        return {"failed": 0}

    def fields(self, row: dict[str, Any]) -> dict[str, Any]:
        """The status fields once `row` has landed."""
        self.failed += bool(row.get("error"))
        return {"failed": self.failed}

    def started(self, run: Run) -> None:
        if run.skipped:
            self.console.print(
                f"{run.skipped} of {run.total} {self.noun} already in the store; "
                f"solving {run.todo}."
            )
        self.task = self.progress.add_task(self.label, total=run.todo, **self.initial())
        self.progress.start()

    def point(self, row: dict[str, Any]) -> None:
        self.progress.update(self.task, advance=1, **self.fields(row))

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


class SweepProgress(RunProgress):
    """The sweep's bar: how many points are a go."""

    label = "sweep"
    status = "{task.fields[go]} go, {task.fields[failed]} failed"

    def __init__(self, console: Any) -> None:
        super().__init__(console)
        self.go = 0

    def initial(self) -> dict[str, Any]:
        return {"go": 0, "failed": 0}

    def fields(self, row: dict[str, Any]) -> dict[str, Any]:
        self.go += bool(row.get("go"))
        return {"go": self.go, **super().fields(row)}


class ExploreProgress(RunProgress):
    """Explore's bar: the running P(go) of the baseline worlds; `baseline_worlds` says how
    many baseline worlds a stored point answers (identical worlds share one solve)."""

    label = "explore"
    noun = "solves"
    status = "P(go) {task.fields[p_go]}, {task.fields[failed]} failed"

    def __init__(self, console: Any, baseline_worlds: Callable[[dict[str, Any]], int]) -> None:
        super().__init__(console)
        self.baseline_worlds = baseline_worlds
        self.worlds = self.go = 0

    def initial(self) -> dict[str, Any]:
        return {"p_go": "-", "failed": 0}

    def fields(self, row: dict[str, Any]) -> dict[str, Any]:
        status = super().fields(row)
        baseline = self.baseline_worlds(row)
        if baseline and not row.get("error"):
            self.worlds += baseline
            self.go += baseline * bool(row.get("go"))
        p_go = f"{self.go / self.worlds:.1%} of {self.worlds}" if self.worlds else "-"
        return {"p_go": p_go, **status}
