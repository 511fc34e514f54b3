"""Cross-reference and consistency rules of a case that one field alone cannot check."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kantokuen.models.case import ASSUMPTION, COUNT_MEASURES, DIVISIONS, Case, Move, Sourced

Finding = tuple[tuple[str | int, ...], str, str | None]

MAX_UNITS = 100_000


def check_case(case: Case) -> list[Finding]:
    """Every dangling reference and impossible value in the case, with its path and a hint."""
    findings: list[Finding] = []
    for rule in CASE_RULES:
        findings.extend(rule(case))
    return findings


def _sourced_entities(case: Case) -> Iterator[tuple[tuple[str | int, ...], Sourced]]:
    yield ("shipping",), case.shipping
    for i, step in enumerate(case.shipping.pool):
        yield ("shipping", "pool", i), step
    for key, req in case.shipping.south_requirements.items():
        yield ("shipping", "south_requirements", key), req
    for section in ("ports", "sea_routes", "rail", "units", "fronts"):
        for key, entity in getattr(case, section).items():
            yield (section, key), entity
    if isinstance(case.levers.north_share, tuple):
        for i, share_step in enumerate(case.levers.north_share):
            yield ("levers", "north_share", i), share_step
    for key, front in case.fronts.items():
        for i, point in enumerate(front.withdrawals):
            yield ("fronts", key, "withdrawals", i), point
        for i, formed in enumerate(front.formations):
            yield ("fronts", key, "formations", i), formed
        for name in COUNT_MEASURES:
            measure = getattr(front, name)
            if isinstance(measure, Sourced):
                yield ("fronts", key, name), measure
                for kind in ("withdrawals", "formations"):
                    for i, count in enumerate(getattr(measure, kind)):
                        yield ("fronts", key, name, kind, i), count
    yield ("soviet_reaction",), case.soviet_reaction
    for name in type(case.conversions).model_fields:
        factors = getattr(case.conversions, name)
        if factors is not None:
            yield ("conversions", name), factors
    for name in type(case.criteria).model_fields:
        yield ("criteria", name), getattr(case.criteria, name)
    yield from case.locations()


def sources_exist(case: Case) -> Iterator[Finding]:
    """A cited source is an entry of `sources:`; an assumption gives its reason in `note`."""
    for path, entity in _sourced_entities(case):
        if entity.source is None:
            continue
        if entity.source == ASSUMPTION:
            if not (entity.note or "").strip():
                yield (
                    path + ("source",),
                    "an assumption needs a reason",
                    "add `note:` saying why this value",
                )
        elif entity.source not in case.sources:
            yield (
                path + ("source",),
                f"unknown source '{entity.source}'",
                "add it to `sources:` or use one of: "
                f"{', '.join(sorted(case.sources)) or 'assumption'}",
            )


def places_exist(case: Case) -> Iterator[Finding]:
    """Ports, routes and rail lines refer to regions, ports and fronts that exist."""
    for key, port in case.ports.items():
        if port.region not in case.regions:
            yield (
                ("ports", key, "region"),
                f"unknown region '{port.region}'",
                _choices(case.regions),
            )
    for key, route in case.sea_routes.items():
        for end in ("embark", "debark"):
            if getattr(route, end) not in case.ports:
                yield (
                    ("sea_routes", key, end),
                    f"unknown port '{getattr(route, end)}'",
                    _choices(case.ports),
                )
    for key, line in case.rail.items():
        if line.start not in case.ports and line.start not in case.regions:
            yield (
                ("rail", key, "start"),
                f"unknown port or region '{line.start}'",
                _choices({**case.ports, **case.regions}),
            )
        if line.front not in case.fronts:
            yield ("rail", key, "front"), f"unknown front '{line.front}'", _choices(case.fronts)


def units_can_move(case: Case) -> Iterator[Finding]:
    """Each unit's moves start in its region, chain sea to rail, and end at its front."""
    for key, unit in case.units.items():
        path = ("units", key)
        if unit.origin not in case.regions:
            yield path + ("origin",), f"unknown region '{unit.origin}'", _choices(case.regions)
            continue
        if unit.front not in case.fronts:
            yield path + ("front",), f"unknown front '{unit.front}'", _choices(case.fronts)
        for i, move in enumerate(unit.moves):
            yield from _move_problems(case, key, unit.origin, unit.front, i, move)


