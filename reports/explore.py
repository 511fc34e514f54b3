"""An explore answer (`kantokuen explore`, computed in analysis/explore.py) in words, tables and
charts: the terminal, Markdown, and the report's HTML section. Rendering only: every number
comes from the explore object; nothing is recomputed here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from kantokuen.models.case import CRITERION_LABELS, Case
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.paths import long_date, path_label
from kantokuen.reports.charts import Chart, _date_axis, _num, _style, to_svg
from kantokuen.reports.subject import number, short_date

#: Keys an explore object has (the JSON contract of `explore --json`).
REQUIRED = ("p_go", "p_go_interval", "x_day_quantiles", "sensitivity", "boxes", "policies")
OUTPUT_LABELS = {
    "go": "Go or no-go",
    "x_day": "X-Day (a no-go counts as after the horizon)",
    "soviet_share": "Soviet strength left by the decision deadline",
}
REASON_LABELS = {
    **CRITERION_LABELS,
    "movement": "Movement within the planning horizon",
    "undetermined": "No checkable reason (the solver's proof alone)",
}
UNITS = {
    "tons_per_day": "t/day",
    "tons": "t",
    "lift_tons": "t",
    "men": "men",
    "cumulative": "div.-eq.",
    "initial_strength": "div.-eq.",
    "floor": "div.-eq.",
    "ceiling": "div.-eq.",
    "combat_value": "div.-eq.",
    "reinforce_per_day": "div.-eq./day",
    "withdrawal_scale": "× history",
}
SHOWN_INPUTS = 6  # inputs listed per output in text and Markdown (all in JSON and HTML)


def path_labels(case: Case | None, paths: list[str]) -> dict[str, str]:
    """Each dotted path in domain words (`ports.dairen.tons_per_day` → `Port of Dairen: tons
    per day`), for the explore object's `labels`."""
    return {p: path_label(case, p) for p in paths}


def read_explore(path: str) -> dict[str, Any]:
    """An explore object saved with `explore --json -o FILE`; bad input names the file."""
    if not os.path.exists(path):
        raise CaseError(Problem("file not found", path, path="--explore"))
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaseError(
            Problem(f"cannot read as JSON: {exc}", path, path="--explore", hint=_HINT)
        ) from None
    if not isinstance(data, dict) or any(k not in data for k in REQUIRED):
        raise CaseError(Problem("not an explore result", path, path="--explore", hint=_HINT))
    return data


_HINT = "give the file written by `kantokuen explore CASE ... --json -o FILE`"


# --- words ------------------------------------------------------------------------------------


def unit_of(path: str) -> str:
    parts = path.split(".")
    for measure in ("men", "tanks", "aircraft"):
        if measure in parts[:-1]:
            return measure
    if parts[-1].endswith("_days"):
        return "days"
    return UNITS.get(parts[-1], "")


def value_words(kind: str, value: Any, path: str) -> str:
    """A sampled value with its unit: `8,600 t/day`, `3.25 div.-eq.`, `24 October 1941`."""
    if value is None:
        return "—"
    if kind == "date":
        return long_date(value)
    unit = unit_of(path)
    if path.endswith("north_share"):
        return f"{float(value):.0%}"
    return f"{number(float(value), 3)}{' ' + unit if unit else ''}"


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


