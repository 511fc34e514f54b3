"""Valid cases broken by Hypothesis, one way at a time: every break is one located `Error:` line.

Starting from the mini case, a mutation deletes a required key, gives a field a value of the
wrong type or outside its range, points a reference nowhere, writes an id twice, or puts dates
out of order. Through the command line each gives exit 1 and the `Error:` line names the file,
the line where the field is written (found with PyYAML's composer, independently of the
loader) and the dotted field path; `solve -o FILE` leaves FILE as it was.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.badinput.support import (
    FAST,
    MINI_DATA,
    assert_bad_input,
    dotted,
    get,
    line_of,
    located,
    mini_data,
    run,
    write_case,
)
from tests.conftest import examples

# Every leaf of the mini case (outside scenarios): its kind and, for numbers, the allowed range.
FIELDS: list[tuple[str, str, float | None, float | None]] = [
    ("name", "str", None, None),
    ("title", "str", None, None),
    ("description", "str", None, None),
    ("calendar.start", "date", None, None),
    ("calendar.horizon_days", "int", 1, 1000),
    ("sources.*.title", "str", None, None),
    ("sources.*.note", "str", None, None),
    ("levers.mobilization_order", "date", None, None),
    ("levers.north_share", "float", 0, 1),
    ("levers.withdrawal_scale", "float", 0, 100),
    ("shipping.source", "ref", None, None),
    ("shipping.pool.*.date", "date", None, None),
    ("shipping.pool.*.tons", "int", 0, 10**9),
    ("shipping.pool.*.source", "ref", None, None),
    ("regions.*.name", "str", None, None),
    ("regions.*.rail_only", "bool", None, None),
    ("ports.*.name", "str", None, None),
    ("ports.*.region", "ref", None, None),
    ("ports.*.tons_per_day", "int", 1, 10**9),
    ("ports.*.source", "ref", None, None),
    ("sea_routes.*.embark", "ref", None, None),
    ("sea_routes.*.debark", "ref", None, None),
    ("sea_routes.*.sail_days", "int", 0, 36_600),
    ("sea_routes.*.cycle_days", "int", 1, 36_600),
    ("sea_routes.*.source", "ref", None, None),
    ("rail.*.start", "ref", None, None),
    ("rail.*.front", "ref", None, None),
    ("rail.*.tons_per_day", "int", 1, 10**9),
    ("rail.*.transit_days", "int", 0, 36_600),
    ("rail.*.source", "ref", None, None),
    ("fronts.*.name", "str", None, None),
    ("fronts.*.initial_strength", "float", 0, 10_000),
    ("fronts.*.source", "ref", None, None),
    ("units.*.name", "str", None, None),
    ("units.*.count", "int", 1, 100_000),
    ("units.*.origin", "ref", None, None),
    ("units.*.men", "int", 0, 10**9),
    ("units.*.lift_tons", "int", 1, 10**9),
    ("units.*.mobilization_days", "int", 0, 36_600),
    ("units.*.combat_value", "float", 0, 10_000),
    ("units.*.front", "ref", None, None),
    ("units.*.moves.*.sea", "ref", None, None),
    ("units.*.moves.*.rail", "ref", None, None),
    ("units.*.source", "ref", None, None),
    ("criteria.halving.enabled", "bool", None, None),
    ("criteria.*.source", "ref", None, None),
    ("criteria.force_ratio.ratio", "float", 0, 10_000),
    ("criteria.force_ratio.soviet_factor", "float", 0, 10_000),
    ("criteria.decision_deadline.date", "date", None, None),
    ("criteria.decision_deadline.decision_to_attack_days", "int", 0, 36_600),
    ("criteria.weather.deadline", "date", None, None),
    ("criteria.weather.campaign_days", "int", 0, 36_600),
]

WRONG_TYPES: dict[str, list[Any]] = {
    "int": ["many", [1], {"a": 1}, True, 1.5, dt.date(1941, 7, 1)],
    "float": ["many", [1], {"a": 1}, True, dt.date(1941, 7, 1)],
    "date": ["soon", "1941-13-01", 5, [1], {"a": 1}, True],
    "bool": ["maybe", 2, 1.5, [1], {"a": 1}],
    "str": [5, 1.5, True, [1], {"a": 1}, dt.date(1941, 7, 1)],
    "ref": [5, True, [1], {"a": 1}],
}

REQUIRED = [
    "name",
    "calendar",
    "calendar.start",
    "levers",
    "levers.mobilization_order",
    "levers.north_share",
    "shipping",
    "shipping.pool",
    "shipping.pool.0.date",
    "shipping.pool.0.tons",
    "regions",
    "regions.*.name",
    "ports.*.name",
    "ports.*.region",
    "ports.*.tons_per_day",
    "sea_routes.*.embark",
    "sea_routes.*.debark",
    "sea_routes.*.sail_days",
    "sea_routes.*.cycle_days",
    "rail",
    "rail.*.start",
    "rail.*.front",
    "rail.*.tons_per_day",
    "rail.*.transit_days",
    "fronts",
    "fronts.*.name",
    "fronts.*.initial_strength",
    "units",
    "units.*.name",
    "units.*.origin",
    "units.*.men",
    "units.*.lift_tons",
    "units.*.mobilization_days",
    "units.*.front",
    "units.*.moves",
    "units.*.moves.*.rail",
    "criteria",
    "criteria.decision_deadline",
    "criteria.decision_deadline.date",
    "criteria.decision_deadline.decision_to_attack_days",
    "criteria.weather",
    "criteria.weather.deadline",
    "criteria.weather.campaign_days",
    "sources.*.title",
]

# Reference fields and the tables they point into.
REFERENCES = {
    "ports.*.region": "regions",
    "sea_routes.*.embark": "ports",
    "sea_routes.*.debark": "ports",
    "rail.*.start": "ports",
    "rail.*.front": "fronts",
    "units.*.origin": "regions",
    "units.*.front": "fronts",
    "units.*.moves.*.sea": "sea_routes",
    "units.*.moves.*.rail": "rail",
    "shipping.source": "sources",
    "shipping.pool.*.source": "sources",
    "ports.*.source": "sources",
    "units.*.source": "sources",
    "criteria.*.source": "sources",
}

Path_ = tuple[str | int, ...]


def _paths(data: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i))


def _matches(path: Path_, pattern: str) -> bool:
    parts = pattern.split(".")
    return len(parts) == len(path) and all(
        fnmatch.fnmatchcase(str(p), q) for p, q in zip(path, parts, strict=True)
    )


def _where(pattern: str) -> list[Path_]:
    """Every path of the mini case (scenarios aside) that a pattern names."""
    return [p for p in _paths(MINI_DATA) if p and p[0] != "scenarios" and _matches(p, pattern)]


LEAVES = [(p, kind, lo, hi, pattern) for pattern, kind, lo, hi in FIELDS for p in _where(pattern)]


def test_the_field_table_covers_every_leaf_of_the_mini_case() -> None:
    """A new field in tests/data/mini.yaml must be added to FIELDS (else it is never mutated)."""
    leaves = {
        p
        for p in _paths(MINI_DATA)
        if p and p[0] != "scenarios" and not isinstance(get(MINI_DATA, p), dict | list)
    }
    assert leaves == {p for p, *_ in LEAVES}


def _set(data: dict[str, Any], path: Path_, value: Any) -> None:
    get(data, path[:-1])[path[-1]] = value


def _check(
    data: dict[str, Any] | str, path: Path_, *, exactly_one: bool = True, contains: str = ""
) -> None:
    """Validate and solve the broken case: exit 1, a line naming file, line and field, no output."""
    with tempfile.TemporaryDirectory() as folder:
        case = write_case(Path(folder), data)
        text = case.read_text(encoding="utf-8")
        result = run("validate", case)
        lines = assert_bad_input(result, case, 1 if exactly_one else None)
        start = located(case, line_of(text, path), dotted(path))
        assert any(line.startswith(start) and contains in line for line in lines), (
            start,
            contains,
            lines,
        )
        output = Path(folder) / "result.json"
        output.write_text("old result\n")
        solved = run("solve", case, *FAST, "--json", "-o", output)
        assert assert_bad_input(solved, case) == lines
        assert output.read_text() == "old result\n"
        assert sorted(p.name for p in Path(folder).iterdir()) == ["case.yaml", "result.json"]


@settings(max_examples=examples(30))
@given(st.sampled_from(REQUIRED).flatmap(lambda pattern: st.sampled_from(_where(pattern))))
def test_a_deleted_required_key_is_named(path: Path_) -> None:
    """Deleting a required key: one line at its parent's line, naming the key, 'field required'."""
    data = mini_data()
    del get(data, path[:-1])[path[-1]]
    _check(data, path, contains="field required")


