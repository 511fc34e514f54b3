"""The facts a report shows, in a historian's words: dates not day numbers, names not ids.

HTML, Markdown and the charts all read these views, so the formats say the same thing.
A `Subject` is one result with the case that produced it when that case is known; a view
never guesses a number it cannot get from the result or the case, it says what is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypedDict, overload

from kantokuen.models.case import (
    ASSUMPTION,
    COUNT_MEASURES,
    CRITERION_LABELS,
    HORIZON_LABEL,
    HORIZON_MEMBER,
    LEVER_LABELS,
    Case,
)
from kantokuen.models.paths import MISSING, lookup, path_label
from kantokuen.models.paths import long_date as long_date
from kantokuen.models.paths import words as words
from kantokuen.models.plan import CriterionResult, Result, UnitRow
from kantokuen.models.provenance import source_usage, unsourced
from kantokuen.reports.certificate import certificate_lines
from kantokuen.reports.text import share_text

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FRONT_REF = re.compile(r"(front: )([A-Za-z0-9_-]+)")
UNIT_WORDS = {"div.-eq.": "division-equivalents", "t": "tons", "days": "days"}
LEG_LABELS = {
    "mobilize": "mobilizing",
    "to_port": "to port / waiting",
    "sea": "at sea",
    "unload": "unloading",
    "wait_rail": "waiting for a train",
    "rail": "by rail",
}


class UseRow(TypedDict):
    """One resource's use, as the bottleneck table shows it (`share_value` sorts the rows)."""

    resource: str
    activity: str
    capacity: str
    peak: str
    share: str
    share_value: float
    full_days: str
    full_span: str
    css: str


# ---------------------------------------------------------------- dates and numbers in words


@overload
def to_date(iso: str | dt.date) -> dt.date: ...
@overload
def to_date(iso: None) -> None: ...
@overload
def to_date(iso: str | dt.date | None) -> dt.date | None: ...
def to_date(iso: str | dt.date | None) -> dt.date | None:
    if iso is None or isinstance(iso, dt.date):
        return iso
    return dt.date.fromisoformat(iso)


def short_date(value: str | dt.date | None) -> str:
    """`1941-08-10` → `10 Aug`."""
    d = to_date(value)
    return f"{d.day} {d:%b}" if d else "—"


