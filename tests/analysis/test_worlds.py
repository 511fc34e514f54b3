"""Sampling the worlds: inside the declared ranges, seeded and reproducible, stratified (LHS),
the right design sizes (Sobol', Morris), whole values for whole-number and date fields."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kantokuen.analysis.worlds import (
    Range,
    design,
    parse_policies,
    parse_policy,
    parse_vary_range,
    sample_worlds,
)
from kantokuen.models.errors import CaseError

RANGES = [
    Range("ports.dairen.tons_per_day", "int", 8000, 10000, "uniform", 9600, "x", "", "case"),
    Range("fronts.f.withdrawals.1.cumulative", "float", 2.0, 4.0, "uniform", 3.0, "x", "", "case"),
    Range(
        "criteria.weather.deadline",
        "date",
        dt.date(1941, 10, 15),
        dt.date(1941, 11, 1),
        "triangular",
        dt.date(1941, 10, 24),
        "x",
        "",
        "case",
    ),
    Range("criteria.weather.campaign_days", "int", 42, 56, "triangular", 49, "x", "", "case"),
]


def worlds(method: str, samples: int = 200, seed: int = 1) -> list[dict[str, object]]:
    return sample_worlds(RANGES, design(len(RANGES), samples, method, seed).unit)


@pytest.mark.parametrize("method", ["lhs", "sobol", "morris"])
def test_every_value_lies_in_its_range_with_its_field_type(method: str) -> None:
    for world in worlds(method):
        for r in RANGES:
            value = world[r.path]
            assert r.low <= value <= r.high, (r.path, value)
            want = {"int": int, "float": float, "date": dt.date}[r.kind]
            assert type(value) is want, (r.path, value)


@pytest.mark.parametrize("method", ["lhs", "sobol", "morris"])
def test_the_same_seed_gives_the_same_worlds(method: str) -> None:
    assert worlds(method, seed=7) == worlds(method, seed=7)
    assert worlds(method, seed=7) != worlds(method, seed=8)


def test_latin_hypercube_puts_one_world_in_every_stratum() -> None:
    unit = design(3, 50, "lhs", 3).unit
    for column in unit.T:
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))


def test_design_sizes_follow_the_method() -> None:
    assert design(4, 100, "lhs", 0).unit.shape == (100, 4)
    # Sobol': the largest power of two N with N·(d + 2) ≤ samples
    assert design(4, 1000, "sobol", 0).unit.shape == (128 * 6, 4)
    # Morris: r trajectories of d + 1 worlds, r = samples // (d + 1)
    assert design(4, 100, "morris", 0).unit.shape == (20 * 5, 4)
    with pytest.raises(CaseError, match="needs at least 12 samples"):
        design(4, 11, "sobol", 0)


def test_a_uniform_whole_number_range_gives_each_value_the_same_share() -> None:
    r = Range("x", "int", 1, 4, "uniform", 2, "x", "", "case")
    values = [v["x"] for v in sample_worlds([r], design(1, 40, "lhs", 5).unit)]
    assert sorted(values) == [1] * 10 + [2] * 10 + [3] * 10 + [4] * 10


def test_a_triangular_range_peaks_at_the_case_value() -> None:
    """P(X ≤ mode) = (mode − low) / (high − low); LHS hits it within one world in n."""
    r = Range("x", "float", 0.0, 10.0, "triangular", 2.0, "x", "", "case")
    n = 400
    values = [v["x"] for v in sample_worlds([r], design(1, n, "lhs", 2).unit)]
    assert abs(sum(v <= 2.0 for v in values) / n - 0.2) <= 1 / n
    assert abs(sum(v <= 6.0 for v in values) / n - (1 - 4.0**2 / (10 * 8))) <= 1 / n


def test_vary_range_reads_numbers_and_dates() -> None:
    assert parse_vary_range("levers.withdrawal_scale=1:5") == ("levers.withdrawal_scale", 1.0, 5.0)
    assert parse_vary_range("levers.mobilization_order=1941-06-25:1941-07-10")[1:] == (
        dt.date(1941, 6, 25),
        dt.date(1941, 7, 10),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("levers.withdrawal_scale", "not of the form PATH=LOW:HIGH"),
        ("levers.withdrawal_scale=5:1", "LOW 5 is not below HIGH 1"),
        ("levers.withdrawal_scale=1:2:3", "a range is LOW:HIGH"),
        ("levers.withdrawal_scale=1:1941-07-01", "must both be numbers or both dates"),
        ("=1:2", "empty field name"),
    ],
)
def test_a_bad_vary_range_is_one_error(text: str, message: str) -> None:
    with pytest.raises(CaseError, match=message) as raised:
        parse_vary_range(text)
    assert str(raised.value).startswith("--vary-range: ")


def test_policies_parse_with_the_baseline_first() -> None:
    policy = parse_policy("early=levers.mobilization_order=1941-06-25,levers.north_share=0.9")
    assert policy.name == "early"
    assert policy.settings == {
        "levers.mobilization_order": dt.date(1941, 6, 25),
        "levers.north_share": 0.9,
    }
    assert [p.name for p in parse_policies(["a=levers.north_share=1"])] == ["baseline", "a"]
    for bad, message in [
        ("early", "NAME=KEY=VALUE"),
        ("baseline=levers.north_share=1", "the case as loaded"),
        ("x=levers.north_share=1,levers.north_share=0.5", "sets levers.north_share twice"),
    ]:
        with pytest.raises(CaseError, match=message):
            parse_policy(bad)
    with pytest.raises(CaseError, match="given twice"):
        parse_policies(["a=levers.north_share=1", "a=levers.north_share=0.5"])