@settings(max_examples=examples(40))
@given(
    st.sampled_from(LEAVES).flatmap(
        lambda leaf: st.tuples(st.just(leaf[0]), st.sampled_from(WRONG_TYPES[leaf[1]]))
    )
)
def test_a_value_of_the_wrong_type_is_named(mutation: tuple[Path_, Any]) -> None:
    """A number as text, a list where a date goes, true/false as a count: one located line."""
    path, value = mutation
    data = mini_data()
    _set(data, path, value)
    _check(data, path)


def _outside(kind: str, lo: float, hi: float) -> st.SearchStrategy[Any]:
    """Numbers just or far outside [lo, hi] (including integers beyond the loader's 10^15)."""
    if kind == "int":
        return st.one_of(st.integers(-(10**30), int(lo) - 1), st.integers(int(hi) + 1, 10**30))
    return st.one_of(
        st.floats(-1e300, lo - 1e-6, allow_nan=False),
        st.floats(hi + 1e-6 * max(1, hi), 1e300, allow_nan=False),
    )


NUMBERS = [leaf for leaf in LEAVES if leaf[1] in ("int", "float")]


@settings(max_examples=examples(40))
@given(
    st.sampled_from(NUMBERS).flatmap(
        lambda leaf: st.tuples(st.just(leaf[0]), _outside(leaf[1], leaf[2], leaf[3]))
    )
)
def test_a_number_out_of_range_is_named(mutation: tuple[Path_, Any]) -> None:
    """Below the minimum, above the maximum, or past 10^15: one located line."""
    path, value = mutation
    data = mini_data()
    _set(data, path, value)
    _check(data, path)


