"""Markdown rendering: one result (`solve --format md`), and the full report (`report --format md`).

The report says the same things as the HTML page, in tables; a chart becomes the numbers it
draws (strength per front week by week and on the key dates).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kantokuen.models.case import CRITERION_LABELS
from kantokuen.models.paths import long_date
from kantokuen.models.plan import Result
from kantokuen.reports.certificate import certificate_lines
from kantokuen.reports.charts import lever_label
from kantokuen.reports.explore import explore_markdown
from kantokuen.reports.facts import View, comparison_rows
from kantokuen.reports.subject import Subject, date_of, day_of, number, short_date
from kantokuen.reports.sweep import MAX_PANELS, Sweep
from kantokuen.reports.text import explained_in, share_text


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
    lines += [
        "",
        f"Status {result.status.value}; mobilization ordered {result.order_day}; "
        f"verified: {str(result.verified).lower()}; solved in {result.solve_seconds:.2f} s"
        f"{explained_in(result)}.",
        "",
    ]
    for line in result.explanation:
        lines.append(f"- {_cell(line)}")
    if result.explanation:
        lines.append("")
    lines += _corrections(result, _cell)
    proof = certificate_lines(result)
    if proof:
        lines += [_cell(proof[0]), ""] + [f"- {_cell(line)}" for line in proof[1:]] + [""]
    if result.overrides:
        lines += ["## Overrides", "", "| field | value | set by |", "|---|---|---|"]
        lines += [
            f"| `{_cell(o['path'])}` | {_cell(o['value'])} | {_cell(o['origin'])} |"
            for o in result.overrides
        ]
        lines.append("")
    lines += ["## Criteria", "", "| criterion | holds | margin | detail |", "|---|---|---|---|"]
    for c in result.criteria:
        holds = (
            "off"
            if not c.enabled
            else ("—" if c.holds is None else ("yes" if c.holds else "**no**"))
        )
        margin = f"{c.margin:g} {c.unit}" if c.margin is not None else ""
        lines.append(
            f"| {CRITERION_LABELS.get(c.name, c.name)} | {holds} | {margin} | {_cell(c.detail)} |"
        )
    lines.append("")
    if result.force_ratio:
        lines += [
            "## Forces at X-Day",
            "",
            "| front | Japanese | Soviet | ratio | needed |",
            "|---|---|---|---|---|",
        ]
        for front, f in result.force_ratio.items():
            lines.append(
                f"| {_cell(front)} | {f['japanese']:g} | {f['soviet']:g} | {f['ratio']:.2f} | "
                f"{f['needed']:g} |"
            )
        lines.append("")
    if result.shipping:
        s = result.shipping
        lines += [
            f"Shipping: North share {share_text(result)} ({s['north_tons']:,.0f} t at its peak), "
            f"South {s['south_tons']:,.0f} t; "
            f"North peak at sea {s['north_peak_at_sea']:,.0f} t.",
            "",
        ]
    if result.units:
        lines += [
            "## Unit timeline",
            "",
            "| unit | front | route | mobilize | sail | arrive |",
            "|---|---|---|---|---|---|",
        ]
        for u in sorted(
            (u for u in result.units if u["committed"]), key=lambda u: (u["arrive"], u["id"])
        ):
            lines.append(
                f"| {_cell(u['id'])} | {_cell(u['front'])} | {_cell(u.get('route', ''))} | "
                f"{u.get('mobilize')} | {u.get('sail') or '—'} | {u.get('arrive')} |"
            )
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- the full report (`kantokuen
# report --format md`)


def _md(value: object) -> str:
    """Text safe in a Markdown table cell: no raw HTML, no column breaks."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(c) if c else " " for c in row) + " |" for row in rows]
    return lines + [""]


