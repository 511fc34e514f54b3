"""PRIM finds boxes planted in synthetic data, peels whole-number inputs, and stops at noise."""

from __future__ import annotations

import numpy as np

from kantokuen.analysis.prim import choose, find_boxes, peel


def planted(seed: int = 3, n: int = 2000, noise: float = 0.03) -> tuple[np.ndarray, np.ndarray]:
    """Go where x0 > 0.6 and x1 < 0.3 (12% of the worlds), with 3% of the labels flipped;
    x2 is irrelevant, x3 a whole number from 8 to 12, irrelevant too."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 4))
    x[:, 3] = rng.integers(8, 13, size=n)
    y = (x[:, 0] > 0.6) & (x[:, 1] < 0.3)
    return x, y ^ (rng.uniform(size=n) < noise)


def test_prim_finds_the_planted_box_and_nothing_else() -> None:
    x, y = planted()
    found = find_boxes(x, y)
    assert len(found) == 1  # the rest is noise: no second box
    box = found[0].box
    assert box.restricted == [0, 1]
    assert abs(box.lower[0] - 0.6) < 0.03 and box.upper[0] == np.inf
    assert box.lower[1] == -np.inf and abs(box.upper[1] - 0.3) < 0.03
    assert box.density > 0.9 and box.coverage > 0.75


def test_the_trajectory_trades_coverage_for_density() -> None:
    x, y = planted(seed=4)
    trajectory = peel(x, y)
    assert trajectory[0].coverage == 1.0 and trajectory[0].mass == 1.0
    assert trajectory[-1].density > 0.9 > trajectory[0].density
    coverage = [b.coverage for b in trajectory]
    assert coverage == sorted(coverage, reverse=True)
    assert min(b.mass for b in trajectory) >= 0.05
    assert choose(trajectory) in trajectory


def test_two_planted_boxes_are_found_by_covering() -> None:
    """Go where x0 < 0.3 and x1 < 0.4, or where x2 > 0.85: the second box is found among the
    worlds the first leaves out."""
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(3000, 3))
    y = ((x[:, 0] < 0.3) & (x[:, 1] < 0.4)) | (x[:, 2] > 0.85)
    first, second = (f.box for f in find_boxes(x, y))
    assert first.restricted == [0, 1] and second.restricted == [2]
    assert abs(first.upper[0] - 0.3) < 0.03 and abs(first.upper[1] - 0.4) < 0.03
    assert abs(second.lower[2] - 0.85) < 0.03
    assert min(first.density, second.density) > 0.95
    assert first.coverage + second.coverage > 0.95


def test_a_whole_number_input_is_peeled_a_value_at_a_time() -> None:
    rng = np.random.default_rng(6)
    days = rng.integers(8, 13, size=(1000, 1)).astype(float)
    y = days[:, 0] >= 11
    box = find_boxes(days, y)[0].box
    assert (box.lower[0], box.upper[0], box.density) == (11.0, np.inf, 1.0)
    assert box.coverage == 1.0


def test_no_box_without_enough_of_the_outcome() -> None:
    x, _ = planted()
    y = np.zeros(len(x), dtype=bool)
    y[:3] = True
    assert find_boxes(x, y) == []