def number(value: float, digits: int = 1) -> str:
    """Thousands separators, no needless decimals: 12000 → `12,000`, 2.50 → `2.5`."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- the subject of a report


@dataclass(frozen=True)
class Subject:
    """One result to report, with the case that produced it (None when it cannot be re-loaded)."""

    result: Result
    case: Case | None = None
    base: Case | None = None  # the case before the scenario and --set (for "was" values)
    case_note: str = ""  # why the case is missing, shown on the page
    label: str = ""
    movement: Result | None = None  # a no-go's movement alone (analysis.movement), for its map

    @property
    def title(self) -> str:
        return self.label or self.result.scenario or "base case"


def day_of(result: Result, iso: str | dt.date | None) -> int | None:
    d = to_date(iso)
    return None if d is None else (d - dt.date.fromisoformat(result.calendar_start)).days


def date_of(result: Result, day: int) -> dt.date:
    return dt.date.fromisoformat(result.calendar_start) + dt.timedelta(days=day)


class View:
    """Everything the report says about one subject, computed once."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.result = subject.result
        self.case = subject.case

    # -------------------------------------------------------------- names

    @property
    def title(self) -> str:
        return self.subject.title

    @property
    def case_title(self) -> str:
        if self.case and self.case.title:
            return self.case.title
        return self.result.case

    def front_name(self, front: str) -> str:
        if self.case and front in self.case.fronts:
            return self.case.fronts[front].name
        return words(front)

    @property
    def fronts(self) -> list[str]:
        if self.case:
            return list(self.case.fronts)
        return list(self.result.strength.get("soviet", {}) or self.result.force_ratio)

    def port_name(self, port: str) -> str:
        if self.case and port in self.case.ports:
            return self.case.ports[port].name
        return words(port)

    def rail_name(self, line: str) -> str:
        """A rail line as `start → front`, e.g. `Pusan → Eastern front`."""
        if self.case and line in self.case.rail:
            rail = self.case.rail[line]
            start = (
                self.case.ports[rail.start].name
                if rail.start in self.case.ports
                else self.case.regions[rail.start].name
                if rail.start in self.case.regions
                else rail.start
            )
            return f"{start} → {self.front_name(rail.front)}"
        return words(line)

    # -------------------------------------------------------------- verdict

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
            proof = (
                "the earliest possible day"
                if r.status.value == "OPTIMAL"
                else "the best day found in the time allowed (not proven earliest)"
            )
            return f"The attack can start on {long_date(r.x_day)}{after}: {proof}."
        if self.verdict == "NO-GO":
            return (
                "No attack day satisfies every criterion: the operation cannot go ahead as planned."
            )
        return (
            f"The solver found no answer within its time limit ({r.status.value}); "
            "this is neither a go nor a proven no-go."
        )

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

    # -------------------------------------------------------------- key dates

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

    def _criterion(self, name: str) -> CriterionResult | None:
        return next((c for c in self.result.criteria if c.name == name), None)

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
                c = self._criterion(name)
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

    # -------------------------------------------------------------- criteria

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
    def certificate_lines(self) -> list[str]:
        """A no-go's proof: which X-Days each reason rules out (reports.certificate)."""
        return certificate_lines(self.result)

    def in_words(self, text: str) -> str:
        """Planner detail text for a reader: ISO dates written out, front ids as names."""
        text = ISO_DATE.sub(lambda m: long_date(m.group(0)), text)
        return FRONT_REF.sub(lambda m: f"{m.group(1)}{self.front_name(m.group(2))}", text)

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
    def has_margins(self) -> bool:
        return any(c.margin is not None for c in self.result.criteria)

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

    def margin_for(self, name: str) -> str:
        """Short margin cell for the comparison table."""
        c = self._criterion(name)
        if c is None:
            return "—"
        status, _ = self.criterion_status(c)
        if not c.enabled:
            return "off"
        margin = self.margin_text(c)
        return f"{status}; {margin}" if margin else status

    # -------------------------------------------------------------- forces and shipping

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

    @property
    def shipping_text(self) -> dict[str, str]:
        s = self.result.shipping
        if not s:
            return {}
        return {
            "north": f"{number(s['north_tons'])} t ({s['north_share']:.0%})",
            "south": f"{number(s['south_tons'])} t ({1 - s['north_share']:.0%})",
            "peak_at_sea": f"{number(s['north_peak_at_sea'])} t",
            "pool_peak": f"{number(s['pool_peak'])} t",
            "moved": f"{number(s['sea_tons_moved'])} t",
        }

    @cached_property
    def utilization_rows(self) -> list[UseRow]:
        """Per resource: capacity, busiest day, and the days it ran at full capacity."""
        usage = self.result.usage
        if not usage:
            return []
        rows = []
        ship = usage.get("shipping", {})
        if ship:
            used, cap = ship.get("used", []), ship.get("north_capacity", [])
            rows.append(self._use_row("Shipping (North)", "at sea", used, cap, "GRT"))
        first = rows[:1]
        rows = []
        for port, p in usage.get("ports", {}).items():
            cap = [p["capacity"]] * len(p["loaded"])
            if any(p["loaded"]):
                rows.append(
                    self._use_row(f"Port of {self.port_name(port)}", "loading", p["loaded"], cap)
                )
            if any(p["unloaded"]):
                rows.append(
                    self._use_row(
                        f"Port of {self.port_name(port)}", "unloading", p["unloaded"], cap
                    )
                )
        for line, rail in usage.get("rail", {}).items():
            if any(rail["entrained"]):
                cap = [rail["capacity"]] * len(rail["entrained"])
                # Each facility in its own measure: a line counts tons or trains.
                unit = "trains" if rail.get("measure") == "trains" else "t"
                rows.append(
                    self._use_row(
                        f"Rail {self.rail_name(line)}", "entraining", rail["entrained"], cap, unit
                    )
                )
        # Busiest first: the bottlenecks are what a reader is looking for.
        return first + sorted(rows, key=lambda row: (-int(row["full_days"]), -row["share_value"]))

    def _use_row(
        self,
        resource: str,
        activity: str,
        used: Sequence[float],
        cap: Sequence[float],
        unit: str = "t",
    ) -> UseRow:
        peak = max(used, default=0)
        peak_day = used.index(peak) if used else 0
        full = [d for d, (u, c) in enumerate(zip(used, cap, strict=False)) if c and u >= c]
        capacity = (
            f"{number(min(cap))}–{number(max(cap))} {unit}"
            if cap and min(cap) != max(cap)
            else f"{number(cap[0] if cap else 0)} {unit}"
        )
        return {
            "resource": resource,
            "activity": activity,
            "capacity": capacity,
            "peak": f"{number(peak)} {unit} on {short_date(date_of(self.result, peak_day))}",
            "share": f"{peak / max(cap[peak_day], 1):.0%}" if cap else "",
            "share_value": peak / max(cap[peak_day], 1) if cap else 0.0,
            "full_days": str(len(full)),
            "full_span": _days_text(self.result, full),
            "css": "bad" if full else "",
        }

    # -------------------------------------------------------------- overrides and sources

    @cached_property
    def override_rows(self) -> list[dict[str, str]]:
        rows = []
        for ov in self.result.overrides:
            path, value = str(ov["path"]), ov["value"]
            was = lookup(self.subject.base, path) if self.subject.base else MISSING
            rows.append(
                {
                    "label": path_label(self.case or self.subject.base, path),
                    "path": path,
                    "value": value_text(path, value),
                    "was": "" if was is MISSING else value_text(path, was),
                    "origin": "command line (--set)"
                    if ov["origin"] == "--set"
                    else f"scenario {ov['origin']}",
                }
            )
        return rows

    @cached_property
    def scenario_description(self) -> str:
        case, name = self.case or self.subject.base, self.result.scenario
        if case and name and name in case.scenarios:
            return case.scenarios[name].description
        return ""

    @cached_property
    def source_rows(self) -> list[dict[str, Any]]:
        """Every source the case's numbers cite, with what it is used for; then the unsourced."""
        case = self.case
        if case is None:
            return []
        rows = []
        usage = source_usage(case)
        for key in [k for k in case.sources if k in usage] + [
            k for k in usage if k not in case.sources
        ]:
            paths = usage[key]
            src = case.sources.get(key)
            used = [path_label(case, p) for p in paths]
            if key == ASSUMPTION:
                used = [
                    f"{path_label(case, p)}: {entity_note(case, p)}".rstrip(": ") for p in paths
                ]
            rows.append(
                {
                    "key": key,
                    "title": src.title if src else ("Assumption" if key == ASSUMPTION else key),
                    "where": src.where if src else "",
                    "note": src.note
                    if src
                    else (
                        "a value without a historical source; the reason is given for each"
                        if key == ASSUMPTION
                        else ""
                    ),
                    "used": used,
                }
            )
        missing = unsourced(case)
        if missing:
            rows.append(
                {
                    "key": "",
                    "title": "No source given",
                    "where": "",
                    "note": "numbers that cite nothing",
                    "used": [path_label(case, ".".join(str(p) for p in path)) for path in missing],
                }
            )
        for key, src in case.sources.items():
            if key not in usage:
                rows.append(
                    {
                        "key": key,
                        "title": src.title,
                        "where": src.where,
                        "note": src.note,
                        "used": ["(listed in the case; no number cites it directly)"],
                    }
                )
        return rows


