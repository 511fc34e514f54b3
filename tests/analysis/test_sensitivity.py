"""Sensitivity indices: the rank score credits the input that decides, not its look-alike;
Sobol' and Morris rank a decisive input first and call an idle one insignificant."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from kantokuen.analysis.sensitivity import _morris, _rank, _sobol
from kantokuen.analysis.worlds import design


def test_partial_rank_correlation_ignores_a_look_alike() -> None:
    """y rises with x0 (like the Soviet share left with the withdrawals); x1 merely resembles x0
    in the sample; x2 is noise. (For a go/no-go step PRCC takes out only the linear part of
    x0's ranks, so a strong look-alike keeps a little credit: one reason the step outputs are
    best read with the sobol or morris designs.)"""
    rng = np.random.default_rng(1)
    x0 = rng.uniform(size=400)
    x = np.column_stack([x0, x0 + rng.normal(scale=0.3, size=400), rng.uniform(size=400)])
    y = np.exp(3 * x0) + rng.normal(scale=0.1, size=400)
    rows = {r["path"]: r for r in _rank(x, y, ["x0", "x1", "x2"])}
    assert spearmanr(x[:, 1], y).statistic > 0.6  # plain rank correlation would credit x1
    assert rows["x0"]["significant"] and rows["x0"]["prcc"] > 0.9
    assert not rows["x1"]["significant"] and not rows["x2"]["significant"]


def test_sobol_and_morris_rank_the_deciding_input_first() -> None:
    for method, analyse in (("sobol", _sobol), ("morris", _morris)):
        drawn = design(3, 1000, method, 4)
        y = (drawn.unit[:, 1] > 0.5).astype(float) + 0.3 * drawn.unit[:, 2]
        rows = sorted(analyse(drawn, y, ["a", "b", "c"]), key=lambda r: -r["score"])
        assert [r["path"] for r in rows] == ["b", "c", "a"], (method, rows)
        assert rows[0]["significant"] and not rows[2]["significant"], (method, rows)
