"""A comparison of results (analysis.compare) as a rich table, Markdown or JSON.

Rows that differ are marked; cells unlike the first (reference) column stand out, with their
change against it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from kantokuen.analysis.compare import Comparison, Row

SECTIONS = {
    "inputs": "Inputs",
    "verdict": "Verdict",
    "criteria": "Criteria (margin)",
    "shipping": "Shipping and units",
    "forces": "Force ratio at X-Day (Japanese vs Soviet)",
    "arrivals": "Arrivals that moved",
}


def _cell(row: Row, i: int) -> str:
    text = row.display[i]
    delta = row.deltas[i] if i < len(row.deltas) else None
    if (
        i > 0
        and delta
        and row.section not in ("arrivals",)
        and row.kind in ("date", "tons", "number", "ratio", "share")
    ):
        text += f" ({delta:+g} d)" if row.kind == "date" else f" ({_delta_text(delta, row.kind)})"
    return text


def _delta_text(delta: float, kind: str) -> str:
    if kind == "tons":
        return f"{delta:+,.0f} t"
    if kind == "share":
        return f"{delta * 100:+.0f} pts"
    return f"{delta:+g}"


def _visible(
    comparison: Comparison, max_units: int, only_differences: bool = False
) -> tuple[list[Row], int]:
    shown = [
        r
        for r in comparison.rows
        if r.section != "arrivals" and (r.differs or not only_differences)
    ]
    moved = comparison.section("arrivals")
    return shown + moved[:max_units], max(0, len(moved) - max_units)


def render_comparison(
    comparison: Comparison, console: Console, max_units: int = 20, only_differences: bool = False
) -> None:
    """The comparison as one rich table; differing rows marked ≠ in bold, cells unlike the
    first column in yellow."""
    parts: list[Any] = [Text("Warning: " + w, "bold red") for w in comparison.warnings]
    table = Table(title="Comparison (first column is the reference)", title_justify="left")
    table.add_column("", no_wrap=True, max_width=34, overflow="ellipsis")
    for column in comparison.columns:
        table.add_column(column, overflow="fold")
    rows, hidden = _visible(comparison, max_units, only_differences)
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            table.add_section()
            table.add_row(
                Text(SECTIONS.get(section, section), "bold underline"),
                *[""] * len(comparison.columns),
            )
        label = Text(("≠ " if row.differs else "  ") + row.label, "bold" if row.differs else "")
        cells = [
            Text(_cell(row, i), "yellow" if i and row.display[i] != row.display[0] else "")
            for i in range(len(comparison.columns))
        ]
        table.add_row(label, *cells)
    parts.append(table)
    if hidden:
        parts.append(Text(f"... and {hidden} more units whose arrival moved (all in --json)."))
    elif not comparison.moved_units and any(r.key.startswith("x_day") for r in rows):
        parts.append(Text("No unit's arrival moved between results that have plans."))
    console.print(Group(*parts))


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def comparison_markdown(
    comparison: Comparison, max_units: int = 50, only_differences: bool = False
) -> str:
    """The comparison as Markdown tables, one per section; differing cells in bold."""
    lines = ["# Comparison", ""]
    for warning in comparison.warnings:
        lines += [f"> **Warning:** {_md(warning)}", ""]
    header = "| | " + " | ".join(_md(c) for c in comparison.columns) + " |"
    rule = "|---" * (len(comparison.columns) + 1) + "|"
    rows, hidden = _visible(comparison, max_units, only_differences)
    section = None
    for row in rows:
        if row.section != section:
            if section is not None:
                lines.append("")
            section = row.section
            lines += [f"## {SECTIONS.get(section, section)}", "", header, rule]
        cells = []
        for i in range(len(comparison.columns)):
            text = _md(_cell(row, i))
            cells.append(f"**{text}**" if i and row.display[i] != row.display[0] else text)
        label = ("≠ " if row.differs else "") + _md(row.label)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    if hidden:
        lines += [f"... and {hidden} more units whose arrival moved.", ""]
    return "\n".join(lines)


def comparison_json(comparison: Comparison) -> str:
    return comparison.model_dump_json(indent=2)