def report_markdown(
    subjects: list[Subject], sweep: Sweep | None = None, explore: dict[str, Any] | None = None
) -> str:
    """The report as Markdown: the same facts as the HTML page, as tables (charts as their
    numbers)."""
    from kantokuen.reports.html import page_subtitle, page_title, route_words

    views = [View(s) for s in subjects]
    lines = [f"# {_md(page_title(views, sweep))}", "", _md(page_subtitle(views, sweep)), ""]
    for case_name, text in {v.case.name: v.case.description for v in views if v.case}.items():
        if text:
            lines += [f"*{_md(case_name)}*: {_md(text)}", ""]
    if len(views) > 1:
        lines += [
            "## Comparison",
            "",
            f"Values in **bold** differ from the first column ({_md(views[0].title)}).",
            "",
        ]
        rows = [
            [row.label]
            + [f"**{v}**" if d else v for v, d in zip(row.values, row.differs, strict=True)]
            for row in comparison_rows(views)
        ]
        lines += _table(["", *[v.title for v in views]], rows)
    for v in views:
        lines += _result_lines(v, route_words)
    if sweep is not None:
        lines += _sweep_lines(sweep)
    if explore is not None:
        lines += [explore_markdown(explore, heading="##"), ""]
    done: set[str] = set()
    for v in views:
        if v.case and v.case.name not in done and v.source_rows:
            done.add(v.case.name)
            lines += [f"## Sources ({_md(v.case.name)})", ""]
            lines += _table(
                ["source", "where", "note", "used for"],
                [
                    [
                        f"{s['title']}" + (f" [{s['key']}]" if s["key"] else ""),
                        s["where"],
                        s["note"],
                        "; ".join(s["used"]),
                    ]
                    for s in v.source_rows
                ],
            )
    return "\n".join(lines).rstrip() + "\n"


def _result_lines(v: View, route_words: Callable[[View, str], str]) -> list[str]:
    r = v.result
    lines = [f"## {_md(v.title)}: {v.verdict}", ""]
    if v.scenario_description:
        lines += [f"*{_md(v.scenario_description)}*", ""]
    lines += [_md(v.verdict_sentence), ""]
    lines += _table(
        [
            "X-Day",
            "go decision",
            "mobilization ordered",
            "North's share of shipping",
            "units moved",
        ],
        [
            [
                long_date(r.x_day),
                long_date(r.decision_day),
                long_date(r.order_day),
                v.north_share_text,
                v.units_text,
            ]
        ],
    )
    if v.conflict_text:
        lines += [f"These cannot all hold together: {_md(v.conflict_text)}.", ""]
    if r.explanation:
        lines += (
            ["**Why not:**", ""] + [f"- {_md(v.in_words(line))}" for line in r.explanation] + [""]
        )
    lines += _corrections(r, _md)
    proof = certificate_lines(r)
    if proof:
        lines += [_md(proof[0]), ""] + [f"- {_md(v.in_words(line))}" for line in proof[1:]] + [""]
    if v.subject.case_note:
        lines += [f"> Note: {_md(v.subject.case_note)}.", ""]
    lines += ["### Criteria", ""]
    lines += _table(
        ["criterion", "rule", "state", "room", "detail"],
        [[c["label"], c["rule"], c["status"], c["margin"], c["detail"]] for c in v.criteria_rows],
    )
    lines += ["### Key dates", ""]
    lines += _table(
        ["date", "what", "note"], [[long_date(d), what, note] for d, what, note in v.key_dates]
    )
    if v.force_rows:
        lines += ["### Forces on X-Day (division-equivalents)", ""]
        lines += _table(
            ["front", "Japanese arrived", "Japanese needed", "Soviet", "ratio"],
            [
                [f["front"], f["japanese"], f["needed"], f["soviet"], f["ratio"]]
                for f in v.force_rows
            ],
        )
    header, rows = strength_table(v)
    if rows:
        lines += ["### Strength over time (division-equivalents)", ""] + _table(header, rows)
    if v.utilization_rows:
        lines += ["### Bottlenecks", ""]
        lines += _table(
            [
                "resource",
                "activity",
                "capacity per day",
                "busiest day",
                "share used",
                "days at full capacity",
            ],
            [
                [
                    u["resource"],
                    u["activity"],
                    u["capacity"],
                    u["peak"],
                    u["share"],
                    u["full_days"] + (f" ({u['full_span']})" if u["full_span"] else ""),
                ]
                for u in v.utilization_rows
            ],
        )
    lines += ["### Changes from the base case", ""]
    if v.override_rows:
        lines += _table(
            ["what", "path", "set to", "in the base case", "set by"],
            [
                [o["label"], o["path"], o["value"], o["was"] or "—", o["origin"]]
                for o in v.override_rows
            ],
        )
    else:
        lines += ["None: this is the case as written.", ""]
    if r.units:
        lines += ["### Every unit's movement", ""]
        units = sorted(
            r.units, key=lambda u: (not u.get("committed"), u.get("arrive") or "", u["id"])
        )
        lines += _table(
            ["unit", "id", "front", "route", "mobilizes", "sails", "lands", "entrains", "arrives"],
            [
                [
                    u["name"],
                    u["id"],
                    v.front_name(u["front"]),
                    route_words(v, u.get("route") or ""),
                    short_date(u.get("mobilize")),
                    short_date(u.get("sail")),
                    short_date(u.get("debark")),
                    short_date(u.get("entrain")),
                    short_date(u.get("arrive")) if u.get("committed") else "stays behind",
                ]
                for u in units
            ],
        )
    lines += [
        _md(
            f"Case {r.case} from {r.case_file} (fingerprint {r.case_hash}); solver status "
            f"{r.status.value}{verification_words(r)}, {r.solve_seconds:.2f} s, seed {r.seed}, "
            f"{r.workers} workers; kantokuen {r.version}."
        ),
        "",
    ]
    return lines


