"""`kantokuen report`: inputs (a case with scenarios, saved results, a sweep store), outputs
written atomically, and bad input as one `Error:` line with exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kantokuen.cli import main
from kantokuen.reports.facts import Subject

from .conftest import TEACHING


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_case_with_two_scenarios_writes_a_comparison(tmp_path: Path) -> None:
    """A CASE is solved once per --scenario; the HTML compares them."""
    out = tmp_path / "r.html"
    code, _, err = run(
        "report",
        str(TEACHING),
        "-s",
        "small-pool",
        "--scenario",
        "small-pool",
        "--workers",
        "1",
        "--html",
        str(out),
    )
    assert code == 0, err
    page = out.read_text()
    assert 'id="comparison"' in page and "small-pool #1" in page and "small-pool #2" in page
    assert not list(tmp_path.glob(".tmp-*"))


def test_markdown_to_stdout_and_file(tmp_path: Path) -> None:
    """--format md prints the report; with -o it writes it."""
    code, out, _ = run("report", str(TEACHING), "--workers", "1", "--format", "md")
    assert code == 0 and out.startswith("# Two divisions") and "| X-Day | go decision |" in out
    target = tmp_path / "r.md"
    code, out, _ = run(
        "report", str(TEACHING), "--workers", "1", "--format", "md", "-o", str(target)
    )
    assert code == 0 and out == "" and target.read_text().startswith("# Two divisions")


def test_saved_results_are_read(go: Subject, no_go: Subject, tmp_path: Path) -> None:
    """RESULT.json files from `solve --json` make a report without solving."""
    files = []
    for name, s in (("a.json", go), ("b.json", no_go)):
        (tmp_path / name).write_text(s.result.model_dump_json())
        files.append(str(tmp_path / name))
    code, _, err = run("report", *files, "--html", str(tmp_path / "r.html"))
    assert code == 0, err
    assert "NO-GO" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ('{"case": "x",', "not valid JSON"),
        ('{"case": "x"}', "not a kantokuen result: field 'case_file' is missing"),
        ("[1, 2]", "not a kantokuen result"),
    ],
)
def test_bad_result_file_is_one_error_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    """A missing, broken or foreign JSON file: exit 1, one line naming the file, no traceback."""
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    code, _, err = run("report", str(path), "--html", str(tmp_path / "r.html"))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}") and message in lines[0], err
    assert not (tmp_path / "r.html").exists()


def test_bad_store_and_bad_output_place_are_errors(tmp_path: Path) -> None:
    """A --store that is not a sweep store, or an output folder that does not exist: exit 1."""
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    code, _, err = run("report", "--store", str(junk), "--html", str(tmp_path / "r.html"))
    assert code == 1 and err.startswith(f"Error: {junk}") and len(err.strip().splitlines()) == 1
    code, _, err = run("report", str(TEACHING), "--html", str(tmp_path / "no" / "r.html"))
    assert code == 1 and "does not exist" in err


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--html", "x.html"],
        ["report", str(TEACHING)],
        ["report", str(TEACHING), "x.json", "--html", "x.html"],
        ["report", "x.json", "-s", "small-pool", "--html", "x.html"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    """Nothing to report, nowhere to write it, or a case mixed with results: a usage error."""
    code, _, _ = run(*args)
    assert code == 2


def test_unknown_scenario_is_bad_input(tmp_path: Path) -> None:
    code, _, err = run("report", str(TEACHING), "-s", "nope", "--html", str(tmp_path / "r.html"))
    assert code == 1 and "unknown scenario 'nope'" in err


def test_result_json_keeps_its_own_fields(go: Subject) -> None:
    """The report reads the documented result format (the file `solve --json` writes)."""
    data = json.loads(go.result.model_dump_json())
    assert {"case_file", "case_hash", "strength", "usage", "units"} <= set(data)
