"""The theatre as a network with its flows: ports, sea routes, rail corridors and fronts, placed
by the case's coordinates, with the tons each moved and how close it came to its capacity.

The map (reports.theatre_map) and the GeoJSON export (reports.exports) both draw from this, so
they say the same thing. Flows are counted up to a day, `as_of`: X-Day for a go; for a no-go
the latest X-Day the deadlines allowed (a no-go carries no plan, so its network shows only
capacities unless a movement plan is given).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kantokuen.models.case import Case, Location
from kantokuen.models.paths import long_date
from kantokuen.models.plan import Result
from kantokuen.reports.facts import View
from kantokuen.reports.geography import BBox, Point
from kantokuen.reports.subject import date_of, day_of

MARGIN_DEGREES = 2.0  # room around the outermost place on a map


@dataclass
class Flow:
    """What went through a port, route or line by the as-of day."""

    tons: float = 0.0  # tons moved in all
    peak: float = 0.0  # tons on the busiest day
    capacity: float = 0.0  # tons per day
    peak_date: dt.date | None = None

    @property
    def utilization(self) -> float:
        """The busiest day's tons against the daily capacity (1.0 = at capacity)."""
        return self.peak / self.capacity if self.capacity else 0.0


@dataclass
class Port:
    id: str
    name: str
    at: Point | None  # None: the case gives no coordinates
    flow: Flow
    loaded: float = 0.0
    unloaded: float = 0.0


@dataclass
class Link:
    """A sea route or a rail corridor, drawn along its waypoints."""

    id: str
    kind: str  # "sea" or "rail"
    name: str
    path: list[Point]  # empty: the case gives no coordinates for one of its ends
    flow: Flow


@dataclass
class Front:
    id: str
    name: str
    at: Point | None
    soviet: float | None
    japanese: float | None
    needed: float | None


@dataclass
class Place:
    """A labelled place without flows: a region or a concentration area."""

    id: str
    kind: str  # "region" or "area"
    name: str
    at: Point


@dataclass
class Network:
    title: str
    as_of: dt.date | None
    as_of_words: str
    ports: list[Port] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    fronts: list[Front] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a no-go's reasons

    @property
    def missing(self) -> list[str]:
        """What the map cannot place: entities the case gives no coordinates."""
        return (
            [f"port {p.id}" for p in self.ports if p.at is None]
            + [
                f"{'sea route' if k.kind == 'sea' else 'rail line'} {k.id}"
                for k in self.links
                if not k.path
            ]
            + [f"front {f.id}" for f in self.fronts if f.at is None]
        )

    @property
    def has_flows(self) -> bool:
        return any(link.flow.tons for link in self.links) or any(p.flow.tons for p in self.ports)

    def points(self) -> list[Point]:
        placed = [p.at for p in self.ports] + [f.at for f in self.fronts]
        return (
            [p for p in placed if p is not None]
            + [p.at for p in self.places]
            + [pt for link in self.links for pt in link.path]
        )

    def bbox(self) -> BBox | None:
        """The area to draw: every place with a margin, widened to whole degrees."""
        points = self.points()
        if not points:
            return None
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        return BBox(
            float(max(-180, int(min(lons) - MARGIN_DEGREES))),
            float(max(-90, int(min(lats) - MARGIN_DEGREES))),
            float(min(180, -int(-(max(lons) + MARGIN_DEGREES)))),
            float(min(90, -int(-(max(lats) + MARGIN_DEGREES)))),
        )


def has_coordinates(case: Case | None) -> bool:
    return case is not None and any(True for _ in case.locations())


def _at(location: Location | None) -> Point | None:
    return None if location is None else (location.lon, location.lat)


def as_of_day(view: View) -> tuple[int | None, str]:
    """The day the flows are counted to, and how to say it: X-Day for a go; for a no-go the
    latest X-Day the decision and weather deadlines allowed (or the end of the horizon)."""
    result = view.result
    if result.go and result.x_day_index is not None:
        return result.x_day_index, f"X-Day, {long_date(result.x_day)}"
    latest = [view.marks[k] for k in ("deadline_x_day", "last_x_day") if k in view.marks]
    if latest:
        day = min(max(0, day_of(result, min(latest)) or 0), result.horizon)
        return day, f"{long_date(date_of(result, day))}, the latest X-Day the deadlines allowed"
    return result.horizon, f"{long_date(date_of(result, result.horizon))}, the end of the horizon"


