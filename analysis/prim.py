"""Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999),
as the EMA Workbench uses it: which ranges of the uncertain inputs hold an outcome?

A box restricts some inputs to [lower, upper]. Two numbers describe it: *coverage*, the share
of all worlds with the outcome that fall inside, and *density*, the share of the worlds inside
that have the outcome. PRIM trades one for the other patiently:

- *peeling*: from the box of all worlds, cut off a thin slice (`alpha` of the worlds inside)
  at the low or high end of one input, the cut that raises the density most per world it
  removes; repeat while the box keeps at least `min_mass` of all worlds. The boxes met on
  the way are the trajectory.
- *pasting*: widen a restricted side of a box of the trajectory by a slice when that makes
  it denser; then drop, one at a time, the restrictions whose quasi-p-value (as the EMA
  Workbench reports them) exceeds 5%: an input that only trims a few worlds by chance is not
  named. The box reported is the pasted box that best balances coverage and density (the
  largest product).
- *covering*: take the worlds of that box away and look for the next box in the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]
Flags = NDArray[np.bool_]
#: A restriction is kept when its quasi-p-value is at most this.
SIGNIFICANT = 0.05


def quasi_p(box: Box, wider: Box) -> float:
    """How likely a box this dense is by chance if the restriction did nothing: the one-sided
    binomial probability of `box.hits` or more among `box.count` worlds drawn at the density
    of the box without that restriction (`wider`)."""
    from scipy.stats import binom

    return float(binom.sf(box.hits - 1, box.count, wider.density))


@dataclass(frozen=True)
class Box:
    """Input ranges (−inf/+inf where unrestricted) and how well they hold the outcome."""

    lower: tuple[float, ...]
    upper: tuple[float, ...]
    count: int  # worlds inside
    hits: int  # worlds inside with the outcome
    coverage: float  # hits / every world with the outcome
    density: float  # hits / count
    mass: float  # count / every world

    @property
    def restricted(self) -> list[int]:
        """Inputs the box restricts, in input order."""
        return [
            j
            for j, (lo, hi) in enumerate(zip(self.lower, self.upper, strict=True))
            if np.isfinite(lo) or np.isfinite(hi)
        ]


@dataclass
class Found:
    """One box of the covering, with the peeling trajectory it was chosen from."""

    box: Box
    trajectory: list[Box] = field(default_factory=list)


def inside(x: Matrix, lower: tuple[float, ...], upper: tuple[float, ...]) -> Flags:
    """Which worlds lie in the box."""
    flags: Flags = np.all((x >= np.asarray(lower)) & (x <= np.asarray(upper)), axis=1)
    return flags


def _box(
    x: Matrix, y: Flags, lower: list[float], upper: list[float], total_hits: int, n: int
) -> Box:
    mask = inside(x, tuple(lower), tuple(upper))
    count, hits = int(mask.sum()), int(y[mask].sum())
    return Box(
        tuple(lower),
        tuple(upper),
        count,
        hits,
        hits / total_hits if total_hits else 0.0,
        hits / count if count else 0.0,
        count / n if n else 0.0,
    )


def _cuts(values: Matrix, alpha: float) -> tuple[float | None, float | None]:
    """New lower and upper bounds that peel about `alpha` of the values off each end; at least
    one distinct value goes (inputs with ties, such as whole days, still peel), None when the
    input has a single value left."""
    distinct = np.unique(values)
    if len(distinct) < 2:
        return None, None
    low = float(np.quantile(values, alpha, method="higher"))
    if low <= distinct[0]:
        low = float(distinct[1])
    high = float(np.quantile(values, 1 - alpha, method="lower"))
    if high >= distinct[-1]:
        high = float(distinct[-2])
    return low, high


def peel(x: Matrix, y: Flags, alpha: float = 0.05, min_mass: float = 0.05) -> list[Box]:
    """The peeling trajectory: the box of all worlds, then each best peel in turn. The best
    peel gains the most density per world it removes (the EMA Workbench's default, "lenient"
    objective), so a whole-number input whose lowest value holds a fifth of the worlds is
    peeled only when that pays for the fifth."""
    n, d = x.shape
    total_hits = int(y.sum())
    lower, upper = [-np.inf] * d, [np.inf] * d
    trajectory = [_box(x, y, lower, upper, total_hits, n)]
    while True:
        mask = inside(x, tuple(lower), tuple(upper))
        before, density = int(mask.sum()), float(y[mask].mean())
        best: tuple[float, int, int, str, float] | None = None  # gain, count, j, side, bound
        for j in range(d):
            low, high = _cuts(x[mask, j], alpha)
            for side, bound in (("lower", low), ("upper", high)):
                if bound is None:
                    continue
                keep = mask & ((x[:, j] >= bound) if side == "lower" else (x[:, j] <= bound))
                count = int(keep.sum())
                if count < max(1, min_mass * n) or count == before:
                    continue
                gain = (float(y[keep].mean()) - density) / (before - count)
                candidate = (gain, count, j, side, bound)
                if best is None or candidate[:2] > best[:2]:  # more gain; then the thinner peel
                    best = candidate
        if best is None:
            return trajectory
        _, _, j, side, bound = best
        (lower if side == "lower" else upper)[j] = bound
        trajectory.append(_box(x, y, lower, upper, total_hits, n))


def paste(x: Matrix, y: Flags, box: Box, total_hits: int, alpha: float = 0.05) -> Box:
    """Widen restricted sides while that makes the box denser (or takes in more of the outcome
    at the same density), then drop the restrictions that are not significant (`quasi_p`)."""
    n = len(x)
    lower, upper = list(box.lower), list(box.upper)
    current = box
    while True:
        best: Box | None = None
        for j in current.restricted:
            for side in ("lower", "upper"):
                bound = (lower if side == "lower" else upper)[j]
                if not np.isfinite(bound):
                    continue
                trial_lower, trial_upper = list(lower), list(upper)
                others = list(trial_lower), list(trial_upper)
                others[0][j], others[1][j] = -np.inf, np.inf
                near = inside(x, tuple(others[0]), tuple(others[1]))
                outside = x[near, j][
                    (x[near, j] < bound) if side == "lower" else (x[near, j] > bound)
                ]
                if len(outside) == 0:
                    continue
                step = max(1, int(alpha * current.count))
                ordered = np.sort(outside)
                if side == "lower":
                    trial_lower[j] = float(ordered[-min(step, len(ordered))])
                else:
                    trial_upper[j] = float(ordered[min(step, len(ordered)) - 1])
                trial = _box(x, y, trial_lower, trial_upper, total_hits, n)
                # denser, or as dense with more of the outcome: the wider box says more
                better = trial.density > current.density or (
                    trial.density == current.density and trial.hits > current.hits
                )
                if better and (
                    best is None or (trial.density, trial.hits) > (best.density, best.hits)
                ):
                    best = trial
        if best is None:
            break
        current, lower, upper = best, list(best.lower), list(best.upper)
    while current.restricted:  # drop the least significant restriction while one is not
        trials = []
        for j in current.restricted:
            trial_lower, trial_upper = list(current.lower), list(current.upper)
            trial_lower[j], trial_upper[j] = -np.inf, np.inf
            wider = _box(x, y, trial_lower, trial_upper, total_hits, n)
            trials.append((quasi_p(current, wider), wider))
        p, wider = max(trials, key=lambda t: t[0])
        if p <= SIGNIFICANT:
            break
        current = wider
    return current


def choose(trajectory: list[Box]) -> Box:
    """The box of the trajectory that best balances coverage and density: the largest
    coverage × density (the box of all worlds scores only the outcome's base rate)."""
    return max(trajectory, key=lambda b: (b.coverage * b.density, b.density))


def find_boxes(
    x: Matrix,
    y: Flags,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    max_boxes: int = 3,
    min_hits: int = 5,
    min_density: float = 0.5,
) -> list[Found]:
    """Boxes holding the outcome `y`, by covering: each box is found among the worlds the
    earlier boxes left out. Coverage counts against every world with the outcome; a box that
    restricts nothing, holds fewer than `min_hits` of them, or (after the first) holds the
    outcome in fewer than `min_density` of its worlds, ends the search: what is left is noise."""
    total_hits = int(y.sum())
    n = len(x)
    left = np.ones(n, dtype=bool)
    found: list[Found] = []
    while len(found) < max_boxes and int(y[left].sum()) >= min_hits:
        trajectory = peel(x[left], y[left], alpha, min_mass * n / max(int(left.sum()), 1))
        # every box of the trajectory pasted, then the best: a peel that cut one world too many
        # is mended before the boxes are compared
        pasted = [paste(x[left], y[left], b, total_hits, alpha) for b in trajectory]
        chosen = choose(pasted)
        box = _box(x[left], y[left], list(chosen.lower), list(chosen.upper), total_hits, n)
        if not box.restricted or box.hits < min_hits or (found and box.density < min_density):
            break
        rescale = [
            _box(x[left], y[left], list(b.lower), list(b.upper), total_hits, n) for b in trajectory
        ]
        found.append(Found(box, rescale))
        left &= ~inside(x, box.lower, box.upper)
    return found