def _days_text(result: Result, days: list[int]) -> str:
    """A few days listed (`18 Jul, 1 Aug`), many as a span (`12 days between 3 Jul and 1 Aug`)."""
    if not days:
        return ""
    if len(days) <= 3:
        return ", ".join(short_date(date_of(result, d)) for d in days)
    if days[-1] - days[0] + 1 == len(days):
        return f"{short_date(date_of(result, days[0]))} – {short_date(date_of(result, days[-1]))}"
    return (
        f"between {short_date(date_of(result, days[0]))} and "
        f"{short_date(date_of(result, days[-1]))}"
    )


# ---------------------------------------------------------------- paths of the case in words


def entity_note(case: Case, path: str) -> str:
    entity = lookup(case, path)
    return getattr(entity, "note", "") or "" if entity is not MISSING else ""


def value_text(path: str, value: Any) -> str:
    """An override value in words: shares as percentages, dates in full, switches as on/off."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if path.endswith("north_share") and isinstance(value, (int, float)):
        return f"{value:.0%}"
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, str):
        try:
            return long_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float | int):
        return number(float(value), 3)
    if isinstance(value, dict):
        if not value:
            return "none (emptied)"
        if "name" in value:
            count = value.get("count")
            return f"{value['name']}" + (
                f" ×{count}" if isinstance(count, int) and count > 1 else ""
            )
        return "; ".join(
            f"{words(str(k)).lower()} {value_text(str(k), v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(value_text(path, v) for v in value) or "none"
    return str(value)


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
