"""Provenance: which numbers of a case say where they come from.

An entity is sourced when it (or the entity it belongs to) names a source or says
`assumption` with a reason. `validate` warns about every entity with numbers and no source.
"""

from __future__ import annotations

from collections.abc import Iterator

from kantokuen.models.case import ASSUMPTION, COUNT_MEASURES, Case, Sourced
from kantokuen.models.uncertainty import value_kind


def _entities(case: Case) -> Iterator[tuple[tuple[str | int, ...], Sourced, Sourced | None]]:
    """(path, entity, parent) for every entity that carries historical numbers."""
    yield ("shipping",), case.shipping, None
    for i, step in enumerate(case.shipping.pool):
        yield ("shipping", "pool", i), step, case.shipping
    for key, req in case.shipping.south_requirements.items():
        yield ("shipping", "south_requirements", key), req, case.shipping
    for section in ("ports", "sea_routes", "rail", "units"):
        for key, entity in getattr(case, section).items():
            yield (section, key), entity, None
    for key, front in case.fronts.items():
        yield ("fronts", key), front, None
        for i, point in enumerate(front.withdrawals):
            yield ("fronts", key, "withdrawals", i), point, front
        for i, formed in enumerate(front.formations):
            yield ("fronts", key, "formations", i), formed, front
        for name in COUNT_MEASURES:
            measure = getattr(front, name)
            if isinstance(measure, Sourced):  # tanks: {initial, ...}; a bare count is the front's
                yield ("fronts", key, name), measure, front
                owner = measure if measure.source else front
                for kind in ("withdrawals", "formations"):
                    for i, count in enumerate(getattr(measure, kind)):
                        yield ("fronts", key, name, kind, i), count, owner
    # A North share schedule is a lever, like one share: its steps cite a source only by choice.
    if isinstance(case.levers.north_share, tuple):
        for i, share_step in enumerate(case.levers.north_share):
            if share_step.source:
                yield ("levers", "north_share", i), share_step, None
    if case.soviet_reaction.enabled:
        yield ("soviet_reaction",), case.soviet_reaction, None
    for name in type(case.conversions).model_fields:
        factors = getattr(case.conversions, name)
        if factors is not None:
            yield ("conversions", name), factors, None
    for name in type(case.criteria).model_fields:
        criterion = getattr(case.criteria, name)
        if criterion.enabled and name not in ("south_readiness", "required_arrivals"):
            yield ("criteria", name), criterion, None


def unsourced(case: Case) -> list[tuple[str | int, ...]]:
    """Paths of entities whose numbers name no source (neither their own nor their parent's)."""
    out = []
    for path, entity, parent in _entities(case):
        if entity.source is None and (parent is None or parent.source is None):
            out.append(path)
    return out + [path for path, place in case.locations() if place.source is None]


def unranged_assumptions(case: Case) -> list[tuple[str | int, ...]]:
    """Paths of the numbers and dates that rest on an assumption (the entity's own `source:
    assumption`, or its parent's) and have no declared range in `uncertainties:`: values
    nobody sourced, which `explore` cannot vary either. Only values the file writes count."""
    out = []
    for path, entity, parent in _entities(case):
        if (entity.source or (parent.source if parent else None)) != ASSUMPTION:
            continue
        for name in type(entity).model_fields:
            value_path = path + (name,)
            if (
                name in entity.model_fields_set
                and value_kind(getattr(entity, name)) is not None
                and ".".join(str(p) for p in value_path) not in case.uncertainties
            ):
                out.append(value_path)
    return out


def source_usage(case: Case) -> dict[str, list[str]]:
    """For each source key (and `assumption`), the dotted paths of the entities citing it."""
    out: dict[str, list[str]] = {}
    for path, entity, parent in _entities(case):
        key = entity.source or (parent.source if parent else None)
        if key:
            out.setdefault(key, []).append(".".join(str(p) for p in path))
    for path, place in case.locations():  # coordinates; a line's waypoints count once
        if place.source:
            used = out.setdefault(place.source, [])
            dotted = ".".join(str(p) for p in path if not isinstance(p, int))
            used += [] if dotted in used else [dotted]
    return out
