"""The formulations of handling over days that `python -m benchmarks handling` measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.handling import FORMULATIONS, measure
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import load

ECHELONS = str(
    Path(__file__).resolve().parents[2] / "cases" / "teaching" / "echelons_and_trains.yaml"
)


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_each_formulation_solves_the_teaching_case(formulation: str) -> None:
    """cases/teaching/echelons_and_trains: X-Day 8 by hand (echelons sharing Moji's days). The
    queue and the amounts formulate the block rule exactly; lots of 1,000 t and the fluid
    time-indexed flow give the same day here."""
    row = measure(Instance(load(ECHELONS).case), formulation, 10.0, workers=1)
    assert (row["status"], row["value"], row["bound"]) == ("OPTIMAL", 8, 8)


def test_one_division_is_a_day_later_in_the_exact_formulations() -> None:
    """The same men, horses and cargo as one unit (README: X-Day 9) in both block formulations."""
    inst = Instance(load(ECHELONS, "one-division").case)
    assert {measure(inst, name, 10.0, workers=1)["value"] for name in ("queue", "amounts")} == {9}
