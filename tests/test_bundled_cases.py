"""Bundled cases: `kantokuen cases` lists them, and every command that takes a CASE accepts a
bundled case's name (run from a folder where no such path exists); a path that exists wins; an
unknown name is one `Error:` line listing the bundled names."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kantokuen.cli import main
from kantokuen.models.bundled import bundled_cases, resolve_case
from kantokuen.models.errors import CaseError

ROOT = Path(__file__).parent.parent
NAMES = [
    "kantokuen_1941",
    "teaching/echelons_and_trains",
    "teaching/halving_decides",
    "teaching/optional_division",
    "teaching/shared_shipping",
    "teaching/soviet_measures",
    "teaching/two_divisions",
]
FAST = ["--workers", "1", "--time-limit", "10"]

# Every command that takes a CASE, with arguments that make it quick; {case} is the case.
COMMANDS: dict[str, list[str]] = {
    "validate": ["{case}"],
    "solve": ["{case}", *FAST, "--json"],
    "compare": ["{case}", "-s", "small-pool", *FAST, "--json"],
    "sweep": ["{case}", "--vary", "levers.north_share=0.5,1.0", "--store", "s.sqlite"]
    + ["--workers", "1", "--time-limit", "10"],
    "breakeven": ["{case}", "--lever", "shipping.pool.0.tons", "--range", "10000:20000"]
    + ["--tolerance", "5000", *FAST, "--json"],
    "explain": ["{case}", *FAST, "--json"],
    "report": ["{case}", *FAST, "--format", "md"],
    "explore": ["{case}", "--samples", "4", "--vary-range", "shipping.pool.0.tons=10000:20000"]
    + ["--workers", "1", "--time-limit", "10", "--json"],
    "map": ["{case}", *FAST, "--svg", "m.svg"],
    "export": ["{case}", *FAST, "--format", "csv", "-o", "a.csv"],
}
# The commands of this table that the command line has (a command lands before or after it).
PRESENT = sorted(c for c in COMMANDS if c in main.commands)


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_every_command_that_takes_a_case_is_tested() -> None:
    """A new command with a CASE argument (map, ...) must join COMMANDS."""
    takes_case = {
        name
        for name, command in main.commands.items()
        if any(
            isinstance(p, click.Argument) and "CASE" in (p.metavar or "") for p in command.params
        )
    }
    assert takes_case <= set(COMMANDS), takes_case - set(COMMANDS)


def test_cases_lists_every_bundled_case_with_its_title() -> None:
    result = run("cases")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == NAMES
    assert lines[0].endswith(
        "Kantokuen 1941 - the Kwantung Army's special manoeuvres against the Soviet Far East"
    )
    assert lines[-1].endswith("Two divisions, one port, one strait")


def test_bundled_cases_are_the_package_files() -> None:
    shipped = {c.name: c for c in bundled_cases()}
    assert list(shipped) == NAMES
    two = shipped["teaching/two_divisions"]
    assert Path(two.path).resolve() == (ROOT / "cases/teaching/two_divisions.yaml").resolve()
    assert two.description.startswith("A home division must cross by sea")


@pytest.mark.parametrize("command", PRESENT)
def test_a_bundled_name_works_in_every_command(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no case file here: the name must resolve to the package's
    result = run(command, *[a.format(case="teaching/two_divisions") for a in COMMANDS[command]])
    assert result.exit_code == 0, result.output
    if command == "solve":
        solved = json.loads(result.stdout)
        assert (solved["case"], solved["x_day"]) == ("two_divisions", "1941-07-09")
        assert Path(solved["case_file"]).name == "two_divisions.yaml"


@pytest.mark.parametrize("command", PRESENT)
def test_an_unknown_name_is_one_error_listing_the_bundled_names(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(command, *[a.format(case="teaching/nope") for a in COMMANDS[command]])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: teaching/nope: no such case file or bundled case (bundled cases: "
        + ", ".join(NAMES)
        + "; `kantokuen cases` describes them)\n"
    )


def test_the_historical_case_by_name() -> None:
    result = run("solve", "kantokuen_1941", "-s", "historical", "--workers", "1", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["go"] is False


def test_a_path_that_exists_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kantokuen_1941").write_text(
        (ROOT / "cases/teaching/two_divisions.yaml").read_text()
    )
    assert resolve_case("kantokuen_1941") == "kantokuen_1941"
    assert "case 'two_divisions'" in run("validate", "kantokuen_1941").output


def test_names_resolve_with_or_without_yaml_and_missing_paths_stay_paths() -> None:
    assert resolve_case("teaching/two_divisions.yaml") == resolve_case("teaching/two_divisions")
    assert resolve_case("no/such/case.yaml") == "no/such/case.yaml"  # the loader: not found
    with pytest.raises(CaseError, match="bundled cases: kantokuen_1941, "):
        resolve_case("kantokuen_1942")
