"""Every field the case schema knows can be overridden, whether the case file spells it out or
leaves it to its default (issue 12): `--set soviet_reaction.enabled=true` on a case without a
`soviet_reaction:` section creates the section, and validation fills in the rest. A name the
schema does not know stays an error that names where it was set, the path, and close matches.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kantokuen.cli import main
from kantokuen.models.case import Case
from kantokuen.models.errors import CaseError
from kantokuen.models.scenarios import LoadedCase, load

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"
START = dt.date(1941, 7, 1)  # mini's calendar start

# mini.yaml leaves out soviet_reaction, criteria.south_readiness, criteria.required_arrivals and
# the east front's floor; these go too, so that every section below is the schema's default.
LEFT_OUT = (("criteria", "halving"), ("criteria", "force_ratio"), ("calendar", "horizon_days"))


def mini_data(without: tuple[tuple[str | int, ...], ...] = LEFT_OUT) -> dict[str, Any]:
    data = yaml.safe_load(MINI.read_text())
    for path in without:
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent.pop(path[-1], None)
    return data


def write(tmp_path: Path, data: dict[str, Any], overrides: dict[str, Any] | None = None) -> str:
    """The data as a case file, with the overrides as scenario `s`."""
    data = {**data, "scenarios": {"s": {"overrides": overrides or {}}}}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def as_set(path: str, value: Any) -> str:
    """`--set PATH=VALUE` with the value spelled as YAML reads it back."""
    if isinstance(value, bool):
        return f"{path}={str(value).lower()}"
    return f"{path}={value.isoformat() if isinstance(value, dt.date) else value}"


def field_at(case: Case, path: str) -> Any:
    value: Any = case
    for part in path.split("."):
        if isinstance(value, dict):
            value = value[part]
        elif isinstance(value, tuple):
            value = value[int(part)]
        else:
            value = getattr(value, part)
    return value


def both_ways(tmp_path: Path, data: dict[str, Any], values: dict[str, Any]) -> Iterator[LoadedCase]:
    """The overrides given by `--set`, and as a scenario's `overrides:`."""
    yield load(write(tmp_path, data), None, [as_set(k, v) for k, v in values.items()])
    yield load(write(tmp_path, data, values), "s")


DEFAULTED = [
    ({"criteria.required_arrivals.enabled": False}, {"criteria.required_arrivals.enabled": False}),
    ({"criteria.south_readiness.enabled": False}, {"criteria.south_readiness.enabled": False}),
    (
        {"criteria.halving.fraction": 0.3},
        {"criteria.halving.fraction": 0.3, "criteria.halving.enabled": True},
    ),
    (
        {"criteria.force_ratio.soviet_factor": 0.75},
        {"criteria.force_ratio.soviet_factor": 0.75, "criteria.force_ratio.ratio": 2.0},
    ),
    ({"criteria.force_ratio.ratio": 1.25}, {"criteria.force_ratio.ratio": 1.25}),
    (
        {"soviet_reaction.enabled": True, "fronts.east.reinforcement_share": 1.0},
        {"soviet_reaction.enabled": True, "soviet_reaction.detection_lag_days": 14},
    ),
    (
        {"soviet_reaction.detection_lag_days": 3},
        {"soviet_reaction.detection_lag_days": 3, "soviet_reaction.enabled": False},
    ),
    ({"soviet_reaction.reinforce_per_day": 0.5}, {"soviet_reaction.reinforce_per_day": 0.5}),
    (
        {"soviet_reaction.ceiling": 40},
        {"soviet_reaction.ceiling": 40.0, "soviet_reaction.halt_withdrawals": True},
    ),
    ({"fronts.east.floor": 0.5}, {"fronts.east.floor": 0.5}),
    ({"calendar.horizon_days": 45}, {"calendar.horizon_days": 45}),
]


@pytest.mark.parametrize(
    ("values", "expected"), DEFAULTED, ids=[next(iter(v)) for v, _ in DEFAULTED]
)
def test_a_defaulted_section_the_file_leaves_out_is_overridable(
    tmp_path: Path, values: dict[str, Any], expected: dict[str, Any]
) -> None:
    """The override lands and the rest of the section keeps the schema's defaults."""
    for loaded in both_ways(tmp_path, mini_data(), values):
        assert {path: field_at(loaded.case, path) for path in expected} == expected
        assert [o.path for o in loaded.overrides] == list(values)


# --- Every defaulted scalar field, found by walking the JSON Schema of `Case` ------------

