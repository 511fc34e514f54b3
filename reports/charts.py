"""Charts for the report, drawn with matplotlib and returned as inline SVG text.

Text stays text (`svg.fonttype: none`), so charts are small, searchable and print sharply;
maths parsing is off, so a `$` in a unit name is printed, not interpreted; matplotlib
escapes every label it writes. Each chart gets its own id salt so that several SVGs can sit
in one page without clashing ids, and the output is the same for the same input.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import matplotlib

matplotlib.use("Agg")  # never open a window; reports are files

import matplotlib.dates as mdates  # noqa: E402
from matplotlib import rc_context  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from kantokuen.models.paths import words  # noqa: E402
from kantokuen.models.plan import UNIT_LEGS  # noqa: E402
from kantokuen.reports.facts import LEG_LABELS, View  # noqa: E402
from kantokuen.reports.subject import date_of, day_of, short_date, to_date  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import LineStyleType, RcKeyType

    from kantokuen.models.plan import UnitRow

LEG_COLORS = {
    "mobilize": "#b59b4a",  # khaki: depots and barracks
    "to_port": "#d9d4c7",
    "sea": "#2c6fb7",
    "unload": "#e8891c",
    "wait_rail": "#e3dcd2",
    "rail": "#7d3c2a",
}
MARKS: dict[str, tuple[str, str, LineStyleType]] = {  # key: (label, colour, line style)
    "order": ("Mobilization ordered", "#555555", (0, (1, 1.5))),
    "halving": ("Soviet strength halved", "#9b2d8f", (0, (4, 2))),
    "decision": ("Go decision", "#1b7f3b", (0, (3, 1.5, 1, 1.5))),
    "decision_deadline": ("Decision deadline", "#1b7f3b", (0, (6, 2))),
    "deadline_x_day": ("Latest X-Day the decision deadline allows", "#1b7f3b", (0, (1, 1))),
    "x_day": ("X-Day", "#c62828", "-"),
    "last_x_day": ("Latest X-Day (weather)", "#0d3b66", (0, (1, 1))),
    "weather_deadline": ("Weather deadline", "#0d3b66", (0, (6, 2))),
}
SOVIET = "#c62828"
JAPANESE = "#1f4e8c"
NEEDED = "#444444"
# One colour per compared result: no red (Soviet), green (decision) or magenta (halving).
SERIES = ("#1f4e8c", "#e8891c", "#00a0b0", "#8d6a3f", "#c2185b", "#7f7f7f", "#b8860b", "#5c6bc0")
MAX_UNIT_ROWS = 40  # above this many units, the Gantt shows one row per unit template
MAX_GROUP_ROWS = 60  # above this many templates, the Gantt shows the last-arriving ones
WIDTH = 11.0  # inches; the page scales the SVG to its column

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.color": "#333333",
    "figure.facecolor": "none",  # the page's paper shows through
    "savefig.facecolor": "none",
    "ytick.color": "#333333",
}


@dataclass
class Chart:
    """One chart: its SVG text and a caption in words."""

    name: str
    svg: str
    caption: str = ""
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- SVG output


@contextmanager
def _style(name: str) -> Iterator[None]:
    with rc_context({**RC, "svg.hashsalt": f"kantokuen-{name}"}):
        yield


def to_svg(fig: Figure, name: str, label: str) -> str:
    """The figure as an inline `<svg>` element that scales to its container."""
    buffer = io.StringIO()
    fig.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        bbox_inches="tight",
        pad_inches=0.08,
    )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # the XML prolog and DOCTYPE are not allowed inside HTML
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    # Scale with the page: keep the viewBox, let CSS set the size.
    text = re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        lambda m: (
            f'<svg{m.group(1)} class="chart" data-chart="{name}" role="img" '
            f'aria-label="{_attr(label)}"'
        ),
        text,
        count=1,
    )
    return text.strip()


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _num(d: dt.date) -> float:
    return float(mdates.date2num(d))


def _date_axis(ax: Axes, first: dt.date, last: dt.date) -> None:
    """Dates on the x axis as `10 Aug`, the year in the axis label."""
    ax.set_xlim(_num(first), _num(last))
    span = (last - first).days
    if span <= 21:
        locator: Any = mdates.DayLocator(interval=max(1, span // 10))
    elif span <= 120:
        locator = mdates.WeekdayLocator(byweekday=mdates.MO, interval=1 if span <= 70 else 2)
    else:
        locator = mdates.MonthLocator(bymonthday=(1, 15))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: short_date(mdates.num2date(x).date()))
    )
    years = sorted({first.year, last.year})
    ax.set_xlabel("–".join(str(y) for y in years), color="#555555")


def _mark_lines(
    ax: Axes, marks: dict[str, dt.date], keys: Sequence[str], first: dt.date, last: dt.date
) -> list[Line2D]:
    """Vertical lines for the key dates that fall in the shown range; legend handles for them."""
    handles = []
    for key in keys:
        if key not in marks:
            continue
        label, colour, style = MARKS[key]
        day = marks[key]
        if first <= day <= last:
            ax.axvline(_num(day), color=colour, linestyle=style, linewidth=1.4, zorder=5)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=colour,
                    linestyle=style,
                    linewidth=1.4,
                    label=f"{label} ({short_date(day)})",
                )
            )
        else:
            handles.append(
                Line2D([], [], color="none", label=f"{label}: {short_date(day)} (off the chart)")
            )
    return handles


# ---------------------------------------------------------------- Gantt of unit movements


@dataclass
class GanttRow:
    label: str
    front: str
    count: int
    legs: dict[str, list[tuple[int, int]]]  # leg → (start day, end day) intervals
    unload_days: list[int]
    arrive: int


def unit_legs(view: View, unit: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """One unit's movement as (start, end) day intervals, leg by leg (an empty leg is left out)."""
    r = view.result
    d = {k: day_of(r, unit.get(k)) for k in UNIT_LEGS}
    legs: dict[str, tuple[int, int]] = {}

    def add(leg: str, start: int | None, end: int | None) -> None:
        if start is not None and end is not None and end > start:
            legs[leg] = (start, end)

    # Handling over days: unloading runs to the last unloading day, and the rail leg starts
    # with the first train (saved results from before give neither: one day each).
    unloaded = day_of(r, unit.get("unloaded")) or d["debark"]
    first_train = day_of(r, unit.get("entraining")) or d["entrain"]
    add("mobilize", d["mobilize"], d["ready"])
    if d["sail"] is not None:
        add("to_port", d["ready"], d["sail"])
        add("sea", d["sail"], d["debark"])
        add("unload", d["debark"], (unloaded or 0) + 1)
        add("wait_rail", (unloaded or 0) + 1, first_train)
    else:
        add("wait_rail", d["ready"], first_train)
    add("rail", first_train, d["arrive"])
    return legs


