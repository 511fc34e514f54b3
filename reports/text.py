"""Terminal rendering of a result: verdict, dates, criteria with margins, forces, shipping,
timeline."""

from __future__ import annotations

import datetime as dt

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from kantokuen.models.case import CRITERION_LABELS
from kantokuen.models.paths import long_date
from kantokuen.models.plan import Result
from kantokuen.reports.certificate import certificate_lines


def verdict_line(result: Result) -> Text:
    name = f"{result.case}" + (f" / {result.scenario}" if result.scenario else "")
    if result.go:
        text = Text.assemble(
            ("GO", "bold green"), f"  {name}: X-Day {result.x_day}, decision {result.decision_day}"
        )
    elif result.status.value == "INFEASIBLE":
        text = Text.assemble(("NO-GO", "bold red"), f"  {name}: no X-Day satisfies the criteria")
    else:
        text = Text.assemble(
            ("NO ANSWER", "bold yellow"), f"  {name}: {result.status.value} within the time limit"
        )
    return text


def x_day_proof(result: Result) -> str:
    """How sure a go's X-Day is: proven earliest (the whole plan, or X-Day alone while the
    shipping behind it is the best found), or the best found, with the day no plan can beat."""
    if result.status.value == "OPTIMAL":
        return "the earliest possible day"
    bound = result.bound.get("x_day")
    if bound is not None and result.x_day_index is not None and bound >= result.x_day_index:
        return (
            "the earliest possible day (proven; the shipping behind it is the best found in the "
            "time allowed)"
        )
    if bound is None:
        return "the best day found in the time allowed (not proven earliest)"
    earliest = dt.date.fromisoformat(result.calendar_start) + dt.timedelta(days=int(bound))
    return (
        "the best day found in the time allowed, not proven earliest: no plan can attack "
        f"before {long_date(earliest)}"
    )


def criteria_table(result: Result) -> Table:
    table = Table(title="Criteria", title_justify="left")
    for col in ("criterion", "holds", "margin", "detail"):
        table.add_column(col)
    for c in result.criteria:
        if not c.enabled:
            table.add_row(CRITERION_LABELS.get(c.name, c.name), "off", "", "")
            continue
        holds = (
            Text("—")
            if c.holds is None
            else (Text("yes", "green") if c.holds else Text("no", "red"))
        )
        margin = f"{c.margin:g} {c.unit}" if c.margin is not None else ""
        table.add_row(CRITERION_LABELS.get(c.name, c.name), holds, margin, c.detail)
    return table


def explained_in(result: Result) -> str:
    """The time a no-go's explanation took after the solve (its conflict, then its cheapest
    correction), so the seconds shown add up to the wait: empty when nothing was explained."""
    if result.explain_seconds <= 0:
        return ""
    return f", explained in {result.explain_seconds:.2f} s"


def render(result: Result, console: Console, max_units: int = 25) -> None:
    """Print a readable summary of a result."""
    parts: list[object] = [verdict_line(result)]
    parts.append(
        Text(
            f"status {result.status.value}; order {result.order_day}; "
            f"verified: {str(result.verified).lower()}; solved in {result.solve_seconds:.2f} s"
            + explained_in(result)
        )
    )
    if result.go and result.status.value != "OPTIMAL":
        parts.append(Text(f"X-Day: {x_day_proof(result)}", "yellow"))
    if result.overrides:
        parts.append(
            Text(
                "overrides: "
                + ", ".join(f"{o['path']}={o['value']} ({o['origin']})" for o in result.overrides)
            )
        )
    for line in result.explanation:
        parts.append(Text("• " + line, "red"))
    for i, correction in enumerate(result.corrections):
        head = "Cheapest correction: " if i == 0 else "Next cheapest: "
        parts.append(Text(head + correction.sentence, "cyan"))
    for i, line in enumerate(certificate_lines(result)):
        parts.append(Text(("  " if i else "") + line))
    parts.append(criteria_table(result))
    if result.force_ratio:
        forces = Table(title="Forces at X-Day (division-equivalents)", title_justify="left")
        for col in ("front", "Japanese", "Soviet", "ratio", "needed"):
            forces.add_column(col)
        for front, f in result.force_ratio.items():
            forces.add_row(
                front,
                f"{f['japanese']:g}",
                f"{f['soviet']:g}",
                f"{f['ratio']:.2f}",
                f"{f['needed']:g}",
            )
        parts.append(forces)
    if result.shipping:
        s = result.shipping
        parts.append(
            Text(
                f"shipping: North share {share_text(result)} ({s['north_tons']:,.0f} t at its "
                f"peak), "
                f"South {s['south_tons']:,.0f} t; North peak at sea {s['north_peak_at_sea']:,.0f} t"
            )
        )
    if result.units:
        parts.append(_timeline(result, max_units))
    console.print(Group(*parts))  # type: ignore[arg-type]


def share_text(result: Result) -> str:
    """The North share a result used: `80%`, or with a schedule its steps and the share on
    X-Day, `100% from 1941-07-01, 80% from 1941-07-11 (80% on X-Day)`."""
    lever = result.levers.get("north_share")
    share = result.shipping.get("north_share", result.north_share or 0.0)
    if not isinstance(lever, list):
        return f"{share:.0%}"
    steps = ", ".join(f"{step.get('share', 0):.0%} from {step.get('date')}" for step in lever)
    return f"{steps} ({share:.0%} on X-Day)"


def _timeline(result: Result, max_units: int) -> Table:
    committed = [u for u in result.units if u["committed"]]
    committed.sort(key=lambda u: (u["arrive"], u["id"]))
    table = Table(
        title=f"Unit timeline ({len(committed)} committed, last {min(max_units, len(committed))} "
        "arrivals)",
        title_justify="left",
    )
    for col in ("unit", "front", "route", "mobilize", "sail", "arrive"):
        table.add_column(col)
    for u in committed[-max_units:]:
        table.add_row(
            u["id"],
            u["front"],
            u.get("route", ""),
            u.get("mobilize") or "",
            u.get("sail") or "—",
            u.get("arrive") or "",
        )
    return table