def _move_problems(
    case: Case, key: str, origin: str, front: str, i: int, move: Move
) -> Iterator[Finding]:
    path: tuple[str | int, ...] = ("units", key, "moves", i)
    line = case.rail.get(move.rail)
    if line is None:
        yield path + ("rail",), f"unknown rail line '{move.rail}'", _choices(case.rail)
        return
    if line.front != front:
        yield (
            path + ("rail",),
            f"rail line '{move.rail}' goes to front '{line.front}', not '{front}'",
            "pick a line to the unit's front",
        )
    if move.sea is None:
        if line.start != origin:
            yield (
                path + ("rail",),
                f"rail line '{move.rail}' starts at '{line.start}', not at the unit's region "
                f"'{origin}'",
                "add a `sea:` route or pick a line from the region",
            )
        return
    if case.regions[origin].rail_only:
        yield (
            path + ("sea",),
            f"units in region '{origin}' move by rail only",
            "remove the `sea:` route",
        )
    route = case.sea_routes.get(move.sea)
    if route is None:
        yield path + ("sea",), f"unknown sea route '{move.sea}'", _choices(case.sea_routes)
        return
    embark = case.ports.get(route.embark)
    if embark is not None and embark.region != origin:
        yield (
            path + ("sea",),
            f"route '{move.sea}' embarks at '{route.embark}' in region '{embark.region}', not "
            f"'{origin}'",
            "pick a route from the unit's region",
        )
    if line.start != route.debark:
        yield (
            path + ("rail",),
            f"rail line '{move.rail}' starts at '{line.start}', not at the route's debarkation "
            f"port '{route.debark}'",
            "pick a line from that port",
        )


ONE_OF = (
    (
        "units",
        ("lift_tons", "cargo_tons"),
        "a unit's size is `lift_tons`, one measure for ships, ports and rail, or `cargo_tons` "
        "with its men and horses, converted by `conversions:`",
    ),
    ("rail", ("tons_per_day", "trains_per_day"), "a line's capacity is in tons or in trains"),
)


def one_of_each(case: Case) -> Iterator[Finding]:
    """A unit gives its size one way (`lift_tons` or `cargo_tons`), a rail line its capacity
    one way (`tons_per_day` or `trains_per_day`): one of the two, not both."""
    for section, (first, second), hint in ONE_OF:
        for key, entity in getattr(case, section).items():
            given = [name for name in (first, second) if getattr(entity, name) is not None]
            if not given:
                yield (section, key, first), f"field required (or `{second}`)", hint
            elif len(given) == 2:
                yield (section, key, second), f"both `{first}` and `{second}` are given", hint


def sizes_convert(case: Case) -> Iterator[Finding]:
    """A unit's size converts into the measure of every facility its moves use: a unit given by
    `cargo_tons` needs `conversions.ship_space` and `conversions.handling` to go by sea,
    `conversions.handling` for a rail line counted in tons and `conversions.train` for one
    counted in trains; a unit given by `lift_tons` cannot ride a line counted in trains (its
    lift says nothing of men, horses and cargo)."""
    conv = case.conversions
    for key, unit in case.units.items():
        if unit.lift_tons is not None and unit.cargo_tons is not None:
            continue  # `one_of_each` says so
        for i, move in enumerate(unit.moves):
            path: tuple[str | int, ...] = ("units", key, "moves", i)
            line = case.rail.get(move.rail)
            if line is not None and None not in (line.tons_per_day, line.trains_per_day):
                line = None  # both capacities given: `one_of_each` says so
            if unit.cargo_tons is None:
                if line is not None and line.measure == "trains":
                    yield (
                        path + ("rail",),
                        f"rail line '{move.rail}' is counted in trains, and the unit gives only "
                        "`lift_tons`",
                        "give the unit's men, horses and `cargo_tons` instead of `lift_tons`, or "
                        "the line `tons_per_day`",
                    )
                continue
            needed = []
            if move.sea is not None:
                needed += ["ship_space", "handling"]
            if line is not None:
                needed.append("handling" if line.measure == "tons" else "train")
            for name in dict.fromkeys(needed):
                if getattr(conv, name) is None:
                    yield (
                        path,
                        f"the unit gives `cargo_tons`, and the case has no `conversions.{name}` "
                        "to convert it",
                        f"add `conversions: {{{name}: ...}}` with its factors and their source",
                    )


