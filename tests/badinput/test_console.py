"""The installed `kantokuen` script on bad input, in real processes: exit 1, one line, bounded
memory.

An alias bomb, an endless device and a 50 MB file must fail with their one-line message while
the process stays small: its peak resident memory (measured by a fresh Python parent with
getrusage(RUSAGE_CHILDREN), so no other test's children count) stays under MEMORY_LIMIT_MB.
No wall-time assertions: speed is measured in benchmarks/, not asserted here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.badinput.support import MINI, MINI_TEXT

SCRIPT = shutil.which("kantokuen")
pytestmark = pytest.mark.skipif(
    SCRIPT is None, reason="the kantokuen console script is not installed"
)

MEMORY_LIMIT_MB = 300
MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                  "peak_mb": peak / 1024 if sys.platform != "darwin" else peak / 2**20}))
"""


def kantokuen(*args: str | Path) -> dict[str, object]:
    """Run the console script in a fresh measuring parent: exit code, output and peak memory."""
    assert SCRIPT is not None
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, SCRIPT, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def one_line(run: dict[str, object]) -> str:
    """The single `Error:` line of a run that must be bad input (exit 1, nothing on stdout)."""
    assert run["code"] == 1, run
    assert run["out"] == "" and "Traceback" not in str(run["err"]), run
    [line] = str(run["err"]).splitlines()
    assert line.startswith("Error: ") and "internal error" not in line, line
    return line


def bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_fails_with_the_alias_message_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb())
    run = kantokuen("validate", path)
    assert "YAML aliases expand to too many values (alias bomb?)" in one_line(run)
    assert float(run["peak_mb"]) < MEMORY_LIMIT_MB, run["peak_mb"]  # type: ignore[arg-type]


def test_an_alias_bomb_in_a_set_value_fails_in_bounded_memory() -> None:
    value = "[&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
    value += "".join(f", &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)) + "]"
    run = kantokuen("solve", MINI, "--workers", "1", "--set", f"name={value}")
    assert "YAML aliases expand to too many values (alias bomb?)" in one_line(run)
    assert float(run["peak_mb"]) < MEMORY_LIMIT_MB, run["peak_mb"]  # type: ignore[arg-type]


def test_a_50_mb_file_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(MINI_TEXT)
        handle.write(("units_note: " + "x" * 1000 + "\n") * (50 * 1024))
    run = kantokuen("validate", path)
    assert "case files are limited to 10 MB" in one_line(run)
    assert float(run["peak_mb"]) < MEMORY_LIMIT_MB, run["peak_mb"]  # type: ignore[arg-type]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused_in_bounded_memory() -> None:
    run = kantokuen("validate", "/dev/zero")
    assert "file holds more than 10 MB" in one_line(run)
    assert float(run["peak_mb"]) < MEMORY_LIMIT_MB, run["peak_mb"]  # type: ignore[arg-type]


def test_an_object_tag_runs_nothing_and_writes_nothing(tmp_path: Path) -> None:
    """`!!python/object/apply:os.system` is refused: the command never runs, no output is
    written."""
    marker = tmp_path / "pwned"
    case = tmp_path / "case.yaml"
    case.write_text(
        MINI_TEXT.replace(
            "name: mini", f"name: !!python/object/apply:os.system ['touch {marker}']", 1
        )
    )
    output = tmp_path / "result.json"
    line = one_line(kantokuen("solve", case, "--json", "-o", output))
    assert line.startswith(
        f"Error: {case}:1: name: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"
    )
    assert not marker.exists() and not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]


def test_deep_nesting_is_one_line_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 200_000 + "]" * 200_000 + "\n")
    assert "values nest more than 64 levels deep" in one_line(kantokuen("validate", path))


def test_several_problems_are_several_lines(tmp_path: Path) -> None:
    """Two broken fields: exit 1 and exactly two located lines (the process prints all at once)."""
    case = tmp_path / "case.yaml"
    case.write_text(
        MINI_TEXT.replace("lift_tons: 8000", "lift_tons: -8000").replace(
            "horizon_days: 60", "horizon_days: x"
        )
    )
    run = kantokuen("validate", case)
    assert run["code"] == 1 and run["out"] == ""
    lines = str(run["err"]).splitlines()
    assert [line.split(": ")[2] for line in lines] == [
        "calendar.horizon_days",
        "units.home_div.lift_tons",
    ]
    assert all(line.startswith(f"Error: {case}:") for line in lines)


def test_a_good_case_still_solves_in_a_real_process(tmp_path: Path) -> None:
    """The measuring harness itself: a valid case exits 0 with its JSON answer."""
    output = tmp_path / "r.json"
    run = kantokuen("solve", MINI, "--workers", "1", "--json", "-o", output)
    assert run["code"] == 0, run
    assert json.loads(output.read_text())["x_day"] == "1941-07-09"
