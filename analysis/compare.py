"""Side by side: two or more results of one case, inputs first, then outputs.

Inputs: the case and its version, the scenario, every lever and every override, so the reader
sees what was changed before what changed. Outputs: verdict, X-Day, decision day, the margin
of every criterion, North/South shipping, units committed, the force ratio per front at X-Day,
and every unit whose arrival moved (by how many days, against the first result). Results that
come from different cases or different versions of one case are flagged, never silently mixed.

`compare_results` is the library entry point; reports/compare.py renders a `Comparison` as a
rich table, Markdown or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from kantokuen.models.case import CRITERIA, CRITERION_LABELS
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.plan import Result

LEVERS = ("mobilization_order", "north_share", "withdrawal_scale")


class Row(BaseModel):
    """One compared quantity: its value in each result, as data and as displayed."""

    section: str
    key: str = Field(description="Stable machine name, e.g. `x_day` or `criteria.halving.margin`.")
    label: str
    kind: str = Field("", description="date | days | tons | number | ratio | share | text")
    values: list[Any]
    display: list[str]
    deltas: list[float | None] = Field(
        default_factory=list,
        description="Change against the first column (days for dates); None if n/a.",
    )
    differs: bool


class Comparison(BaseModel):
    """Two or more results side by side."""

    columns: list[str]
    warnings: list[str] = Field(
        default_factory=list, description="Mixed cases or case versions, and the like."
    )
    rows: list[Row]
    moved_units: int = Field(
        0, description="Units whose arrival date differs between results that have plans."
    )

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def section(self, name: str) -> list[Row]:
        return [r for r in self.rows if r.section == name]

    def frame(self) -> Any:
        """The rows as a pandas DataFrame indexed by (section, key): each result's value as
        displayed, and whether they differ (needs pandas: `pip install 'kantokuen[pandas]'`)."""
        from kantokuen.models.frames import require_pandas

        pd = require_pandas()
        cells = {c: [r.display[i] for r in self.rows] for i, c in enumerate(self.columns)}
        keys = [(r.section, r.key) for r in self.rows]
        index = pd.MultiIndex.from_tuples(keys, names=["section", "key"])
        return pd.DataFrame({**cells, "differs": [r.differs for r in self.rows]}, index=index)


# --- Reading results ----------------------------------------------------------------------


def looks_like_result(path: str) -> bool:
    """A saved result is a JSON object; a case is YAML (a `.json` name also counts)."""
    if path.lower().endswith(".json"):
        return True
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(256).lstrip()
    except (OSError, UnicodeDecodeError):
        return False
    return head.startswith("{")


def load_result(path: str) -> Result:
    """A result saved by `kantokuen solve --json -o FILE`, or a CaseError naming the file."""
    hint = "save one with `kantokuen solve CASE --json -o FILE`"
    if not os.path.exists(path):
        raise CaseError(Problem("file not found", path, hint="check the path"))
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = json.loads(text)
    except UnicodeDecodeError:
        raise CaseError(Problem("not valid UTF-8", path, hint=hint)) from None
    except json.JSONDecodeError as exc:
        raise CaseError(
            Problem(f"not valid JSON: {exc.msg}", path, exc.lineno, hint=hint)
        ) from None
    except RecursionError:
        raise CaseError(Problem("JSON nested too deeply to be a result", path, hint=hint)) from None
    try:
        return Result.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CaseError(
            Problem(
                f"not a kantokuen result: {first['msg'].lower()}", path, None, where or None, hint
            )
        ) from None


# --- Building the comparison --------------------------------------------------------------


def compare_results(results: list[Result]) -> Comparison:
    """Compare results side by side; the first one is the reference for the deltas."""
    if not results:
        raise ValueError("nothing to compare")
    columns = column_labels(results)
    rows = input_rows(results) + verdict_rows(results) + criteria_rows(results)
    rows += shipping_rows(results) + force_rows(results)
    arrivals = arrival_rows(results)
    return Comparison(
        columns=columns,
        warnings=version_warnings(results, columns),
        rows=rows + arrivals,
        moved_units=len(arrivals),
    )


def column_labels(results: list[Result]) -> list[str]:
    """Scenario names (`base` without one); the case file tells apart results that share one."""
    labels = [r.scenario or "base" for r in results]
    if len(set(labels)) < len(labels):
        labels = [
            f"{os.path.splitext(os.path.basename(r.case_file))[0]}:{label}"
            for r, label in zip(results, labels, strict=True)
        ]
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def version_warnings(results: list[Result], columns: list[str]) -> list[str]:
    """Results of different cases, different versions of one case, or different tool versions."""
    out = []

    def by(values: list[str]) -> str:
        groups: dict[str, list[str]] = {}
        for value, column in zip(values, columns, strict=True):
            groups.setdefault(value, []).append(column)
        return "; ".join(f"{value} in {', '.join(cols)}" for value, cols in groups.items())

    names = [r.case for r in results]
    if len(set(names)) > 1:
        out.append(
            f"These results come from different cases ({by(names)}): they are not counterfactuals "
            "of one case, so differences are not the effect of the levers alone."
        )
        return out
    bases = [r.base_hash for r in results]
    if any(b is None for b in bases):
        out.append(
            "Some results were saved without a base-case hash: cannot check that they come from "
            "the same version of the case file."
        )
    elif len(set(bases)) > 1:
        out.append(
            f"These results come from different versions of case '{names[0]}' (base-case hash "
            f"{by([b or '' for b in bases])}): differences may come from edits to the case, not "
            "only from the scenarios and levers."
        )
    versions = [r.version for r in results]
    if len(set(versions)) > 1:
        out.append(f"Results were produced by different versions of the tool ({by(versions)}).")
    return out


def _row(
    section: str,
    key: str,
    label: str,
    values: list[Any],
    kind: str = "text",
    display: list[str] | None = None,
) -> Row:
    shown = display if display is not None else [fmt(v, kind) for v in values]
    return Row(
        section=section,
        key=key,
        label=label,
        kind=kind,
        values=values,
        display=shown,
        deltas=deltas(values, kind),
        differs=len(set(shown)) > 1,
    )


def fmt(value: Any, kind: str) -> str:
    """A value as shown in a table cell."""
    if value is None:
        return "—"
    if kind == "tons":
        return f"{value:,.0f} t"
    if kind == "share":
        if isinstance(value, list):  # a North share schedule: its steps
            return ", ".join(f"{step['share']:.0%} from {step['date']}" for step in value)
        return value if isinstance(value, str) else f"{value:.0%}"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "number":
        return f"{value:g}"
    if kind == "days":
        return f"{value:g} d"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def deltas(values: list[Any], kind: str) -> list[float | None]:
    """Each value minus the first (days for dates); None when either is missing or not a number."""
    ref = values[0] if values else None
    out: list[float | None] = []
    for value in values:
        if value is None or ref is None:
            out.append(None)
        elif kind == "date":
            out.append(float((dt.date.fromisoformat(value) - dt.date.fromisoformat(ref)).days))
        elif (
            kind in ("tons", "number", "ratio", "share", "days")
            and not isinstance(value, str | bool | list)
            and not isinstance(ref, str | bool | list)
        ):
            out.append(round(float(value) - float(ref), 6))
        else:
            out.append(None)
    return out


def _lever(result: Result, name: str) -> Any:
    levers: Mapping[str, Any] = result.levers
    if name in levers:
        return levers[name]
    for override in result.overrides:
        if override["path"] == f"levers.{name}":
            return override["value"]
    return result.order_day if name == "mobilization_order" else None


def input_rows(results: list[Result]) -> list[Row]:
    """The case, its version, the scenario, every lever, and every other override."""
    rows = [
        _row("inputs", "case", "case", [r.case for r in results]),
        _row("inputs", "base_hash", "case version (base hash)", [r.base_hash for r in results]),
        _row("inputs", "scenario", "scenario", [r.scenario for r in results]),
    ]
    kinds = {"mobilization_order": "date", "north_share": "share", "withdrawal_scale": "number"}
    for name in LEVERS:
        rows.append(
            _row(
                "inputs",
                f"levers.{name}",
                f"levers.{name}",
                [_lever(r, name) for r in results],
                kinds[name],
            )
        )
    paths: list[str] = []
    for r in results:
        for o in r.overrides:
            if o["path"] not in paths and not o["path"].startswith("levers."):
                paths.append(o["path"])
    for path in paths:
        values = [
            next((o["value"] for o in r.overrides if o["path"] == path), None) for r in results
        ]
        shown = [
            json.dumps(v) if isinstance(v, dict | list) else ("(base)" if v is None else str(v))
            for v in values
        ]
        rows.append(_row("inputs", f"overrides.{path}", path, values, "text", shown))
    return rows


def member_text(name: str) -> str:
    """A conflict member as read in a table: `halving`, `withdrawal_scale (lever)`."""
    return f"{name.removeprefix('levers.')} (lever)" if name.startswith("levers.") else name


def verdict(result: Result) -> str:
    if result.go:
        return "GO"
    return "NO-GO" if result.status.value == "INFEASIBLE" else f"NO ANSWER ({result.status.value})"


def verdict_rows(results: list[Result]) -> list[Row]:
    rows = [
        _row("verdict", "verdict", "verdict", [verdict(r) for r in results]),
        _row("verdict", "status", "solver status", [r.status.value for r in results]),
        _row("verdict", "x_day", "X-Day", [r.x_day for r in results], "date"),
        _row("verdict", "decision_day", "decision day", [r.decision_day for r in results], "date"),
        # A plan passed the independent verifier, or a no-go's certificate did (models.verify).
        _row("verdict", "verified", "verified", [r.verified for r in results]),
    ]
    if any(r.conflict for r in results):
        values = [", ".join(r.conflict) if r.conflict else None for r in results]
        shown = [
            " + ".join(member_text(m) for m in r.conflict) if r.conflict else "—" for r in results
        ]
        rows.append(_row("verdict", "conflict", "conflict (no-go)", values, "text", shown))
    return rows


def criteria_rows(results: list[Result]) -> list[Row]:
    """Margin of every criterion (in its own unit); off, failing, or in the conflict otherwise."""
    names = list(CRITERIA) + [c.name for r in results for c in r.criteria if c.name not in CRITERIA]
    rows = []
    for name in dict.fromkeys(names):
        values: list[Any] = []
        shown: list[str] = []
        unit = ""
        for r in results:
            c = next((c for c in r.criteria if c.name == name), None)
            if c is None:
                values.append(None)
                shown.append("—")
            elif not c.enabled:
                values.append(None)
                shown.append("off")
            elif c.margin is None:
                # No plan, no margin: a no-go says only whether the criterion is in its conflict.
                values.append(None)
                shown.append("in the conflict" if name in r.conflict else "—")
            else:
                unit = unit or c.unit
                values.append(c.margin)
                number = f"{c.margin:,.0f}" if c.unit == "t" else f"{c.margin:g}"
                shown.append(f"{number} {c.unit}".strip() + ("" if c.holds else " ✗"))
        if all(v == "—" for v in shown):
            continue
        row = _row(
            "criteria",
            f"criteria.{name}.margin",
            CRITERION_LABELS.get(name, name),
            values,
            "number",
            shown,
        )
        rows.append(row.model_copy(update={"label": row.label + (f" ({unit})" if unit else "")}))
    return rows


def shipping_rows(results: list[Result]) -> list[Row]:
    """North share used, North and South tons, the North's peak at sea, units committed."""

    def ship(key: str) -> list[Any]:
        return [r.shipping.get(key) for r in results]

    committed = [
        sum(1 for u in r.units if u.get("committed")) if r.units else None for r in results
    ]
    totals = [len(r.units) if r.units else None for r in results]
    return [
        _row(
            "shipping", "north_share", "North share used", [r.north_share for r in results], "share"
        ),
        _row("shipping", "north_tons", "North shipping (peak pool)", ship("north_tons"), "tons"),
        _row("shipping", "south_tons", "South shipping (peak pool)", ship("south_tons"), "tons"),
        _row(
            "shipping", "north_peak_at_sea", "North peak at sea", ship("north_peak_at_sea"), "tons"
        ),
        _row("shipping", "sea_tons_moved", "tons moved by sea", ship("sea_tons_moved"), "tons"),
        _row(
            "shipping",
            "units_committed",
            "units committed",
            committed,
            "number",
            [
                f"{c} of {t}" if c is not None else "—"
                for c, t in zip(committed, totals, strict=True)
            ],
        ),
    ]