@dataclass
class ExploreView:
    """An explore object with its sentences, tables and charts."""

    data: dict[str, Any]

    def label(self, path: str) -> str:
        return str(self.data.get("labels", {}).get(path) or path_label(None, path))

    @property
    def kinds(self) -> dict[str, str]:
        return {u["path"]: u["kind"] for u in self.data.get("uncertainties", [])}

    @property
    def title(self) -> str:
        scenario = self.data.get("scenario")
        return f"{self.data.get('case', '')}" + (f" / {scenario}" if scenario else "")

    @property
    def design_line(self) -> str:
        d = self.data
        method = {"lhs": "Latin hypercube", "sobol": "Sobol' (Saltelli)", "morris": "Morris"}
        return (
            f"{d['samples']:,} worlds ({method.get(d['method'], d['method'])} sample, seed "
            f"{d['seed']}) over {len(d.get('uncertainties', []))} uncertainties; each world "
            f"solved and verified, at most {number(d.get('time_limit', 0))} s each."
        )

    @property
    def headline(self) -> str:
        """How sure: P(go) with its 95% interval, in one sentence."""
        counts = self.data["worlds"]
        answered = counts["go"] + counts["no_go"]
        lo, hi = self.data["p_go_interval"]
        if not answered:
            return "No world has an answer yet."
        if counts["go"] == 0:
            return (
                f"No-go in all {answered:,} worlds: P(go) = 0, and below {percent(hi)} with "
                f"95% confidence (Wilson interval)."
            )
        if counts["no_go"] == 0:
            return (
                f"Go in all {answered:,} worlds: P(go) = 100%, and above {percent(lo)} with "
                f"95% confidence (Wilson interval)."
            )
        return (
            f"Go in {counts['go']:,} of {answered:,} worlds: P(go) = "
            f"{percent(self.data['p_go'])} (95% Wilson interval {percent(lo)}–{percent(hi)})."
        )

    @property
    def caveats(self) -> list[str]:
        c = self.data["worlds"]
        out = []
        if c.get("go_with_gap"):
            out.append(
                f"{c['go_with_gap']:,} go worlds hit the time limit before proving their X-Day "
                "earliest: their X-Day is an upper bound."
            )
        if c.get("no_answer"):
            out.append(f"{c['no_answer']:,} worlds had no answer within the time limit.")
        if c.get("errors"):
            out.append(f"{c['errors']:,} worlds failed (errors in the store; --retry-failed).")
        if c.get("missing"):
            out.append(f"{c['missing']:,} worlds are not solved yet (interrupted run).")
        for held in self.data.get("held", []):
            out.append(
                f"{self.label(held['path'])} is not sampled: {held['by']} sets it to "
                f"{value_words(self.kinds.get(held['path'], ''), held['value'], held['path'])}."
            )
        return out

    def top(self, output: str, count: int = 3) -> list[dict[str, Any]]:
        rows = self.data["sensitivity"]["outputs"].get(output, [])
        return [r for r in rows if r.get("significant")][:count]

    @property
    def decides(self) -> str:
        """What decides it, in one or two sentences."""
        deciding = self.top("go")
        if deciding:
            names = "; ".join(f"{self.label(r['path'])} ({self.index_text(r)})" for r in deciding)
            return f"Go or no-go turns on: {names}."
        share = self.data.get("soviet_share") or {}
        movers = self.top("soviet_share")
        if not share:
            return "No sampled uncertainty changes the verdict."
        text = (
            f"No sampled uncertainty changes the verdict. Closest to go, the Soviets keep "
            f"{percent(share['min'], 0)}–{percent(share['max'], 0)} of their strength by the "
            f"decision deadline"
            + (
                f" (the halving needs at most {percent(share['halving_needs'], 0)})"
                if share.get("halving_needs") is not None
                else ""
            )
        )
        if movers:
            names = "; ".join(f"{self.label(r['path'])} ({self.index_text(r)})" for r in movers)
            text += f"; that share is set by {names}"
        return text + "."

    def index_text(self, row: dict[str, Any]) -> str:
        method = self.data["sensitivity"]["method"]
        if method == "sobol":
            return (
                f"S1 {row.get('S1', 0):.2f} ± {row.get('S1_conf') or 0:.2f}, "
                f"ST {row.get('ST', 0):.2f} ± {row.get('ST_conf') or 0:.2f}"
            )
        if method == "morris":
            return (
                f"μ* {row.get('mu_star', 0):.2f} ± {row.get('mu_star_conf') or 0:.2f}, σ "
                f"{row.get('sigma', 0):.2f}"
            )
        prcc = row.get("prcc")
        return "PRCC —" if prcc is None else f"PRCC {prcc:+.2f}"

    def criteria_rows(self) -> list[list[str]]:
        rows = []
        for c in self.data.get("criteria", []):
            if not c["fails"] and not c["binds"]:
                continue
            rows.append(
                [
                    REASON_LABELS.get(c["name"], c["name"]),
                    percent(c["p_fails"]),
                    percent(c["p_binds"]),
                ]
            )
        return rows

    @property
    def x_day_line(self) -> str:
        q = self.data.get("x_day_quantiles") or {}
        if not q:
            return "No world is go: there is no X-Day to show."
        x = self.data["x_day"]
        parts = ", ".join(f"{k}%: {short_date(v)}" for k, v in q.items())
        bounds = f" ({x['upper_bounds']:,} of them upper bounds)" if x.get("upper_bounds") else ""
        return (
            f"X-Day among go worlds{bounds}: earliest {long_date(x['earliest'])}, latest "
            f"{long_date(x['latest'])}; quantiles {parts}."
        )

    def box_sentence(self, box: dict[str, Any]) -> str:
        """`go in 87% of worlds where A ≥ x and B ≤ y (covers 74% of all go worlds)`."""
        outcome = self.data["boxes"]["outcome"]
        conditions = " and ".join(self.condition(r) for r in box["restrictions"])
        return (
            f"{outcome} in {percent(box['density'], 0)} of worlds where {conditions} "
            f"(covers {percent(box['coverage'], 0)} of all {outcome} worlds; "
            f"{percent(box['mass'], 0)} of all worlds)"
        )

    def condition(self, r: dict[str, Any]) -> str:
        name = self.label(r["path"])
        low = value_words(r["kind"], r["low"], r["path"])
        high = value_words(r["kind"], r["high"], r["path"])
        if r["low"] is not None and r["high"] is not None:
            return f"{name} is {low} to {high}"
        return f"{name} ≥ {low}" if r["low"] is not None else f"{name} ≤ {high}"

    @property
    def box_lines(self) -> list[str]:
        boxes = self.data["boxes"]
        if boxes.get("boxes"):
            return [self.box_sentence(b) for b in boxes["boxes"]]
        if not boxes.get("hits"):
            return [f"No box: no world is {boxes.get('outcome', 'go')}."]
        return [
            f"No box: the {boxes['hits']:,} {boxes['outcome']} worlds share no range of the "
            "inputs (or are too few)."
        ]

    def policy_rows(self) -> list[list[str]]:
        rows = []
        for p in self.data.get("policies", []):
            settings = ", ".join(
                f"{self.label(k)} = {value_words('', v, k) if not _is_date(v) else long_date(v)}"
                for k, v in p["settings"].items()
            )
            lo, hi = p["p_go_interval"]
            delta = p.get("delta_p_go")
            interval = p.get("delta_interval")
            shift = p["x_day_shift"]
            rows.append(
                [
                    p["name"],
                    settings,
                    f"{percent(p['p_go'])} ({percent(lo)}–{percent(hi)})",
                    "—"
                    if delta is None
                    else f"{delta:+.1%}"
                    + (f" ({interval[0]:+.1%} to {interval[1]:+.1%})" if interval else ""),
                    f"+{p['gained']:,} / −{p['lost']:,}",
                    "—"
                    if shift["mean"] is None
                    else f"{shift['mean']:+.1f} days (median {shift['median']:+g}) in "
                    f"{shift['worlds']:,} worlds",
                ]
            )
        return rows

    def uncertainty_rows(self) -> list[list[str]]:
        rows = []
        for u in self.data.get("uncertainties", []):
            rows.append(
                [
                    self.label(u["path"]),
                    f"{value_words(u['kind'], u['low'], u['path'])} – "
                    f"{value_words(u['kind'], u['high'], u['path'])}",
                    u["distribution"],
                    value_words(u["kind"], u["mode"], u["path"]),
                    u["source"],
                ]
            )
        return rows

    def sensitivity_rows(self, output: str, limit: int | None = SHOWN_INPUTS) -> list[list[str]]:
        rows = self.data["sensitivity"]["outputs"].get(output, [])
        return [[self.label(r["path"]), self.index_text(r)] for r in rows[:limit]]

    # --- charts -------------------------------------------------------------------------------

    def charts(self) -> list[Chart]:
        charts = [
            self.x_day_chart(),
            *[self.sensitivity_chart(o) for o in self.data["sensitivity"]["outputs"]],
            self.prim_chart(),
            self.policy_chart(),
        ]
        return [c for c in charts if c is not None]

    def x_day_chart(self) -> Chart | None:
        counts = (self.data.get("x_day") or {}).get("counts") or {}
        if not counts:
            return None
        import datetime as dt

        from matplotlib.figure import Figure

        days = [dt.date.fromisoformat(d) for d in sorted(counts)]
        pad = dt.timedelta(days=3)
        with _style("explore-xday"):
            fig = Figure(figsize=(11, 3.0))
            ax = fig.add_subplot()
            ax.bar([_num(d) for d in days], list(counts.values()), width=0.8, color="#1f4e8c")
            _date_axis(ax, days[0] - pad, days[-1] + pad)
            ax.set_ylabel("go worlds")
            ax.set_title("X-Day among go worlds")
            svg = to_svg(fig, "explore-xday", "Histogram of X-Day among go worlds")
        return Chart("explore-xday", svg, "How many go worlds attack on each day.")

    def sensitivity_chart(self, output: str) -> Chart | None:
        rows = [r for r in self.data["sensitivity"]["outputs"].get(output, []) if r.get("score")]
        if not rows:
            return None
        from matplotlib.figure import Figure

        rows = rows[:12][::-1]
        name = f"explore-sens-{output}"
        method = self.data["sensitivity"]["method"]
        axis = {"sobol": "total Sobol' index ST", "morris": "μ* (mean |elementary effect|)"}
        axis["prcc"] = "|partial rank correlation (PRCC)|"
        with _style(name):
            fig = Figure(figsize=(11, 0.9 + 0.32 * len(rows)))
            ax = fig.add_subplot()
            colours = ["#8d6a3f" if r.get("significant") else "#cfc6b8" for r in rows]
            ax.barh(
                [self.label(r["path"]) for r in rows], [r["score"] for r in rows], color=colours
            )
            ax.set_xlabel(axis.get(method, "|Spearman ρ|"))
            ax.set_title(f"What decides it: {OUTPUT_LABELS.get(output, output)}")
            svg = to_svg(fig, name, f"Sensitivity of {OUTPUT_LABELS.get(output, output)}")
        return Chart(
            name,
            svg,
            "Longer bar: the uncertainty matters more for this outcome; pale bars are within "
            "the sampling noise.",
        )

    def prim_chart(self) -> Chart | None:
        boxes = self.data["boxes"].get("boxes") or []
        if not boxes:
            return None
        from matplotlib.figure import Figure

        first = boxes[0]
        path = first["trajectory"]
        with _style("explore-prim"):
            fig = Figure(figsize=(11, 3.6))
            ax = fig.add_subplot()
            ax.plot(
                [b["coverage"] for b in path],
                [b["density"] for b in path],
                "o-",
                color="#7f7f7f",
                markersize=3,
                label="peeling trajectory",
            )
            ax.plot(
                [first["coverage"]],
                [first["density"]],
                "o",
                color="#c62828",
                markersize=8,
                label="chosen box (after pasting)",
            )
            ax.set_xlabel("coverage (share of all such worlds inside)")
            ax.set_ylabel("density (share inside that are such)")
            ax.set_xlim(0, 1.02)
            ax.set_ylim(0, 1.02)
            ax.legend(loc="lower left")
            ax.set_title(f"PRIM: {self.data['boxes']['outcome']} worlds")
            svg = to_svg(fig, "explore-prim", "PRIM coverage and density trade-off")
        return Chart("explore-prim", svg, "Each peel trades coverage for density.")

    def policy_chart(self) -> Chart | None:
        policies = self.data.get("policies") or []
        if not policies:
            return None
        from matplotlib.figure import Figure

        names = ["baseline", *[p["name"] for p in policies]]
        values = [self.data["p_go"] or 0.0, *[p["p_go"] or 0.0 for p in policies]]
        intervals = [self.data["p_go_interval"], *[p["p_go_interval"] for p in policies]]
        lows = [v - i[0] for v, i in zip(values, intervals, strict=True)]
        highs = [i[1] - v for v, i in zip(values, intervals, strict=True)]
        with _style("explore-policies"):
            fig = Figure(figsize=(8, 0.9 + 0.4 * len(names)))
            ax = fig.add_subplot()
            ax.barh(names[::-1], values[::-1], xerr=[lows[::-1], highs[::-1]], color="#00a0b0")
            ax.set_xlim(0, 1)
            ax.set_xlabel("P(go) on the same worlds, with 95% interval")
            ax.set_title("Policies")
            svg = to_svg(fig, "explore-policies", "P(go) per policy")
        return Chart("explore-policies", svg, "Every policy is solved on the same worlds.")


