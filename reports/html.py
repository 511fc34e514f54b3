"""One self-contained HTML report: text, tables and inline SVG charts; no script, no network.

Jinja2 escapes every value (autoescape on); only the SVG that matplotlib wrote is inserted as
markup, and matplotlib escapes the labels inside it. Nothing is fetched when the page opens:
no fonts, stylesheets or images from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kantokuen.models import __version__
from kantokuen.models.paths import long_date
from kantokuen.reports.charts import (
    Chart,
    gantt_chart,
    measures_chart,
    shipping_chart,
    strength_chart,
    utilization_chart,
)
from kantokuen.reports.explore import ExploreView
from kantokuen.reports.facts import LEG_LABELS, ComparisonRow, View, comparison_rows
from kantokuen.reports.subject import Subject, number, short_date
from kantokuen.reports.sweep import Sweep
from kantokuen.reports.theatre_map import map_chart

TEMPLATES = Path(__file__).parent / "templates"
MAX_OPEN_UNIT_ROWS = 60  # longer unit tables start folded (details/summary needs no script)


@dataclass
class ResultSection:
    """A result's page section: its view and its charts."""

    view: View
    anchor: str
    charts: list[Chart] = field(default_factory=list)
    unit_rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Report:
    """Everything one report page shows."""

    title: str
    subtitle: str
    sections: list[ResultSection]
    comparison: list[ComparisonRow] = field(default_factory=list)
    comparison_charts: list[Chart] = field(default_factory=list)
    sweep: Sweep | None = None
    sweep_charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    explore: ExploreView | None = None
    explore_charts: list[Chart] = field(default_factory=list)


def build_report(
    subjects: list[Subject], sweep: Sweep | None = None, explore: dict[str, Any] | None = None
) -> Report:
    """Views and charts for every result, the comparison when there are several, the sweep, and
    an explore answer (`explore --json`)."""
    views = [View(s) for s in subjects]
    sections = [
        ResultSection(v, f"result-{i + 1}", result_charts(v), unit_rows(v))
        for i, v in enumerate(views)
    ]
    report = Report(
        title=page_title(views, sweep),
        subtitle=page_subtitle(views, sweep),
        sections=sections,
        sweep=sweep,
    )
    if explore is not None:
        report.explore = ExploreView(explore)
        report.explore_charts = report.explore.charts()
        if not views and sweep is None:
            report.title = f"Explore: {report.explore.title}"
            report.subtitle = report.explore.headline
    if len(views) > 1:
        report.comparison = comparison_rows(views)
        report.comparison_charts = [
            c
            for c in (
                map_chart(views),
                strength_chart(views),
                measures_chart(views),
                shipping_chart(views),
            )
            if c
        ]
    if sweep is not None:
        report.sweep_charts = sweep.charts()
    charts = (
        report.comparison_charts
        + [c for sec in sections for c in sec.charts]
        + report.sweep_charts
        + report.explore_charts
    )
    for number_, chart in enumerate(charts, start=1):
        chart.svg = unique_ids(chart.svg, f"c{number_}-")
    return report


_ID = re.compile(r'(\bid="|\bhref="#|url\(#)([^")]+)')


def unique_ids(svg: str, prefix: str) -> str:
    """Prefix every id in a chart, and every reference to one, so that charts in one page never
    share an id (matplotlib numbers them from 1 in each figure)."""
    return _ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def result_charts(view: View) -> list[Chart]:
    charts = [
        map_chart([view]),
        gantt_chart(view),
        strength_chart([view]),
        measures_chart([view]),
        shipping_chart([view]),
        utilization_chart(view),
    ]
    return [c for c in charts if c is not None]


def unit_rows(view: View) -> list[dict[str, str]]:
    """Every unit with the date of each leg, in order of arrival."""
    rows = []
    units = sorted(
        view.result.units, key=lambda u: (not u.get("committed"), u.get("arrive") or "", u["id"])
    )
    for u in units:
        rows.append(
            {
                "id": u["id"],
                "name": u["name"],
                "front": view.front_name(u["front"]),
                "route": route_words(view, u.get("route") or ""),
                "mobilize": short_date(u.get("mobilize")),
                "sail": short_date(u.get("sail")),
                "debark": short_date(u.get("debark")),
                "entrain": short_date(u.get("entrain")),
                "arrive": short_date(u.get("arrive")) if u.get("committed") else "stays behind",
                "combat": number(float(u.get("combat", 0)), 2),
                "men": number(float(u.get("men", 0))),
            }
        )
    return rows


def route_words(view: View, route: str) -> str:
    """`moji_pusan + pusan_front` → `Moji → Pusan by sea, then rail Pusan → Eastern front`."""
    case = view.case
    if not route or case is None:
        return route
    parts = [p.strip() for p in route.split("+")]
    out = []
    for part in parts:
        if part in case.sea_routes:
            r = case.sea_routes[part]
            out.append(f"sea {view.port_name(r.embark)} → {view.port_name(r.debark)}")
        elif part in case.rail:
            out.append(f"rail {view.rail_name(part)}")
        else:
            out.append(part)
    return ", then ".join(out)


def page_title(views: list[View], sweep: Sweep | None) -> str:
    if views:
        name = views[0].case_title
        if len(views) == 1:
            return f"{name}: {views[0].title}"
        return f"{name}: {len(views)} scenarios compared"
    return f"Sweep: {sweep.title}" if sweep else "Kantokuen report"


def page_subtitle(views: list[View], sweep: Sweep | None) -> str:
    if len(views) == 1:  # the result's own section states the verdict
        return ""
    if views:
        return "; ".join(
            f"{v.title}: {v.verdict}" + (f" on {long_date(v.result.x_day)}" if v.result.go else "")
            for v in views
        )
    return f"{len(sweep.latest)} points" if sweep else ""


def case_descriptions(views: list[View]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for v in views:
        if v.case and v.case.name not in seen:
            seen[v.case.name] = v.case.description
    return [(k, d) for k, d in seen.items() if d]


def source_sections(views: list[View]) -> list[tuple[str, list[dict[str, Any]]]]:
    """One sources table per distinct case (scenarios of one case share their sources)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for v in views:
        if v.case and v.case.name not in out:
            out[v.case.name] = v.source_rows
    return list(out.items())


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["svg"] = lambda chart: Markup(
        chart.svg
    )  # matplotlib's own output, labels escaped by it
    return env


def render_html(
    subjects: list[Subject],
    sweep: Sweep | None = None,
    *,
    generated: dt.date | None = None,
    explore: dict[str, Any] | None = None,
) -> str:
    """The whole report page as one HTML string."""
    report = build_report(subjects, sweep, explore)
    views = [s.view for s in report.sections]
    template = environment().get_template("report.html.j2")
    return template.render(
        report=report,
        views=views,
        leg_labels=LEG_LABELS,
        version=__version__,
        generated=long_date(generated or dt.date.today()),
        descriptions=case_descriptions(views),
        sources=source_sections(views),
        max_open_units=MAX_OPEN_UNIT_ROWS,
    )
