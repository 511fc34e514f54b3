"""The command line: exact messages, exit codes, help text on every command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kantokuen.cli import main

MINI = str(Path(__file__).parent / "data" / "mini.yaml")


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_every_command_has_help_with_an_example() -> None:
    """A command without help text or an example fails this test."""
    for name, command in main.commands.items():
        assert command.help, name
        assert "Example:" in command.help, name
        assert run(name, "--help").exit_code == 0


def test_validate_ok() -> None:
    result = run("validate", MINI)
    assert result.exit_code == 0
    assert (
        result.output == f"OK: {MINI}: case 'mini', 3 units after expansion, 5 scenarios checked\n"
    )


def test_validate_bad_input_is_one_line_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(Path(MINI).read_text().replace("lift_tons: 8000", "lift_tons: -8000"))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {path}:43: units.home_div.lift_tons: input should be greater than 0 (give a "
        "larger number)\n"
    )
    assert "Traceback" not in result.output


def test_validate_warns_about_unsourced_numbers(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        Path(MINI)
        .read_text()
        .replace(
            ", tons_per_day: 10000, source: TEXTBOOK}\n  pusan", ", tons_per_day: 10000}\n  pusan"
        )
    )
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert f"Warning: {path}:25: ports.moji: no source for its numbers" in result.stderr


def test_missing_file_exit_1() -> None:
    result = run("solve", "nope.yaml")
    assert result.exit_code == 1
    assert result.stderr == "Error: nope.yaml: file not found (check the path)\n"


def test_unknown_scenario_exit_1() -> None:
    result = run("solve", MINI, "--scenario", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {MINI}: unknown scenario 'nope' (known scenarios: ")


def test_usage_error_exit_2() -> None:
    assert run("solve").exit_code == 2
    assert run("solve", MINI, "--time-limit", "-3").exit_code == 2


def test_solve_json_has_the_documented_keys() -> None:
    result = run("solve", MINI, "--json", "--workers", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in (
        "case",
        "scenario",
        "overrides",
        "status",
        "go",
        "x_day",
        "decision_day",
        "objective",
        "bound",
        "verified",
        "criteria",
        "units",
        "usage",
        "solve_seconds",
        "version",
    ):
        assert key in data, key
    # Korea division on day 5; home divisions sail on days 4 and 5 (one a day at Moji): X-Day day 8.
    assert (data["status"], data["go"], data["x_day"], data["verified"]) == (
        "OPTIMAL",
        True,
        "1941-07-09",
        True,
    )


def test_solve_writes_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = run("solve", MINI, "--json", "-o", str(out), "--workers", "1")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["x_day"] == "1941-07-09"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_no_go_exits_0_or_4_when_asked() -> None:
    args = ["solve", MINI, "--set", "criteria.weather.deadline=1941-07-15", "--workers", "1"]
    assert run(*args).exit_code == 0
    result = run(*args, "--fail-on-no-go")
    assert result.exit_code == 4
    assert "NO-GO" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_solve_formats(fmt: str) -> None:
    result = run("solve", MINI, "--format", fmt, "--workers", "1")
    assert result.exit_code == 0
    assert "1941-07-09" in result.stdout


def test_schema_is_json_schema() -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Case" and "units" in schema["properties"]


def test_debug_shows_traceback() -> None:
    result = CliRunner().invoke(main, ["--debug", "solve", "nope.yaml"])
    assert result.exit_code != 0 and result.exception is not None