def gantt_rows(view: View) -> tuple[list[GanttRow], bool, list[str]]:
    """Rows of the Gantt by front: one per unit, or one per unit template when there are many.

    Returns (rows, grouped, notes).
    """
    units = [u for u in view.committed_units if u.get("arrive")]
    grouped = len(units) > MAX_UNIT_ROWS
    notes: list[str] = []
    buckets: dict[tuple[str, str], list[UnitRow]] = {}
    for u in units:
        key = (u["front"], u["template"] if grouped else u["id"])
        buckets.setdefault(key, []).append(u)
    names = [u["name"] for u in units]
    rows = []
    for (front, _key), members in buckets.items():
        legs: dict[str, list[tuple[int, int]]] = {}
        unloads: list[int] = []
        for u in members:
            for leg, span in unit_legs(view, u).items():
                if leg == "unload":
                    unloads.append(span[0])
                else:
                    legs.setdefault(leg, []).append(span)
        first = members[0]
        label = first["name"]
        if grouped and len(members) > 1:
            label = f"{first['name']} ×{len(members)}"
        elif not grouped and names.count(first["name"]) > 1:
            label = f"{first['name']} ({first['id']})"
        arrive = max(day_of(view.result, u["arrive"]) or 0 for u in members)
        rows.append(GanttRow(label, front, len(members), legs, unloads, arrive))
    order = {f: i for i, f in enumerate(view.fronts)}
    rows.sort(key=lambda row: (order.get(row.front, len(order)), row.arrive, row.label))
    if grouped:
        notes.append(
            f"{len(units)} units are shown as {len(rows)} rows, one per unit type: each coloured "
            "bar runs from the first unit of the type to start that leg to the last one to finish "
            "it."
        )
    if len(rows) > MAX_GROUP_ROWS:
        kept = sorted(rows, key=lambda row: row.arrive)[-MAX_GROUP_ROWS:]
        notes.append(
            f"Only the {MAX_GROUP_ROWS} last-arriving of {len(rows)} rows are drawn; the unit "
            "table lists every unit."
        )
        rows = [row for row in rows if row in kept]
    uncommitted = len(view.result.units) - len(view.committed_units)
    if uncommitted:
        notes.append(
            f"{uncommitted} optional units stay behind (not needed for the earliest X-Day)."
        )
    return rows, grouped, notes


