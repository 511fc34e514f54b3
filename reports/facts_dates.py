"""The timeline of one result: the dates drawn on the charts and the key dates in words (order,
halving, decision, X-Day, the deadlines, the South's needs)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from kantokuen.reports.facts_criteria import Criteria
from kantokuen.reports.facts_strength import Strength
from kantokuen.reports.subject import date_of, day_of, number, to_date


class Dates(Criteria, Strength):
    """The marks on the charts and the key-dates table; a result without its case still gives
    the deadlines its go margins imply."""

    @cached_property
    def marks(self) -> dict[str, dt.date]:
        """Dates drawn on the charts: order, decision deadline, X-Day, weather deadline, ..."""
        r, case = self.result, self.case
        out: dict[str, dt.date] = {"order": to_date(r.order_day)}
        if r.decision_day:
            out["decision"] = to_date(r.decision_day)
        if r.x_day:
            out["x_day"] = to_date(r.x_day)
        if case:
            if case.criteria.decision_deadline.enabled:
                deadline = case.criteria.decision_deadline
                out["decision_deadline"] = deadline.date
                out["deadline_x_day"] = deadline.date + dt.timedelta(
                    days=deadline.decision_to_attack_days
                )
            if case.criteria.weather.enabled:
                weather = case.criteria.weather
                out["weather_deadline"] = weather.deadline
                out["last_x_day"] = weather.deadline - dt.timedelta(days=weather.campaign_days)
        else:  # a go result's margins still give the deadlines
            for name, key, anchor in (
                ("decision_deadline", "decision_deadline", r.decision_day),
                ("weather", "last_x_day", r.x_day),
            ):
                c = self.criterion(name)
                if c and c.enabled and c.margin is not None and anchor:
                    out[key] = to_date(anchor) + dt.timedelta(days=round(c.margin))
        if self.halving_day is not None:
            out["halving"] = date_of(r, self.halving_day)
        return out

    @cached_property
    def key_dates(self) -> list[tuple[dt.date, str, str]]:
        """(date, what, note) in date order: the criteria timeline in words."""
        r, case = self.result, self.case
        rows: list[tuple[dt.date, str, str]] = [
            (to_date(r.calendar_start), "Start of the calendar (day 0)", ""),
            (self.marks["order"], "Mobilization ordered", "no unit starts mobilizing earlier"),
        ]
        if "halving" in self.marks:
            rows.append(
                (
                    self.marks["halving"],
                    "Soviet strength first down to the halving threshold",
                    f"{number(self.halving_threshold or 0, 2)} division-equivalents "
                    f"({self.halving_fraction:.0%} of the initial total)",
                )
            )
        if self.halving_fraction is not None and self.soviet_total:
            when = self.marks.get("decision") or self.marks.get("decision_deadline")
            day = day_of(r, when) if when else None
            if when and day is not None and 0 <= day < len(self.soviet_total):
                never = (
                    ""
                    if "halving" in self.marks
                    else "; it is never reached within the planning horizon"
                )
                what = "Go decision" if "decision" in self.marks else "Decision deadline"
                rows.append(
                    (
                        when,
                        f"Soviet strength on the {what.lower()}: "
                        f"{number(self.soviet_total[day], 2)} division-equivalents",
                        f"halving threshold {number(self.halving_threshold or 0, 2)}{never}",
                    )
                )
        if "decision" in self.marks:
            rows.append((self.marks["decision"], "Go decision", ""))
        lag = case.criteria.decision_deadline.decision_to_attack_days if case else None
        if "decision_deadline" in self.marks:
            note = f"the attack follows {lag} days after the decision" if lag else ""
            rows.append((self.marks["decision_deadline"], "Decision deadline", note))
        if "deadline_x_day" in self.marks and lag:
            rows.append(
                (self.marks["deadline_x_day"], "Latest X-Day the decision deadline allows", "")
            )
        last = max(
            (to_date(arrive) for u in self.committed_units if (arrive := u.get("arrive"))),
            default=None,
        )
        if last:
            rows.append((last, "Last unit arrives at its front", ""))
        if "x_day" in self.marks:
            rows.append((self.marks["x_day"], "X-Day: the attack starts", ""))
        if "last_x_day" in self.marks:
            days = case.criteria.weather.campaign_days if case else None
            note = f"leaves the {days}-day campaign time before the weather turns" if days else ""
            rows.append((self.marks["last_x_day"], "Latest X-Day the weather allows", note))
        if "weather_deadline" in self.marks:
            rows.append(
                (self.marks["weather_deadline"], "Weather deadline", "the campaign must be over")
            )
        if case:
            for req in case.shipping.south_requirements.values():
                rows.append((req.by, f"South needs {number(req.tons)} t of shipping", req.name))
        return sorted(rows, key=lambda row: row[0])
