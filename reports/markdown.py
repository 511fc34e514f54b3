"""Markdown rendering of one result: the same facts as the terminal summary, as tables."""

from __future__ import annotations

from models.plan import Result
from reports.text import CRITERION_LABELS


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def result_markdown(result: Result) -> str:
    title = result.case + (f" / {result.scenario}" if result.scenario else "")
    lines = [f"# {_cell(title)}", ""]
    if result.go:
        lines.append(f"**GO** — X-Day **{result.x_day}**, decision day {result.decision_day}.")
    elif result.status.value == "INFEASIBLE":
        lines.append("**NO-GO** — no X-Day satisfies the criteria.")
    else:
        lines.append(f"**NO ANSWER** — {result.status.value} within the time limit.")
    lines += ["", f"Status {result.status.value}; mobilization ordered {result.order_day}; "
              f"verified: {str(result.verified).lower()}; solved in {result.solve_seconds:.2f} s.", ""]
    for line in result.explanation:
        lines.append(f"- {_cell(line)}")
    if result.explanation:
        lines.append("")
    if result.overrides:
        lines += ["## Overrides", "", "| field | value | set by |", "|---|---|---|"]
        lines += [f"| `{_cell(o['path'])}` | {_cell(o['value'])} | {_cell(o['origin'])} |" for o in result.overrides]
        lines.append("")
    lines += ["## Criteria", "", "| criterion | holds | margin | detail |", "|---|---|---|---|"]
    for c in result.criteria:
        holds = "off" if not c.enabled else ("yes" if c.holds else "**no**")
        margin = f"{c.margin:g} {c.unit}" if c.margin is not None else ""
        lines.append(f"| {CRITERION_LABELS.get(c.name, c.name)} | {holds} | {margin} | {_cell(c.detail)} |")
    lines.append("")
    if result.force_ratio:
        lines += ["## Forces at X-Day", "", "| front | Japanese | Soviet | ratio | needed |", "|---|---|---|---|---|"]
        for front, f in result.force_ratio.items():
            lines.append(f"| {_cell(front)} | {f['japanese']:g} | {f['soviet']:g} | {f['ratio']:.2f} | {f['needed']:g} |")
        lines.append("")
    if result.shipping:
        s = result.shipping
        lines += [f"Shipping: North share {s['north_share']:.0%} ({s['north_tons']:,.0f} t), South {s['south_tons']:,.0f} t; "
                  f"North peak at sea {s['north_peak_at_sea']:,.0f} t.", ""]
    if result.units:
        lines += ["## Unit timeline", "", "| unit | front | route | mobilize | sail | arrive |", "|---|---|---|---|---|---|"]
        for u in sorted((u for u in result.units if u["committed"]), key=lambda u: (u["arrive"], u["id"])):
            lines.append(f"| {_cell(u['id'])} | {_cell(u['front'])} | {_cell(u.get('route', ''))} | {u.get('mobilize')} | "
                         f"{u.get('sail') or '—'} | {u.get('arrive')} |")
        lines.append("")
    return "\n".join(lines)