def _is_date(value: Any) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


# --- terminal and Markdown --------------------------------------------------------------------


def render_explore(data: dict[str, Any], console: Any) -> None:
    """The answer in the terminal: how sure, what decides it, boxes, policies."""
    from rich.table import Table

    view = ExploreView(data)
    console.print(f"[bold]Explore {view.title}[/]: {view.design_line}")
    console.print(f"[bold]How sure:[/] {view.headline}")
    for line in view.caveats:
        console.print(f"  [yellow]{line}[/]")
    console.print(view.x_day_line)
    console.print(f"[bold]What decides it:[/] {view.decides}")
    criteria = Table(title="Criteria over the worlds", title_justify="left")
    for column in ("criterion", "fails (a no-go's reason)", "binds (no slack in a go)"):
        criteria.add_column(column)
    for row in view.criteria_rows():
        criteria.add_row(*row)
    console.print(criteria)
    for output, found in data["sensitivity"]["outputs"].items():
        if not found:
            continue
        table = Table(
            title=f"Sensitivity: {OUTPUT_LABELS.get(output, output)}", title_justify="left"
        )
        table.add_column("uncertainty")
        table.add_column(data["sensitivity"]["method"])
        for row in view.sensitivity_rows(output):
            table.add_row(*row)
        console.print(table)
    for note in data["sensitivity"].get("notes", []):
        console.print(f"  note: {note}")
    console.print("[bold]Scenario discovery (PRIM):[/]")
    for line in view.box_lines:
        console.print(f"  {line}")
    if data.get("policies"):
        table = Table(title="Policies on the same worlds", title_justify="left")
        for column in (
            "policy",
            "settings",
            "P(go)",
            "Δ P(go), paired",
            "worlds +/−",
            "X-Day shift",
        ):
            table.add_column(column)
        for row in view.policy_rows():
            table.add_row(*row)
        console.print(table)


