"""The go/no-go criteria in words: each rule with the case's numbers, whether it holds in this
result, and its margin (`12 days to spare`, `misses by 1 division-equivalent`)."""

from __future__ import annotations

from functools import cached_property

from kantokuen.models.case import CRITERION_LABELS
from kantokuen.models.paths import long_date, words
from kantokuen.models.plan import CriterionResult
from kantokuen.reports.facts_answer import Answer
from kantokuen.reports.subject import number

UNIT_WORDS = {"div.-eq.": "division-equivalents", "t": "tons", "days": "days"}


class Criteria(Answer):
    """Each criterion's rule, state and margin (its state depends on the verdict: a no-go's
    criteria are in its conflict or not)."""

    def criterion(self, name: str) -> CriterionResult | None:
        """This result's check of the named criterion (None if the result does not list it)."""
        return next((c for c in self.result.criteria if c.name == name), None)

    def criterion_rule(self, name: str) -> str:
        """The criterion stated in plain words, with the case's numbers when known."""
        crit = self.case.criteria if self.case else None
        if name == "halving":
            fraction = f"{crit.halving.fraction:.0%}" if crit else "the set fraction"
            measure = crit.halving.measure if crit else "divisions"
            what = "strength" if measure == "divisions" else measure
            return (
                f"Soviet Far East {what} has fallen to at most {fraction} of its initial level "
                "by the decision day."
            )
        if name == "armour_air":
            if not crit:
                return (
                    "Soviet Far East tanks and aircraft have each fallen to the set fraction of "
                    "their initial level by the decision day."
                )
            armour = crit.armour_air
            return (
                f"Soviet Far East {' and '.join(armour.measures)} have each fallen to at most "
                f"{armour.fraction * 100:g}% of their initial level by the decision day."
            )
        if name == "force_ratio":
            if not crit:
                return (
                    "On every front, Japanese combat value arrived by X-Day reaches the "
                    "required multiple of Soviet strength."
                )
            factor = crit.force_ratio.soviet_factor
            worth = (
                f" (one Soviet division counted as {number(factor, 2)} Japanese)"
                if factor != 1
                else ""
            )
            return (
                f"On every front, Japanese combat value arrived by X-Day is at least "
                f"{number(crit.force_ratio.ratio, 2)} times Soviet strength{worth}."
            )
        if name == "decision_deadline":
            if not crit:
                return "The go decision is taken by the deadline."
            d = crit.decision_deadline
            lag = d.decision_to_attack_days
            follows = f"{lag} days later" if lag != 1 else "a day later"
            return (
                f"The go decision is taken by {long_date(d.date)}; the attack follows "
                f"{follows if lag else 'on the same day'}."
            )
        if name == "weather":
            if not crit:
                return "The campaign ends before the weather deadline."
            w = crit.weather
            return f"The {w.campaign_days}-day campaign is over by {long_date(w.deadline)}."
        if name == "south_readiness":
            return "The South's share of the shipping pool meets each Southern requirement on time."
        if name == "required_arrivals":
            return "Every unit that must take part has reached its front by X-Day."
        return words(name)

    def margin_text(self, c: CriterionResult) -> str:
        """How much room a criterion has: `12 days to spare`, `misses by 1 division-equivalent`."""
        if c.margin is None:
            return ""
        if c.name == "south_readiness" and c.detail == "no South requirements":
            return "no Southern requirements"
        unit = UNIT_WORDS.get(c.unit, c.unit)
        if abs(c.margin) == 1 and unit.endswith("s"):
            unit = unit[:-1]
        amount = f"{number(abs(c.margin), 2)} {unit}".strip()
        if c.margin > 0:
            return f"{amount} to spare"
        if c.margin == 0:
            return "no slack (binding)"
        return f"misses by {amount}"

    def criterion_status(self, c: CriterionResult) -> tuple[str, str]:
        """(text, css class) of a criterion's state in this result."""
        if not c.enabled:
            return "switched off", "off"
        if self.result.go:
            return ("holds", "ok") if c.holds else ("fails", "bad")
        if c.name in self.result.conflict:
            return "in the conflict", "bad"
        return ("—", "off") if self.verdict != "NO-GO" else ("not in the conflict", "ok")

    @cached_property
    def criteria_rows(self) -> list[dict[str, str]]:
        rows = []
        for c in self.result.criteria:
            status, css = self.criterion_status(c)
            margin = self.margin_text(c)
            if not c.enabled and margin:
                margin = f"(if it applied: {margin})"
            rows.append(
                {
                    "name": c.name,
                    "label": CRITERION_LABELS.get(c.name, words(c.name)),
                    "rule": self.criterion_rule(c.name),
                    "status": status,
                    "css": css,
                    "margin": margin,
                    "detail": self.in_words(c.detail) if c.detail != "in the conflict" else "",
                }
            )
        return rows

    @property
    def has_margins(self) -> bool:
        return any(c.margin is not None for c in self.result.criteria)

    def margin_for(self, name: str) -> str:
        """Short margin cell for the comparison table."""
        c = self.criterion(name)
        if c is None:
            return "—"
        status, _ = self.criterion_status(c)
        if not c.enabled:
            return "off"
        margin = self.margin_text(c)
        return f"{status}; {margin}" if margin else status
