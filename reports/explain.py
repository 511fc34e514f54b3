"""`explain`'s report (analysis.explain) as rich text or Markdown: a no-go's minimal conflicts,
or what sets a go's X-Day, the resources at capacity and the critical chain."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from kantokuen.models.paths import days

if TYPE_CHECKING:
    from kantokuen.analysis.explain import ExplainReport


def date_ranges(isos: list[str], most: int = 4) -> str:
    """ISO dates as runs: `1941-07-15..07-19, 1941-07-21 (+3 more runs; 12 days)`."""
    runs: list[list[dt.date]] = []
    for day in sorted(dt.date.fromisoformat(d) for d in isos):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    shown = [
        r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()}..{r[-1]:%m-%d}"
        for r in runs[:most]
    ]
    text = ", ".join(shown)
    if len(runs) > most:
        text += f" (+{len(runs) - most} more runs)"
    return text + (f"; {days(len(isos))}" if len(isos) > 1 else "")


def _title(report: ExplainReport) -> str:
    return report.case + (f" / {report.scenario}" if report.scenario else "")


def render_explanation(report: ExplainReport, console: Console) -> None:
    parts: list[Any] = []
    if report.overrides:
        parts.append(
            Text(
                "overrides: "
                + ", ".join(f"{o['path']}={o['value']} ({o['origin']})" for o in report.overrides)
            )
        )
    if report.verdict == "no-answer":
        parts.insert(
            0,
            Text.assemble(
                ("NO ANSWER", "bold yellow"),
                f"  {_title(report)}: {report.status} within the time limit; raise --time-limit.",
            ),
        )
    elif report.verdict == "no-go":
        parts.insert(
            0,
            Text.assemble(
                ("NO-GO", "bold red"), f"  {_title(report)}: no X-Day satisfies the criteria."
            ),
        )
        parts += _no_go_parts(report)
    else:
        parts.insert(
            0,
            Text.assemble(
                ("GO", "bold green"),
                f"  {_title(report)}: X-Day {report.x_day}, decision "
                f"{report.decision_day} (verified plan).",
            ),
        )
        parts += _go_parts(report)
    parts.append(Text(_effort(report)))
    console.print(Group(*parts))


def plural(n: int, noun: str) -> str:
    """`1 member`, `2 members`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def weights_words(weights: dict[str, float]) -> str:
    """`lever 1, assumption 2, beyond range 10, sourced 50`."""
    return ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in weights.items())


def _proof(conflict: Any) -> str:
    if conflict.minimal:
        return "checked minimal: keeping all but any one of them gives a verified go"
    return "some checks ran out of time, so it may not be minimal"


def _no_go_parts(report: ExplainReport) -> list[Any]:
    items = report.conflicts.items
    if report.movement_impossible:
        return [Text(items[0].members[0].sentence, "red")]
    parts: list[Any] = [Text(report.conflicts.note, "bold")]
    if len(items) > 1:
        parts.append(Text("A go needs every one of them dissolved."))
    for n, conflict in enumerate(items, 1):
        title = f"Conflict {n}" if len(items) > 1 else "Minimal conflict"
        parts.append(
            Text(
                f"{title}: {plural(len(conflict.members), 'member')} that cannot hold together "
                f"({_proof(conflict)}).",
                "bold",
            )
        )
        for i, m in enumerate(conflict.members, 1):
            kind = {"lever": "lever", "range": "declared range"}.get(m.kind, "criterion")
            parts.append(Text.assemble(f"  {i}. ", (m.label, "bold"), f" ({kind}): ", m.sentence))
            if m.needed:
                at = "only" if m.needed == "switched off" else "at"
                parts.append(Text(f"     now {m.current or '?'}; would do {at} {m.needed}", "cyan"))
    parts += [Text(line) for line in report.conflicts.shared]
    parts += _correction_parts(report)
    return parts


