"""The summary of a set of stored sweep points: verdict counts, the earliest X-Day and every
point reaching it, and a breakdown per lever value (data only; `reports.sweep` renders it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kantokuen.analysis import store as st
from kantokuen.analysis.sweep_spec import canonical_json


@dataclass
class LeverValueSummary:
    value: Any
    points: int = 0
    go: int = 0
    earliest: str | None = None


@dataclass
class Summary:
    """Go count, earliest X-Day, and a per-lever breakdown of a set of stored points."""

    points: int = 0
    go: int = 0
    no_go: int = 0
    no_answer: int = 0
    errors: int = 0
    earliest: str | None = None
    earliest_levers: list[dict[str, Any]] = field(default_factory=list)
    per_lever: dict[str, list[LeverValueSummary]] = field(default_factory=dict)


def summarize(rows: list[dict[str, Any]], lever_order: list[str] | None = None) -> Summary:
    """Count verdicts, find the earliest X-Day (and every point reaching it), break down by
    lever."""
    summary = Summary(points=len(rows))
    paths = lever_order or st.lever_paths(rows)
    cells: dict[str, dict[str, LeverValueSummary]] = {p: {} for p in paths}
    for row in rows:
        if row.get("error"):
            summary.errors += 1
        elif row.get("go"):
            summary.go += 1
        elif row.get("status") == "INFEASIBLE":
            summary.no_go += 1
        else:
            summary.no_answer += 1
        x_day = row.get("x_day") if row.get("go") else None
        if x_day and (summary.earliest is None or x_day < summary.earliest):
            summary.earliest, summary.earliest_levers = x_day, []
        if x_day and x_day == summary.earliest:
            summary.earliest_levers.append(row.get("levers") or {})
        for path in paths:
            value = (row.get("levers") or {}).get(path)
            cell = cells[path].setdefault(canonical_json(value), LeverValueSummary(value))
            cell.points += 1
            if x_day:
                cell.go += 1
                cell.earliest = min(cell.earliest or x_day, x_day)
    summary.per_lever = {
        p: sorted(c.values(), key=lambda c: _sort_key(c.value)) for p, c in cells.items()
    }
    return summary


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool) or value is None:
        return (2, str(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))
