"""Hand-offs for wargame designers and GIS: a result's network as GeoJSON, and its tables as CSV
or one XLSX workbook.

Tables:
- `units`: every unit's timeline (route and the date of each leg);
- `arrivals`: which units reach which front in which game turn, with men and combat value
  (turn 1 starts on the mobilization order; a turn is `turn_days` days);
- `network`: every port, sea route and rail line with the tons it moved, its capacity and its
  busiest day against that capacity (counted to X-Day, as on the map);
- `fronts`: Japanese and Soviet strength at each front on that day.

The GeoJSON (RFC 7946) is a FeatureCollection: ports, fronts, concentration areas and regions
as Points, sea routes and rail corridors as LineStrings along their waypoints, coordinates as
[longitude, latitude] (WGS 84), with the same numbers as the network table in `properties`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.plan import UNIT_LEGS
from kantokuen.reports.facts import View
from kantokuen.reports.network import Network, build_network
from kantokuen.reports.subject import date_of, day_of

TABLES = ("units", "arrivals", "network", "fronts")


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------- GeoJSON


def geojson(view: View, net: Network | None = None) -> dict[str, Any]:
    """The network with its flows as a GeoJSON FeatureCollection (only what has coordinates)."""
    net = net or build_network(view)
    features: list[dict[str, Any]] = []

    def point(at: tuple[float, float], properties: dict[str, Any]) -> None:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [at[0], at[1]]},
                "properties": properties,
            }
        )

    for port in net.ports:
        if port.at is not None:
            point(port.at, {"kind": "port", **_port_row(port)})
    for link in net.links:
        if link.path:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[lon, lat] for lon, lat in link.path],
                    },
                    "properties": {"kind": _link_kind(link.kind), **_link_row(link)},
                }
            )
    for front in net.fronts:
        if front.at is not None:
            point(front.at, {"kind": "front", **_front_row(net, front)})
    for place in net.places:
        kind = "concentration_area" if place.kind == "area" else "region"
        point(place.at, {"kind": kind, "id": place.id, "name": place.name})
    result = view.result
    return {
        "type": "FeatureCollection",
        "name": f"{result.case} {view.title}",
        "kantokuen": {  # a foreign member (RFC 7946 §6.1): what the numbers are
            "case": result.case,
            "scenario": result.scenario,
            "verdict": view.verdict,
            "x_day": result.x_day,
            "as_of": net.as_of.isoformat() if net.as_of else None,
            "flows": f"counted to {net.as_of_words}",
            "units": "tons; capacity in tons per day; peak_utilization = busiest day / capacity",
        },
        "features": features,
    }


def _link_kind(kind: str) -> str:
    return "sea_route" if kind == "sea" else "rail"


def _flow_fields(flow: Any) -> dict[str, Any]:
    return {
        "tons": flow.tons,
        "capacity": flow.capacity,
        "peak_tons": flow.peak,
        "peak_utilization": _round(flow.utilization),
        "peak_date": flow.peak_date.isoformat() if flow.peak_date else None,
    }


def _port_row(port: Any) -> dict[str, Any]:
    return {
        "id": port.id,
        "name": port.name,
        **_flow_fields(port.flow),
        "loaded": port.loaded,
        "unloaded": port.unloaded,
    }


def _link_row(link: Any) -> dict[str, Any]:
    return {"id": link.id, "name": link.name, **_flow_fields(link.flow)}


def _front_row(net: Network, front: Any) -> dict[str, Any]:
    return {
        "id": front.id,
        "name": front.name,
        "as_of": net.as_of.isoformat() if net.as_of else None,
        "japanese": front.japanese,
        "soviet": front.soviet,
        "japanese_needed": front.needed,
        "ratio": _round(front.japanese / front.soviet, 3)
        if front.japanese is not None and front.soviet
        else None,
    }


# ---------------------------------------------------------------- tables


def table(view: View, name: str, turn_days: int = 7) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of one table; dates as datetime.date."""
    builders: dict[str, Callable[[], tuple[list[str], list[list[Any]]]]] = {
        "units": lambda: units_table(view),
        "arrivals": lambda: arrivals_table(view, turn_days),
        "network": lambda: network_table(view),
        "fronts": lambda: fronts_table(view),
    }
    return builders[name]()


def _need_plan(view: View, what: str) -> None:
    if not view.result.units:
        raise CaseError(
            Problem(
                f"{view.title} is {view.verdict.lower()}: there is no plan, so no {what} "
                "(the network and fronts tables, and the GeoJSON, still export)",
                view.result.case_file,
            )
        )