def force_rows(results: list[Result]) -> list[Row]:
    fronts = list(dict.fromkeys(f for r in results for f in r.force_ratio))
    rows = []
    for front in fronts:
        cells = [r.force_ratio.get(front) for r in results]
        values = [c["ratio"] if c else None for c in cells]
        shown = [
            f"{c['ratio']:.2f} ({c['japanese']:.3g} vs {c['soviet']:.3g})" if c else "—"
            for c in cells
        ]
        rows.append(_row("forces", f"force_ratio.{front}", front, values, "ratio", shown))
    return rows


def arrival_rows(results: list[Result]) -> list[Row]:
    """Every unit whose arrival date differs between results that have it, with the days moved
    against the first column; the biggest moves first."""
    arrivals = [{u["id"]: u.get("arrive") for u in r.units if u.get("committed")} for r in results]
    ids = list(dict.fromkeys(uid for a in arrivals for uid in a))
    rows = []
    for uid in ids:
        values = [a.get(uid) for a in arrivals]
        present = {v for v in values if v is not None}
        if len(present) < 2:
            continue
        row = _row("arrivals", f"arrive.{uid}", uid, values, "date")
        shown = [
            cell if d is None or d == 0 or i == 0 else f"{cell} ({d:+.0f} d)"
            for i, (cell, d) in enumerate(zip(row.display, row.deltas, strict=True))
        ]
        rows.append(row.model_copy(update={"display": shown}))
    rows.sort(key=lambda r: -max((abs(d) for d in r.deltas if d is not None), default=0))
    return rows


