"""The facts a report shows, in a historian's words: dates not day numbers, names not ids.

HTML, Markdown and the charts all read these views, so the formats say the same thing.
A `Subject` is one result with the case that produced it when that case is known; a view
never guesses a number it cannot get from the result or the case, it says what is missing.

The facts come in parts, each its own small class over the subject (reports/facts_*.py):
names (reports/subject.py), the answer, the criteria, Soviet and Japanese strength, the
timeline, shipping and the network's use, and the inputs and sources. `View` is all of them at
once, the one object per result that the templates and renderers read.
"""

from __future__ import annotations

from dataclasses import dataclass

from kantokuen.models.case import CRITERION_LABELS
from kantokuen.models.paths import long_date as long_date
from kantokuen.models.paths import words
from kantokuen.reports.facts_dates import Dates
from kantokuen.reports.facts_inputs import Inputs
from kantokuen.reports.facts_shipping import Shipping
from kantokuen.reports.subject import Subject as Subject

LEG_LABELS = {
    "mobilize": "mobilizing",
    "to_port": "to port / waiting",
    "sea": "at sea",
    "unload": "unloading",
    "wait_rail": "waiting for a train",
    "rail": "by rail",
}


class View(Dates, Shipping, Inputs):
    """Everything the report says about one subject, computed once: the answer, criteria,
    strength and timeline (`Dates`), shipping and the network's use, inputs and sources."""


# ---------------------------------------------------------------- several results side by side


@dataclass(frozen=True)
class ComparisonRow:
    """One fact across results; `differs[i]` marks a value unlike the first result's."""

    label: str
    values: list[str]
    group: str = ""

    @property
    def differs(self) -> list[bool]:
        return [i > 0 and v != self.values[0] for i, v in enumerate(self.values)]

    @property
    def any_differs(self) -> bool:
        return any(self.differs)


def comparison_rows(views: list[View]) -> list[ComparisonRow]:
    """Verdict, dates, criteria margins, shipping, force ratios and overrides of each result."""
    rows = [
        ComparisonRow("Verdict", [v.verdict for v in views], "Answer"),
        ComparisonRow("X-Day", [long_date(v.result.x_day) for v in views], "Answer"),
        ComparisonRow("Go decision", [long_date(v.result.decision_day) for v in views], "Answer"),
        ComparisonRow(
            "Mobilization ordered", [long_date(v.result.order_day) for v in views], "Answer"
        ),
        ComparisonRow("Units moved", [v.units_text for v in views], "Answer"),
    ]
    names = list(dict.fromkeys(c.name for v in views for c in v.result.criteria))
    for name in names:
        rows.append(
            ComparisonRow(
                CRITERION_LABELS.get(name, words(name)),
                [v.margin_for(name) for v in views],
                "Criteria",
            )
        )
    if any(v.result.conflict for v in views):
        rows.append(
            ComparisonRow(
                "What conflicts (no-go)", [v.conflict_text or "—" for v in views], "Criteria"
            )
        )
    rows += [
        ComparisonRow("North share", [v.north_share_text for v in views], "Shipping"),
        ComparisonRow(
            "North (at the pool's peak)",
            [v.shipping_text.get("north", "—") for v in views],
            "Shipping",
        ),
        ComparisonRow(
            "South (at the pool's peak)",
            [v.shipping_text.get("south", "—") for v in views],
            "Shipping",
        ),
        ComparisonRow(
            "Most North tons at sea",
            [v.shipping_text.get("peak_at_sea", "—") for v in views],
            "Shipping",
        ),
    ]
    fronts = list(dict.fromkeys(f for v in views for f in v.fronts))
    for front in fronts:
        rows.append(
            ComparisonRow(
                f"Force ratio on X-Day, {views[0].front_name(front)}",
                [v.force_ratio_for(front) for v in views],
                "Forces",
            )
        )
    rows.append(
        ComparisonRow(
            "Changes from the base case",
            [
                "; ".join(f"{o['label']} = {o['value']}" for o in v.override_rows) or "none"
                for v in views
            ],
            "Scenario",
        )
    )
    rows.append(
        ComparisonRow(
            "Solver status",
            [f"{v.result.status.value}, {v.result.solve_seconds:.1f} s" for v in views],
            "Scenario",
        )
    )
    return [row for row in rows if any(value != "—" for value in row.values)]  # nothing to compare
