"""Golden results: every shipped case and scenario still gives its recorded answer.

The answers live in `cases/**/<case>.expected.json` (regenerate with
`python -m tests.golden --update` after a deliberate change, and say why in the commit).
Each test solves one point (base case or scenario) with one worker and seed 0 and compares
status, go, X-Day, decision day, North share, the no-go conflict, `verified` and the kind of a
no-go's certificate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import (
    BASE,
    KEYS,
    PROVEN,
    SOLVER_PROVEN,
    UNPROVEN,
    answer,
    case_files,
    differences,
    golden_path,
    points,
    read_golden,
    relative,
)

# Points whose solve takes more than ~20 s with one worker: the unproven points of the rebuilt
# historical case, which run to the time limit, and late-autumn (its no-go's explanation).
SLOW: set[tuple[str, str]] = (
    set(UNPROVEN) | set(SOLVER_PROVEN) | {("cases/kantokuen_1941.yaml", "late-autumn")}
)


def golden_points() -> list[pytest.param]:
    params = []
    for case_file in case_files():
        if not golden_path(case_file).exists():
            continue
        for point in read_golden(case_file)["results"]:
            key = (relative(case_file), point)
            marks = [pytest.mark.slow] if key in SLOW else []
            params.append(
                pytest.param(case_file, point, id=f"{case_file.stem}[{point}]", marks=marks)
            )
    return params


def test_every_case_and_scenario_has_a_golden_result() -> None:
    """A case added without golden results, or a scenario renamed, fails here (no solving)."""
    for case_file in case_files():
        assert golden_path(case_file).exists(), (
            f"{relative(case_file)}: run python -m tests.golden --update"
        )
        recorded = list(read_golden(case_file)["results"])
        assert recorded == points(case_file), (
            f"{relative(case_file)}: golden points differ from the case's"
        )


def test_golden_results_are_proven_answers() -> None:
    """Only proven answers are golden, OPTIMAL (go) or INFEASIBLE (no-go, with its conflict),
    except the points tests/golden.py declares unproven."""
    for case_file in case_files():
        for point, result in read_golden(case_file)["results"].items():
            assert set(result) == set(KEYS), (case_file, point)
            if (relative(case_file), point) in UNPROVEN and result["status"] not in PROVEN:
                continue  # declared in tests/golden.py, with the reason
            assert result["status"] in PROVEN, (case_file, point)
            assert result["go"] == (result["status"] == "OPTIMAL"), (case_file, point)
            assert bool(result["conflict"]) == (not result["go"]), (case_file, point)
            # Every shipped no-go is proven by a certificate the verifier checks, except those
            # declared to rest on CP-SAT's proof on the flow relaxation.
            if (relative(case_file), point) in SOLVER_PROVEN:
                assert result["certificate_kind"] == "flow_relaxation", (case_file, point)
                continue
            assert result["verified"], (case_file, point)


@pytest.mark.parametrize(("case_file", "point"), golden_points())
def test_golden(case_file: Path, point: str) -> None:
    expected = read_golden(case_file)["results"][point]
    got = answer(case_file, point)
    assert not differences(expected, got), f"{relative(case_file)} [{point}]: " + "; ".join(
        differences(expected, got)
    )


def test_base_key_is_the_case_without_scenario() -> None:
    assert BASE not in {s for f in case_files() for s in points(f)[1:]}
