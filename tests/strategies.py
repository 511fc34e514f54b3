"""Hypothesis strategies for cases: cases with a witness plan, and tightened cases that may be
no-go.

A witnessed case is built backwards: first a small transport network and units, then a plan
for them (mobilization, sailing, rail, arrival days), then every capacity, deadline and
criterion chosen so that this plan satisfies the case. The planner must then answer go, with
an X-Day no later than the witness's. `tightened_cases` turns random knobs of a witnessed case
the hard way (less shipping, earlier deadlines, a higher force ratio, ...), which gives cases on
both sides of the go/no-go line with every feature: `count:` expansion, auto split, Soviet
reaction, optional units, every criterion on or off, several moves per unit.

Cases are plain data first (JSON-able: dates as ISO strings), so tests can write them as YAML
for the loader, and `models.case.Case.model_validate` makes the Case.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import assume
from hypothesis import strategies as st

from kantokuen.models.case import Case
from kantokuen.models.instance import BP, Instance
from kantokuen.models.plan import Plan, UnitPlan
from kantokuen.models.verify import combat_arrived, port_loads, rail_loads, shipping_in_use, verify

Data = dict[str, Any]

# Optional units that can never be mobilized in time (the planner must leave them home;
# see tests/property/test_witness.py::test_unit_available_after_the_horizon).
LATE_OPTIONAL_UNITS = True

# Far beyond any capacity a generated plan needs: placeholder before real capacities are set.
UNLIMITED = 10**9


@dataclass(frozen=True)
class Sizes:
    """How big generated cases get (small keeps every solve well under a second)."""

    max_templates: int = 3
    max_count: int = 3
    max_units: int = 6
    max_fronts: int = 2
    max_leg_days: int = 3
    max_wait: int = 3
    max_slack: int = 4


SMALL = Sizes()
# For the brute force: at most 4 units, short legs and little waiting, so horizons stay tiny.
TINY = Sizes(
    max_templates=3, max_count=2, max_units=4, max_fronts=2, max_leg_days=2, max_wait=1, max_slack=1
)


@dataclass(frozen=True)
class Witnessed:
    """A valid case and a plan that satisfies it."""

    data: Data
    case: Case
    plan: Plan

    @property
    def instance(self) -> Instance:
        return Instance(self.case)


def iso(start: dt.date, day: int) -> str:
    return (start + dt.timedelta(days=day)).isoformat()


class _Dumper(yaml.SafeDumper):
    """PyYAML's dumper, except that text holding a YAML line break other than \n (NEL U+0085,
    U+2028, U+2029) is double-quoted: PyYAML writes those raw inside single quotes, where YAML
    folds them into a space, so the text would not read back as written."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(c in value for c in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(data: Data) -> str:
    """Case data as block-style YAML text (what a user would write)."""
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


# --- The static network ------------------------------------------------------------------


@st.composite
def _network(draw: st.DrawFn, sizes: Sizes) -> Data:
    """Regions, ports, sea routes, rail lines and fronts (capacities still unlimited)."""
    start = draw(st.dates(dt.date(1940, 1, 1), dt.date(1942, 12, 31)))
    fronts = ["east", "west"][: draw(st.integers(1, sizes.max_fronts))]
    embark = ["moji", "osaka"][: draw(st.integers(1, 2))]
    debark = ["pusan", "rashin"][: draw(st.integers(1, 2))]
    pairs = [(e, d) for e in embark for d in debark]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    leg = st.integers(0, sizes.max_leg_days)
    routes = {}
    for e, d in chosen:
        sail = draw(leg)
        routes[f"{e}_{d}"] = {
            "embark": e,
            "debark": d,
            "sail_days": sail,
            "cycle_days": max(1, sail) + draw(leg),
        }
    rail = {}
    for front in fronts:
        rail[f"korea_{front}"] = {
            "start": "korea",
            "front": front,
            "tons_per_day": UNLIMITED,
            "transit_days": draw(leg),
        }
        for d in sorted({r["debark"] for r in routes.values()}):
            rail[f"{d}_{front}"] = {
                "start": d,
                "front": front,
                "tons_per_day": UNLIMITED,
                "transit_days": draw(leg),
            }
    ports = {p: {"name": p.title(), "region": "home", "tons_per_day": UNLIMITED} for p in embark}
    ports |= {p: {"name": p.title(), "region": "korea", "tons_per_day": UNLIMITED} for p in debark}
    return {
        "name": "generated",
        "calendar": {"start": start.isoformat(), "horizon_days": 1},
        "regions": {
            "home": {"name": "Home islands"},
            "korea": {"name": "Korea", "rail_only": True},
        },
        "ports": ports,
        "sea_routes": routes,
        "rail": rail,
        "fronts": {f: {"name": f.title(), "initial_strength": 0.0} for f in fronts},
    }


