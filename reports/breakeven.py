"""A breakeven search's answer (analysis.breakeven) as rich text or Markdown: the threshold
or why there is none, the witnesses of a not-monotone answer, the evidence on each side, every
evaluation, and the solves it took."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from kantokuen.analysis.breakeven import Breakeven, Evaluation


def _x_text(e: Evaluation) -> str:
    if e.x_day is None:
        return "—"
    return e.x_day if e.earliest else f"{e.x_day} (first plan found)"


def witness_lines(b: Breakeven) -> list[str]:
    """The witnesses of a not-monotone answer, one line each: value, verdict, X-Day."""
    return [
        f"{w.value}: {w.verdict}" + (f", X-Day {_x_text(w)}" if w.x_day else "")
        for w in b.witnesses
    ]


def _solved_what(b: Breakeven) -> str:
    return "earliest X-Day" if b.method == "scan" else "yes/no"


def render_breakeven(b: Breakeven, console: Console) -> None:
    name = b.case + (f" / {b.scenario}" if b.scenario else "")
    parts: list[Any] = [
        Text.assemble(("Breakeven ", "bold"), f"{b.lever} for target '{b.target}' ({name})"),
        Text(f"range {b.range[0]} .. {b.range[1]}, step {b.step}"),
    ]
    style = {"threshold": "bold green", "not-monotone": "bold red", "undecided": "bold yellow"}.get(
        b.outcome, "bold"
    )
    head = f"Threshold {b.threshold}: " if b.outcome == "threshold" else ""
    parts.append(Text(head + b.message, style))
    if b.witnesses:
        parts.append(Text("Witnesses:", "bold red"))
        parts += [Text("    • " + line) for line in witness_lines(b)]
    for cert in (b.meets, b.fails):
        if cert is None:
            continue
        line = f"at {cert.value}: {cert.verdict}"
        if cert.x_day:
            line += f", X-Day {cert.x_day}" + (
                f" (decision {cert.decision_day})" if cert.decision_day else ""
            )
        if cert.holds and cert.result is not None and cert.result.verified:
            line += ", verified plan"
        if cert.conflict:
            line += " — conflict: " + ", ".join(cert.conflict)
        parts.append(Text(line, "green" if cert.holds else "red"))
        parts += [Text("    • " + e) for e in cert.explanation]
    table = Table(title="Evaluations", title_justify="left")
    for col in ("value", "verdict", "X-Day", "target"):
        table.add_column(col)
    for e in b.evaluations:
        table.add_row(
            e.value, e.verdict, _x_text(e), {True: "met", False: "missed", None: "?"}[e.holds]
        )
    parts.append(table)
    parts.append(
        Text(
            f"Solves: {b.total_solves} — {b.solves} lever values ({_solved_what(b)}), "
            f"{b.certificate_solves} for the certificates, {b.explanation_checks} "
            "feasibility checks for the conflict."
        )
    )
    console.print(Group(*parts))


def breakeven_markdown(b: Breakeven) -> str:
    name = b.case + (f" / {b.scenario}" if b.scenario else "")
    lines = [
        f"# Breakeven of `{b.lever}` for target `{b.target}`",
        "",
        f"Case {name}; range {b.range[0]} .. {b.range[1]}, step {b.step}.",
        "",
        f"**{b.outcome}** — {b.message}",
        "",
    ]
    if b.witnesses:
        lines += ["Witnesses:", "", *(f"- {line}" for line in witness_lines(b)), ""]
    for cert in (b.meets, b.fails):
        if cert is None:
            continue
        text = f"- at {cert.value}: **{cert.verdict}**" + (
            f", X-Day {cert.x_day}" if cert.x_day else ""
        )
        if cert.conflict:
            text += " — conflict: " + ", ".join(cert.conflict)
        lines.append(text)
        lines += [f"  - {e}" for e in cert.explanation]
    lines += ["", "| value | verdict | X-Day | target |", "|---|---|---|---|"]
    for e in b.evaluations:
        lines.append(
            f"| {e.value} | {e.verdict} | {_x_text(e)} | "
            f"{({True: 'met', False: 'missed', None: '?'})[e.holds]} |"
        )
    lines += [
        "",
        f"Solves: {b.total_solves} ({b.solves} lever values ({_solved_what(b)}), "
        f"{b.certificate_solves} for the certificates, {b.explanation_checks} feasibility "
        "checks).",
        "",
    ]
    return "\n".join(lines)
