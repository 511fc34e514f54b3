"""Shipping and the network's use: the North and South shares of the pool, and each port, sea
route and rail line's busiest day and days at full capacity (the bottleneck table)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TypedDict

from kantokuen.models.plan import Result
from kantokuen.reports.subject import Names, date_of, number, short_date


class UseRow(TypedDict):
    """One resource's use, as the bottleneck table shows it (`share_value` sorts the rows)."""

    resource: str
    activity: str
    capacity: str
    peak: str
    share: str
    share_value: float
    full_days: str
    full_span: str
    css: str


class Shipping(Names):
    """The shipping pool's split and the use of every resource, busiest first."""

    @property
    def shipping_text(self) -> dict[str, str]:
        s = self.result.shipping
        if not s:
            return {}
        return {
            "north": f"{number(s['north_tons'])} t ({s['north_share']:.0%})",
            "south": f"{number(s['south_tons'])} t ({1 - s['north_share']:.0%})",
            "peak_at_sea": f"{number(s['north_peak_at_sea'])} t",
            "pool_peak": f"{number(s['pool_peak'])} t",
            "moved": f"{number(s['sea_tons_moved'])} t",
        }

    @cached_property
    def utilization_rows(self) -> list[UseRow]:
        """Per resource: capacity, busiest day, and the days it ran at full capacity."""
        usage = self.result.usage
        if not usage:
            return []
        rows = []
        ship = usage.get("shipping", {})
        if ship:
            used, cap = ship.get("used", []), ship.get("north_capacity", [])
            rows.append(self._use_row("Shipping (North)", "at sea", used, cap, "GRT"))
        first = rows[:1]
        rows = []
        for port, p in usage.get("ports", {}).items():
            cap = [p["capacity"]] * len(p["loaded"])
            if any(p["loaded"]):
                rows.append(
                    self._use_row(f"Port of {self.port_name(port)}", "loading", p["loaded"], cap)
                )
            if any(p["unloaded"]):
                rows.append(
                    self._use_row(
                        f"Port of {self.port_name(port)}", "unloading", p["unloaded"], cap
                    )
                )
        for line, rail in usage.get("rail", {}).items():
            if any(rail["entrained"]):
                cap = [rail["capacity"]] * len(rail["entrained"])
                # Each facility in its own measure: a line counts tons or trains.
                unit = "trains" if rail.get("measure") == "trains" else "t"
                rows.append(
                    self._use_row(
                        f"Rail {self.rail_name(line)}", "entraining", rail["entrained"], cap, unit
                    )
                )
        # Busiest first: the bottlenecks are what a reader is looking for.
        return first + sorted(rows, key=lambda row: (-int(row["full_days"]), -row["share_value"]))

    def _use_row(
        self,
        resource: str,
        activity: str,
        used: Sequence[float],
        cap: Sequence[float],
        unit: str = "t",
    ) -> UseRow:
        peak = max(used, default=0)
        peak_day = used.index(peak) if used else 0
        full = [d for d, (u, c) in enumerate(zip(used, cap, strict=False)) if c and u >= c]
        capacity = (
            f"{number(min(cap))}–{number(max(cap))} {unit}"
            if cap and min(cap) != max(cap)
            else f"{number(cap[0] if cap else 0)} {unit}"
        )
        return {
            "resource": resource,
            "activity": activity,
            "capacity": capacity,
            "peak": f"{number(peak)} {unit} on {short_date(date_of(self.result, peak_day))}",
            "share": f"{peak / max(cap[peak_day], 1):.0%}" if cap else "",
            "share_value": peak / max(cap[peak_day], 1) if cap else 0.0,
            "full_days": str(len(full)),
            "full_span": _days_text(self.result, full),
            "css": "bad" if full else "",
        }


def _days_text(result: Result, days: list[int]) -> str:
    """A few days listed (`18 Jul, 1 Aug`), many as a span (`12 days between 3 Jul and 1 Aug`)."""
    if not days:
        return ""
    if len(days) <= 3:
        return ", ".join(short_date(date_of(result, d)) for d in days)
    if days[-1] - days[0] + 1 == len(days):
        return f"{short_date(date_of(result, days[0]))} – {short_date(date_of(result, days[-1]))}"
    return (
        f"between {short_date(date_of(result, days[0]))} and "
        f"{short_date(date_of(result, days[-1]))}"
    )