@st.composite
def _units(draw: st.DrawFn, net: Data, sizes: Sizes, order_day: int) -> Data:
    """Unit templates: home units go by sea (one or two allowed moves), Korean units by rail."""
    fronts = list(net["fronts"])
    routes = net["sea_routes"]
    units: Data = {}
    budget = sizes.max_units
    for i in range(draw(st.integers(1, sizes.max_templates))):
        if budget == 0:
            break
        count = draw(st.integers(1, min(sizes.max_count, budget)))
        budget -= count
        front = draw(st.sampled_from(fronts))
        origin = draw(st.sampled_from(["home", "korea"]))
        if origin == "korea":
            moves = [{"rail": f"korea_{front}"}]
        else:
            options = [{"sea": key, "rail": f"{r['debark']}_{front}"} for key, r in routes.items()]
            moves = draw(
                st.lists(
                    st.sampled_from(options), min_size=1, max_size=2, unique_by=lambda m: m["sea"]
                )
            )
        required = draw(st.booleans()) or i == 0
        unit: Data = {
            "name": f"Unit {i}",
            "origin": origin,
            "men": draw(st.integers(0, 200)) * 100,
            "lift_tons": draw(st.integers(1, 5)) * 1000,
            "mobilization_days": draw(st.integers(0, sizes.max_leg_days)),
            "combat_value": draw(st.integers(0, 6)) / 2,
            "front": front,
            "required": required,
            "moves": moves,
        }
        if count > 1:
            unit["count"] = count
        if origin == "home" and draw(st.booleans()):
            unit["travel_to_port_days"] = draw(st.integers(0, sizes.max_leg_days))
        if draw(st.integers(0, 3)) == 0:
            unit["available_day"] = order_day + draw(st.integers(-2, 2))
        if LATE_OPTIONAL_UNITS and not required and draw(st.integers(0, 4)) == 0:
            unit["available_day"] = order_day + 60  # never in time: the planner must leave it home
            unit["_late"] = True
        units[f"u{i}"] = unit
    return units


# --- The witness plan --------------------------------------------------------------------


def _expanded(units: Data) -> list[tuple[str, str, Data]]:
    """(unit id, template key, template) after `count:` expansion, in the case's order."""
    from kantokuen.models.instance import unit_ids

    return [(uid, key, u) for key, u in units.items() for uid in unit_ids(key, u.get("count", 1))]


@st.composite
def _witness_plan(
    draw: st.DrawFn, net: Data, units: Data, sizes: Sizes, order_day: int
) -> list[UnitPlan]:
    """A timeline for every unit that respects every duration rule (not yet any capacity)."""
    wait = st.integers(0, sizes.max_wait)
    plans = []
    for uid, _key, u in _expanded(units):
        committed = u["required"] or (not u.get("_late") and draw(st.booleans()))
        if not committed:
            plans.append(UnitPlan(id=uid, committed=False))
            continue
        earliest = max(order_day, u.get("available_day", 0))
        k = draw(st.integers(0, len(u["moves"]) - 1))
        move = u["moves"][k]
        mobilize = earliest + draw(wait)
        ready = mobilize + u["mobilization_days"]
        sail = debark = None
        if "sea" in move:
            route = net["sea_routes"][move["sea"]]
            sail = ready + u.get("travel_to_port_days", 0) + draw(wait)
            debark = sail + route["sail_days"]
            entrain = debark + draw(wait)
        else:
            entrain = ready + draw(wait)
        arrive = entrain + net["rail"][move["rail"]]["transit_days"]
        plans.append(
            UnitPlan(
                id=uid,
                committed=True,
                move=k,
                mobilize=mobilize,
                ready=ready,
                sail=sail,
                debark=debark,
                entrain=entrain,
                arrive=arrive,
            )
        )
    return plans


