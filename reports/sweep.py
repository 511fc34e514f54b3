"""A sweep store (SQLite, written by `kantokuen sweep`) read for the report: a grid of answers;
the summary table `kantokuen sweep` prints (from analysis.sweep_summary's `Summary`); and the
progress bar it shows while points land.

The report reads the documented `points` and `meta` tables directly, read-only, so it needs
nothing from analysis/ and never changes a store a sweep may still be writing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.paths import long_date
from kantokuen.reports.charts import Chart, heatmap_chart, lever_label, lever_value
from kantokuen.reports.subject import short_date

if TYPE_CHECKING:
    from kantokuen.analysis.sweep_summary import LeverValueSummary, Summary

REQUIRED_COLUMNS = {
    "levers",
    "status",
    "go",
    "x_day",
    "x_day_index",
    "case_name",
    "scenario",
    "error",
}
MAX_PANELS = 6
GROUP = "\0group"  # facet key for (case, scenario) when a store holds several sweeps


def read_store(path: str) -> Sweep:
    """Points and meta of a sweep store; a file that is not one is a CaseError naming it."""
    if not os.path.exists(path):
        raise CaseError(Problem("file not found", path, hint="give the --store file a sweep wrote"))
    try:
        con = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)
        try:
            con.row_factory = sqlite3.Row
            columns = {row["name"] for row in con.execute("PRAGMA table_info(points)")}
            if not columns:
                raise CaseError(
                    Problem(
                        "no `points` table: not a sweep store",
                        path,
                        hint="make one with `kantokuen sweep CASE --vary ... --store FILE`",
                    )
                )
            missing = REQUIRED_COLUMNS - columns
            if missing:
                raise CaseError(
                    Problem(
                        f"`points` table lacks {', '.join(sorted(missing))}",
                        path,
                        hint="was it written by another version of kantokuen?",
                    )
                )
            order = "finished_at, id" if "finished_at" in columns else "id"
            points = [
                _decode(dict(row)) for row in con.execute(f"SELECT * FROM points ORDER BY {order}")
            ]
            meta: dict[str, str] = {}
            if con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
            ).fetchone():
                meta = {
                    row["key"]: row["value"] for row in con.execute("SELECT key, value FROM meta")
                }
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise CaseError(
            Problem(
                f"cannot read as a sweep store: {exc}",
                path,
                hint="give the SQLite file written by `kantokuen sweep --store`",
            )
        ) from None
    return Sweep(path, points, meta)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("levers", "margins", "objective"):
        value = row.get(key)
        if isinstance(value, str):
            try:
                row[key] = json.loads(value)
            except json.JSONDecodeError:
                row[key] = {}
    row["levers"] = row.get("levers") or {}
    return row


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (2, str(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


@dataclass
class Sweep:
    """Every solved point of a sweep, arranged over its levers."""

    path: str
    points: list[dict[str, Any]]
    meta: dict[str, str] = field(default_factory=dict)

    @cached_property
    def levers(self) -> dict[str, list[Any]]:
        """Each lever the sweep varied, with its values in order (levers with one value left
        out)."""
        values: dict[str, list[Any]] = {}
        for p in self.points:
            for key, value in p["levers"].items():
                bucket = values.setdefault(key, [])
                if _hashable(value) not in [_hashable(v) for v in bucket]:
                    bucket.append(value)
        return {k: sorted(v, key=_sort_key) for k, v in values.items() if len(v) > 1} or {
            k: v for k, v in values.items()
        }

    @property
    def axes(self) -> tuple[str | None, str | None]:
        """The heat-map's x and y levers: the two with the most values (x has the most)."""
        ranked = sorted(self.levers, key=lambda k: -len(self.levers[k]))
        return (ranked[0] if ranked else None, ranked[1] if len(ranked) > 1 else None)

    @property
    def groups(self) -> list[tuple[str, str]]:
        """(case, scenario) pairs in the store: one store may hold several sweeps."""
        return list(
            dict.fromkeys((p.get("case_name") or "", p.get("scenario") or "") for p in self.points)
        )

    @property
    def facets(self) -> list[dict[str, Any]]:
        """Combinations of the remaining levers (and of case/scenario); one heat-map each."""
        x, y = self.axes
        others = [k for k in self.levers if k not in (x, y)]
        combos: list[dict[str, Any]] = [{}]
        if len(self.groups) > 1:
            combos = [{GROUP: g} for g in self.groups]
        for key in others:
            combos = [{**c, key: v} for c in combos for v in self.levers[key]]
        return combos

    @cached_property
    def latest(self) -> list[dict[str, Any]]:
        """One point per case, scenario and lever setting: the last one finished."""
        by_key: dict[str, dict[str, Any]] = {}
        for p in self.points:
            key = json.dumps(
                [p.get("case_name"), p.get("scenario"), p["levers"]], sort_keys=True, default=str
            )
            by_key[key] = p
        return list(by_key.values())

    @property
    def start(self) -> dt.date | None:
        """Day 0 of the case, recovered from any go point (x_day − x_day_index)."""
        for p in self.points:
            if p.get("x_day") and p.get("x_day_index") is not None:
                return dt.date.fromisoformat(p["x_day"]) - dt.timedelta(days=int(p["x_day_index"]))
        return None

    def cells(self, facet: dict[str, Any]) -> dict[tuple[Any, Any], dict[str, Any]]:
        x, y = self.axes
        out: dict[tuple[Any, Any], dict[str, Any]] = {}
        for p in self.latest:
            levers = p["levers"]
            if (
                GROUP in facet
                and (p.get("case_name") or "", p.get("scenario") or "") != facet[GROUP]
            ):
                continue
            if any(
                _hashable(levers.get(k)) != _hashable(v) for k, v in facet.items() if k != GROUP
            ):
                continue
            out[
                (_hashable(levers.get(x)) if x else None, _hashable(levers.get(y)) if y else None)
            ] = p
        return out

    @property
    def title(self) -> str:
        names = sorted({p.get("case_name") or "" for p in self.points} - {""})
        scenarios = sorted({p.get("scenario") or "" for p in self.points} - {""})
        text = ", ".join(names) or os.path.basename(self.path)
        return text + (f" / {', '.join(scenarios)}" if scenarios else "")

    @property
    def summary(self) -> list[tuple[str, str]]:
        pts = self.latest
        go = [p for p in pts if p.get("go")]
        errors = [p for p in pts if p.get("error")]
        rows = [
            ("Points solved", str(len(pts))),
            ("Go", str(len(go))),
            ("No-go", str(sum(1 for p in pts if p.get("go") == 0 and not p.get("error")))),
        ]
        if errors:
            rows.append(("Failed to solve", str(len(errors))))
        if go:
            best = min(go, key=lambda p: p["x_day_index"])
            setting = ", ".join(
                f"{lever_label(k)} = {lever_value(k, v)}" for k, v in best["levers"].items()
            )
            rows.append(("Earliest X-Day", f"{long_date(best['x_day'])} ({setting})"))
        proven = sum(1 for p in go if p.get("gap") in (None, 0) and p.get("status") == "OPTIMAL")
        if go:
            rows.append(("Proven earliest", f"{proven} of {len(go)} go points"))
        last = self._last_sweep
        if last.get("case_file"):
            rows.append(
                (
                    "Case file",
                    str(last["case_file"])
                    + (f", scenario {last['scenario']}" if last.get("scenario") else ""),
                )
            )
        if last.get("vary"):
            rows.append(("Levers varied", "; ".join(str(v) for v in last["vary"])))
        versions = sorted({str(p.get("version")) for p in pts if p.get("version")})
        if versions:
            rows.append(("Solved by", "kantokuen " + ", ".join(versions)))
        return rows

    @property
    def _last_sweep(self) -> dict[str, Any]:
        try:
            value = json.loads(self.meta.get("last_sweep", "{}"))
        except json.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}

    def facet_title(self, facet: dict[str, Any]) -> str:
        if not facet:
            return "X-Day over the levers"
        parts = (
            [f"{g[0]}" + (f" / {g[1]}" if g[1] else "") for g in [facet[GROUP]]]
            if GROUP in facet
            else []
        )
        parts += [f"{lever_label(k)} = {lever_value(k, v)}" for k, v in facet.items() if k != GROUP]
        return "; ".join(parts)

    def charts(self) -> list[Chart]:
        x, y = self.axes
        start = self.start
        if x is None or start is None and not self.points:
            return []
        charts = []
        for i, facet in enumerate(self.facets[:MAX_PANELS]):
            xs = [_hashable(v) for v in self.levers[x]]
            ys = [_hashable(v) for v in self.levers[y]] if y else []
            charts.append(
                heatmap_chart(
                    self.facet_title(facet),
                    x,
                    xs,
                    y,
                    ys,
                    self.cells(facet),
                    start or dt.date(1970, 1, 1),
                    f"sweep{i}",
                )
            )
        return charts

    @property
    def facet_note(self) -> str:
        n = len(self.facets)
        return (
            f"Only the first {MAX_PANELS} of {n} combinations of the other levers are drawn."
            if n > MAX_PANELS
            else ""
        )

    def pivot(self, facet: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
        """A table of the facet: header (x values), rows (y value, then a cell per x value)."""
        x, y = self.axes
        cells = self.cells(facet)
        xs = self.levers[x] if x else [None]
        ys = self.levers[y] if y else [None]
        header = [lever_label(y) if y else "", *[lever_value(x, v) for v in xs]]
        body = []
        for yv in ys:
            row = [lever_value(y, yv) if y else lever_label(x)]
            for xv in xs:
                p = cells.get((_hashable(xv), _hashable(yv) if y else None))
                row.append(point_text(p))
            body.append(row)
        return header, body


def point_text(p: dict[str, Any] | None) -> str:
    if p is None:
        return ""
    if p.get("error"):
        return "error"
    if not p.get("go"):
        return "no-go" if p.get("status") == "INFEASIBLE" else (p.get("status") or "?").lower()
    return short_date(p.get("x_day"))


# --- the summary in the terminal (`kantokuen sweep`) ------------------------------------------


def _value_text(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


#: An axis with more values than this shows only the values where the answer changes.
LONG_AXIS = 20


def changes_only(cells: list[LeverValueSummary]) -> list[LeverValueSummary]:
    """For a long axis: the first and last value, and each value whose go count or earliest
    X-Day differs from the value before it (where the thresholds are)."""
    if len(cells) <= LONG_AXIS:
        return cells
    keep = [cells[0]]
    for before, cell in itertools.pairwise(cells):
        if (cell.go, cell.earliest) != (before.go, before.earliest) or cell is cells[-1]:
            keep.append(cell)
    return keep


def print_summary(summary: Summary, console: Any, title: str) -> None:
    """The summary table: verdict counts, earliest X-Day and where, then one row per lever value."""
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_row("points", str(summary.points))
    table.add_row("go", f"[green]{summary.go}[/]")
    table.add_row("no-go (proven)", str(summary.no_go))
    if summary.no_answer:
        table.add_row("no answer in time", f"[yellow]{summary.no_answer}[/]")
    if summary.errors:
        table.add_row("errors", f"[red]{summary.errors}[/]")
    if summary.earliest:
        example = ", ".join(f"{k}={_value_text(v)}" for k, v in summary.earliest_levers[0].items())
        count = len(summary.earliest_levers)
        table.add_row(
            "earliest X-Day",
            f"[bold]{summary.earliest}[/] at {count} point{'s' * (count > 1)}, "
            f"{'e.g. ' * (count > 1)}{example}",
        )
    else:
        table.add_row("earliest X-Day", "none: no point is go")
    console.print(table)
    breakdown = Table(title="Per lever value", title_justify="left")
    for column in ("lever", "value", "points", "go", "earliest X-Day"):
        breakdown.add_column(column, justify="right" if column in ("points", "go") else "left")
    for path, all_cells in summary.per_lever.items():
        cells = changes_only(all_cells)
        if len(cells) < len(all_cells):
            path += f"\n({len(all_cells)} values; shown where the answer changes)"
        for i, cell in enumerate(cells):
            breakdown.add_row(
                path if i == 0 else "",
                _value_text(cell.value),
                str(cell.points),
                str(cell.go),
                cell.earliest or "-",
                end_section=i == len(cells) - 1,
            )
    console.print(breakdown)