def differing(comparison: Comparison, sections: Iterable[str] | None = None) -> list[str]:
    """Keys of the rows that differ (optionally only in some sections)."""
    wanted = set(sections) if sections is not None else None
    return [r.key for r in comparison.rows if r.differs and (wanted is None or r.section in wanted)]


# --- Gathering the results to compare -----------------------------------------------------


def gather(
    inputs: list[str], scenarios: list[str], sets: list[str], options: Any
) -> tuple[list[Result], bool]:
    """The results to compare: saved result files as they are, or one case solved under each
    scenario (the base case first when only one scenario is named). Also says whether they
    were solved here."""
    from kantokuen.models.scenarios import load
    from kantokuen.planner.result import solve

    if inputs and all(looks_like_result(p) for p in inputs):
        if scenarios or sets:
            raise CaseError(
                Problem(
                    "--scenario and --set apply to a case file, not to saved results",
                    inputs[0],
                    hint="solve the case again, or compare the result files alone",
                )
            )
        if len(inputs) < 2:
            raise CaseError(
                Problem(
                    "one result alone cannot be compared",
                    inputs[0],
                    hint="give two or more result files",
                )
            )
        return [load_result(p) for p in inputs], False
    if len(inputs) != 1:
        raise CaseError(
            Problem(
                "compare takes one case file with --scenario options, or two or more saved "
                "result files",
                None,
                hint="e.g. kantokuen compare CASE -s historical -s halving-met",
            )
        )
    if not scenarios:
        raise CaseError(
            Problem(
                "name the scenarios to compare",
                inputs[0],
                hint="e.g. --scenario historical --scenario halving-met",
            )
        )
    names: list[str | None] = [None, *scenarios] if len(scenarios) == 1 else list(scenarios)
    loaded = [
        load(inputs[0], name, tuple(sets)) for name in names
    ]  # every input checked before solving
    return [solve(case, options) for case in loaded], True
