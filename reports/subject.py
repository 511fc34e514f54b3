"""The subject of a report and the words every fact is written in: one result with its case,
dates written out (`10 Aug`, `10 August 1941`), numbers with separators, ids as names.

`Names` is the root of the facts (reports/facts.py): it holds the subject and names its fronts,
ports and rail lines from the case when it is known, from the ids when it is not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, overload

from kantokuen.models.case import Case
from kantokuen.models.paths import MISSING, lookup
from kantokuen.models.paths import long_date as long_date
from kantokuen.models.paths import words as words
from kantokuen.models.plan import Result

# What `in_words` rewrites in the planner's detail text: ISO dates, and front ids.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FRONT_REF = re.compile(r"(front: )([A-Za-z0-9_-]+)")


# ---------------------------------------------------------------- dates and numbers in words


@overload
def to_date(iso: str | dt.date) -> dt.date: ...
@overload
def to_date(iso: None) -> None: ...
@overload
def to_date(iso: str | dt.date | None) -> dt.date | None: ...
def to_date(iso: str | dt.date | None) -> dt.date | None:
    if iso is None or isinstance(iso, dt.date):
        return iso
    return dt.date.fromisoformat(iso)


def short_date(value: str | dt.date | None) -> str:
    """`1941-08-10` → `10 Aug`."""
    d = to_date(value)
    return f"{d.day} {d:%b}" if d else "—"


def number(value: float, digits: int = 1) -> str:
    """Thousands separators, no needless decimals: 12000 → `12,000`, 2.50 → `2.5`."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- the subject of a report


@dataclass(frozen=True)
class Subject:
    """One result to report, with the case that produced it (None when it cannot be re-loaded)."""

    result: Result
    case: Case | None = None
    base: Case | None = None  # the case before the scenario and --set (for "was" values)
    case_note: str = ""  # why the case is missing, shown on the page
    label: str = ""
    movement: Result | None = None  # a no-go's movement alone (analysis.movement), for its map

    @property
    def title(self) -> str:
        return self.label or self.result.scenario or "base case"


def day_of(result: Result, iso: str | dt.date | None) -> int | None:
    d = to_date(iso)
    return None if d is None else (d - dt.date.fromisoformat(result.calendar_start)).days


def date_of(result: Result, day: int) -> dt.date:
    return dt.date.fromisoformat(result.calendar_start) + dt.timedelta(days=day)


# ---------------------------------------------------------------- paths of the case in words


def entity_note(case: Case, path: str) -> str:
    entity = lookup(case, path)
    return getattr(entity, "note", "") or "" if entity is not MISSING else ""


def value_text(path: str, value: Any) -> str:
    """An override value in words: shares as percentages, dates in full, switches as on/off."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if path.endswith("north_share") and isinstance(value, (int, float)):
        return f"{value:.0%}"
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, str):
        try:
            return long_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float | int):
        return number(float(value), 3)
    if isinstance(value, dict):
        if not value:
            return "none (emptied)"
        if "name" in value:
            count = value.get("count")
            return f"{value['name']}" + (
                f" ×{count}" if isinstance(count, int) and count > 1 else ""
            )
        return "; ".join(
            f"{words(str(k)).lower()} {value_text(str(k), v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(value_text(path, v) for v in value) or "none"
    return str(value)


# ---------------------------------------------------------------- names


class Names:
    """One subject, and the names a reader knows its fronts, ports and rail lines by."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.result = subject.result
        self.case = subject.case

    @property
    def title(self) -> str:
        return self.subject.title

    @property
    def case_title(self) -> str:
        if self.case and self.case.title:
            return self.case.title
        return self.result.case

    def front_name(self, front: str) -> str:
        if self.case and front in self.case.fronts:
            return self.case.fronts[front].name
        return words(front)

    @property
    def fronts(self) -> list[str]:
        if self.case:
            return list(self.case.fronts)
        return list(self.result.strength.get("soviet", {}) or self.result.force_ratio)

    def port_name(self, port: str) -> str:
        if self.case and port in self.case.ports:
            return self.case.ports[port].name
        return words(port)

    def rail_name(self, line: str) -> str:
        """A rail line as `start → front`, e.g. `Pusan → Eastern front`."""
        if self.case and line in self.case.rail:
            rail = self.case.rail[line]
            start = (
                self.case.ports[rail.start].name
                if rail.start in self.case.ports
                else self.case.regions[rail.start].name
                if rail.start in self.case.regions
                else rail.start
            )
            return f"{start} → {self.front_name(rail.front)}"
        return words(line)

    def in_words(self, text: str) -> str:
        """Planner detail text for a reader: ISO dates written out, front ids as names."""
        text = ISO_DATE.sub(lambda m: long_date(m.group(0)), text)
        return FRONT_REF.sub(lambda m: f"{m.group(1)}{self.front_name(m.group(2))}", text)