DATES = [leaf[0] for leaf in LEAVES if leaf[1] == "date"]


@settings(max_examples=examples(15))
@given(
    st.sampled_from(DATES),
    st.one_of(
        st.dates(dt.date(1, 1, 1), dt.date(1799, 12, 31)),
        st.dates(dt.date(2201, 1, 1), dt.date(9999, 12, 31)),
    ),
)
def test_a_date_outside_the_calendar_is_named(path: Path_, value: dt.date) -> None:
    """A case's dates lie within 1800..2200 (date arithmetic never leaves Python's calendar)."""
    data = mini_data()
    _set(data, path, value)
    _check(data, path, contains="is outside 1800-01-01..2200-12-31")


IDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz_-0123456789"), min_size=1, max_size=12)
REFERENCE_PATHS = [(p, table) for pattern, table in REFERENCES.items() for p in _where(pattern)]


@settings(max_examples=examples(30))
@given(st.sampled_from(REFERENCE_PATHS), IDS)
def test_a_dangling_reference_is_named(reference: tuple[Path_, str], target: str) -> None:
    """A region, port, route, rail line, front or source that does not exist: its field is named
    with 'unknown' (a unit whose route no longer fits may add its own line)."""
    path, table = reference
    known = set(MINI_DATA.get(table, {})) | ({"assumption"} if table == "sources" else set())
    known |= set(MINI_DATA["regions"]) if path[0] == "rail" and path[-1] == "start" else set()
    if target in known:
        target += "-nowhere"
    data = mini_data()
    _set(data, path, target)
    _check(data, path, exactly_one=False, contains="unknown")


def _key_lines(text: str) -> list[int]:
    """Indexes of the lines that start with a mapping key (not a list item's first key)."""
    found: list[int] = []
    lines = text.splitlines()

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                mark = key.start_mark
                if not lines[mark.line][: mark.column].strip():
                    found.append(mark.line)
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(yaml.compose(text))
    return found


