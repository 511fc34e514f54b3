"""The `uncertainties:` block: ranges on existing numbers and dates, holding the shipped value,
each citing a source; every mistake is one error naming the file, the line and the path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kantokuen.cli import main
from kantokuen.models.errors import CaseError
from kantokuen.models.provenance import unranged_assumptions
from kantokuen.models.scenarios import case_hash, load

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"
RANGE = "uncertainties:\n  ports.moji.tons_per_day: {low: 9000, high: 12000, source: TEXTBOOK}\n"


def write(tmp_path: Path, block: str, text: str | None = None) -> str:
    """mini.yaml with an `uncertainties:` block appended (its first range on the last lines)."""
    path = tmp_path / "case.yaml"
    path.write_text((text or MINI.read_text()).rstrip("\n") + "\n" + block)
    return str(path)


def line_of(path: str, needle: str) -> int:
    return next(i for i, t in enumerate(Path(path).read_text().splitlines(), 1) if needle in t)


def problem(path: str) -> str:
    with pytest.raises(CaseError) as raised:
        load(path)
    assert len(raised.value.problems) == 1, raised.value.problems
    return str(raised.value.problems[0])


def test_a_declared_range_loads_and_leaves_the_point_value(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, RANGE))
    declared = loaded.case.uncertainties["ports.moji.tons_per_day"]
    assert (declared.low, declared.high, declared.distribution) == (9000, 12000, "uniform")
    assert loaded.case.ports["moji"].tons_per_day == 10000


def test_dates_defaults_and_list_items_can_be_ranged(tmp_path: Path) -> None:
    block = (
        "uncertainties:\n"
        "  criteria.decision_deadline.date:\n"
        "    {low: 1941-07-20, high: 1941-08-05, distribution: triangular, source: TEXTBOOK}\n"
        "  shipping.pool.0.tons: {low: 15000, high: 25000, source: assumption, note: guess}\n"
        "  soviet_reaction.ceiling: {low: 50, high: 70, source: TEXTBOOK}\n"  # a defaulted section
    )
    assert len(load(write(tmp_path, block)).case.uncertainties) == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "ports.mojj.tons_per_day: {low: 1, high: 2, source: TEXTBOOK}",
            "uncertainties.ports.mojj.tons_per_day: no port 'mojj' (did you mean moji?",
        ),
        (
            "ports.moji.tons: {low: 1, high: 2, source: TEXTBOOK}",
            "'tons' is not a field of ports.moji",
        ),
        (
            "ports.moji: {low: 1, high: 2, source: TEXTBOOK}",
            "ports.moji is a section, not a number or a date",
        ),
        (
            "criteria.halving.enabled: {low: 0, high: 1, source: TEXTBOOK}",
            "criteria.halving.enabled is 'False', not a number or a date",
        ),
        (
            "ports.moji.tons_per_day: {low: 11000, high: 12000, source: TEXTBOOK}",
            "the shipped value 10000 of ports.moji.tons_per_day lies outside 11000..12000",
        ),
        (
            "ports.moji.tons_per_day: {low: 1, high: 20000, source: NOPE}",
            "uncertainties.ports.moji.tons_per_day.source: unknown source 'NOPE'",
        ),
        (
            "ports.moji.tons_per_day: {low: 1, high: 20000, source: assumption}",
            "an assumed range needs a reason",
        ),
        (
            "calendar.start: {low: 1, high: 1941-08-01, source: TEXTBOOK}",
            "uncertainties.calendar.start.low: low must be a date YYYY-MM-DD",
        ),
    ],
)
def test_a_wrong_range_is_one_error_at_its_line(tmp_path: Path, entry: str, message: str) -> None:
    path = write(tmp_path, f"uncertainties:\n  {entry}\n")
    text = problem(path)
    key = entry.split(":")[0]
    assert text.startswith(f"{path}:{line_of(path, key)}: "), text
    assert message in text, text


def test_low_above_high_names_the_line_of_low(tmp_path: Path) -> None:
    block = (
        "uncertainties:\n  ports.moji.tons_per_day:\n    low: 12000\n    high: 9000\n    "
        "source: TEXTBOOK\n"
    )
    path = write(tmp_path, block)
    text = problem(path)
    assert text.startswith(f"{path}:{line_of(path, 'low: 12000')}: ")
    assert "low 12000 is not below high 9000" in text


def test_a_range_needs_a_source(tmp_path: Path) -> None:
    path = write(tmp_path, "uncertainties:\n  ports.moji.tons_per_day: {low: 1, high: 20000}\n")
    assert "uncertainties.ports.moji.tons_per_day.source: field required" in problem(path)


def test_a_scenario_may_move_a_value_out_of_its_range(tmp_path: Path) -> None:
    """Counterfactuals set point values: the range constrains the file as written only."""
    loaded = load(write(tmp_path, RANGE), "small-pool")
    assert loaded.case.uncertainties  # kept, unchanged
    path = write(tmp_path, RANGE)
    assert (
        load(path, sets=["ports.moji.tons_per_day=50000"]).case.ports["moji"].tons_per_day == 50000
    )


def test_ranges_are_not_overridden_and_change_no_fingerprint(tmp_path: Path) -> None:
    path = write(tmp_path, RANGE)
    with pytest.raises(CaseError, match="uncertainties cannot be overridden"):
        load(path, sets=["uncertainties.x=1"])
    assert case_hash(load(path).case) == case_hash(load(str(MINI)).case)


def test_validate_warns_once_per_assumed_value_without_a_range(tmp_path: Path) -> None:
    text = MINI.read_text().replace(
        "moji: {name: Moji, region: home, tons_per_day: 10000, source: TEXTBOOK}",
        "moji: {name: Moji, region: home, tons_per_day: 10000, source: assumption, note: guess}",
    )
    bare = tmp_path / "bare.yaml"
    bare.write_text(text)
    assert unranged_assumptions(load(str(bare)).case) == [("ports", "moji", "tons_per_day")]
    result = CliRunner().invoke(main, ["validate", str(bare)])
    assert result.exit_code == 0
    warning = (
        f"Warning: {bare}:{line_of(str(bare), 'moji: {')}: ports.moji.tons_per_day: an "
        "assumption without a range"
    )
    assert result.stderr.count("an assumption without a range") == 1
    assert result.stderr.startswith(warning), result.stderr
    ranged = write(tmp_path, RANGE, text)
    assert unranged_assumptions(load(ranged).case) == []
    assert "without a range" not in CliRunner().invoke(main, ["validate", ranged]).stderr


def test_the_shipped_case_declares_ranges_that_hold_its_values() -> None:
    case = load(str(Path(__file__).parents[2] / "cases" / "kantokuen_1941.yaml")).case
    assert {"fronts.far_eastern.withdrawals.1.cumulative", "ports.dairen.tons_per_day"} <= set(
        case.uncertainties
    )
    far = case.uncertainties["fronts.far_eastern.withdrawals.1.cumulative"]
    assert (far.low, far.high) == (2.025, 4.05)  # 0.675 (A10) of A09's 3-6 div.-eq. by 10 Aug
    assert unranged_assumptions(case) == []  # `validate` warns about none
    assert len(case.uncertainties) == 132  # README, "How sure? explore"
