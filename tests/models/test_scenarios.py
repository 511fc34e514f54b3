"""Scenarios and --set: dotted-path overrides make a new validated case and are recorded."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from kantokuen.models.errors import CaseError
from kantokuen.models.scenarios import case_hash, load, parse_assignment, with_overrides

MINI = str(Path(__file__).parent.parent / "data" / "mini.yaml")


def test_scenario_applies_and_is_recorded() -> None:
    loaded = load(MINI, "small-pool")
    assert loaded.case.shipping.pool[0].tons == 10000
    assert [(o.path, o.value, o.origin) for o in loaded.overrides] == [
        ("shipping.pool.0.tons", 10000, "small-pool")
    ]


def test_base_case_is_not_changed() -> None:
    """A counterfactual is a new case: the base keeps its values."""
    base = load(MINI)
    load(MINI, "small-pool")
    assert base.case.shipping.pool[0].tons == 20000 and base.overrides == ()


def test_overrides_never_change_the_parsed_file() -> None:
    """Overrides copy only what they change: the parsed file (shared by every later load and
    every sweep point) keeps its data, and one override does not leak into the next case."""
    base = load(MINI)
    before = copy.deepcopy(base.doc.data)
    changed = with_overrides(base, {"shipping.pool.0.tons": 12345, "levers.north_share": 0.4})
    other = with_overrides(base, {"levers.north_share": 0.6})
    assert changed.case.shipping.pool[0].tons == 12345
    assert other.case.shipping.pool[0].tons == 20000 and other.case.levers.north_share == 0.6
    assert base.doc.data == before


def test_scenario_builds_on_scenarios() -> None:
    """late-and-small = late-order + small-pool + its own override, in that order."""
    loaded = load(MINI, "late-and-small")
    case = loaded.case
    assert case.levers.mobilization_order == dt.date(1941, 7, 8)
    assert case.shipping.pool[0].tons == 10000
    assert case.criteria.weather.campaign_days == 5
    assert [o.origin for o in loaded.overrides] == ["late-order", "small-pool", "late-and-small"]


def test_set_beats_scenario() -> None:
    """Precedence: --set > scenario > base."""
    loaded = load(MINI, "small-pool", ["shipping.pool.0.tons=12000"])
    assert loaded.case.shipping.pool[0].tons == 12000
    assert [(o.path, o.origin) for o in loaded.overrides] == [("shipping.pool.0.tons", "--set")]


def test_set_values_are_typed() -> None:
    assert parse_assignment("levers.north_share=0.7") == ("levers.north_share", 0.7)
    assert parse_assignment("levers.north_share=auto") == ("levers.north_share", "auto")
    assert parse_assignment("levers.mobilization_order=1941-06-25")[1] == dt.date(1941, 6, 25)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "levers.north_share",
            "--set 'levers.north_share' is not of the form key=value (e.g. --set "
            "levers.north_share=0.7)",
        ),
        ("=0.7", "--set '=0.7' has an empty field name (e.g. --set levers.north_share=0.7)"),
        (
            "levers..x=1",
            "--set 'levers..x=1' has an empty field name (e.g. --set levers.north_share=0.7)",
        ),
        (
            "levers.north_share=",
            "--set 'levers.north_share=' has no value (e.g. --set levers.north_share=0.7)",
        ),
    ],
)
def test_malformed_set(text: str, message: str) -> None:
    with pytest.raises(CaseError) as info:
        parse_assignment(text)
    assert str(info.value) == f"<input>: {message}"


def test_override_revalidates() -> None:
    """An override that breaks the case is an error located at the --set."""
    with pytest.raises(CaseError) as info:
        load(MINI, None, ["levers.north_share=2"])
    assert (
        str(info.value)
        == "--set: levers.north_share: input should be less than or equal to 1 (give a smaller "
        "number)"
    )


def test_override_of_unknown_field_names_the_scenario_line(tmp_path: Path) -> None:
    text = (
        Path(MINI)
        .read_text()
        .replace("overrides: {levers.north_share: 0.7}", "overrides: {levers.north_shar: 0.7}")
    )
    path = tmp_path / "case.yaml"
    path.write_text(text)
    with pytest.raises(CaseError) as info:
        load(str(path), "north-70")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "north_shar:" in t)
    assert str(info.value) == (
        f"{path}:{line}: levers.north_shar: 'north_shar' is not a field of levers "
        "(did you mean north_share? fields of levers: mobilization_order, north_share, "
        "withdrawal_scale)"
    )


def test_parents_setting_one_field_differently_conflict(tmp_path: Path) -> None:
    """small-pool and tiny-pool both set the pool: a scenario extending both must choose."""
    text = Path(MINI).read_text() + "  clash:\n    extends: [small-pool, tiny-pool]\n"
    path = tmp_path / "case.yaml"
    path.write_text(text)
    with pytest.raises(CaseError) as info:
        load(str(path), "clash")
    assert "scenarios 'small-pool' and 'tiny-pool' both set 'shipping.pool.0.tons'" in str(
        info.value
    )


def test_overlapping_overrides_in_one_scenario_conflict(tmp_path: Path) -> None:
    text = Path(MINI).read_text() + (
        "  overlap:\n    overrides:\n      levers.north_share: 0.5\n"
        "      levers: {north_share: 0.6, mobilization_order: 1941-07-01}\n"
    )
    path = tmp_path / "case.yaml"
    path.write_text(text)
    with pytest.raises(CaseError) as info:
        load(str(path), "overlap")
    assert "overrides 'levers.north_share' and 'levers' touch the same field" in str(info.value)


def test_unknown_scenario() -> None:
    with pytest.raises(CaseError) as info:
        load(MINI, "nope")
    assert "unknown scenario 'nope'" in str(info.value) and "late-order" in str(info.value)


def test_scenario_cycle_is_an_error(tmp_path: Path) -> None:
    text = Path(MINI).read_text() + "  a:\n    extends: b\n  b:\n    extends: a\n"
    path = tmp_path / "case.yaml"
    path.write_text(text)
    with pytest.raises(CaseError) as info:
        load(str(path))
    assert "scenarios extend each other in a cycle" in str(info.value)


def test_no_op_override_keeps_the_hash() -> None:
    """Setting a field to its own value changes nothing, not even the case hash."""
    base = load(MINI)
    same = with_overrides(base, {"shipping.pool.0.tons": 20000})
    assert case_hash(same.case) == case_hash(base.case)
    assert case_hash(load(MINI, "small-pool").case) != case_hash(base.case)


def test_set_refines_an_entity_a_scenario_adds(tmp_path: Path) -> None:
    """A scenario adds a whole unit; --set changes one of its fields: both apply."""
    text = Path(MINI).read_text() + (
        "  more:\n    overrides:\n      units.extra: {name: Extra, origin: korea, men: 1000,"
        " lift_tons: 1000, mobilization_days: 1, front: east, moves: [{rail: korea_front}],"
        " source: TEXTBOOK}\n"
    )
    path = tmp_path / "case.yaml"
    path.write_text(text)
    loaded = load(str(path), "more", ["units.extra.mobilization_days=3"])
    assert loaded.case.units["extra"].mobilization_days == 3
    assert [o.path for o in loaded.overrides] == ["units.extra", "units.extra.mobilization_days"]