def _last_day_used(net: Data, units: Data, plans: list[UnitPlan]) -> int:
    """Last day any leg of the plan needs, including ships coming back."""
    last = 0
    for (_uid, _key, u), p in zip(_expanded(units), plans, strict=True):
        if not p.committed:
            continue
        assert p.arrive is not None
        last = max(last, p.arrive)
        if p.sail is not None:
            cycle = net["sea_routes"][u["moves"][p.move or 0]["sea"]]["cycle_days"]
            last = max(last, p.sail + cycle - 1)
    return last


# --- Soviet side -------------------------------------------------------------------------


@st.composite
def _soviets(draw: st.DrawFn, net: Data, horizon: int) -> tuple[Data, Data, float]:
    """Fronts (strength, floor, withdrawals, formations, reinforcement shares), the reaction,
    the scale."""
    fronts = {}
    shares = (
        [1.0]
        if len(net["fronts"]) == 1
        else [s := draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])), 1 - s]
    )
    for (key, front), share in zip(net["fronts"].items(), shares, strict=True):
        initial = draw(st.integers(0, 20)) / 2
        points, day, total = [], 0, 0.0
        for _ in range(draw(st.integers(0, 3))):
            day += draw(st.integers(1, max(2, horizon // 2)))
            total += draw(st.integers(0, 8)) / 4
            points.append({"date": day, "cumulative": total})
        formed, day, total = [], 0, 0.0
        for _ in range(draw(st.integers(0, 2))):  # new formations raised on the spot
            day += draw(st.integers(1, max(2, horizon // 2)))
            total += draw(st.integers(0, 4)) / 4
            formed.append({"date": day, "cumulative": total})
        fronts[key] = {
            **front,
            "initial_strength": initial,
            "floor": draw(st.integers(0, int(initial))) / 2,
            "withdrawals": points,
            "formations": formed,
            "reinforcement_share": share,
        }
    reaction: Data = {"enabled": draw(st.booleans())}
    if reaction["enabled"]:
        reaction |= {
            "detection_lag_days": draw(st.integers(0, 6)),
            "halt_withdrawals": draw(st.booleans()),
            "reinforce_per_day": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
            "ceiling": float(draw(st.integers(0, 30))),
        }
    scale = draw(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0]))
    return fronts, reaction, scale


# --- Capacities from the witness's usage ---------------------------------------------------


def _max_lift_using(units: Data, net: Data) -> dict[str, int]:
    """Largest lift of any unit that may use each port or rail line (the case format requires
    every unit to fit a port's or line's daily capacity)."""
    out: dict[str, int] = {}
    for u in units.values():
        for m in u["moves"]:
            places = [m["rail"]]
            if "sea" in m:
                route = net["sea_routes"][m["sea"]]
                places += [route["embark"], route["debark"]]
            for p in places:
                out[p] = max(out.get(p, 0), u["lift_tons"])
    return out


def _peak_men(inst: Instance, plan: Plan, region: str) -> int:
    load: dict[int, int] = {}
    by_id = {u.id: u for u in plan.units}
    for spec in inst.units:
        up = by_id[spec.id]
        if spec.origin != region or not up.committed or up.mobilize is None:
            continue
        for d in range(up.mobilize, up.mobilize + spec.mobilization_days):
            load[d] = load.get(d, 0) + spec.men
    return max(load.values(), default=0)


@st.composite
def _capacities(draw: st.DrawFn, data: Data, plan: Plan) -> None:
    """Ports, rail lines, depots and the shipping pool just big enough (or bigger) for the plan."""
    inst = Instance(Case.model_validate(data))
    extra = st.sampled_from([0, 0, 500, 2000, 10_000])
    need = _max_lift_using(data["units"], data)
    for leg in ("embark", "debark"):
        for port, days in port_loads(inst.case, plan, leg).items():
            need[port] = max(need.get(port, 0), max(days.values()))
    for line, days in rail_loads(inst.case, plan).items():
        need[line] = max(need.get(line, 0), max(days.values()))
    for key, port in data["ports"].items():
        port["tons_per_day"] = max(1, need.get(key, 0)) + draw(extra)
    for key, line in data["rail"].items():
        line["tons_per_day"] = max(1, need.get(key, 0)) + draw(extra)
    for region in ("home", "korea"):
        if draw(st.booleans()):
            data["regions"][region]["depot_men"] = max(1, _peak_men(inst, plan, region)) + draw(
                extra
            )
    used = shipping_in_use(inst.case, plan)
    data["shipping"] = {"pool": _pool_steps(draw, data, used, plan.north_share_bp)}


def _pool_steps(draw: st.DrawFn, data: Data, used: list[int], bp: int) -> list[Data]:
    """A stepwise pool that covers the North's use each day at share `bp`."""
    horizon = len(used) - 1
    first_use = next((d for d, t in enumerate(used) if t > 0), horizon)
    days = [draw(st.integers(0, first_use))]
    for _ in range(draw(st.integers(0, 2))):
        days.append(days[-1] + draw(st.integers(1, max(1, horizon // 2))))
    start = dt.date.fromisoformat(data["calendar"]["start"])
    steps = []
    for i, day in enumerate(days):
        end = days[i + 1] if i + 1 < len(days) else horizon + 1
        peak = max(used[day:end], default=0)
        tons = -(-peak * BP // bp) if peak else 0
        steps.append(
            {"date": iso(start, day), "tons": tons + draw(st.sampled_from([0, 0, 1000, 5000]))}
        )
    return steps


def _south_requirements(draw: st.DrawFn, inst: Instance, bp: int) -> Data:
    """South requirements the witness's share still leaves room for."""
    reqs = {}
    for i in range(draw(st.integers(0, 2))):
        day = draw(st.integers(0, inst.horizon + 3))
        pool = inst.pool[min(day, inst.horizon)]
        room = (BP - bp) * pool // BP
        reqs[f"south{i}"] = {
            "by": inst.case.date(day).isoformat(),
            "tons": draw(st.integers(0, room)),
        }
    return reqs


# --- Criteria from the witness -----------------------------------------------------------


def _force_ratio_for(inst: Instance, plan: Plan, factor: float, q: float) -> float:
    """A ratio (2 decimals) the witness meets at its X-Day: `q` of the largest it could meet."""
    arrived = combat_arrived(inst.case, plan, plan.x_day)
    strength = {f: s[plan.x_day] for f, s in inst.strength.items()}
    limits = [arrived[f] / (factor * s) for f, s in strength.items() if s > 0 and factor > 0]
    best = min(limits, default=5.0)
    ratio = math.floor(min(best, 5.0) * q * 100) / 100
    return ratio


def _halving_fraction_for(inst: Instance, decision: int) -> float | None:
    """Smallest 2-decimal fraction at which halving holds on the decision day (None: never)."""
    totals = [sum(s[d] for s in inst.strength.values()) for d in (0, decision)]
    if totals[0] == 0:
        return 0.0 if totals[1] == 0 else None
    if totals[1] > totals[0]:
        return None
    return min(1.0, math.ceil(totals[1] / totals[0] * 100) / 100)


@st.composite
def _criteria(draw: st.DrawFn, data: Data, plan: Plan, lag: int) -> None:
    """Every criterion, on or off; the enabled ones hold for the witness (some of them tightly)."""
    start = dt.date.fromisoformat(data["calendar"]["start"])
    order_day = (dt.date.fromisoformat(data["levers"]["mobilization_order"]) - start).days
    x, decision = plan.x_day, plan.x_day - lag
    on = {
        name: draw(st.booleans())
        for name in ("halving", "force_ratio", "decision_deadline", "weather", "south_readiness")
    }
    slack = st.sampled_from([0, 0, 1, 3])
    campaign = draw(st.integers(0, 5))
    crit: Data = {
        "halving": {"enabled": on["halving"], "fraction": 1.0},
        "force_ratio": {
            "enabled": on["force_ratio"],
            "ratio": 0.0,
            "soviet_factor": draw(st.sampled_from([0.5, 1.0, 1.5])),
        },
        "decision_deadline": {
            "enabled": on["decision_deadline"],
            "decision_to_attack_days": lag,
            "date": iso(start, max(decision, order_day) + draw(slack)),
        },
        "weather": {
            "enabled": on["weather"],
            "campaign_days": campaign,
            "deadline": iso(start, max(x + campaign, order_day) + draw(slack)),
        },
        "south_readiness": {"enabled": on["south_readiness"]},
        "required_arrivals": {"enabled": data["criteria"]["required_arrivals"]["enabled"]},
    }
    data["criteria"] = crit
    inst = Instance(Case.model_validate(data))
    fraction = _halving_fraction_for(inst, decision)
    if fraction is None:
        crit["halving"] = {"enabled": False, "fraction": draw(st.integers(0, 100)) / 100}
    else:
        crit["halving"]["fraction"] = min(
            1.0, fraction + draw(st.sampled_from([0, 0, 1, 10])) / 100
        )
    q = draw(st.sampled_from([1.0, 1.0, 0.8, 0.5, 0.0]))
    ratio = _force_ratio_for(inst, plan, crit["force_ratio"]["soviet_factor"], q)
    # Float rounding can put ratio × strength a hair above what arrived: step down until it fits.
    while True:
        crit["force_ratio"]["ratio"] = ratio
        inst = Instance(Case.model_validate(data))
        arrived = combat_arrived(inst.case, plan, x)
        if all(arrived[f] >= need[x] for f, need in inst.force_needed.items()) or ratio == 0:
            break
        ratio = max(0.0, round(ratio - 0.01, 2))


# --- Putting it together -----------------------------------------------------------------


@st.composite
def witnessed_cases(draw: st.DrawFn, sizes: Sizes = SMALL, share: str = "any") -> Witnessed:
    """A valid case together with a plan that the verifier accepts for it.

    `share`: "fixed", "auto" or "any" (how the North share lever is set).
    """
    net = draw(_network(sizes))
    start = dt.date.fromisoformat(net["calendar"]["start"])
    order_day = draw(st.integers(0, 3))
    units = draw(_units(net, sizes, order_day))
    plans = draw(_witness_plan(net, units, sizes, order_day))
    required_on = draw(st.integers(0, 3)) > 0
    lag = draw(st.integers(0, 3))
    arrivals = [
        p.arrive
        for (_, _, u), p in zip(_expanded(units), plans, strict=True)
        if u["required"] and p.arrive is not None
    ]
    lo = max([lag] + (arrivals if required_on else []))
    x = lo + draw(st.integers(0, 2))
    horizon = max(_last_day_used(net, units, plans), x) + draw(st.integers(0, sizes.max_slack))
    auto = share == "auto" or (share == "any" and draw(st.booleans()))
    uses_ships = any(p.sail is not None for p in plans)
    if auto:
        bp = draw(st.integers(1 if uses_ships else 0, 100)) * 100
        lever: Any = "auto"
    else:
        lever = draw(st.integers(1 if uses_ships else 0, 20)) / 20
        bp = round(lever * BP)
    for u in units.values():
        u.pop("_late", None)
        if "available_day" in u:
            u["available"] = iso(start, max(0, u.pop("available_day")))
    fronts, reaction, scale = draw(_soviets(net, horizon))
    data: Data = {
        **net,
        "calendar": {"start": start.isoformat(), "horizon_days": max(1, horizon)},
        "levers": {
            "mobilization_order": iso(start, order_day),
            "north_share": lever,
            "withdrawal_scale": scale,
        },
        "shipping": {"pool": [{"date": start.isoformat(), "tons": UNLIMITED}]},
        "fronts": {
            k: {
                **f,
                "withdrawals": [
                    {"date": iso(start, p["date"]), "cumulative": p["cumulative"]}
                    for p in f["withdrawals"]
                ],
                "formations": [
                    {"date": iso(start, p["date"]), "cumulative": p["cumulative"]}
                    for p in f["formations"]
                ],
            }
            for k, f in fronts.items()
        },
        "soviet_reaction": reaction,
        "units": units,
        "criteria": {
            "decision_deadline": {"date": iso(start, 10**3), "decision_to_attack_days": lag},
            "weather": {"deadline": iso(start, 10**3), "campaign_days": 0},
            "required_arrivals": {"enabled": required_on},
        },
    }
    plan = Plan(x_day=x, north_share_bp=bp, units=tuple(plans))
    draw(_capacities(data, plan))
    inst = Instance(Case.model_validate(data))
    data["shipping"]["south_requirements"] = _south_requirements(draw, inst, bp)
    draw(_criteria(data, plan, lag))
    case = Case.model_validate(data)
    problems = verify(case, plan)
    if problems:  # the generator's own promise: a failure here is a bug in the verifier or here
        raise AssertionError(f"witness plan fails verification: {[str(p) for p in problems]}")
    return Witnessed(data, case, plan)


# --- Tightening: cases on both sides of the go/no-go line ---------------------------------


def _tighten_pool(draw: st.DrawFn, data: Data) -> None:
    factor = draw(st.sampled_from([0.25, 0.5, 0.75, 0.9]))
    for step in data["shipping"]["pool"]:
        step["tons"] = int(step["tons"] * factor)


def _tighten_capacity(draw: st.DrawFn, data: Data) -> None:
    need = _max_lift_using(data["units"], data)
    table = draw(st.sampled_from(["ports", "rail"]))
    for key, item in data[table].items():
        item["tons_per_day"] = max(
            need.get(key, 1), int(item["tons_per_day"] * draw(st.sampled_from([0.3, 0.6])))
        )


def _tighten_depot(draw: st.DrawFn, data: Data) -> None:
    region = data["regions"][draw(st.sampled_from(["home", "korea"]))]
    region["depot_men"] = max(
        1, int(region.get("depot_men", 20_000) * draw(st.sampled_from([0.3, 0.6])))
    )


def _tighten_ratio(draw: st.DrawFn, data: Data) -> None:
    crit = data["criteria"]["force_ratio"]
    crit["enabled"] = True
    crit["ratio"] = round(crit["ratio"] + draw(st.sampled_from([0.25, 0.5, 1.0, 2.0])), 2)


def _tighten_halving(draw: st.DrawFn, data: Data) -> None:
    crit = data["criteria"]["halving"]
    crit["enabled"] = True
    crit["fraction"] = round(crit["fraction"] * draw(st.sampled_from([0.5, 0.8, 0.95])), 2)


def _earlier(draw: st.DrawFn, date: str, not_before: str) -> str:
    new = dt.date.fromisoformat(date) - dt.timedelta(days=draw(st.integers(1, 4)))
    return max(new, dt.date.fromisoformat(not_before)).isoformat()


def _tighten_deadline(draw: st.DrawFn, data: Data) -> None:
    order = data["levers"]["mobilization_order"]
    which = draw(st.sampled_from(["decision_deadline", "weather"]))
    crit = data["criteria"][which]
    crit["enabled"] = True
    key = "date" if which == "decision_deadline" else "deadline"
    crit[key] = _earlier(draw, crit[key], order)


def _tighten_south(draw: st.DrawFn, data: Data) -> None:
    data["criteria"]["south_readiness"]["enabled"] = True
    reqs = data["shipping"].setdefault("south_requirements", {})
    start = dt.date.fromisoformat(data["calendar"]["start"])
    reqs["extra"] = {
        "by": iso(start, draw(st.integers(0, data["calendar"]["horizon_days"]))),
        "tons": draw(st.integers(1, 20)) * 1000,
    }


def _tighten_horizon(draw: st.DrawFn, data: Data) -> None:
    cal = data["calendar"]
    cal["horizon_days"] = max(1, cal["horizon_days"] - draw(st.integers(1, 4)))


def _tighten_order(draw: st.DrawFn, data: Data) -> None:
    """A later order (never past an enabled deadline: that would be an input error)."""
    crit = data["criteria"]
    limits = [
        dt.date.fromisoformat(crit["decision_deadline"]["date"])
        if crit["decision_deadline"]["enabled"]
        else None,
        dt.date.fromisoformat(crit["weather"]["deadline"]) if crit["weather"]["enabled"] else None,
    ]
    order = dt.date.fromisoformat(data["levers"]["mobilization_order"]) + dt.timedelta(
        days=draw(st.integers(1, 3))
    )
    for limit in limits:
        if limit is not None:
            order = min(order, limit)
    data["levers"]["mobilization_order"] = order.isoformat()


def _tighten_reaction(draw: st.DrawFn, data: Data) -> None:
    data["soviet_reaction"] = {
        "enabled": True,
        "detection_lag_days": draw(st.integers(0, 3)),
        "halt_withdrawals": True,
        "reinforce_per_day": 0.0,
        "ceiling": 60.0,
    }


TIGHTENINGS = (
    _tighten_pool,
    _tighten_capacity,
    _tighten_depot,
    _tighten_ratio,
    _tighten_halving,
    _tighten_deadline,
    _tighten_south,
    _tighten_horizon,
    _tighten_order,
    _tighten_reaction,
)


@st.composite
def tightened_cases(draw: st.DrawFn, sizes: Sizes = SMALL) -> Data:
    """Raw data of a valid case that may or may not have a plan: a witnessed case with up to
    three knobs turned the hard way."""
    data = copy.deepcopy(draw(witnessed_cases(sizes)).data)
    for rule in draw(st.lists(st.sampled_from(TIGHTENINGS), max_size=3)):
        rule(draw, data)
    inst = Instance(Case.model_validate(data))
    if not LATE_OPTIONAL_UNITS:
        assume(all(u.earliest_start <= inst.horizon for u in inst.units))
    return data


def case_of(data: Data) -> Case:
    return Case.model_validate(data)


# --- Decorated cases: every text field, sources, notes, scenarios, odd ids -----------------

# Any text a user might type, including non-Latin scripts, quotes, colons and YAML-ish words.
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "null",
        "~",
        "1941-07-01",
        "0x1F",
        "1_000",
        "1e3",
        ": x",
        "- y",
        "#c",
        "'q'",
        '"d"',
        "&a",
        "*b",
    ]
)
IDS = st.text(st.sampled_from("abcxyz019_-ÄäΩж漢"), min_size=1, max_size=5)


def _rename(table: Data, new: dict[str, str]) -> Data:
    return {new.get(k, k): v for k, v in table.items()}


@st.composite
def decorated_cases(draw: st.DrawFn, sizes: Sizes = SMALL) -> Data:
    """Raw data of a witnessed case dressed as a real one: titles, sources cited by entities,
    assumptions with notes, unit ids of any letters and digits, and scenarios that build on
    each other and override numbers, dates and text."""
    data = copy.deepcopy(draw(witnessed_cases(sizes)).data)
    data["name"] = draw(TEXT)
    data["title"] = draw(TEXT)
    data["description"] = draw(TEXT)
    keys = draw(
        st.lists(IDS, min_size=len(data["units"]), max_size=len(data["units"]), unique=True)
    )
    data["units"] = _rename(data["units"], dict(zip(data["units"], keys, strict=True)))
    sources = {
        k: {"title": draw(TEXT), "where": draw(TEXT), "note": draw(TEXT)}
        for k in draw(st.lists(IDS, max_size=3, unique=True))
    }
    data["sources"] = sources
    cite = st.sampled_from(sorted(sources) + ["assumption"]) if sources else st.just("assumption")
    entities = [
        *data["ports"].values(),
        *data["sea_routes"].values(),
        *data["rail"].values(),
        *data["units"].values(),
        *data["fronts"].values(),
        *data["shipping"]["pool"],
    ]
    for entity in entities:
        if draw(st.booleans()):
            entity["source"] = draw(cite)
            entity["note"] = (
                draw(TEXT.filter(str.strip)) if entity["source"] == "assumption" else draw(TEXT)
            )
    data["scenarios"] = draw(_scenarios(data))
    case = Case.model_validate(data)
    from kantokuen.models.references import check_case

    assert not check_case(case), check_case(case)
    return data


@st.composite
def _scenarios(draw: st.DrawFn, data: Data) -> Data:
    start = dt.date.fromisoformat(data["calendar"]["start"])
    unit = next(iter(data["units"]))
    choices = {
        "levers.withdrawal_scale": st.sampled_from([0.5, 1.0, 2.5]),
        "levers.north_share": st.sampled_from([0.5, 1.0, "auto"]),
        "levers.mobilization_order": st.integers(0, 2).map(lambda d: start + dt.timedelta(days=d)),
        "shipping.pool.0.tons": st.integers(0, 10**6),
        f"units.{unit}.men": st.integers(0, 10**5),
        f"units.{unit}.name": TEXT,
        "criteria.halving.enabled": st.booleans(),
    }
    scenarios: Data = {}
    for name in draw(st.lists(IDS, max_size=3, unique=True)):
        paths = draw(st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True))
        scenario: Data = {
            "description": draw(TEXT),
            "overrides": {p: draw(choices[p]) for p in paths},
        }
        if scenarios and draw(st.booleans()):
            scenario["extends"] = draw(st.sampled_from(sorted(scenarios)))
        scenarios[name] = scenario
    return scenarios