SCHEMA = Case.model_json_schema()
SIZES = ("lift_tons", "cargo_tons")
RATES = ("tons_per_day", "trains_per_day")


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    """The schema node itself: through `$ref`, and past the `null` branch of `X | None`."""
    if "$ref" in node:
        return _resolved(SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
    return _resolved(branches[0]) if len(branches) == 1 else node


def defaulted_scalars(
    model: dict[str, Any],
    raw: Any,
    path: tuple[str | int, ...] = (),
    outer: tuple[str | int, ...] | None = None,
) -> Iterator[Any]:
    """(path, schema, outermost defaulted section) of every scalar field with a default, in
    the model and in the entities and list items mini.yaml has. The outermost section is the
    shallowest defaulted step after the last id or list index: leaving it out of the file
    leaves the field to its default."""
    for name, prop in model["properties"].items():
        if path == () and name == "scenarios":
            continue
        here = (*path, name)
        section = outer or (here if name not in model.get("required", []) else None)
        node = _resolved(prop)
        value = raw.get(name) if isinstance(raw, dict) else None
        if "properties" in node:
            if value is None and name not in model.get("required", []) and node.get("required"):
                continue  # an absent section with required fields (a `location` needs its lat
                # and lon): one override cannot create it, and the loader says so
            yield from defaulted_scalars(node, value, here, section)
        elif node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
            entry = _resolved(node["additionalProperties"])
            for key, item in (value or {}).items():
                if "properties" in entry:
                    yield from defaulted_scalars(entry, item, (*here, key))
        elif node.get("type") == "array":
            entry = _resolved(node["items"])
            for i, item in enumerate(value or []):
                yield from defaulted_scalars(entry, item, (*here, i))
        elif section is not None:
            yield here, prop, section


def changed(name: str, prop: dict[str, Any]) -> Any:
    """A valid value other than the field's default."""
    node, default = _resolved(prop), prop.get("default")
    if "oneOf" in node:  # a form chosen by shape (a count or a measure): the first form
        node = _resolved(node["oneOf"][0])
    if "enum" in node:  # a name from a list (a criterion's measure): another name
        return next(v for v in node["enum"] if v != default)
    kind = node.get("type")
    if kind == "boolean":
        return not default
    if kind == "integer":
        return default + 1 if default is not None else 100_000
    if kind == "number":
        return default + 0.25 if default is not None else 0.25
    if node.get("format") == "date":
        return START
    return "TEXTBOOK" if name == "source" else "changed"


# Fields whose only other value the reference rules refuse (tested with the loader): a move's
# `sea` must name a route that fits the unit's origin and rail line, and home units cross by
# sea, so their region cannot be rail-only; the halving criterion may only test a measure
# some front gives, and mini.yaml's fronts give division-equivalents alone. A unit's size is
# `lift_tons` or `cargo_tons` and a line's capacity `tons_per_day` or `trains_per_day`, exactly
# one of each: the file cannot leave out the one it gives, nor the override add the other. Every
# other defaulted field is covered.
NOT_FREE = {
    "units.home_div.moves.0.sea",
    "units.korea_div.moves.0.sea",
    "regions.home.rail_only",
    "criteria.halving.measure",
    *(f"units.{unit}.{size}" for unit in ("home_div", "korea_div") for size in SIZES),
    *(f"rail.{line}.{rate}" for line in ("pusan_front", "korea_front") for rate in RATES),
}
FIELDS = [
    (dotted, prop, outer)
    for path, prop, outer in defaulted_scalars(SCHEMA, mini_data(()))
    if (dotted := ".".join(map(str, path))) not in NOT_FREE
]


def test_the_walk_finds_the_fields_of_the_issue() -> None:
    paths = {path for path, _, _ in FIELDS}
    assert {
        "criteria.required_arrivals.enabled",
        "criteria.south_readiness.enabled",
        "criteria.halving.fraction",
        "criteria.force_ratio.soviet_factor",
        "soviet_reaction.enabled",
        "soviet_reaction.detection_lag_days",
        "soviet_reaction.reinforce_per_day",
        "soviet_reaction.ceiling",
        "fronts.east.floor",
        "calendar.horizon_days",
        "units.home_div.count",
        "levers.withdrawal_scale",
    } <= paths
    assert len(paths) > 50 and NOT_FREE.isdisjoint(paths)


@pytest.mark.parametrize(("path", "prop", "outer"), FIELDS, ids=[f[0] for f in FIELDS])
def test_every_defaulted_field_is_overridable_where_the_file_omits_it(
    tmp_path: Path, path: str, prop: dict[str, Any], outer: tuple[str | int, ...]
) -> None:
    """The outermost defaulted section above the field is left out of the file; the override
    (by `--set` and by a scenario) still lands, and the loaded case carries its value."""
    value = changed(path.rsplit(".", 1)[-1], prop)
    for loaded in both_ways(tmp_path, mini_data((outer,)), {path: value}):
        assert field_at(loaded.case, path) == value


# --- What stays an error -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "criteria.halvng.fraction=0.3",
            "--set: criteria.halvng.fraction: 'halvng' is not a field of criteria (did you mean "
            "halving? fields of criteria: halving, armour_air, force_ratio, decision_deadline, "
            "weather, south_readiness, required_arrivals)",
        ),
        (
            "soviet_reaction.enabeld=true",
            "--set: soviet_reaction.enabeld: 'enabeld' is not a field of soviet_reaction (did you "
            "mean enabled? fields of soviet_reaction: source, note, enabled, detection_lag_days, "
            "halt_withdrawals, reinforce_per_day, ceiling)",
        ),
        (
            "units.nope.men=1",
            "--set: units.nope.men: no unit 'nope' (known units: home_div, korea_div)",
        ),
        (
            "units.home_dvi.men=1",
            "--set: units.home_dvi.men: no unit 'home_dvi' (did you mean home_div? known units: "
            "home_div, korea_div)",
        ),
        (
            "sea_routes.moji_psan.sail_days=2",
            "--set: sea_routes.moji_psan.sail_days: no sea route 'moji_psan' (did you mean "
            "moji_pusan? known sea routes: moji_pusan)",
        ),
        (
            "shipping.pool.1.tons=5",
            "--set: shipping.pool.1.tons: no item 1 in shipping.pool (it has one item, 0)",
        ),
        (
            "fronts.east.withdrawals.0.cumulative=1",
            "--set: fronts.east.withdrawals.0.cumulative: no item 0 in fronts.east.withdrawals "
            "(it has no items)",
        ),
        (
            "levers.north_share.x=1",
            "--set: levers.north_share.x: levers.north_share is a single value: it has no field "
            "'x' (set levers.north_share itself)",
        ),
    ],
)
def test_a_path_the_schema_does_not_know_is_an_error(text: str, message: str) -> None:
    with pytest.raises(CaseError) as info:
        load(str(MINI), None, [text])
    assert str(info.value) == message


