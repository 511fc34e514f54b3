"""What an explanation may change, and what each change costs (DESIGN §1c, "Explanation costs").

A *factor* is one thing a correction may move, on a scale of its own that runs from the case's
value outward, toward what helps the attack, to its loosest value:

- a lever: the order date (earlier, down to the calendar start), the North share (larger, up to
  the largest the South allows), the withdrawal scale (faster, up to 10× history);
- a criterion: its threshold (the halving and armour-and-air fractions, the force ratio, the
  decision and weather deadlines), or for South readiness and the required arrivals only
  switching it off;
- a value the case declares uncertain (`uncertainties:`): within its declared range toward the
  end that helps (one factor), and past that end (another factor, `<path>>`), up to
  `BEYOND_WIDTHS` range widths further. A declared range on a criterion's threshold splits the
  criterion the same way: within the range, and the criterion itself past it.

Cost follows provenance, through four classes whose weights the user sets (`--weights`): a lever
is `lever`; a value within its declared range `assumption`; a value past a range whose bounds
are an assumption, or any change of an assumption with no declared range, `beyond_range`; a
value past a range that cites a source, or any change of a criterion that cites one, `sourced`.

A factor *relaxed* takes its loosest value; a *setting* maps factor names to the values they
take (the others keep the case's). `apply` turns a setting into a new case: a counterfactual is
a new case, never an edit of the old one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kantokuen.models.case import ASSUMPTION, CRITERION_NAMES, LEVER_NAMES, Case
from kantokuen.models.instance import Instance, share_bp
from kantokuen.models.paths import lookup, path_label
from kantokuen.planner.conflicts import (
    GENEROUS_WITHDRAWAL_SCALE,
    enforced_criteria,
    lever_member,
    raised_schedule,
)

COST_CLASSES = ("lever", "assumption", "beyond_range", "sourced")
DEFAULT_WEIGHTS: dict[str, float] = {
    "lever": 1,
    "assumption": 2,
    "beyond_range": 10,
    "sourced": 50,
}
"""A lever is cheap, an assumption within its declared range cheap, beyond it dear, a sourced
fact dearest (DESIGN §1c)."""

BEYOND_WIDTHS = 3
"""How far past a declared range a correction may look: this many range widths beyond the end
that helps (and never past what the field allows: no negative tons, no share above 100%)."""

OFF = "off"
"""The last value of a criterion's scale: the criterion switched off."""

BEYOND = ">"
"""Suffix of the factor that moves a declared value past its range
(`ports.dairen.tons_per_day>`)."""

THRESHOLDS = {
    "halving": "criteria.halving.fraction",
    "armour_air": "criteria.armour_air.fraction",
    "force_ratio": "criteria.force_ratio.ratio",
    "decision_deadline": "criteria.decision_deadline.date",
    "weather": "criteria.weather.deadline",
}
"""The threshold each criterion is moved by (the others can only be switched off)."""

