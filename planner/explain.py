"""Explanations of a no-go, one import away: the first conflict (`planner.conflicts`), the
arithmetic of the Soviet criteria (`planner.gaps`), the earliest X-Day solve
(`planner.distance`) and the sentences (`planner.prose`). Every conflict, the cheapest
corrections and the least moves are in `planner.corrections` (over `planner.factors`, asked
of `planner.oracle`); what binds a go is in `planner.binding`."""

from __future__ import annotations

from kantokuen.planner.conflicts import (
    ASSUMPTION_CORE_SECONDS,
    GENEROUS_WITHDRAWAL_SCALE,
    LEVER_PREFIX,
    MIN_CHECK_SECONDS,
    PREFERRED,
    Conflict,
    assumption_core,
    enforced_criteria,
    feasible_with,
    lever_member,
    minimal_conflict,
    raised_schedule,
    relaxed_levers,
    seconds_left,
    with_criteria_off,
    with_levers,
)
from kantokuen.planner.distance import (
    EarliestX,
    earliest_x_day,
)
from kantokuen.planner.gaps import (
    HalvingGap,
    criterion_measures,
    halving_gap,
    halving_scale_needed,
    latest_decision_day,
    scale_needed,
)
from kantokuen.planner.prose import (
    count_text,
    days,
    describe,
    member_label,
    pretty,
    share_words,
    unchecked_sentence,
)

__all__ = [
    "GENEROUS_WITHDRAWAL_SCALE",
    "LEVER_PREFIX",
    "lever_member",
    "Conflict",
    "MIN_CHECK_SECONDS",
    "seconds_left",
    "feasible_with",
    "assumption_core",
    "raised_schedule",
    "relaxed_levers",
    "with_levers",
    "with_criteria_off",
    "PREFERRED",
    "ASSUMPTION_CORE_SECONDS",
    "minimal_conflict",
    "enforced_criteria",
    "EarliestX",
    "earliest_x_day",
    "criterion_measures",
    "scale_needed",
    "halving_scale_needed",
    "latest_decision_day",
    "HalvingGap",
    "halving_gap",
    "member_label",
    "days",
    "pretty",
    "share_words",
    "count_text",
    "describe",
    "unchecked_sentence",
]
