"""Loading a case: strict schema, references, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kantokuen.models.errors import CaseError
from kantokuen.models.loader import load_case
from kantokuen.models.scenarios import load

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"


def variant(tmp_path: Path, old: str, new: str) -> str:
    """A copy of the mini case with one piece of text replaced."""
    text = MINI.read_text()
    assert old in text, old
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new, 1))
    return str(path)


def errors(file: str, scenario: str | None = None, sets: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(CaseError) as info:
        load(file, scenario, sets)
    return [str(p) for p in info.value.problems]


def test_mini_case_loads() -> None:
    """The fixture case is valid and expands `count: 2` into two units."""
    case = load_case(str(MINI))
    assert case.name == "mini" and case.units["home_div"].count == 2


# (what is wrong, text replaced, replacement, expected error without the file prefix)
TABLE = [
    (
        "wrong type",
        "    men: 20000\n    lift_tons: 8000",
        "    men: many\n    lift_tons: 8000",
        "42: units.home_div.men: input should be a valid integer, unable to parse string as an "
        "integer (give a number)",
    ),
    (
        "unknown key",
        "    count: 2",
        "    cuont: 2",
        "40: units.home_div.cuont: extra inputs are not permitted (remove it or check its spelling "
        "against `kantokuen schema`)",
    ),
    (
        "missing field",
        "    origin: home\n",
        "",
        "38: units.home_div.origin: field required (add this field)",
    ),
    (
        "negative tonnage",
        "lift_tons: 8000",
        "lift_tons: -8000",
        "43: units.home_div.lift_tons: input should be greater than 0 (give a larger number)",
    ),
    (
        "dangling port",
        "embark: moji,",
        "embark: mojii,",
        "28: sea_routes.moji_pusan.embark: unknown port 'mojii' (known: moji, pusan)",
    ),
    (
        "dangling route",
        "moves: [{sea: moji_pusan,",
        "moves: [{sea: moji_osaka,",
        "47: units.home_div.moves.0.sea: unknown sea route 'moji_osaka' (known: moji_pusan)",
    ),
    (
        "order after deadline",
        "decision_deadline: {date: 1941-08-01",
        "decision_deadline: {date: 1941-06-01",
        "62: criteria.decision_deadline.date: decision deadline 1941-06-01 is before the "
        "mobilization order 1941-07-01 (move the deadline after the order, or the order earlier)",
    ),
    (
        "unit size given twice",
        "    lift_tons: 8000",
        "    lift_tons: 8000\n    cargo_tons: 3000",
        "44: units.home_div.cargo_tons: both `lift_tons` and `cargo_tons` are given (a unit's "
        "size is `lift_tons`, one measure for ships, ports and rail, or `cargo_tons` with its men "
        "and horses, converted by `conversions:`)",
    ),
    (
        "unit size missing",
        "    lift_tons: 6000\n",
        "",
        "49: units.korea_div.lift_tons: field required (or `cargo_tons`) (a unit's size is "
        "`lift_tons`, one measure for ships, ports and rail, or `cargo_tons` with its men and "
        "horses, converted by `conversions:`)",
    ),
    (
        "cargo with no conversion",
        "    lift_tons: 6000",
        "    cargo_tons: 3000",
        "57: units.korea_div.moves.0: the unit gives `cargo_tons`, and the case has no "
        "`conversions.handling` to convert it (add `conversions: {handling: ...}` with its "
        "factors and their source)",
    ),
    (
        "lift tons on a line counted in trains",
        "pusan_front: {start: pusan, front: east, tons_per_day: 10000",
        "pusan_front: {start: pusan, front: east, trains_per_day: 10",
        "47: units.home_div.moves.0.rail: rail line 'pusan_front' is counted in trains, and the "
        "unit gives only `lift_tons` (give the unit's men, horses and `cargo_tons` instead of "
        "`lift_tons`, or the line `tons_per_day`)",
    ),
    (
        "line capacity given twice",
        "korea_front: {start: korea, front: east, tons_per_day: 10000",
        "korea_front: {start: korea, front: east, tons_per_day: 10000, trains_per_day: 10",
        "31: rail.korea_front.trains_per_day: both `tons_per_day` and `trains_per_day` are given "
        "(a line's capacity is in tons or in trains)",
    ),
    (
        "bad date",
        "start: 1941-07-01",
        "start: 1941-13-01",
        "7: calendar.start: cannot read value '1941-13-01': month must be in 1..12 (write a date "
        "as YYYY-MM-DD)",
    ),
    (
        "share out of range",
        "north_share: 1.0",
        "north_share: 1.5",
        "15: levers.north_share: input should be less than or equal to 1 (give a smaller number)",
    ),
    (
        "nan",
        "withdrawal_scale: 1.0",
        "withdrawal_scale: .nan",
        "16: levers.withdrawal_scale: .nan is not a finite number (give a plain number)",
    ),
    (
        "rail-only region by sea",
        "moves: [{rail: korea_front}]",
        "moves: [{sea: moji_pusan, rail: pusan_front}]",
        "57: units.korea_div.moves.0.sea: units in region 'korea' move by rail only (remove the "
        "`sea:` route)",
    ),
    (
        "duplicate id",
        "  korea_div:\n",
        "  home_div:\n",
        "49: units.home_div: duplicate key (each id may appear only once)",
    ),
    (
        "python tag",
        "north_share: 1.0",
        "north_share: !!python/object:os.system 1",
        "15: levers.north_share: tag tag:yaml.org,2002:python/object:os.system is not allowed "
        "(case files hold plain data only)",
    ),
    (
        "unknown source",
        "initial_strength: 2\n    source: TEXTBOOK",
        "initial_strength: 2\n    source: BOOK",
        "36: fronts.east.source: unknown source 'BOOK' (add it to `sources:` or use one of: "
        "TEXTBOOK)",
    ),
    (
        "assumption without reason",
        "initial_strength: 2\n    source: TEXTBOOK",
        "initial_strength: 2\n    source: assumption",
        "36: fronts.east.source: an assumption needs a reason (add `note:` saying why this value)",
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_bad_case_gives_located_error(
    tmp_path: Path, what: str, old: str, new: str, expected: str
) -> None:
    """Each malformed case gives an error naming its line and dotted field path (a change that
    breaks several rules gets each reported)."""
    file = variant(tmp_path, old, new)
    found = errors(file)
    assert f"{file}:{expected}" in found
    assert all(message.startswith(f"{file}:") for message in found)


def test_a_unit_larger_than_a_day_s_rate_is_no_error(tmp_path: Path) -> None:
    """Handling over days (DESIGN §1c): a 12,000 t division at a 10,000 t/day port and line
    takes two days there; the case loads as it is, no need to split the unit."""
    case = load_case(variant(tmp_path, "    lift_tons: 8000", "    lift_tons: 12000"))
    assert case.units["home_div"].lift_tons == 12000


def test_all_errors_reported_at_once(tmp_path: Path) -> None:
    """Two independent mistakes are both reported."""
    file = variant(
        tmp_path, "    men: 20000\n    lift_tons: 8000", "    men: -1\n    lift_tons: 8000"
    )
    text = (
        Path(file)
        .read_text()
        .replace(
            "  korea: {name: Korea, rail_only: true}", "  korea: {name: Korea, rail_only: maybe}"
        )
    )
    Path(file).write_text(text)
    assert len(errors(file)) == 2


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    file = variant(tmp_path, "  horizon_days: 60", "  horizon_days: [60")
    [message] = errors(file)
    assert message.startswith(f"{file}:") and "YAML syntax error" in message


def test_missing_file() -> None:
    assert errors("no/such/case.yaml") == ["no/such/case.yaml: file not found (check the path)"]


def test_directory(tmp_path: Path) -> None:
    assert errors(str(tmp_path)) == [
        f"{tmp_path}: is a directory, not a case file (give a .yaml file)"
    ]


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    """Nested aliases that would expand to billions of values are refused before expansion."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
        f"*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 10)
    ]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    [message] = errors(str(path))
    assert "alias bomb" in message