def dates_in_order(case: Case) -> Iterator[Finding]:
    """The order falls on or after the calendar start and before every deadline."""
    order = case.levers.mobilization_order
    if order < case.calendar.start:
        yield (
            ("levers", "mobilization_order"),
            f"order {order} is before the calendar start {case.calendar.start}",
            "order on or after the start",
        )
    crit = case.criteria
    if crit.decision_deadline.enabled and crit.decision_deadline.date < order:
        yield (
            ("criteria", "decision_deadline", "date"),
            f"decision deadline {crit.decision_deadline.date} is before the mobilization order "
            f"{order}",
            "move the deadline after the order, or the order earlier",
        )
    if crit.weather.enabled and crit.weather.deadline < order:
        yield (
            ("criteria", "weather", "deadline"),
            f"weather deadline {crit.weather.deadline} is before the mobilization order {order}",
            "move the deadline after the order",
        )
    for key, req in case.shipping.south_requirements.items():
        if req.by < case.calendar.start:
            yield (
                ("shipping", "south_requirements", key, "by"),
                f"date {req.by} is before the calendar start",
                None,
            )


def reaction_is_routed(case: Case) -> Iterator[Finding]:
    """Soviet reinforcements, when enabled, are shared out among the fronts (shares sum to 1)."""
    reaction = case.soviet_reaction
    total = sum(f.reinforcement_share for f in case.fronts.values())
    if reaction.enabled and reaction.reinforce_per_day > 0 and abs(total - 1) > 1e-6:
        yield (
            ("fronts",),
            f"reinforcement shares sum to {total:g}, not 1",
            "set `reinforcement_share` on the fronts so they add up to 1",
        )


def measures_are_given(case: Case) -> Iterator[Finding]:
    """A criterion on Soviet strength tests a measure some front gives: the halving criterion's
    `measure` (division-equivalents always), each of the armour-and-air criterion's measures."""

    def given(measure: str) -> bool:
        return measure == DIVISIONS or any(
            getattr(front, measure) is not None for front in case.fronts.values()
        )

    halving = case.criteria.halving
    if halving.enabled and not given(halving.measure):
        yield (
            ("criteria", "halving", "measure"),
            f"no front gives {halving.measure}",
            f"give `fronts.<id>.{halving.measure}`, or test `measure: divisions`",
        )
    armour_air = case.criteria.armour_air
    if armour_air.enabled:
        for i, measure in enumerate(armour_air.measures):
            if not given(measure):
                yield (
                    ("criteria", "armour_air", "measures", i),
                    f"no front gives {measure}",
                    f"give `fronts.<id>.{measure}`: a number, or a measure with schedules",
                )


def scenarios_resolve(case: Case) -> Iterator[Finding]:
    """A scenario builds only on scenarios that exist, without cycles."""
    for name, scenario in case.scenarios.items():
        for i, parent in enumerate(scenario.extends):
            if parent not in case.scenarios:
                yield (
                    ("scenarios", name, "extends", i),
                    f"unknown scenario '{parent}'",
                    _choices(case.scenarios),
                )
    for name in case.scenarios:
        seen: list[str] = []
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                if current == name:
                    yield (
                        ("scenarios", name, "extends"),
                        "scenarios extend each other in a cycle",
                        "break the cycle",
                    )
                    break
                continue
            seen.append(current)
            stack.extend(case.scenarios[current].extends if current in case.scenarios else ())


def unit_count_bounded(case: Case) -> Iterator[Finding]:
    """The expanded case stays within what the planner is built for."""
    total = sum(u.count for u in case.units.values())
    if total > MAX_UNITS:
        yield (
            ("units",),
            f"{total:,} units after `count:` expansion; at most {MAX_UNITS:,}",
            "merge small units",
        )


ID_TABLES = ("sources", "regions", "ports", "sea_routes", "rail", "fronts", "units")


def ids_are_names(case: Case) -> Iterator[Finding]:
    """An id can be named in a dotted path (`units.<id>.men`): it is not empty and has no dot."""
    for table in ID_TABLES:
        for key in getattr(case, table):
            if not key.strip() or "." in key:
                yield (
                    (table, key),
                    f"id {key!r} cannot be named in a dotted path (`{table}.<id>.…`)",
                    "use letters, digits, `_` or `-`, without dots",
                )
    for key in case.shipping.south_requirements:
        if not key.strip() or "." in key:
            yield (
                ("shipping", "south_requirements", key),
                f"id {key!r} cannot be named in a dotted path",
                "use letters, digits, `_` or `-`, without dots",
            )


def _choices(table: Mapping[str, object]) -> str:
    names = sorted(table)
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"known: {shown}" if names else "none are defined"


CASE_RULES = (
    ids_are_names,
    sources_exist,
    places_exist,
    units_can_move,
    one_of_each,
    sizes_convert,
    dates_in_order,
    reaction_is_routed,
    measures_are_given,
    scenarios_resolve,
    unit_count_bounded,
)