HELPS: tuple[tuple[str, int], ...] = (
    (r"^ports\.[^.]+\.tons_per_day$", 1),
    (r"^rail\.[^.]+\.tons_per_day$", 1),
    (r"^rail\.[^.]+\.transit_days$", -1),
    (r"^sea_routes\.[^.]+\.(cycle_days|sail_days)$", -1),
    (r"^shipping\.pool\.\d+\.tons$", 1),
    (r"^shipping\.pool\.\d+\.date$", -1),
    (r"^shipping\.south_requirements\.[^.]+\.tons$", -1),
    (r"^shipping\.south_requirements\.[^.]+\.by$", 1),
    (r"^units\.[^.]+\.(mobilization_days|lift_tons|travel_to_port_days|men|available)$", -1),
    (r"^units\.[^.]+\.combat_value$", 1),
    (r"^regions\.[^.]+\.depot_men$", 1),
    (r"^fronts\.[^.]+\.(men\.|tanks\.|aircraft\.)?withdrawals\.\d+\.cumulative$", 1),
    (r"^fronts\.[^.]+\.(men\.|tanks\.|aircraft\.)?withdrawals\.\d+\.date$", -1),
    (r"^fronts\.[^.]+\.(men\.|tanks\.|aircraft\.)?formations\.\d+\.cumulative$", -1),
    (r"^fronts\.[^.]+\.(men\.|tanks\.|aircraft\.)?formations\.\d+\.date$", 1),
    (r"^fronts\.[^.]+\.(initial_strength|floor|reinforcement_share)$", -1),
    (r"^fronts\.[^.]+\.(men|tanks|aircraft)(\.initial|\.floor)?$", -1),
    (r"^soviet_reaction\.(ceiling|reinforce_per_day)$", -1),
    (r"^soviet_reaction\.detection_lag_days$", 1),
    (r"^criteria\.(halving|armour_air)\.fraction$", 1),
    (r"^criteria\.force_ratio\.(ratio|soviet_factor)$", -1),
    (r"^criteria\.decision_deadline\.date$", 1),
    (r"^criteria\.weather\.deadline$", 1),
    (r"^criteria\.weather\.campaign_days$", -1),
)
"""Which way a declared value helps the attack: +1 higher, -1 lower. A value whose direction
depends on the case (the days from decision to attack: later for the halving, earlier for the
weather) is not a factor; `factors` lists it among those left out."""

POSITIVE = {"tons_per_day", "cycle_days", "depot_men"}
SHARES = {"fraction", "reinforcement_share", "share", "north_share"}
UNITS = {
    "tons_per_day": "t/day",
    "tons": "t",
    "lift_tons": "t",
    "men": "men",
    "depot_men": "men",
    "cumulative": "div.-eq.",
    "initial_strength": "div.-eq.",
    "floor": "div.-eq.",
    "ceiling": "div.-eq.",
    "combat_value": "div.-eq.",
    "reinforce_per_day": "div.-eq./day",
}


@dataclass(frozen=True)
class Factor:
    """One thing a correction may move, on its own scale (see the module doc)."""

    name: str  # criterion name, levers.<lever>, a declared path, or <path>> past its range
    kind: str  # lever | criterion | range | beyond
    path: str  # the dotted path it sets (a switch: criteria.<name>.enabled)
    label: str
    cost_class: str
    current: Any
    grid: tuple[Any, ...]  # values by growing change; the last is the loosest
    declared: tuple[Any, Any] | None = None  # the declared range, low and high
    direction: int = 1  # +1: higher helps, -1: lower helps
    monotone: bool = True  # False: a smaller change may work where a larger one fails

    @property
    def relaxed(self) -> Any:
        return self.grid[-1]

    def words(self, value: Any) -> str:
        """A value of this factor in words: `3.34× history`, `81%`, `15 Aug 1941`, `switched
        off`, `10,500 t/day`."""
        return value_words(self.path, value)

    def change_words(self, value: Any) -> str:
        """`from 1× history to 3.34× history`, `switched off`, `from 3 div.-eq. to 12.5
        div.-eq. (past its declared range, 2 div.-eq. to 8 div.-eq.)`."""
        if value == OFF:
            return "switched off"
        text = f"from {self.words(self.current)} to {self.words(value)}"
        if self.declared is not None and self.kind != "range":
            low, high = self.declared
            text += f" (past its declared range, {self.words(low)} to {self.words(high)})"
        return text


def value_words(path: str, value: Any) -> str:
    """A value at a path in words, with one rounding rule: as precise as the scale it was
    searched on (a scale to hundredths, a share to whole percents, a date to the day)."""
    field = path.rsplit(".", 1)[-1]
    if value == OFF:
        return "switched off"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, dt.date):
        return pretty_date(value)
    if isinstance(value, tuple):
        return ", ".join(f"{s.share:.0%} from {pretty_date(s.date)}" for s in value)
    if field == "withdrawal_scale":
        return f"{value:g}× history"
    if field in SHARES:
        return f"{value * 100:g}%"
    if field == "ratio":
        return f"{value:g}:1"
    if field.endswith("_days"):
        return f"{value:g} day" if value == 1 else f"{value:,g} days"
    unit = UNITS.get(field, "")
    for measure in ("men", "tanks", "aircraft"):
        if f".{measure}." in path:
            unit = measure
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
    return f"{text} {unit}".strip()


