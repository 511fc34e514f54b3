"""A dotted path of a case in words: `ports.dairen.tons_per_day` → `Port of Dairen: tons per
day`. The words an explanation, a report or an exploration uses for a number of the case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kantokuen.models.case import CRITERION_LABELS, LEVER_LABELS, Case

MISSING = object()
"""What `lookup` gives for a path that names nothing."""


def long_date(value: str | dt.date | None) -> str:
    """`1941-08-10` → `10 August 1941` (how a historian writes it)."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.day} {d:%B %Y}" if d else "—"


def days(n: int) -> str:
    """`1 day`, `3 days`."""
    return f"{n} day" if n == 1 else f"{n} days"


def words(ident: str) -> str:
    """An id in plain words: `far_eastern` → `Far eastern`."""
    text = ident.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def lookup(case: Case | None, path: str) -> Any:
    """The value at a dotted path of a case (a model, mapping or list at each step), or MISSING."""
    node: Any = case
    for part in path.split("."):
        if node is None:
            return MISSING
        if isinstance(node, dict):
            if part not in node:
                return MISSING
            node = node[part]
        elif isinstance(node, tuple | list):
            if not part.isdigit() or int(part) >= len(node):
                return MISSING
            node = node[int(part)]
        elif hasattr(node, part):
            node = getattr(node, part)
        else:
            return MISSING
    return node


def path_label(case: Case | None, path: str) -> str:
    """A dotted path in words: `units.home_div.men` → `Home division: men`."""
    if path in LEVER_LABELS:
        return LEVER_LABELS[path]
    parts = path.split(".")
    head, rest = parts[0], parts[1:]
    named = {"units": "name", "fronts": "name", "ports": "name", "regions": "name"}
    if head in named and rest:
        entity = lookup(case, f"{head}.{rest[0]}")
        name = getattr(entity, "name", None) if entity is not MISSING else None
        noun = {"units": "", "fronts": "", "ports": "Port of ", "regions": "Region "}[head]
        subject = f"{noun}{name}" if name else f"{words(head[:-1])} {rest[0]}"
        return (
            f"{subject}: {_field_words(rest[1:], case, f'{head}.{rest[0]}')}"
            if rest[1:]
            else subject
        )
    if head == "criteria" and rest:
        label = CRITERION_LABELS.get(rest[0], words(rest[0]))
        return f"{label}: {_field_words(rest[1:])}" if rest[1:] else f"{label} criterion"
    if head == "shipping" and rest[:1] == ["pool"] and len(rest) >= 2 and rest[1].isdigit():
        step = lookup(case, f"shipping.pool.{rest[1]}")
        when = f" from {long_date(step.date)}" if step is not MISSING and step is not None else ""
        tail = f": {_field_words(rest[2:])}" if rest[2:] else ""
        return f"Shipping pool{when}{tail}"
    if head == "shipping" and rest[:1] == ["south_requirements"] and len(rest) >= 2:
        req = lookup(case, f"shipping.south_requirements.{rest[1]}")
        name = getattr(req, "name", "") if req is not MISSING else ""
        tail = f": {_field_words(rest[2:])}" if rest[2:] else ""
        return f"South requirement {name or rest[1]}{tail}"
    if head == "sea_routes" and rest:
        route = lookup(case, f"sea_routes.{rest[0]}")
        if route is not MISSING and case is not None:
            subject = f"Sea route {_place(case, route.embark)} → {_place(case, route.debark)}"
        else:
            subject = f"Sea route {rest[0]}"
        return f"{subject}: {_field_words(rest[1:])}" if rest[1:] else subject
    if head == "rail" and rest:
        line = lookup(case, f"rail.{rest[0]}")
        if line is not MISSING and case is not None:
            front = case.fronts[line.front].name if line.front in case.fronts else line.front
            subject = f"Rail {_place(case, line.start)} → {front}"
        else:
            subject = f"Rail line {rest[0]}"
        return f"{subject}: {_field_words(rest[1:])}" if rest[1:] else subject
    if head == "soviet_reaction":
        return "Soviet reaction" + (f": {_field_words(rest)}" if rest else "")
    if head == "shipping":
        return "Shipping pool" + (f": {_field_words(rest)}" if rest else "")
    return _field_words(parts)


def _place(case: Case, key: str) -> str:
    if key in case.ports:
        return case.ports[key].name
    if key in case.regions:
        return case.regions[key].name
    return key


def _field_words(parts: list[str], case: Case | None = None, owner: str = "") -> str:
    if parts[:1] == ["withdrawals"] and len(parts) >= 2 and parts[1].isdigit() and case is not None:
        point = lookup(case, f"{owner}.withdrawals.{parts[1]}")
        if point is not MISSING:
            tail = f" ({_field_words(parts[2:])})" if parts[2:] else ""
            return f"withdrawals by {long_date(point.date)}{tail}"
    return (
        ", ".join(words(p) if not p.isdigit() else f"#{int(p) + 1}" for p in parts).lower() or "all"
    )
