"""Strength in numbers: the Soviet Far East series against the thresholds the criteria set,
and the Japanese force at each front against what it needs."""

from __future__ import annotations

from functools import cached_property

from kantokuen.models.case import COUNT_MEASURES
from kantokuen.reports.subject import Names, number


class Strength(Names):
    """Soviet strength per day (division-equivalents and each other measure), when it first
    reaches the halving threshold, and the force ratio on X-Day at each front."""

    @cached_property
    def halving_fraction(self) -> float | None:
        """The halving criterion's fraction when it tests division-equivalents (the strength
        chart's unit; a halving of tanks, men or aircraft is drawn with its measure)."""
        halving = self.case.criteria.halving if self.case else None
        if halving is not None and halving.enabled and halving.measure == "divisions":
            return halving.fraction
        return None

    @property
    def soviet_measures(self) -> list[str]:
        """The measures besides division-equivalents the result has a series of, in order."""
        return [m for m in COUNT_MEASURES if self.result.strength.get(f"soviet_{m}")]

    def measure_total(self, measure: str) -> list[float]:
        """Soviet Far East total of one measure (men, tanks, aircraft) per day."""
        series = self.result.strength.get(f"soviet_{measure}", {})
        return [sum(vals) for vals in zip(*series.values(), strict=True)] if series else []

    def measure_thresholds(self, measure: str) -> list[tuple[str, float]]:
        """(criterion label, largest Far East total it allows) for each enabled criterion that
        tests the measure: halving on it, the armour-and-air criterion."""
        crit = self.case.criteria if self.case else None
        total = self.measure_total(measure)
        if crit is None or not total:
            return []
        out = []
        if crit.halving.enabled and crit.halving.measure == measure:
            out.append((f"Halving threshold ({crit.halving.fraction:.0%})", crit.halving.fraction))
        if crit.armour_air.enabled and measure in crit.armour_air.measures:
            fraction = crit.armour_air.fraction
            out.append((f"Armour-and-air threshold ({fraction * 100:g}%)", fraction))
        return [(label, fraction * total[0]) for label, fraction in out]

    @cached_property
    def halving_threshold(self) -> float | None:
        """Soviet Far East total the halving criterion allows: fraction × initial total."""
        soviet = self.result.strength.get("soviet", {})
        if self.halving_fraction is None or not soviet:
            return None
        return self.halving_fraction * sum(series[0] for series in soviet.values())

    @cached_property
    def soviet_total(self) -> list[float]:
        soviet = self.result.strength.get("soviet", {})
        if not soviet:
            return []
        return [sum(vals) for vals in zip(*soviet.values(), strict=True)]

    @cached_property
    def halving_day(self) -> int | None:
        """First day the Soviet Far East total is at or below the halving threshold."""
        if self.halving_threshold is None:
            return None
        return next(
            (d for d, v in enumerate(self.soviet_total) if v <= self.halving_threshold + 1e-9), None
        )

    @cached_property
    def japanese_available(self) -> dict[str, float]:
        """Combat value of every unit destined for each front: the most that could ever arrive."""
        if self.case is None:
            return {}
        out = {f: 0.0 for f in self.case.fronts}
        for unit in self.case.units.values():
            if unit.front in out:
                out[unit.front] += unit.combat_value * unit.count
        return out

    @cached_property
    def force_rows(self) -> list[dict[str, str]]:
        rows = []
        for front, f in self.result.force_ratio.items():
            rows.append(
                {
                    "front": self.front_name(front),
                    "japanese": number(f["japanese"], 2),
                    "soviet": number(f["soviet"], 2),
                    "ratio": f"{f['ratio']:.2f} : 1",
                    "needed": number(f["needed"], 2),
                    "css": "ok" if f["japanese"] >= f["needed"] - 1e-9 else "bad",
                }
            )
        return rows

    def force_ratio_for(self, front: str) -> str:
        f = self.result.force_ratio.get(front)
        if not f:
            return "—"
        return f"{f['ratio']:.2f} : 1 ({number(f['japanese'], 2)} vs {number(f['soviet'], 2)})"
