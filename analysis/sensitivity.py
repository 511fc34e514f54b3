"""Global sensitivity: which uncertainties decide the answer, and which do not matter.

Three outputs of every world are analysed against the sampled inputs, each input on its
quantile scale (0 = the low end of its range, 1 = the high end), so indices compare across
inputs measured in tons, days or division-equivalents:

- `go`: 1 for go, 0 for no-go;
- `x_day`: the X-Day as a day number, a no-go counted as the day after the horizon (so the
  output is defined in every world: "how early could the attack be, if at all");
- `soviet_share`: the lowest Soviet strength by the decision deadline, as a share of day 0
  (how near the halving criterion came, the distance a no-go world is from go).

The index depends on the design: Sobol' first-order and total indices (SALib) for the
`sobol` design, Morris elementary effects (μ*, σ) for `morris`, and the partial rank
correlation coefficient (PRCC) for a Latin hypercube (or when some worlds of a Sobol'/Morris
design have no answer, which breaks their structure). `score` ranks the inputs in every case:
the total index, μ*, or |PRCC|; `significant` says whether it stands out of the sampling noise
(the confidence interval of ST or μ* excludes 0, or |PRCC| > 3/√(n − d), about p < 0.003).
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from kantokuen.analysis.explore import World
    from kantokuen.analysis.worlds import Design, Range


def _finite(value: Any, digits: int = 4) -> float | None:
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def outputs(worlds: list[World], horizon: int) -> dict[str, list[float | None]]:
    """Each output per world (None where the world has no answer)."""
    go: list[float | None] = [None if w.go is None else float(w.go) for w in worlds]
    x_day: list[float | None] = [
        None if w.go is None else float(w.x_day if w.go and w.x_day is not None else horizon + 1)
        for w in worlds
    ]
    share: list[float | None] = [w.details.get("soviet_share") for w in worlds]
    return {"go": go, "x_day": x_day, "soviet_share": share}


def sensitivity(
    design: Design, worlds: list[World], ranges: tuple[Range, ...], horizon: int
) -> dict[str, Any]:
    """Indices of every input for every output, inputs ranked by `score` (largest first)."""
    paths = [r.path for r in ranges]
    method = {"sobol": "sobol", "morris": "morris"}.get(design.method, "prcc")
    out: dict[str, Any] = {"method": method, "outputs": {}, "notes": []}
    for name, values in outputs(worlds, horizon).items():
        known = [i for i, v in enumerate(values) if v is not None]
        if len(known) < 3:
            out["notes"].append(f"{name}: fewer than 3 worlds with an answer")
            continue
        y = np.array([values[i] for i in known], dtype=float)
        if np.ptp(y) == 0:
            out["outputs"][name] = []
            out["notes"].append(f"{name}: the same in every world ({y[0]:g}): nothing decides it")
            continue
        complete = len(known) == len(values)
        if method != "prcc" and not complete:
            out["notes"].append(
                f"{name}: {len(values) - len(known)} worlds have no answer, which breaks the "
                f"{method} design: partial rank correlation (PRCC) instead"
            )
        if method == "sobol" and complete:
            rows = _sobol(design, y, paths)
        elif method == "morris" and complete:
            rows = _morris(design, y, paths)
        else:
            rows = _rank(design.unit[known], y, paths)
        out["outputs"][name] = sorted(rows, key=lambda r: -(r["score"] or 0.0))
    return out


def _sobol(design: Design, y: np.ndarray, paths: list[str]) -> list[dict[str, Any]]:
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        found = sobol.analyze(design.problem, y, calc_second_order=False, seed=design.seed)
    return [
        {
            "path": p,
            "score": _finite(found["ST"][j]),
            "S1": _finite(found["S1"][j]),
            "S1_conf": _finite(found["S1_conf"][j]),
            "ST": _finite(found["ST"][j]),
            "ST_conf": _finite(found["ST_conf"][j]),
            "significant": bool(found["ST"][j] - found["ST_conf"][j] > 0),
        }
        for j, p in enumerate(paths)
    ]


def _morris(design: Design, y: np.ndarray, paths: list[str]) -> list[dict[str, Any]]:
    from SALib.analyze import morris

    from kantokuen.analysis.worlds import MORRIS_LEVELS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        found = morris.analyze(
            design.problem, design.unit, y, num_levels=MORRIS_LEVELS, seed=design.seed
        )
    return [
        {
            "path": p,
            "score": _finite(found["mu_star"][j]),
            "mu": _finite(found["mu"][j]),
            "mu_star": _finite(found["mu_star"][j]),
            "mu_star_conf": _finite(found["mu_star_conf"][j]),
            "sigma": _finite(found["sigma"][j]),
            "significant": bool(found["mu_star"][j] - found["mu_star_conf"][j] > 0),
        }
        for j, p in enumerate(paths)
    ]


def _rank(x: np.ndarray, y: np.ndarray, paths: list[str]) -> list[dict[str, Any]]:
    """Partial rank correlation (PRCC): the rank correlation of an input with the output once
    the (ranked, linear) effect of every other input is taken out of both, so an input that
    happens to correlate with the decisive one in the sample is not credited with its effect.
    Significant when |PRCC| > 3/√(n − d), about p < 0.003 (too few worlds: plain Spearman)."""
    from scipy.stats import rankdata, spearmanr

    n, d = x.shape
    ranked = np.column_stack([rankdata(x[:, j]) for j in range(d)])
    target = rankdata(y)
    noise = 3 / math.sqrt(max(n - d, 1))
    rows = []
    for j, p in enumerate(paths):
        if np.ptp(x[:, j]) == 0:
            rows.append({"path": p, "score": 0.0, "prcc": None, "significant": False})
            continue
        if n > d + 2:
            others = np.column_stack([np.ones(n), np.delete(ranked, j, axis=1)])
            ex = ranked[:, j] - others @ np.linalg.lstsq(others, ranked[:, j], rcond=None)[0]
            ey = target - others @ np.linalg.lstsq(others, target, rcond=None)[0]
            scale = math.sqrt(float(ex @ ex) * float(ey @ ey))
            value = float(ex @ ey) / scale if scale > 0 else 0.0
        else:
            value = float(spearmanr(x[:, j], y).statistic)
        prcc = _finite(value)
        score = abs(prcc) if prcc is not None else 0.0
        rows.append({"path": p, "score": score, "prcc": prcc, "significant": score > noise})
    return rows