def _correction_parts(report: ExplainReport) -> list[Any]:
    if not report.correction_sets:
        return []
    parts: list[Any] = [
        Text(f"Cheapest corrections (cost per move: {weights_words(report.weights)}):", "bold")
    ]
    for n, c in enumerate(report.correction_sets, 1):
        parts.append(Text(f"  {n}. {c.sentence}" + (f" ({c.note})" if c.note else "")))
    parts.append(
        Text(
            "  No other correction exists among these members."
            if report.corrections_complete
            else "  (Costlier corrections may exist.)"
        )
    )
    if report.left_out:
        parts.append(Text("Declared ranges no correction moves: " + "; ".join(report.left_out)))
    return parts


def _go_parts(report: ExplainReport) -> list[Any]:
    parts: list[Any] = []
    if report.status != "OPTIMAL":
        parts.append(
            Text(
                "X-Day is not proven the earliest (time limit): a relaxation may look binding only "
                "because it let the solver find a better plan. Raise --time-limit to be sure.",
                "yellow",
            )
        )
    binding = [b for b in report.binds if b.binds]
    if binding:
        parts.append(
            Text(
                "What sets X-Day: "
                + "; ".join(
                    f"{b.label} ({b.relaxation}: X-Day {days(b.days_earlier or 0)} earlier)"
                    for b in binding
                ),
                "bold",
            )
        )
    else:
        parts.append(
            Text(
                "What sets X-Day: no single relaxation moves it — several limits bind together "
                "(see the resources at capacity and the critical chain).",
                "bold",
            )
        )
    table = Table(title="Each relaxed on its own, X-Day re-solved", title_justify="left")
    for col in ("relaxed", "how", "X-Day", "earlier by"):
        table.add_column(col)
    for b in report.binds:
        style = "bold green" if b.binds else ""
        earlier = (
            "—"
            if b.days_earlier is None
            else f"{b.days_earlier} d" + ("" if b.proven else " (not proven)")
        )
        table.add_row(
            Text(b.label, style), b.relaxation, b.x_day or "no answer", Text(earlier, style)
        )
    parts.append(table)
    if report.zero_slack:
        parts.append(
            Text(
                "Criteria with zero slack: "
                + "; ".join(
                    f"{z.label} ({z.margin:g} {z.unit}{', ' + z.detail if z.detail else ''})"
                    for z in report.zero_slack
                )
            )
        )
    if report.saturated:
        sat = Table(
            title="Resources at capacity up to X-Day (no further unit would fit)",
            title_justify="left",
        )
        sat.add_column("resource")
        sat.add_column("days")
        for s in report.saturated:
            sat.add_row(s.label, date_ranges(s.days))
        parts.append(sat)
    if report.chain is not None:
        c = report.chain
        chain = Table(
            title=f"Critical chain: {c.unit} ({c.name}) to {c.front} via {c.route}",
            title_justify="left",
        )
        for col in ("leg", "date", "what held it"):
            chain.add_column(col)
        for leg in c.legs:
            chain.add_row(leg.leg, leg.date, leg.reason)
        parts += [chain, Text(c.note)]
    parts += _closure_parts(report)
    parts += _alternative_parts(report)
    return parts


def _closure_parts(report: ExplainReport) -> list[Any]:
    if report.closure is None:
        return []
    parts: list[Any] = [Text("How the force closes", "bold"), Text(report.closure.sentence)]
    parts += [Text(f"  {f.sentence}") for f in report.closure.fronts]
    return parts


def _alternative_parts(report: ExplainReport) -> list[Any]:
    if not report.alternatives and not report.alternatives_note:
        return []
    parts: list[Any] = [Text("Other verified plans (as different as they can be)", "bold")]
    for n, alt in enumerate(report.alternatives, 1):
        parts.append(Text(f"  {n}. " + "; ".join(alt.differences) + "."))
    if report.alternatives_note:
        parts.append(Text(f"  {report.alternatives_note}"))
    return parts


