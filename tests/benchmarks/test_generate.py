"""The synthetic case generator: reproducible, exact sizes, valid YAML, a plan that passes the
verifier."""

from __future__ import annotations

import pytest

from benchmarks.generate import generate
from kantokuen.models.instance import Instance
from kantokuen.models.verify import verify


@pytest.mark.parametrize("units", [3, 10, 57, 200])
def test_known_plan_passes_the_verifier(units: int, tmp_path) -> None:
    """The case loads through the validating loader, has exactly `units` units, and the plan
    it was built around passes every rule of the verifier."""
    gen = generate(units, seed=1)
    inst = Instance(gen.load(str(tmp_path)).case)
    assert len(inst.units) == units
    assert verify(inst.case, gen.known_plan) == []


def test_auto_share_case_is_valid(tmp_path) -> None:
    """With `north_share: auto` the known plan still passes (its share is a whole percent the
    South readiness criterion allows)."""
    gen = generate(40, seed=2, north_share="auto")
    inst = Instance(gen.load(str(tmp_path)).case)
    assert inst.fixed_share_bp is None
    assert verify(inst.case, gen.known_plan) == []


def test_same_seed_same_case_other_seed_other_case() -> None:
    """Generation is seeded: the same size and seed give the same YAML byte for byte."""
    assert generate(100, 3).yaml() == generate(100, 3).yaml()
    assert generate(100, 3).yaml() != generate(100, 4).yaml()


def test_several_ports_routes_lines_fronts_and_count_groups() -> None:
    """The cases have the structure the benchmarks need: many places, and `count:` groups."""
    data = generate(300, 0).data
    assert len(data["ports"]) >= 5 and len(data["sea_routes"]) >= 5
    assert len(data["rail"]) >= 10 and len(data["fronts"]) >= 3
    assert any(unit["count"] > 1 for unit in data["units"].values())


def test_too_few_units_is_refused() -> None:
    """Three units is the least: one combat group per front."""
    with pytest.raises(ValueError, match="at least 3"):
        generate(2)
