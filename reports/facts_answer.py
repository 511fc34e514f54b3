"""The answer of one result in words: the verdict and why (a no-go's conflict and its proof),
the North share of shipping and the units moved."""

from __future__ import annotations

from kantokuen.models.case import CRITERION_LABELS, HORIZON_LABEL, HORIZON_MEMBER, LEVER_LABELS
from kantokuen.models.paths import long_date, words
from kantokuen.models.plan import UnitRow
from kantokuen.reports.certificate import certificate_lines
from kantokuen.reports.subject import Names, to_date, value_text
from kantokuen.reports.text import share_text, x_day_proof


class Answer(Names):
    """Go, no-go or no answer, with the reasons and the plan's headline numbers."""

    @property
    def verdict(self) -> str:
        """GO, NO-GO, or NO ANSWER (the solver ran out of time before deciding)."""
        if self.result.go:
            return "GO"
        return "NO-GO" if self.result.status.value == "INFEASIBLE" else "NO ANSWER"

    @property
    def verdict_class(self) -> str:
        return {"GO": "go", "NO-GO": "nogo"}.get(self.verdict, "unknown")

    @property
    def verdict_sentence(self) -> str:
        r = self.result
        if r.go:
            lag = (to_date(r.x_day) - to_date(r.decision_day)).days  # type: ignore[operator]
            after = (
                f", {lag} days after the go decision of {long_date(r.decision_day)}"
                if lag
                else ", on the day of the go decision"
            )
            return f"The attack can start on {long_date(r.x_day)}{after}: {self.x_day_proof}."
        if self.verdict == "NO-GO":
            return (
                "No attack day satisfies every criterion: the operation cannot go ahead as planned."
            )
        return (
            f"The solver found no answer within its time limit ({r.status.value}); "
            "this is neither a go nor a proven no-go."
        )

    @property
    def x_day_proof(self) -> str:
        return x_day_proof(self.result)

    @property
    def north_share_text(self) -> str:
        share = self.result.north_share
        if share is None:
            return "—"
        lever = self.case.levers.north_share if self.case else None
        if isinstance(self.result.levers.get("north_share"), list):
            return share_text(self.result)  # a schedule: its steps, and the share on X-Day
        chosen = " (chosen by the planner)" if lever == "auto" else ""
        return f"{share:.0%}{chosen}"

    @property
    def committed_units(self) -> list[UnitRow]:
        return [u for u in self.result.units if u.get("committed")]

    @property
    def units_text(self) -> str:
        if not self.result.units:
            return "—"
        committed = len(self.committed_units)
        return f"{committed} of {len(self.result.units)}"

    @property
    def conflict_text(self) -> str:
        """The members of a no-go's minimal conflict: criteria and lever settings, in words."""
        parts = []
        for member in self.result.conflict:
            if member in LEVER_LABELS:
                value = self.result.levers.get(member.split(".", 1)[1])
                parts.append(
                    LEVER_LABELS[member]
                    + (f" = {value_text(member, value)}" if value is not None else "")
                )
            elif member == HORIZON_MEMBER:
                parts.append(HORIZON_LABEL)
            else:
                parts.append(CRITERION_LABELS.get(member, words(member)))
        return " + ".join(parts)

    @property
    def certificate_lines(self) -> list[str]:
        """A no-go's proof: which X-Days each reason rules out (reports.certificate)."""
        return certificate_lines(self.result)