def explanation_markdown(report: ExplainReport) -> str:
    lines = [f"# Explain: {_title(report)}", ""]
    if report.verdict == "no-answer":
        return "\n".join(lines + [f"**NO ANSWER** — {report.status} within the time limit.", ""])
    if report.verdict == "no-go":
        lines += ["**NO-GO** — no X-Day satisfies the criteria.", ""]
        items = report.conflicts.items
        if report.movement_impossible:
            return "\n".join(lines + [items[0].members[0].sentence, ""])
        lines += [report.conflicts.note, ""]
        for n, conflict in enumerate(items, 1):
            lines += [
                f"## Conflict {n}: {plural(len(conflict.members), 'member')}",
                "",
                f"*{_proof(conflict).capitalize()}.*",
                "",
            ]
            for m in conflict.members:
                lines.append(
                    f"- **{m.label}** ({m.kind}): {m.sentence}"
                    + (f" *Would do at {m.needed}.*" if m.needed else "")
                )
            lines.append("")
        lines += [f"- {line}" for line in report.conflicts.shared]
        lines += [""] if report.conflicts.shared else []
        lines += _corrections_markdown(report)
    else:
        lines += [
            f"**GO** — X-Day {report.x_day}, decision {report.decision_day}.",
            "",
            "| relaxed | how | X-Day | earlier by |",
            "|---|---|---|---|",
        ]
        for b in report.binds:
            earlier = "—" if b.days_earlier is None else f"{b.days_earlier} d"
            lines.append(
                f"| {'**' + b.label + '**' if b.binds else b.label} | {b.relaxation} | "
                f"{b.x_day or '—'} | {earlier} |"
            )
        if report.saturated:
            lines += [
                "",
                "Resources at capacity: "
                + "; ".join(f"{s.label}: {date_ranges(s.days)}" for s in report.saturated),
            ]
        if report.chain is not None:
            c = report.chain
            lines += [
                "",
                f"## Critical chain: {c.unit} ({c.name}) via {c.route}",
                "",
                "| leg | date | what held it |",
                "|---|---|---|",
            ]
            lines += [f"| {leg.leg} | {leg.date} | {leg.reason} |" for leg in c.legs]
            lines += ["", c.note]
        lines += _go_markdown(report)
    lines += ["", _effort(report), ""]
    return "\n".join(lines)


def _go_markdown(report: ExplainReport) -> list[str]:
    lines: list[str] = []
    if report.closure is not None:
        lines += ["", "## How the force closes", "", report.closure.sentence, ""]
        lines += [f"- {f.sentence}" for f in report.closure.fronts]
    if report.alternatives or report.alternatives_note:
        lines += ["", "## Other verified plans", ""]
        lines += [
            f"{n}. " + "; ".join(alt.differences) + "."
            for n, alt in enumerate(report.alternatives, 1)
        ]
        if report.alternatives_note:
            lines += ["", report.alternatives_note]
    return lines


def _corrections_markdown(report: ExplainReport) -> list[str]:
    if not report.correction_sets:
        return []
    lines = [
        "## Cheapest corrections",
        "",
        f"Cost per move: {weights_words(report.weights)}.",
        "",
        "| # | cost | changes | verified go |",
        "|---|---|---|---|",
    ]
    for n, c in enumerate(report.correction_sets, 1):
        changes = "; ".join(f"{ch.label} {ch.words}" for ch in c.changes)
        go = f"X-Day {c.x_day}" if c.verified else "not verified"
        lines.append(f"| {n} | {c.cost:g} | {changes} | {go} |")
    lines += [
        "",
        "No other correction exists among these members."
        if report.corrections_complete
        else "Costlier corrections may exist.",
        "",
    ]
    return lines


def _effort(report: ExplainReport) -> str:
    """`Checks: 219 (1 CP-SAT solve); none ran out of time. 1.0 s.`"""
    total = report.timings.get("total")
    took = f" {total:.1f} s." if total is not None else ""
    if report.verdict != "no-go":
        return f"Solves: {report.solves}.{took}"
    text = f"Checks: {report.checks} ({plural(report.solves, 'CP-SAT solve')})"
    text += (
        f"; {plural(report.not_checked, 'check')} ran out of time (not checked)."
        if report.not_checked
        else "; none ran out of time."
    )
    return text + took