def _block_end(lines: list[str], i: int) -> int:
    """End (exclusive) of the block that starts with key line i: deeper lines, blank lines inside
    a quoted text, and the list items written under the key."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines):
        depth = len(lines[j]) - len(lines[j].lstrip())
        if (
            not lines[j].strip()
            or depth > indent
            or (depth == indent and lines[j].lstrip().startswith("- "))
        ):
            j += 1
        else:
            break
    return j


MINI_YAML = yaml.safe_dump(MINI_DATA, sort_keys=False, allow_unicode=True)
# The key written on each line (the first path met in document order: the key, not its children).
KEY_AT_LINE: dict[int, Path_] = {}
for _path in _paths(MINI_DATA):
    if _path and not isinstance(_path[-1], int):
        KEY_AT_LINE.setdefault(line_of(MINI_YAML, _path), _path)


@settings(max_examples=examples(30))
@given(st.sampled_from(_key_lines(MINI_YAML)))
def test_a_key_written_twice_is_named_at_the_second(index: int) -> None:
    """An id (or any key) written twice in one mapping: one line at the second, 'duplicate key'."""
    lines = MINI_YAML.splitlines()
    end = _block_end(lines, index)
    doubled = lines[:end] + lines[index:end] + lines[end:]
    text = "\n".join(doubled) + "\n"
    path = KEY_AT_LINE[index + 1]
    with tempfile.TemporaryDirectory() as folder:
        case = write_case(Path(folder), text)
        lines_out = assert_bad_input(run("validate", case), case, 1)
        assert lines_out[0].startswith(located(case, end + 1, dotted(path)) + "duplicate key"), (
            lines_out
        )


def _day(text: Any, days: int) -> dt.date:
    value = text if isinstance(text, dt.date) else dt.date.fromisoformat(text)
    return value + dt.timedelta(days=days)


ORDERS = [
    "order before start",
    "decision before order",
    "weather before order",
    "pool steps",
    "withdrawals",
    "south before start",
]


@settings(max_examples=examples(20))
@given(st.sampled_from(ORDERS), st.integers(1, 400))
def test_dates_out_of_order_are_named(which: str, days: int) -> None:
    """The order before day 0, a deadline before the order, pool steps or withdrawals going back in
    time, a South requirement before day 0: one line naming the field."""
    data = mini_data()
    start, order = data["calendar"]["start"], data["levers"]["mobilization_order"]
    if which == "order before start":
        path: Path_ = ("levers", "mobilization_order")
        data["levers"]["mobilization_order"] = _day(start, -days)
    elif which == "decision before order":
        path = ("criteria", "decision_deadline", "date")
        data["criteria"]["decision_deadline"]["date"] = _day(order, -days)
    elif which == "weather before order":
        path = ("criteria", "weather", "deadline")
        data["criteria"]["weather"]["deadline"] = _day(order, -days)
    elif which == "pool steps":
        path = ("shipping", "pool")
        first = data["shipping"]["pool"][0]["date"]
        data["shipping"]["pool"].append({"date": _day(first, 1 - days), "tons": 5000})
    elif which == "withdrawals":
        path = ("fronts", "east", "withdrawals")
        data["fronts"]["east"]["withdrawals"] = [
            {"date": _day(start, days), "cumulative": 0.5},
            {"date": _day(start, days - days % 7), "cumulative": 1.0},
        ]
    else:
        path = ("shipping", "south_requirements", "malaya", "by")
        data["shipping"]["south_requirements"] = {
            "malaya": {"by": _day(start, -days), "tons": 1000}
        }
    _check(data, path)


@settings(max_examples=examples(20))
@given(
    st.lists(st.sampled_from(LEAVES), min_size=2, max_size=3, unique_by=lambda leaf: leaf[0][:2]),
    st.data(),
)
def test_every_problem_is_reported_at_once(leaves: list[Any], draw: st.DataObject) -> None:
    """Wrong types in two or three different entities: exactly that many lines, all in one run."""
    data = mini_data()
    for path, kind, *_ in leaves:
        _set(data, path, draw.draw(st.sampled_from(WRONG_TYPES[kind])))
    with tempfile.TemporaryDirectory() as folder:
        case = write_case(Path(folder), data)
        text = case.read_text(encoding="utf-8")
        lines = assert_bad_input(run("validate", case), case, len(leaves))
        for path, *_ in leaves:
            start = located(case, line_of(text, path), dotted(path))
            assert any(line.startswith(start) for line in lines), (start, lines)


SCENARIO_OVERRIDES = [
    (name, key)
    for name, scenario in MINI_DATA["scenarios"].items()
    for key in scenario.get("overrides", {})
]


@settings(max_examples=examples(15))
@given(st.sampled_from(SCENARIO_OVERRIDES), st.sampled_from(["many", [1], {"a": 1}, -5, True]))
def test_a_bad_scenario_override_is_named_once_at_its_line(
    override: tuple[str, str], value: Any
) -> None:
    """A scenario's override of the wrong type: one line at the override, naming the field it sets —
    once, even when other scenarios extend the broken one."""
    name, key = override
    data = mini_data()
    data["scenarios"][name]["overrides"][key] = value
    with tempfile.TemporaryDirectory() as folder:
        case = write_case(Path(folder), data)
        text = case.read_text(encoding="utf-8")
        lines = assert_bad_input(run("validate", case), case, 1)
        # The field itself, or a part of it (`[1]` as `levers.north_share` is a schedule whose
        # step 0 is no step: `levers.north_share.0`).
        head = located(case, line_of(text, ("scenarios", name, "overrides", key)), key)
        assert lines[0].startswith((head, head.removesuffix(": ") + ".")), lines
        # The base case is fine: solving it without the scenario works, with it fails the same way.
        solved = run("solve", case, *FAST, "--scenario", name)
        assert assert_bad_input(solved, case) == lines