def units_table(view: View) -> tuple[list[str], list[list[Any]]]:
    _need_plan(view, "unit timeline")
    header = [
        "id", "name", "template", "front", "front_name", "route", "men", "lift_tons",
        "combat_value", "required", "committed", *UNIT_LEGS,
    ]  # fmt: skip
    rows = [
        [
            u["id"],
            u["name"],
            u["template"],
            u["front"],
            view.front_name(u["front"]),
            u.get("route", ""),
            u["men"],
            u["lift"],
            u["combat"],
            u["required"],
            u["committed"],
            *[_date(u.get(leg)) for leg in UNIT_LEGS],
        ]
        for u in view.result.units
    ]
    return header, rows


def turn_of(view: View, day: int, turn_days: int) -> int:
    """Game turn of a day: turn 1 starts on the mobilization order."""
    order = day_of(view.result, view.result.order_day) or 0
    return (day - order) // turn_days + 1


def arrivals_table(view: View, turn_days: int = 7) -> tuple[list[str], list[list[Any]]]:
    """Units arriving at each front per game turn, grouped by unit type: how many, their ids,
    men and combat value (division-equivalents)."""
    _need_plan(view, "arrivals")
    if turn_days < 1:
        raise CaseError(Problem("--turn-days must be at least 1", "--turn-days"))
    result = view.result
    order = day_of(result, result.order_day) or 0
    groups: dict[tuple[int, str, str], list[Any]] = {}
    for u in result.units:
        day = day_of(result, u.get("arrive"))
        if not u["committed"] or day is None:
            continue
        key = (turn_of(view, day, turn_days), u["front"], u["template"])
        groups.setdefault(key, []).append(u)
    header = [
        "turn", "turn_start", "turn_end", "front", "front_name", "unit_type", "unit_name",
        "units", "unit_ids", "men", "combat_value", "x_day_in_turn",
    ]  # fmt: skip
    x_day = result.x_day_index
    rows = []
    for (turn, front, template), units in sorted(groups.items()):
        first = order + (turn - 1) * turn_days
        last = first + turn_days - 1
        rows.append(
            [
                turn,
                date_of(result, first),
                date_of(result, last),
                front,
                view.front_name(front),
                template,
                units[0]["name"],
                len(units),
                " ".join(u["id"] for u in units),
                sum(u["men"] for u in units),
                round(sum(u["combat"] for u in units), 3),
                x_day is not None and first <= x_day <= last,
            ]
        )
    return header, rows


def network_table(view: View) -> tuple[list[str], list[list[Any]]]:
    net = build_network(view)
    header = [
        "kind", "id", "name", "tons", "capacity", "peak_tons", "peak_utilization", "peak_date",
        "as_of",
    ]  # fmt: skip
    rows = []
    for kind, row in [("port", _port_row(p)) for p in net.ports] + [
        (_link_kind(k.kind), _link_row(k)) for k in net.links
    ]:
        rows.append(
            [
                kind,
                row["id"],
                row["name"],
                row["tons"],
                row["capacity"],
                row["peak_tons"],
                row["peak_utilization"],
                _date(row["peak_date"]),
                net.as_of,
            ]
        )
    return header, rows


def fronts_table(view: View) -> tuple[list[str], list[list[Any]]]:
    net = build_network(view)
    header = ["id", "name", "as_of", "japanese", "soviet", "japanese_needed", "ratio"]
    rows = [[_front_row(net, f)[k] for k in header] for f in net.fronts]
    for row in rows:
        row[2] = _date(row[2])
    return header, rows


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# ---------------------------------------------------------------- files


def csv_text(view: View, name: str, turn_days: int = 7) -> str:
    header, rows = table(view, name, turn_days)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row]
        )
    return out.getvalue()


def geojson_text(view: View) -> str:
    return json.dumps(geojson(view), indent=1, ensure_ascii=False) + "\n"


def xlsx_bytes(view: View, turn_days: int = 7) -> bytes:
    """One workbook: an About sheet, then one sheet per table (a no-go: network and fronts)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    result = view.result
    for row in (
        ["Case", result.case],
        ["Scenario", view.title],
        ["Verdict", view.verdict],
        ["X-Day", _date(result.x_day)],
        ["Mobilization order", _date(result.order_day)],
        ["Game turn", f"{turn_days} days; turn 1 starts on the mobilization order"],
        ["Flows", f"counted to {build_network(view).as_of_words}"],
        ["Made by", f"kantokuen {result.version}"],
    ):
        about.append(row)
    for name in TABLES:
        if name in ("units", "arrivals") and not result.units:
            continue
        header, rows = table(view, name, turn_days)
        sheet = book.create_sheet(name.capitalize())
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for column, title in zip(sheet.columns, header, strict=False):
            width = max([len(title)] + [len(str(c.value or "")) for c in column[:200]])
            sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 50)
            if rows and isinstance(rows[0][header.index(title)], dt.date):
                for cell in column[1:]:
                    cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