def _md(value: object) -> str:
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines + [""]


def explore_markdown(data: dict[str, Any], heading: str = "#") -> str:
    """The same answer as Markdown (`explore --format md`, and `report --explore --format md`)."""
    view = ExploreView(data)
    lines = [f"{heading} Explore: {_md(view.title)}", "", _md(view.design_line), ""]
    lines += [f"**How sure.** {_md(view.headline)}", ""]
    lines += [f"- {_md(c)}" for c in view.caveats] + ([""] if view.caveats else [])
    lines += [_md(view.x_day_line), "", f"**What decides it.** {_md(view.decides)}", ""]
    lines += _table(
        ["criterion", "fails (a no-go's reason)", "binds (no slack in a go)"], view.criteria_rows()
    )
    for output, found in data["sensitivity"]["outputs"].items():
        if not found:
            continue
        lines += [f"{heading}# Sensitivity: {OUTPUT_LABELS.get(output, output)}", ""]
        lines += _table(
            ["uncertainty", data["sensitivity"]["method"]], view.sensitivity_rows(output)
        )
    lines += [f"{heading}# Scenario discovery (PRIM)", ""]
    lines += [f"- {_md(b)}" for b in view.box_lines] + [""]
    if data.get("policies"):
        lines += [f"{heading}# Policies on the same worlds", ""]
        lines += _table(
            ["policy", "settings", "P(go)", "Δ P(go), paired", "worlds +/−", "X-Day shift"],
            view.policy_rows(),
        )
    lines += [f"{heading}# Uncertainties sampled", ""]
    lines += _table(
        ["uncertainty", "range", "distribution", "case value", "source"], view.uncertainty_rows()
    )
    return "\n".join(lines)