def pretty_date(day: dt.date) -> str:
    """A date as a historian writes it: 10 Aug 1941."""
    return f"{day.day} {day:%b %Y}"


def helps(path: str) -> int | None:
    """+1 when a higher value helps the attack, -1 when a lower one does, None when it depends."""
    for pattern, sign in HELPS:
        if re.match(pattern, path):
            return sign
    return None


def step_of(width: float) -> float:
    """The scale a declared number is searched on: about a hundredth of its range's width,
    rounded to a power of ten (2,000 t/day → 10 t/day; 2 div.-eq. → 0.01)."""
    if width <= 0:
        return 0.01
    return float(10 ** (math.floor(math.log10(width)) - 2))


def _lattice(start: Any, end: Any, step: float, integer: bool) -> tuple[Any, ...]:
    """Values on a lattice of `step` strictly beyond `start`, up to and including `end`."""
    if isinstance(start, dt.date):
        sign = 1 if end > start else -1
        n = abs((end - start).days)
        return tuple(start + dt.timedelta(days=sign * k) for k in range(1, n + 1))
    sign = 1 if end > start else -1
    if integer:
        step = max(1, round(step))
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    out: list[Any] = []
    k = math.floor(start / step + 1e-9) + 1 if sign > 0 else math.ceil(start / step - 1e-9) - 1
    while (k * step - end) * sign < -1e-9:
        value = round(k * step, decimals)
        out.append(int(value) if integer else value)
        k += sign
    if start != end:
        out.append(int(end) if integer else float(end))
    return tuple(out)


def _bounded(case: Case, path: str, value: Any) -> Any:
    """A value clipped into what the field allows (a day count or capacity at least 1, a
    share at most 100%, nothing negative, a date within the calendar)."""
    field = path.rsplit(".", 1)[-1]
    if isinstance(value, dt.date):
        first = case.calendar.start
        last = first + dt.timedelta(days=case.calendar.horizon_days)
        return min(max(value, first), last)
    low: float = 1 if field in POSITIVE else 0
    if field == "cycle_days":
        route = lookup(case, path.rsplit(".", 1)[0])
        low = max(low, getattr(route, "sail_days", 1))
    value = max(value, low)
    if field in SHARES:
        value = min(value, 1)
    return value