def verification_words(r: Result) -> str:
    """What the independent verifier checked: a go's plan, a no-go's certificate (or why not)."""
    if r.go:
        return ", plan checked by the independent verifier"  # an unverified plan is never output
    if r.verified:
        return ", the no-go's certificate checked by the independent verifier"
    if r.status.value == "INFEASIBLE":
        return f", not verified ({r.verification or 'no certificate'})"
    return ""


def strength_table(v: View) -> tuple[list[str], list[list[str]]]:
    """Soviet strength, Japanese force needed and arrived per front, weekly and on the key dates;
    the Far East total of each other measure (men, tanks, aircraft) with its criteria's limits."""
    s = v.result.strength
    soviet = s.get("soviet", {})
    if not soviet:
        return [], []
    horizon = len(v.soviet_total) - 1
    last_x = v.result.x_day_index if v.result.x_day_index is not None else 0
    marked = {day_of(v.result, d): k for k, d in v.marks.items()}
    end = min(horizon, max([last_x + 14] + [d for d in marked if d is not None and d <= horizon]))
    days = sorted(
        {d for d in range(0, end + 1, 7)} | {d for d in marked if d is not None and 0 <= d <= end}
    )
    fronts = list(soviet)
    header = ["date", "event"]
    for f in fronts:
        name = v.front_name(f)
        header += [f"{name}: Soviet", f"{name}: Japanese needed"]
        if "japanese" in s:
            header.append(f"{name}: Japanese arrived")
    header.append("Far East total (Soviet)")
    if v.halving_threshold is not None:
        header.append("halving threshold")
    # The other measures (men, tanks, aircraft): the Far East total and each criterion's limit.
    measures = [(m, v.measure_total(m), v.measure_thresholds(m)) for m in v.soviet_measures]
    for measure, _, limits in measures:
        header.append(f"Soviet {measure} (Far East)")
        header += [f"{label.split(' (')[0].lower()}, {measure}" for label, _ in limits]
    labels = {
        "order": "order",
        "halving": "halved",
        "decision": "decision",
        "decision_deadline": "decision deadline",
        "x_day": "X-Day",
        "last_x_day": "latest X-Day (weather)",
        "weather_deadline": "weather deadline",
    }
    rows = []
    for d in days:
        events = ", ".join(
            labels.get(k, k) for k, day in v.marks.items() if day_of(v.result, day) == d
        )
        row = [long_date(date_of(v.result, d)), events]
        for f in fronts:
            row += [
                number(soviet[f][d], 2),
                number(s.get("needed", {}).get(f, [0] * (d + 1))[d], 2),
            ]
            if "japanese" in s:
                row.append(number(s["japanese"].get(f, [0] * (d + 1))[d], 2))
        row.append(number(v.soviet_total[d], 2))
        if v.halving_threshold is not None:
            row.append(number(v.halving_threshold, 2))
        for _, total, limits in measures:
            row.append(number(total[d], 1))
            row += [number(limit, 1) for _, limit in limits]
        rows.append(row)
    return header, rows


def _sweep_lines(sweep: Sweep) -> list[str]:
    lines = [f"## Sweep: {_md(sweep.title)}", ""]
    lines += _table(["", ""], [[k, val] for k, val in sweep.summary])
    x, _y = sweep.axes
    if x is None:
        return lines
    if sweep.facet_note:
        lines += [sweep.facet_note, ""]
    for facet in sweep.facets[:MAX_PANELS]:
        header, body = sweep.pivot(facet)
        lines += [
            f"### {_md(sweep.facet_title(facet))}",
            "",
            f"Columns: {_md(lever_label(x))}. Cells: X-Day, or no-go.",
            "",
        ]
        lines += _table(header, body)
    return lines


def _corrections(result: Result, escape: Callable[[str], str]) -> list[str]:
    """A no-go's cheapest corrections (each a verified go), cheapest first."""
    if not result.corrections:
        return []
    lines = ["**What would make it a go (cheapest corrections):**", ""]
    lines += [f"{n}. {escape(c.sentence)}" for n, c in enumerate(result.corrections, 1)]
    return lines + [""]