def test_an_unknown_field_in_a_scenario_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, mini_data(), {"soviet_reaction.ceilng": 40})
    with pytest.raises(CaseError) as info:
        load(path, "s")
    line = next(i for i, t in enumerate(Path(path).read_text().splitlines(), 1) if "ceilng" in t)
    assert str(info.value).startswith(
        f"{path}:{line}: soviet_reaction.ceilng: 'ceilng' is not a "
        "field of soviet_reaction (did you mean ceiling?"
    )


def test_a_new_entity_is_still_allowed_whole() -> None:
    extra = (
        "units.extra={name: Extra, origin: korea, men: 1000, lift_tons: 1000, "
        "mobilization_days: 1, front: east, moves: [{rail: korea_front}], source: TEXTBOOK}"
    )
    south = "shipping.south_requirements.indochina={by: 1941-07-20, tons: 0}"
    loaded = load(str(MINI), None, [extra, south])
    assert loaded.case.units["extra"].men == 1000
    assert loaded.case.shipping.south_requirements["indochina"].tons == 0


def test_a_value_the_schema_refuses_in_a_created_section_names_the_set() -> None:
    with pytest.raises(CaseError) as info:
        load(str(MINI), None, ["soviet_reaction.detection_lag_days=-1"])
    assert str(info.value) == (
        "--set: soviet_reaction.detection_lag_days: input should be greater "
        "than or equal to 0 (give a larger number)"
    )


def test_solve_takes_a_defaulted_section_from_the_command_line() -> None:
    """Through the CLI: the sections mini.yaml leaves out are set and recorded, exit 0."""
    sets = [
        "criteria.required_arrivals.enabled=false",
        "criteria.south_readiness.enabled=false",
        "soviet_reaction.enabled=true",
        "soviet_reaction.detection_lag_days=30",
        "fronts.east.reinforcement_share=1",
        "fronts.east.floor=0.5",
    ]
    args = ["solve", str(MINI), "--json", "--workers", "1", "--time-limit", "20"]
    result = CliRunner().invoke(main, args + [a for s in sets for a in ("--set", s)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [o["path"] for o in data["overrides"]] == [s.split("=")[0] for s in sets]
    assert data["go"] is True