def build_network(view: View, plan: Result | None = None) -> Network:
    """The case's network with the flows of `plan` (default: the view's own result) counted up
    to the as-of day. Entities without coordinates have no place (`at` None, `path` empty)."""
    case = view.case
    result = view.result
    plan = plan or result
    day, words = as_of_day(view)
    net = Network(view.title, date_of(result, day) if day is not None else None, words)
    if case is None:
        return net
    last = day if day is not None else result.horizon
    usage = plan.usage
    for key, port in case.ports.items():
        at = _at(port.location)
        use = usage.get("ports", {}).get(key)
        loaded = use["loaded"][: last + 1] if use else []
        unloaded = use["unloaded"][: last + 1] if use else []
        daily = [max(a, b) for a, b in zip(loaded, unloaded, strict=False)]
        capacity = use["capacity"] if use else port.tons_per_day
        flow = Flow(float(sum(loaded) + sum(unloaded)), 0.0, float(capacity))
        _peak(flow, daily, result)
        net.ports.append(
            Port(key, _short(port.location, port.name), at, flow, sum(loaded), sum(unloaded))
        )
    sea_days = _sea_tons_by_day(case, plan, last)
    for key, route in case.sea_routes.items():
        ends = [
            case.ports[p].location if p in case.ports else None
            for p in (route.embark, route.debark)
        ]
        path = _path(_at(ends[0]), route.waypoints, _at(ends[1]))
        capacity = min(
            case.ports[p].tons_per_day for p in (route.embark, route.debark) if p in case.ports
        )
        by_day = sea_days.get(key, {})
        flow = Flow(float(sum(by_day.values())), 0.0, float(capacity))
        _peak(flow, [by_day.get(d, 0) for d in range(last + 1)], result)
        name = f"{view.port_name(route.embark)} → {view.port_name(route.debark)}"
        net.links.append(Link(key, "sea", name, path, flow))
    areas: dict[Point, Place] = {}
    for key, line in case.rail.items():
        start = line.start_location or _start_location(case, line.start)
        end = line.end_location or (
            case.fronts[line.front].location if line.front in case.fronts else None
        )
        path = _path(_at(start), line.waypoints, _at(end))
        rail = usage.get("rail", {}).get(key)
        entrained = rail["entrained"][: last + 1] if rail else []
        # the plan's own figure when there is one (it is in the plan's measure); else the case's
        capacity = rail["capacity"] if rail else getattr(line, "tons_per_day", None) or 0
        flow = Flow(float(sum(entrained)), 0.0, float(capacity))
        _peak(flow, entrained, result)
        net.links.append(Link(key, "rail", view.rail_name(key), path, flow))
        if line.end_location is not None and path and path[-1] not in areas:
            areas[path[-1]] = Place(key, "area", _short(line.end_location, key), path[-1])
    net.places += list(areas.values())
    for key, region in case.regions.items():
        at = _at(region.location)
        if at is not None:
            net.places.append(Place(key, "region", region.name.split(" (")[0], at))
    strength = plan.strength if plan.strength.get("japanese") else result.strength
    for key, front in case.fronts.items():
        net.fronts.append(
            Front(
                key,
                front.name,
                _at(front.location),
                _value(strength, "soviet", key, last),
                _value(strength, "japanese", key, last),
                _value(strength, "needed", key, last),
            )
        )
    return net


def _short(location: Location | None, fallback: str) -> str:
    return location.name if location is not None and location.name else fallback


def _start_location(case: Case, start: str) -> Location | None:
    if start in case.ports:
        return case.ports[start].location
    return case.regions[start].location if start in case.regions else None


def _path(start: Point | None, waypoints: tuple[Location, ...], end: Point | None) -> list[Point]:
    if start is None or end is None:
        return []
    return [start, *[(w.lon, w.lat) for w in waypoints], end]


def _peak(flow: Flow, daily: list[int] | list[float], result: Result) -> None:
    if daily and max(daily) > 0:
        flow.peak = float(max(daily))
        flow.peak_date = date_of(result, list(daily).index(max(daily)))


def _sea_tons_by_day(case: Case, plan: Result, last: int) -> dict[str, dict[int, float]]:
    """Tons sailing on each sea route per day (a unit loads on its sailing day), to `last`."""
    out: dict[str, dict[int, float]] = {}
    for unit in plan.units:
        route = unit.get("route") or ""
        sail = day_of(plan, unit.get("sail"))
        if not unit.get("committed") or sail is None or sail > last:
            continue
        for part in (p.strip() for p in route.split("+")):
            if part in case.sea_routes:
                days = out.setdefault(part, {})
                days[sail] = days.get(sail, 0) + unit["lift"]
    return out


def _value(
    strength: dict[str, dict[str, list[float]]], what: str, front: str, day: int
) -> float | None:
    series = strength.get(what, {}).get(front)
    if not series:
        return None
    return float(series[min(day, len(series) - 1)])
