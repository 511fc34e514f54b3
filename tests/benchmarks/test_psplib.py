"""The PSPLIB runner: parses RCPSP files, proves known optima, prints one JSON line each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.psplib_core import (
    VARIANTS,
    check_schedule,
    incompatibility_cliques,
    read_instance,
    serial_schedule,
    solve_rcpsp,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "psplib" / "j30" / "j301_1.sm"

# Two jobs of demand 1 and one of demand 2 on a capacity-2 resource, three days each, no
# precedence among them: the two small ones run together, the big one after: makespan 6.
TINY = """\
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  5
horizon                       :  9
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PROJECT INFORMATION:
pronr.  #jobs rel.date duedate tardcost  MPM-Time
    1      3      0        3        0        3
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          3           2   3   4
   2        1          1           5
   3        1          1           5
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       1
  3      1     3       1
  4      1     3       2
  5      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    2
************************************************************************
"""


@pytest.fixture
def tiny(tmp_path) -> str:
    path = tmp_path / "tiny.sm"
    path.write_text(TINY)
    return str(path)


def test_tiny_instance_optimum(tiny: str) -> None:
    """Makespan 6, proven: the lower bound equals it."""
    result = solve_rcpsp(read_instance(tiny), time_limit=10, workers=1)
    assert (result.makespan, result.status, result.lower_bound) == (6, "OPTIMAL", 6)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_ablation_variant_proves_the_tiny_optimum(tiny: str, variant: str) -> None:
    """Each device tried on j3029_3 (issue 17) still proves makespan 6 on the tiny instance."""
    result = solve_rcpsp(read_instance(tiny), time_limit=10, workers=2, variant=variant)
    assert (result.makespan, result.status, result.lower_bound) == (6, "OPTIMAL", 6)


def test_serial_schedule_is_feasible(tiny: str) -> None:
    """The serial schedule (the hint and horizon) meets precedences and capacity."""
    p = read_instance(tiny)
    start = serial_schedule(p)
    check_schedule(p, start, max(s + d for s, d in zip(start, p.durations, strict=True)))


def test_incompatible_jobs_form_cliques(tiny: str) -> None:
    """Job 3 (demand 2) clashes with both small jobs, which do not clash with each other."""
    p = read_instance(tiny)
    assert incompatibility_cliques(p, min_size=2) == [[3, 1], [3, 2]]


def test_check_schedule_catches_overload(tiny: str) -> None:
    """All three jobs at once need 4 of the 2 units of the resource: the checker says so."""
    with pytest.raises(AssertionError, match="over capacity"):
        check_schedule(read_instance(tiny), [0, 0, 0, 0, 3], 3)


def test_cli_prints_one_json_line_per_file(tiny: str, tmp_path) -> None:
    """`python -m benchmarks psplib` prints name, makespan, status, lower_bound, seconds; a file
    that is not an instance is an `Error:` line and exit 1, the others still solved."""
    bad = tmp_path / "bad.sm"
    bad.write_text("not a psplib file\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "psplib",
            "--time-limit",
            "5",
            "--workers",
            "1",
            tiny,
            str(bad),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ},
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(x["name"], x["makespan"], x["status"], x["lower_bound"]) for x in lines] == [
        ("tiny", 6, "OPTIMAL", 6)
    ]
    assert set(lines[0]) == {"name", "makespan", "status", "lower_bound", "seconds"}
    assert run.returncode == 1 and run.stderr.startswith("Error:") and "Traceback" not in run.stderr


@pytest.mark.skipif(not SHARED.exists(), reason="shared PSPLIB instances not present")
def test_j30_instance_known_optimum() -> None:
    """j301_1 from PSPLIB: the published optimum 43, proven."""
    result = solve_rcpsp(read_instance(str(SHARED)), time_limit=30, workers=1)
    assert (result.makespan, result.status, result.lower_bound) == (43, "OPTIMAL", 43)