def gantt_chart(view: View) -> Chart | None:
    """Unit movements by front: mobilizing, at sea, unloading, by rail; key dates marked."""
    rows, grouped, notes = gantt_rows(view)
    if not rows:
        return None
    fronts = list(dict.fromkeys(row.front for row in rows))
    lines: list[tuple[str, GanttRow | None]] = []
    for front in fronts:
        lines.append((view.front_name(front), None))
        lines += [(row.label, row) for row in rows if row.front == front]
    first, last = _gantt_range(view, rows)
    with _style("gantt"):
        height = 1.6 + 0.24 * len(lines) * (1.5 if grouped else 1)
        fig = Figure(figsize=(WIDTH, height))
        ax = fig.add_subplot()
        ax.grid(axis="y", visible=False)
        lanes = ("mobilize", "sea", "unload", "rail") if grouped else ()
        for i, (_label, row) in enumerate(lines):
            y = -i
            if row is None:
                ax.axhspan(y - 0.5, y + 0.5, color="#f1efe9", zorder=0, linewidth=0)
                continue
            if grouped:
                _draw_grouped_row(ax, view, row, y, lanes)
            else:
                _draw_unit_row(ax, view, row, y)
        ax.set_yticks([-i for i in range(len(lines))])
        ax.set_yticklabels([label for label, _ in lines])
        for tick, (_label, row) in zip(ax.get_yticklabels(), lines, strict=True):
            if row is None:
                tick.set_fontweight("bold")
        ax.set_ylim(-len(lines) + 0.4, 0.6)
        ax.tick_params(axis="y", length=0)
        _date_axis(ax, first, last)
        kinds = lanes if grouped else ("mobilize", "to_port", "sea", "unload", "wait_rail", "rail")
        handles: list[Any] = [
            Patch(color=LEG_COLORS[k], label=LEG_LABELS[k])
            for k in kinds
            if any(k in row.legs or (k == "unload" and row.unload_days) for row in rows)
        ]
        handles += _mark_lines(
            ax,
            view.marks,
            (
                "order",
                "decision",
                "decision_deadline",
                "x_day",
                "deadline_x_day",
                "last_x_day",
                "weather_deadline",
            ),
            first,
            last,
        )
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.9 / height - 0.02),
            ncols=4,
            fontsize=8.5,
        )
        ax.set_title("Unit movements by front")
        svg = to_svg(fig, "gantt", "Gantt chart of unit movements by front")
    caption = (
        "Each row is "
        + ("one type of unit" if grouped else "one unit")
        + ": when it mobilized, sailed, unloaded and went by rail to its front."
    )
    return Chart("gantt", svg, caption, notes)


