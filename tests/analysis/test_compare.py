"""compare: inputs then outputs side by side, moved arrivals, mixed case versions flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kantokuen.analysis.compare import compare_results, differing
from kantokuen.cli import main
from kantokuen.models.plan import Result
from kantokuen.models.scenarios import with_overrides
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions
from kantokuen.reports.compare import comparison_markdown
from tests.analysis.tiny import loaded, write

ONE = SolveOptions(time_limit=20, workers=1)


def results(tmp_path: Path, *scenarios: str | None) -> list[Result]:
    return [solve(loaded(tmp_path, s), ONE) for s in scenarios]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_inputs_then_outputs(tmp_path: Path) -> None:
    """The lever that differs is an input row; verdict, X-Day and the halving margin differ."""
    comparison = compare_results(results(tmp_path, "historical", "halving-met"))
    assert comparison.columns == ["historical", "halving-met"]
    assert comparison.rows[0].section == "inputs"
    assert differing(comparison, ["inputs"]) == ["scenario", "levers.withdrawal_scale"]
    assert comparison.row("levers.withdrawal_scale").values == [1.0, 4.0]
    assert comparison.row("verdict").values == ["NO-GO", "GO"]
    assert comparison.row("x_day").values == [None, "1941-08-07"]
    assert comparison.row("conflict").values == ["halving, levers.withdrawal_scale", None]
    assert comparison.row("criteria.halving.margin").display[0] == "in the conflict"
    assert not comparison.warnings


def test_arrivals_that_moved_and_deltas(tmp_path: Path) -> None:
    """Ordering five days earlier moves every arrival by five days; X-Day does not move."""
    base = loaded(tmp_path, "halving-met")
    early = with_overrides(base, {"levers.mobilization_order": "1941-07-01"}, "test")
    comparison = compare_results([solve(base, ONE), solve(early, ONE)])
    moved = comparison.section("arrivals")
    assert comparison.moved_units == 3 and len(moved) == 3
    assert all(row.deltas == [0.0, -5.0] for row in moved)
    assert comparison.row("x_day").deltas == [0.0, 0.0]
    assert comparison.row("levers.mobilization_order").deltas == [0.0, -5.0]


def test_different_versions_are_flagged(tmp_path: Path) -> None:
    """Results of an edited case file are flagged, and so are results of another case."""
    first = solve(loaded(tmp_path, "halving-met"), ONE)
    (tmp_path / "v2").mkdir()
    edited = solve(loaded(tmp_path / "v2", "halving-met", {"shipping.pool.0.tons": 30000}), ONE)
    comparison = compare_results([first, edited])
    assert (
        len(comparison.warnings) == 1
        and "different versions of case 'race'" in comparison.warnings[0]
    )
    assert comparison.row("base_hash").differs
    other = first.model_copy(update={"case": "another"})
    assert "different cases" in compare_results([first, other]).warnings[0]
    unknown = first.model_copy(update={"base_hash": None})
    assert "without a base-case hash" in compare_results([first, unknown]).warnings[0]


def test_same_scenario_twice_is_identical(tmp_path: Path) -> None:
    """A comparison of a result with itself has no differing output rows and no moved arrivals."""
    comparison = compare_results(results(tmp_path, "halving-met", "halving-met"))
    assert comparison.columns == ["race:halving-met", "race:halving-met #2"]
    assert differing(comparison) == [] and comparison.moved_units == 0


def test_markdown_bolds_differences(tmp_path: Path) -> None:
    text = comparison_markdown(compare_results(results(tmp_path, "historical", "halving-met")))
    assert "| ≠ verdict | NO-GO | **GO** |" in text
    assert "## Criteria (margin)" in text


# --- The command -------------------------------------------------------------------------


def test_cli_compare_scenarios(tmp_path: Path) -> None:
    """Three scenarios side by side; the differing rows are marked."""
    result = run(
        "compare",
        write(tmp_path),
        "-s",
        "historical",
        "-s",
        "halving-met",
        "-s",
        "early-order",
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    for text in (
        "historical",
        "halving-met",
        "early-order",
        "≠ verdict",
        "≠ X-Day",
        "levers.withdrawal_scale",
    ):
        assert text in result.stdout, text


def test_cli_one_scenario_is_compared_with_the_base(tmp_path: Path) -> None:
    result = run("compare", write(tmp_path), "-s", "halving-met", "--json", "--workers", "1")
    data = json.loads(result.stdout)
    assert data["columns"] == ["base", "halving-met"]
    assert data["rows"][0]["key"] == "case"


def test_cli_compare_saved_results(tmp_path: Path) -> None:
    """Saved results compare like solved ones; --format md works on them."""
    case = write(tmp_path)
    files = []
    for scenario in ("historical", "halving-met"):
        out = tmp_path / f"{scenario}.json"
        assert (
            run("solve", case, "-s", scenario, "--json", "-o", str(out), "--workers", "1").exit_code
            == 0
        )
        files.append(str(out))
    result = run("compare", *files, "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Comparison") and "**GO**" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{r}"], "one result alone cannot be compared"),
        (
            ["{r}", "{r}", "-s", "x"],
            "--scenario and --set apply to a case file, not to saved results",
        ),
        (["{case}"], "name the scenarios to compare"),
        (["{case}", "{case}", "-s", "x"], "compare takes one case file with --scenario options"),
        (["{bad}", "{r}"], "not valid JSON"),
        (["{notresult}", "{r}"], "not a kantokuen result"),
    ],
)
def test_cli_compare_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    """Bad input: one `Error:` line naming the file, exit 1, no traceback."""
    case = write(tmp_path)
    r = tmp_path / "r.json"
    assert run("solve", case, "--json", "-o", str(r), "--workers", "1").exit_code == 0
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "notresult.json").write_text('{"case": "x"}')
    paths = {
        "r": str(r),
        "case": case,
        "bad": str(tmp_path / "bad.json"),
        "notresult": str(tmp_path / "notresult.json"),
    }
    result = run("compare", *[a.format(**paths) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