def _provenance(case: Case, path: str) -> str:
    """The source the entity holding a path cites (its own, or its parent's), or ''."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        entity = lookup(case, ".".join(parts[:cut]))
        source = getattr(entity, "source", None)
        if isinstance(source, str) and source:
            return source
    return ""


def unranged_class(case: Case, path: str) -> str:
    """The cost of changing a value with no declared range: an assumption's change is past
    anything the case declares (`beyond_range`); anything else is a sourced rule (`sourced`)."""
    return "beyond_range" if _provenance(case, path) == ASSUMPTION else "sourced"


def factors(inst: Instance) -> tuple[list[Factor], list[str]]:
    """Every factor of the case, and the declared paths left out (with why, in words)."""
    out = _lever_factors(inst)
    case = inst.case
    declared = dict(case.uncertainties)
    left_out: list[str] = []
    for name in enforced_criteria(inst):
        out += _criterion_factors(inst, name, declared)
    for path, rng in declared.items():
        if path.startswith("levers.") or path in THRESHOLDS.values():
            continue  # a lever is a lever; a threshold's range is with its criterion
        why = _inert(inst, path)
        if why:
            left_out.append(f"{path_label(case, path)}: {why}")
            continue
        sign = helps(path)
        if sign is None:
            left_out.append(
                f"{path_label(case, path)}: whether a higher or a lower value helps depends on "
                "the case"
            )
            continue
        out += _range_factors(case, path, (rng.low, rng.high), rng.source, sign)
    return [f for f in out if f.grid], left_out


def _inert(inst: Instance, path: str) -> str:
    """Why moving a declared value changes nothing here ('' when it may)."""
    case = inst.case
    head, _, rest = path.partition(".")
    if head == "soviet_reaction" and not case.soviet_reaction.enabled:
        return "the Soviet reaction is off"
    if head == "criteria":
        name = rest.split(".", 1)[0]
        if name not in enforced_criteria(inst):
            return f"the {CRITERION_NAMES.get(name, name)} is off"
    if head == "fronts":
        tested = set()
        if inst.enabled("halving"):
            tested.add(case.criteria.halving.measure)
        if inst.enabled("armour_air"):
            tested.update(case.criteria.armour_air.measures)
        for measure in ("men", "tanks", "aircraft"):
            if f".{measure}" in f".{rest}" and measure not in tested:
                return f"no criterion in force tests Soviet {measure}"
        soviet = {"halving", "armour_air", "force_ratio"}
        if not soviet & set(enforced_criteria(inst)):
            return "no criterion in force depends on Soviet strength"
    return ""


def _range_factors(
    case: Case, path: str, declared: tuple[Any, Any], source: str, sign: int
) -> list[Factor]:
    """The factor within a declared range, toward the end that helps, and the one past it."""
    current = lookup(case, path)
    low, high = declared
    end = high if sign > 0 else low
    label = path_label(case, path)
    if isinstance(current, dt.date):
        width_days = (high - low).days
        outer = _bounded(case, path, end + dt.timedelta(days=sign * BEYOND_WIDTHS * width_days))
        within = _lattice(current, end, 1, True) if end != current else ()
        past = _lattice(end, outer, 1, True)
    else:
        integer = isinstance(current, int) and not isinstance(current, bool)
        width = float(high) - float(low)
        step = step_of(width)
        outer = _bounded(case, path, float(end) + sign * BEYOND_WIDTHS * width)
        within = _lattice(current, end, step, integer) if end != current else ()
        past = _lattice(end, outer, step, integer)
    dear = "beyond_range" if source == ASSUMPTION else "sourced"
    return [
        Factor(path, "range", path, label, "assumption", current, within, declared, sign),
        Factor(path + BEYOND, "beyond", path, label, dear, current, past, declared, sign),
    ]


def _criterion_factors(inst: Instance, name: str, declared: Mapping[str, Any]) -> list[Factor]:
    """A criterion's threshold (within its declared range, if any, and past it), or its
    switch."""
    case = inst.case
    label = CRITERION_NAMES.get(name, name)
    path = THRESHOLDS.get(name)
    if path is None:
        switch = f"criteria.{name}.enabled"
        return [
            Factor(name, "criterion", switch, label, unranged_class(case, switch), True, (OFF,))
        ]
    current = lookup(case, path)
    loosest = _loosest_threshold(inst, name)
    out: list[Factor] = []
    rng = declared.get(path)
    start = current
    cost = unranged_class(case, path)
    if rng is not None:
        sign = helps(path) or 1
        end = rng.high if sign > 0 else rng.low
        if end != current:
            within = _threshold_lattice(current, end)
            out.append(
                Factor(path, "range", path, path_label(case, path), "assumption", current,
                       within, (rng.low, rng.high), sign)
            )  # fmt: skip
            start = end
        cost = "beyond_range" if rng.source == ASSUMPTION else "sourced"
    grid = _threshold_lattice(start, loosest) if loosest != start else ()
    grid = grid + (OFF,)
    sign = -1 if name == "force_ratio" else 1
    bounds = (rng.low, rng.high) if rng is not None else None
    out.append(Factor(name, "criterion", path, label, cost, current, grid, bounds, sign))
    return out


def _threshold_lattice(start: Any, end: Any) -> tuple[Any, ...]:
    if isinstance(start, dt.date):
        return _lattice(start, end, 1, True)
    return _lattice(float(start), float(end), 0.01, False)


def _loosest_threshold(inst: Instance, name: str) -> Any:
    """The threshold past which a criterion can no longer bind within the horizon."""
    case = inst.case
    if name in ("halving", "armour_air"):
        return 1.0
    if name == "force_ratio":
        return 0.0
    last_x = case.date(inst.horizon)
    if name == "decision_deadline":
        return max(
            last_x - dt.timedelta(days=inst.decision_lag), case.criteria.decision_deadline.date
        )
    days = case.criteria.weather.campaign_days
    return max(last_x + dt.timedelta(days=days), case.criteria.weather.deadline)


def _lever_factors(inst: Instance) -> list[Factor]:
    """The order date, the North share and the withdrawal scale, each on its own grid (days,
    whole percents, hundredths), when it can be relaxed at all."""
    case = inst.case
    levers = case.levers
    out: list[Factor] = []
    reaction = case.soviet_reaction.enabled
    if levers.mobilization_order > case.calendar.start:
        grid = _lattice(levers.mobilization_order, case.calendar.start, 1, True)
        out.append(_lever(inst, "mobilization_order", grid, monotone=not reaction))
    share = levers.north_share
    limit = inst.south_share_limit_bp
    if isinstance(share, tuple) and limit is not None:
        by_day = inst.share_by_day
        assert by_day is not None
        low = min(by_day) // 100
        steps = [raised_schedule(inst, p * 100) for p in range(low + 1, limit // 100 + 1)]
        grid = tuple(s for s in steps if s is not None)
        if grid:
            out.append(_lever(inst, "north_share", grid))
    elif isinstance(share, float | int) and limit is not None and share_bp(share) != limit:
        # Below the South's limit a larger share helps the movement; above it, only coming
        # down to the limit leaves the South its requirements.
        now, top = share_bp(share) / 100, limit // 100
        step = 1 if now < top else -1
        start = math.floor(now) + 1 if step > 0 else math.ceil(now) - 1
        grid = tuple(p / 100 for p in range(start, top + step, step))
        out.append(_lever(inst, "north_share", grid or (top / 100,)))
    soviet_matters = any(inst.enabled(n) for n in ("halving", "armour_air", "force_ratio"))
    if soviet_matters and levers.withdrawal_scale < GENEROUS_WITHDRAWAL_SCALE:
        grid = _lattice(levers.withdrawal_scale, GENEROUS_WITHDRAWAL_SCALE, 0.01, False)
        ceiling = reaction and case.soviet_reaction.reinforce_per_day > 0
        out.append(_lever(inst, "withdrawal_scale", grid, monotone=not ceiling))
    return out


def _lever(inst: Instance, lever: str, grid: tuple[Any, ...], monotone: bool = True) -> Factor:
    current = getattr(inst.case.levers, lever)
    name = lever_member(lever)
    return Factor(
        name, "lever", name, LEVER_NAMES[lever], "lever", current, grid, None, 1, monotone
    )


# --- Settings: factor values → a new case ---------------------------------------------------


def paths_of(setting: Mapping[str, Any], by_name: Mapping[str, Factor]) -> dict[str, Any]:
    """The dotted paths a setting changes and their values. A criterion set to OFF is switched
    off; where a range's factor and the one past it are both set, the one past it wins."""
    out: dict[str, Any] = {}
    if setting.get("south_readiness") == OFF:
        # A North share lowered toward the South's limit only serves the South: with South
        # readiness off it stays as in the case.
        share = by_name.get(lever_member("north_share"))
        value = setting.get(lever_member("north_share"))
        if share is not None and isinstance(value, float) and value < share.current:
            setting = {k: v for k, v in setting.items() if k != share.name}
    for name, value in sorted(setting.items(), key=lambda kv: by_name[kv[0]].kind == "beyond"):
        factor = by_name[name]
        if value == OFF:
            out[f"criteria.{factor.name}.enabled"] = False
        elif factor.kind == "criterion" and factor.path.endswith(".enabled"):
            out[factor.path] = value
        else:
            out[factor.path] = value
    return out