def _gantt_range(view: View, rows: list[GanttRow]) -> tuple[dt.date, dt.date]:
    """From the order (or first movement) to X-Day or the last arrival, plus a margin; deadlines
    far beyond that are named in the legend rather than stretching every bar thin."""
    starts = [s for row in rows for spans in row.legs.values() for s, _ in spans]
    first = min(date_of(view.result, min(starts, default=0)), view.marks["order"])
    last = max(
        [date_of(view.result, max(row.arrive for row in rows))]
        + [view.marks[k] for k in ("x_day", "decision") if k in view.marks]
    )
    span = (last - first).days
    near = [
        d
        for k, d in view.marks.items()
        if k != "halving" and last < d <= last + dt.timedelta(days=span // 4)
    ]
    last = max([last, *near])
    return first - dt.timedelta(days=2), last + dt.timedelta(days=max(3, span // 10))


def _draw_unit_row(ax: Axes, view: View, row: GanttRow, y: float) -> None:
    for leg, spans in row.legs.items():
        for start, end in spans:
            ax.broken_barh(
                [(_num(date_of(view.result, start)), end - start)],
                (y - 0.32, 0.64),
                facecolors=LEG_COLORS[leg],
                edgecolor="white",
                linewidth=0.4,
                zorder=3,
            )
    for day in row.unload_days:
        ax.broken_barh(
            [(_num(date_of(view.result, day)) - 0.15, 0.3)],
            (y - 0.42, 0.84),
            facecolors=LEG_COLORS["unload"],
            zorder=4,
        )


def _draw_grouped_row(ax: Axes, view: View, row: GanttRow, y: float, lanes: Sequence[str]) -> None:
    """Four thin lanes per row: from the first unit to start a leg to the last to finish it."""
    height = 0.8 / len(lanes)
    for k, leg in enumerate(lanes):
        spans = row.legs.get(leg, [])
        if leg == "unload":
            spans = [(d, d + 1) for d in row.unload_days]
        if not spans:
            continue
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        top = y + 0.4 - (k + 1) * height
        ax.broken_barh(
            [(_num(date_of(view.result, start)), end - start)],
            (top, height * 0.92),
            facecolors=LEG_COLORS[leg],
            linewidth=0,
            zorder=3,
        )


# ---------------------------------------------------------------- shipping


def _range_of_activity(views: Sequence[View], pad: int = 4) -> tuple[dt.date, dt.date]:
    r0 = views[0].result
    used_days = []
    for v in views:
        used = v.result.usage.get("shipping", {}).get("used", [])
        used_days += [d for d, u in enumerate(used) if u]
        if v.result.x_day_index is not None:
            used_days.append(v.result.x_day_index)
        used_days.append(day_of(v.result, v.result.order_day) or 0)
    lo = max(min(used_days, default=0) - pad, 0)
    hi = min(max(used_days, default=r0.horizon) + pad, r0.horizon)
    return date_of(r0, lo), date_of(r0, hi)


def shipping_chart(views: Sequence[View]) -> Chart | None:
    """North shipping at sea per day against the North's capacity; the rest of the pool is the
    South's."""
    views = [v for v in views if v.result.usage.get("shipping")]
    if not views:
        return None
    first, last = _range_of_activity(views)
    single = len(views) == 1
    with _style("shipping"):
        fig = Figure(figsize=(WIDTH, 3.6))
        ax = fig.add_subplot()
        for i, v in enumerate(views):
            ship = v.result.usage["shipping"]
            days = [_num(date_of(v.result, d)) for d in range(len(ship["used"]))]
            colour = SERIES[0] if single else SERIES[i % len(SERIES)]
            tag = "" if single else f" — {v.title}"
            if single:
                ax.fill_between(
                    days,
                    ship["north_capacity"],
                    ship["pool"],
                    step="post",
                    color="#f3d9b1",
                    alpha=0.8,
                    label="South's share of the pool",
                    linewidth=0,
                )
                ax.step(
                    days,
                    ship["pool"],
                    where="post",
                    color="#8a6d3b",
                    linewidth=1.2,
                    label="Army shipping pool",
                )
                ax.fill_between(
                    days, 0, ship["used"], step="post", color=colour, alpha=0.35, linewidth=0
                )
            ax.step(
                days,
                ship["used"],
                where="post",
                color=colour,
                linewidth=1.6,
                label=f"North: tons at sea{tag}",
            )
            ax.step(
                days,
                ship["north_capacity"],
                where="post",
                color=colour,
                linewidth=1.2,
                linestyle=(0, (5, 2)),
                label=f"North: capacity{tag}",
            )
            if single and v.case:
                # Drawn on top of the North's capacity: met when the marker is under the pool line.
                for req in v.case.shipping.south_requirements.values():
                    day = v.case.day_in_horizon(req.by)
                    ax.plot(
                        [_num(req.by)],
                        [ship["north_capacity"][day] + req.tons],
                        marker="v",
                        markersize=8,
                        color="#8a6d3b",
                        linestyle="none",
                    )
                if v.case.shipping.south_requirements:
                    ax.plot(
                        [],
                        [],
                        marker="v",
                        color="#8a6d3b",
                        linestyle="none",
                        label="South requirement (met if under the pool line)",
                    )
        _date_axis(ax, first, last)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: f"{y:,.0f}"))
        ax.set_ylabel("tons")
        ax.set_ylim(bottom=0)
        handles, _labels = ax.get_legend_handles_labels()
        if single:
            handles += _mark_lines(ax, views[0].marks, ("order", "x_day"), first, last)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title("Shipping: North tons at sea against the North's share of the pool")
        svg = to_svg(fig, "shipping", "Shipping use per day against capacity")
    caption = (
        "A ship stays with a unit from loading until it has sailed back, so tons at sea never "
        "exceed the North's share of the pool; the rest of the pool (South) serves the Southern "
        "operations."
    )
    return Chart("shipping", svg, caption)


# ---------------------------------------------------------------- ports and railways


def utilization_chart(view: View) -> Chart | None:
    """Daily use of every port and rail line as a share of its capacity (a heat strip)."""
    usage = view.result.usage
    if not usage:
        return None
    rows: list[tuple[str, list[float]]] = []
    for port, p in usage.get("ports", {}).items():
        sides: tuple[tuple[str, Literal["loaded", "unloaded"]], ...] = (
            ("loading", "loaded"),
            ("unloading", "unloaded"),
        )
        for activity, key in sides:
            if any(p[key]):
                rows.append(
                    (f"{view.port_name(port)} ({activity})", [x / p["capacity"] for x in p[key]])
                )
    for line, rail in usage.get("rail", {}).items():
        if any(rail["entrained"]):
            rows.append(
                (f"Rail {view.rail_name(line)}", [x / rail["capacity"] for x in rail["entrained"]])
            )
    if not rows:
        return None
    first, last = _range_of_activity([view], pad=2)
    lo, hi = day_of(view.result, first) or 0, day_of(view.result, last) or 0
    cmap = ListedColormap(["#ffffff", "#fde7c2", "#f9c06b", "#ee8a2b", "#c4401b", "#7a0e0e"])
    norm = BoundaryNorm([0, 1e-9, 0.25, 0.5, 0.75, 0.999, 1.001], cmap.N)
    with _style("utilization"):
        fig = Figure(figsize=(WIDTH, 1.3 + 0.3 * len(rows)))
        ax = fig.add_subplot()
        ax.grid(False)
        x_edges = [_num(date_of(view.result, d)) for d in range(lo, hi + 2)]
        y_edges = list(range(len(rows) + 1))
        grid = [share[lo : hi + 1] for _, share in rows]
        mesh = ax.pcolormesh(
            x_edges, y_edges, grid, cmap=cmap, norm=norm, edgecolors="#f4f4f4", linewidth=0.3
        )
        ax.set_yticks([i + 0.5 for i in range(len(rows))])
        ax.set_yticklabels([label for label, _ in rows])
        ax.set_ylim(len(rows), 0)
        ax.tick_params(axis="y", length=0)
        _date_axis(ax, first, last + dt.timedelta(days=1))
        for i, (_label, share) in enumerate(rows):
            ax.text(
                1.005,
                1 - (i + 0.5) / len(rows),
                f"peak {max(share):.0%}",
                transform=ax.transAxes,
                va="center",
                ha="left",
                fontsize=8,
                color="#333333",
            )
        bar = fig.colorbar(
            mesh, ax=ax, pad=0.09, fraction=0.03, ticks=[0.125, 0.375, 0.625, 0.875, 1.0]
        )
        if bar.solids is not None:
            bar.solids.set_rasterized(False)
        bar.ax.set_yticklabels(["<25%", "25–50%", "50–75%", "75–99%", "full"])
        bar.ax.tick_params(labelsize=8)
        ax.set_title("Ports and railways: share of daily capacity used")
        svg = to_svg(fig, "utilization", "Port and rail use per day against capacity")
    caption = "Darker means busier; the darkest red is a day at full capacity (a bottleneck)."
    return Chart("utilization", svg, caption)


# ---------------------------------------------------------------- forces


def strength_chart(views: Sequence[View]) -> Chart | None:
    """Per front: Soviet strength, the Japanese force needed, and Japanese combat value arrived;
    and the Far East total against the halving threshold."""
    views = [v for v in views if v.result.strength.get("soviet")]
    if not views:
        return None
    fronts = list(dict.fromkeys(f for v in views for f in v.result.strength["soviet"]))
    show_total = any(v.halving_threshold is not None for v in views) or len(fronts) > 1
    panels = len(fronts) + (1 if show_total else 0)
    cols = 2 if panels > 1 else 1
    rows_n = (panels + cols - 1) // cols
    r0 = views[0].result
    last_x = max((v.result.x_day_index or 0) for v in views)
    known_dates = last_x or any(
        k in v.marks for v in views for k in ("decision_deadline", "last_x_day")
    )
    end_day = (
        min(r0.horizon, max(last_x + 30, _last_mark_day(views) + 5)) if known_dates else r0.horizon
    )
    first, last = to_date(r0.calendar_start), date_of(r0, end_day)
    legend = _Legend()
    with _style("strength"):
        fig = Figure(figsize=(WIDTH, 3.1 * rows_n + 0.7), layout="constrained")
        axes = fig.subplots(rows_n, cols, squeeze=False).ravel()
        for ax, front in zip(axes, fronts, strict=False):
            _front_panel(ax, views, front, end_day, legend)
            _date_axis(ax, first, last)
            ax.set_title(views[0].front_name(front))
        if show_total:
            ax = axes[len(fronts)]
            _total_panel(ax, views, end_day, legend)
            _date_axis(ax, first, last)
            ax.set_title("Soviet Far East, all fronts")
        for ax in axes[panels:]:
            ax.set_axis_off()
        if panels < len(axes):  # an empty slot in the grid holds the legend
            axes[panels].legend(handles=legend.handles, loc="center left", fontsize=9)
        else:
            fig.legend(
                handles=legend.handles,
                loc="outside lower center",
                ncols=min(3, len(legend.handles)),
            )
        svg = to_svg(fig, "strength", "Japanese and Soviet strength per front over time")
    caption = (
        "In division-equivalents. On X-Day the Japanese combat value arrived at a front must reach "
        "the force-ratio line; on the decision day the Far East total must be at or under the "
        "halving threshold."
    )
    notes = [f"{v.title}: {v.subject.case_note}" for v in views if v.subject.case_note]
    return Chart("strength", svg, caption, notes)


class _Legend:
    """Legend entries for what was actually drawn, each once, in drawing order."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}

    def add(self, label: str, **style: Any) -> None:
        self.entries.setdefault(label, Line2D([], [], label=label, **style))

    @property
    def handles(self) -> list[Any]:
        return list(self.entries.values())


def _last_mark_day(views: Sequence[View]) -> int:
    days = [
        day_of(v.result, d) or 0
        for v in views
        for k, d in v.marks.items()
        if k != "weather_deadline"
    ]
    return max(days, default=0)


def _view_colour(views: Sequence[View], i: int) -> str:
    return JAPANESE if len(views) == 1 else SERIES[i % len(SERIES)]


def _series_groups(
    views: Sequence[View], series: Sequence[list[float] | None]
) -> list[tuple[int, list[float], str]]:
    """Identical series drawn once: (index of the first view, series, names of the views sharing
    it)."""
    groups: dict[tuple[float, ...], list[int]] = {}
    for i, values in enumerate(series):
        if values is not None:
            groups.setdefault(tuple(values), []).append(i)
    out = []
    for shared, members in groups.items():
        names = "" if len(groups) == 1 else " — " + ", ".join(views[i].title for i in members)
        out.append((members[0], list(shared), names))
    return out


def _front_panel(ax: Axes, views: Sequence[View], front: str, end: int, legend: _Legend) -> None:
    """Soviet strength and force needed (each distinct series once), Japanese arrivals per
    result."""
    single = len(views) == 1
    for key, label, base_colour, width, dashes in (
        ("soviet", "Soviet strength", SOVIET, 1.6, "-"),
        ("needed", "Japanese force needed (force ratio)", NEEDED, 1.2, (0, (5, 2))),
    ):
        groups = _series_groups(views, [v.result.strength.get(key, {}).get(front) for v in views])
        for i, values, names in groups:
            colour = base_colour if len(groups) == 1 else _view_colour(views, i)
            style: dict[str, Any] = {
                "color": colour,
                "linewidth": width,
                "linestyle": dashes if len(groups) == 1 or key == "needed" else (0, (1, 1)),
            }
            days = [_num(date_of(views[i].result, d)) for d in range(min(end, len(values) - 1) + 1)]
            ax.plot(days, values[: len(days)], **style)
            legend.add(label + names, **style)
    for i, v in enumerate(views):
        s = v.result.strength
        days = [_num(date_of(v.result, d)) for d in range(end + 1)]
        colour = _view_colour(views, i)
        tag = "" if single else f" — {v.title}"
        if front in s.get("japanese", {}):
            ax.step(
                days, s["japanese"][front][: end + 1], where="post", color=colour, linewidth=2.0
            )
            legend.add("Japanese combat value arrived" + tag, color=colour, linewidth=2.0)
        if v.result.x_day_index is not None and v.result.x_day_index <= end:
            style = {"color": MARKS["x_day"][1] if single else colour, "linewidth": 1.2}
            ax.axvline(_num(date_of(v.result, v.result.x_day_index)), zorder=5, **style)
            legend.add("X-Day" + tag, **style)
        if not v.result.go and i == 0:
            for key in ("deadline_x_day", "last_x_day"):
                if key in v.marks and (day_of(v.result, v.marks[key]) or 0) <= end:
                    label, mark_colour, style_ = MARKS[key]
                    ax.axvline(
                        _num(v.marks[key]), color=mark_colour, linestyle=style_, linewidth=1.2
                    )
                    legend.add(label, color=mark_colour, linestyle=style_, linewidth=1.2)
        available = v.japanese_available.get(front)
        if available and i == 0 and not s.get("japanese"):
            colour = JAPANESE if single else "#333333"
            ax.axhline(available, color=colour, linestyle=(0, (1, 2)), linewidth=1.6)
            legend.add(
                "All Japanese units for the front, if every one arrived",
                color=colour,
                linestyle=(0, (1, 2)),
                linewidth=1.6,
            )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("division-equivalents")


def _total_panel(ax: Axes, views: Sequence[View], end: int, legend: _Legend) -> None:
    """Far East total against the halving threshold, with the decision day and its deadline."""
    single = len(views) == 1
    groups = _series_groups(views, [v.soviet_total or None for v in views])
    for i, values, names in groups:
        style: dict[str, Any] = {
            "color": SOVIET if len(groups) == 1 else _view_colour(views, i),
            "linewidth": 1.6,
            "linestyle": "-" if len(groups) == 1 else (0, (1, 1)),
        }
        days = [_num(date_of(views[i].result, d)) for d in range(min(end, len(values) - 1) + 1)]
        ax.plot(days, values[: len(days)], **style)
        legend.add("Soviet strength" + names, **style)
    thresholds = {round(v.halving_threshold, 6) for v in views if v.halving_threshold is not None}
    for threshold in sorted(thresholds):
        label, mark_colour, style_ = MARKS["halving"]
        ax.axhline(threshold, color=mark_colour, linestyle=style_, linewidth=1.3)
        legend.add("Halving threshold", color=mark_colour, linestyle=style_, linewidth=1.3)
    for i, v in enumerate(views):
        tag = "" if single else f" — {v.title}"
        for key in ("decision", "decision_deadline"):
            if (
                key in v.marks
                and (day_of(v.result, v.marks[key]) or 0) <= end
                and (key == "decision" or i == 0)
            ):
                label, mark_colour, style_ = MARKS[key]
                mark_colour = (
                    mark_colour if single or key == "decision_deadline" else _view_colour(views, i)
                )
                ax.axvline(_num(v.marks[key]), color=mark_colour, linestyle=style_, linewidth=1.2)
                legend.add(
                    label + (tag if key == "decision" else ""),
                    color=mark_colour,
                    linestyle=style_,
                    linewidth=1.2,
                )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("division-equivalents")


def measures_chart(views: Sequence[View]) -> Chart | None:
    """Soviet strength in each measure besides division-equivalents (men, tanks, aircraft): per
    front and the Far East total, against the thresholds of the criteria that test it (halving
    on that measure, armour and air), with the decision day. None when no result has any."""
    views = [v for v in views if v.soviet_measures]
    if not views:
        return None
    measures = [
        m for m in ("men", "tanks", "aircraft") if any(m in v.soviet_measures for v in views)
    ]
    r0 = views[0].result
    last_x = max((v.result.x_day_index or 0) for v in views)
    end_day = min(r0.horizon, max(last_x + 30, _last_mark_day(views) + 5))
    first, last = to_date(r0.calendar_start), date_of(r0, end_day)
    legend = _Legend()
    with _style("measures"):
        fig = Figure(figsize=(WIDTH, 3.1 * len(measures) + 0.7), layout="constrained")
        axes = fig.subplots(len(measures), 1, squeeze=False).ravel()
        for ax, measure in zip(axes, measures, strict=True):
            _measure_panel(ax, views, measure, end_day, legend)
            _date_axis(ax, first, last)
            ax.set_title(f"Soviet {measure}")
        fig.legend(
            handles=legend.handles, loc="outside lower center", ncols=min(3, len(legend.handles))
        )
        svg = to_svg(fig, "measures", "Soviet tanks, aircraft and men over time")
    caption = (
        "Soviet strength in its other measures, per front and for the Far East: on the decision "
        "day the total must be at or under the threshold of each criterion that tests it."
    )
    return Chart("measures", svg, caption)


FRONT_STYLES = ((0, (5, 2)), (0, (1, 1)), (0, (3, 1, 1, 1)), (0, (8, 2)))


def _measure_panel(
    ax: Axes, views: Sequence[View], measure: str, end: int, legend: _Legend
) -> None:
    """One measure: the Far East total (each distinct series once), each front's share of it
    when one result is shown, the criteria thresholds and the decision days."""
    single = len(views) == 1
    groups = _series_groups(views, [v.measure_total(measure) or None for v in views])
    for i, values, names in groups:
        style: dict[str, Any] = {
            "color": SOVIET if len(groups) == 1 else _view_colour(views, i),
            "linewidth": 1.8,
            "linestyle": "-" if len(groups) == 1 else (0, (1, 1)),
        }
        days = [_num(date_of(views[i].result, d)) for d in range(min(end, len(values) - 1) + 1)]
        ax.plot(days, values[: len(days)], **style)
        legend.add("Far East total" + names, **style)
    fronts = views[0].result.strength.get(f"soviet_{measure}", {})
    if single and len(fronts) > 1:
        for k, (front, values) in enumerate(fronts.items()):
            style = {"color": SOVIET, "linewidth": 1.0, "linestyle": FRONT_STYLES[k % 4]}
            days = [_num(date_of(views[0].result, d)) for d in range(min(end, len(values) - 1) + 1)]
            ax.plot(days, values[: len(days)], **style)
            legend.add(views[0].front_name(front), **style)
    thresholds = {
        (label, round(value, 6)) for v in views for label, value in v.measure_thresholds(measure)
    }
    for label, value in sorted(thresholds):
        _, colour, dashes = MARKS["halving"]
        style = {
            "color": colour,
            "linewidth": 1.3,
            "linestyle": dashes if "Halving" in label else (0, (2, 2)),
        }
        ax.axhline(value, **style)
        legend.add(label, **style)
    for i, v in enumerate(views):
        if "decision" in v.marks and (day_of(v.result, v.marks["decision"]) or 0) <= end:
            label, colour, dashes = MARKS["decision"]
            colour = colour if single else _view_colour(views, i)
            ax.axvline(_num(v.marks["decision"]), color=colour, linestyle=dashes, linewidth=1.2)
            legend.add(
                label + ("" if single else f" — {v.title}"),
                color=colour,
                linestyle=dashes,
                linewidth=1.2,
            )
    ax.set_ylim(bottom=0)
    ax.set_ylabel(measure)


# ---------------------------------------------------------------- sweeps


def heatmap_chart(
    title: str,
    x_lever: str,
    x_values: list[Any],
    y_lever: str | None,
    y_values: list[Any],
    cells: dict[tuple[Any, Any], dict[str, Any]],
    start: dt.date,
    name: str,
) -> Chart:
    """X-Day over two levers: colour is the attack date, grey is no-go, hatched is an error."""
    y_values = y_values or [None]
    xdays = [
        c["x_day_index"] for c in cells.values() if c.get("go") and c.get("x_day_index") is not None
    ]
    lo, hi = (min(xdays), max(xdays)) if xdays else (0, 1)
    hi = max(hi, lo + 1)
    with _style(name):
        fig = Figure(figsize=(WIDTH * 0.8, 1.6 + 0.42 * len(y_values)), layout="constrained")
        ax = fig.add_subplot()
        ax.grid(False)
        cmap = matplotlib.colormaps["viridis_r"]
        annotate = len(x_values) <= 14 and len(y_values) <= 20
        for j, yv in enumerate(y_values):
            for i, xv in enumerate(x_values):
                cell = cells.get((xv, yv))
                if cell is None:
                    face, hatch, text = "#ffffff", None, ""
                elif cell.get("error"):
                    face, hatch, text = "#ffffff", "xx", "error"
                elif not cell.get("go"):
                    face, hatch, text = "#c9c9c9", None, "no-go"
                else:
                    frac = (cell["x_day_index"] - lo) / (hi - lo)
                    face, hatch = cmap(0.1 + 0.8 * frac), None
                    text = short_date(start + dt.timedelta(days=cell["x_day_index"]))
                ax.add_patch(
                    matplotlib.patches.Rectangle(
                        (i, j), 1, 1, facecolor=face, hatch=hatch, edgecolor="white", linewidth=1.0
                    )
                )
                if annotate and text:
                    dark = (
                        cell is not None
                        and cell.get("go")
                        and (cell["x_day_index"] - lo) / (hi - lo) > 0.45
                    )
                    ax.text(
                        i + 0.5,
                        j + 0.5,
                        text,
                        ha="center",
                        va="center",
                        fontsize=7.5,
                        color="white" if dark else "#222222",
                    )
        ax.set_xlim(0, len(x_values))
        ax.set_ylim(0, len(y_values))
        ax.set_xticks([i + 0.5 for i in range(len(x_values))])
        ax.set_xticklabels(
            [lever_value(x_lever, v) for v in x_values],
            rotation=45 if len(x_values) > 8 else 0,
            ha="right" if len(x_values) > 8 else "center",
        )
        ax.set_yticks([j + 0.5 for j in range(len(y_values))])
        ax.set_yticklabels([lever_value(y_lever, v) if y_lever else "" for v in y_values])
        ax.set_xlabel(lever_label(x_lever))
        if y_lever:
            ax.set_ylabel(lever_label(y_lever))
        ax.tick_params(length=0)
        if xdays:
            sm = matplotlib.cm.ScalarMappable(
                cmap=matplotlib.colors.ListedColormap(
                    [cmap(0.1 + 0.8 * k / 255) for k in range(256)]
                ),
                norm=matplotlib.colors.Normalize(
                    _num(start + dt.timedelta(days=lo)), _num(start + dt.timedelta(days=hi))
                ),
            )
            bar = fig.colorbar(sm, ax=ax, fraction=0.04, pad=0.02)
            if bar.solids is not None:  # vector, not an embedded PNG: the page holds no images
                bar.solids.set_rasterized(False)
            bar.ax.yaxis.set_major_locator(MaxNLocator(6))
            bar.ax.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _p: short_date(mdates.num2date(v).date()))
            )
            bar.set_label("X-Day")
        ax.set_title(title)
        svg = to_svg(fig, name, f"Heat-map of X-Day over {lever_label(x_lever)}")
    return Chart(
        name, svg, "Colour: X-Day (earlier is lighter); grey: no-go; hatched: the solve failed."
    )


def lever_label(path: str | None) -> str:
    from kantokuen.models.case import LEVER_LABELS
    from kantokuen.models.paths import path_label

    if not path:
        return ""
    return LEVER_LABELS.get(path) or path_label(None, path)


def lever_value(path: str | None, value: Any) -> str:
    from kantokuen.reports.subject import value_text

    if value is None:
        return ""
    return value_text(path or "", value)


__all__ = [
    "Chart",
    "gantt_chart",
    "heatmap_chart",
    "shipping_chart",
    "strength_chart",
    "measures_chart",
    "utilization_chart",
    "words",
]
