"""Seeded synthetic cases of any size, built around a plan known to be feasible.

The generator sizes every capacity (ports, rail lines, shipping pool, depot) so that the
expected traffic needs about five weeks of each, then draws a movement plan by serial
scheduling in random order under those capacities (so the resources bind: this is a
throughput problem, not a free one), and only then sets the Soviet strength and the criteria
so that this plan satisfies every one of them with a small margin. So every generated case
has a plan known to pass the verifier (`Generated.known_plan`), and the planner's X-Day can
be no later than the known plan's. Same `units` and `seed` → the same case, byte for byte.

Geography (fixed, so sizes compare): two sea regions (home islands with a depot limit, Kyushu),
two rail-only regions (Korea, Manchuria), four embarkation ports, three debarkation ports, six
sea routes, three Soviet fronts and fifteen rail lines (every debarkation port and every
continental region to every front).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import random
import tempfile
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from kantokuen.models.case import Case
from kantokuen.models.instance import BP, Instance
from kantokuen.models.plan import Plan, UnitPlan
from kantokuen.models.scenarios import LoadedCase, load

START = dt.date(1941, 6, 22)
HORIZON = 150
ORDER_DAY = 9
DECISION_LAG = 7
CAMPAIGN_DAYS = 45
FORCE_RATIO = 1.5
SOURCE = {"source": "assumption", "note": "synthetic benchmark case"}

REGIONS = {
    "home": {"name": "Home islands"},
    "kyushu": {"name": "Kyushu"},
    "korea": {"name": "Korea", "rail_only": True},
    "manchuria": {"name": "Manchuria", "rail_only": True},
}
EMBARK = {"ujina": "home", "osaka": "home", "niigata": "home", "moji": "kyushu"}
DEBARK = {"pusan": "korea", "rashin": "korea", "dairen": "manchuria"}
# route id: (embark, debark, sail_days, cycle_days)
ROUTES = {
    "moji_pusan": ("moji", "pusan", 1, 3),
    "moji_dairen": ("moji", "dairen", 3, 7),
    "ujina_pusan": ("ujina", "pusan", 2, 5),
    "osaka_dairen": ("osaka", "dairen", 4, 9),
    "niigata_rashin": ("niigata", "rashin", 3, 7),
    "ujina_rashin": ("ujina", "rashin", 4, 9),
}
FRONTS = {"east": "Eastern front", "north": "Northern front", "west": "Western front"}
# (start, front) -> transit days
TRANSIT = {
    ("pusan", "east"): 5,
    ("pusan", "north"): 7,
    ("pusan", "west"): 8,
    ("rashin", "east"): 2,
    ("rashin", "north"): 5,
    ("rashin", "west"): 8,
    ("dairen", "east"): 6,
    ("dairen", "north"): 5,
    ("dairen", "west"): 4,
    ("korea", "east"): 4,
    ("korea", "north"): 6,
    ("korea", "west"): 7,
    ("manchuria", "east"): 3,
    ("manchuria", "north"): 2,
    ("manchuria", "west"): 3,
}
# kind: (share of units, group sizes, lift range, men, mobilization days, combat value)
KINDS: dict[
    str, tuple[float, tuple[int, int], tuple[int, int], int, tuple[int, int], tuple[float, float]]
] = {
    "division": (0.15, (1, 4), (6000, 12000), 20000, (10, 20), (0.8, 1.2)),
    "brigade": (0.15, (1, 8), (2500, 5000), 6000, (6, 14), (0.3, 0.5)),
    "auxiliary": (0.70, (2, 40), (300, 2000), 1500, (3, 10), (0.0, 0.1)),
}


def _date(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


def _line_id(start: str, front: str) -> str:
    return f"{start}_{front}"


@dataclass(frozen=True)
class Generated:
    """A synthetic case (raw YAML data) and a plan known to satisfy it."""

    units: int
    seed: int
    data: dict[str, Any]
    known_plan: Plan

    def yaml(self) -> str:
        """The case as YAML text."""
        return yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=120)

    def write(self, path: str) -> str:
        """Write the case YAML to `path` (atomically) and return the path."""
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.yaml())
        os.replace(tmp, path)
        return path

    def load(self, directory: str | None = None) -> LoadedCase:
        """Write the case to a file and load it through the normal, validating loader."""
        directory = directory or tempfile.mkdtemp(prefix="kantokuen-bench-")
        path = os.path.join(directory, f"synthetic_{self.units}_s{self.seed}.yaml")
        return load(self.write(path))


@dataclass
class _Template:
    key: str
    kind: str
    count: int
    origin: str
    front: str
    lift: int
    men: int
    mob_days: int
    combat: float
    required: bool
    travel: int
    available: int | None
    moves: list[dict[str, str]]


def _moves_for(rng: random.Random, origin: str, front: str) -> list[dict[str, str]]:
    """One to three allowed routes from the unit's region to its front."""
    if REGIONS[origin].get("rail_only"):
        return [{"rail": _line_id(origin, front)}]
    routes = [r for r, (emb, *_rest) in ROUTES.items() if EMBARK[emb] == origin]
    rng.shuffle(routes)
    chosen = routes[: rng.randint(1, min(3, len(routes)))]
    return [{"sea": r, "rail": _line_id(ROUTES[r][1], front)} for r in chosen]


def _templates(rng: random.Random, total: int) -> list[_Template]:
    """`count:` groups that add up to exactly `total` units."""
    out: list[_Template] = []
    remaining = total
    kinds = list(KINDS)
    weights = [KINDS[k][0] for k in kinds]
    fronts = list(FRONTS)
    while remaining > 0:
        kind = rng.choices(kinds, weights)[0]
        _, sizes, lifts, men, mobs, combats = KINDS[kind]
        count = min(remaining, rng.randint(*sizes))
        # Every front gets at least one combat group so each has a force-ratio requirement.
        front = fronts[len(out)] if len(out) < len(fronts) else rng.choice(fronts)
        origin = rng.choices(list(REGIONS), [0.4, 0.25, 0.15, 0.2])[0]
        combat = round(rng.uniform(*combats), 2)
        if len(out) < len(fronts):
            combat = max(combat, 1.0)
        required = kind == "auxiliary" or rng.random() < 0.8
        available = ORDER_DAY + rng.randint(5, 25) if rng.random() < 0.1 else None
        travel = rng.randint(0, 2) if not REGIONS[origin].get("rail_only") else 0
        out.append(
            _Template(
                f"{kind[:3]}{len(out) + 1:03d}",
                kind,
                count,
                origin,
                front,
                rng.randint(*lifts) // 100 * 100,
                men,
                rng.randint(*mobs),
                combat,
                required,
                travel,
                available,
                _moves_for(rng, origin, front),
            )
        )
        remaining -= count
    return out


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _move_probability(t: _Template) -> float:
    return 1 / len(t.moves)


def _demands(templates: list[_Template]) -> dict[str, dict[str, float]]:
    """Expected tons each resource must carry (ton-days for shipping, men-days for the depot),
    with a unit's moves equally likely."""
    out: dict[str, dict[str, float]] = {
        "embark": {},
        "debark": {},
        "rail": {},
        "ship": {},
        "depot": {},
    }
    for t in templates:
        p = _move_probability(t) * t.count * t.lift
        for move in t.moves:
            out["rail"][move["rail"]] = out["rail"].get(move["rail"], 0) + p
            if "sea" in move:
                emb, deb, _, cycle = ROUTES[move["sea"]]
                out["embark"][emb] = out["embark"].get(emb, 0) + p
                out["debark"][deb] = out["debark"].get(deb, 0) + p
                out["ship"]["pool"] = out["ship"].get("pool", 0) + p * cycle
        if t.origin == "home":
            out["depot"]["home"] = out["depot"].get("home", 0) + t.count * t.men * t.mob_days
    return out


def _resources(
    rng: random.Random, templates: list[_Template], days: int, share_bp: int
) -> dict[str, Any]:
    """Capacities sized so that the expected traffic needs about `days` days of each resource."""
    demand = _demands(templates)
    max_lift = max(t.lift for t in templates)

    def capacity(tons: float) -> int:
        return _round_up(max(tons / days * rng.uniform(0.8, 1.2), max_lift), 100)

    ports = {
        p: {
            "name": p.title(),
            "region": r,
            "tons_per_day": capacity(demand["embark"].get(p, 0)),
            **SOURCE,
        }
        for p, r in EMBARK.items()
    }
    ports |= {
        p: {
            "name": p.title(),
            "region": r,
            "tons_per_day": capacity(demand["debark"].get(p, 0)),
            **SOURCE,
        }
        for p, r in DEBARK.items()
    }
    rail = {
        _line_id(s, f): {
            "start": s,
            "front": f,
            "transit_days": d,
            "tons_per_day": capacity(demand["rail"].get(_line_id(s, f), 0)),
            **SOURCE,
        }
        for (s, f), d in TRANSIT.items()
    }
    regions: dict[str, Any] = {k: dict(v) for k, v in REGIONS.items()}
    regions["home"]["depot_men"] = _round_up(
        max(demand["depot"].get("home", 0) / days, 2 * 20000), 1000
    )
    # Requisitioning: 60% of the pool at the start, all of it from day 40.
    north_peak = demand["ship"].get("pool", 0) / days
    peak = _round_up(max(north_peak * BP / share_bp, max_lift * BP / share_bp * 1.01), 1000)
    pool = [
        {"date": _date(day), "tons": _round_up(peak * f, 1000), **SOURCE}
        for day, f in ((0, 0.6), (20, 0.8), (40, 1.0))
    ]
    return {"ports": ports, "rail": rail, "regions": regions, "pool": pool}


def _scaled(resources: dict[str, Any], factor: float) -> dict[str, Any]:
    """Every capacity multiplied by `factor` (used when the drawn plan does not fit)."""
    out = copy.deepcopy(resources)
    for table in ("ports", "rail"):
        for item in out[table].values():
            item["tons_per_day"] = _round_up(item["tons_per_day"] * factor, 100)
    out["regions"]["home"]["depot_men"] = _round_up(
        out["regions"]["home"]["depot_men"] * factor, 1000
    )
    for step in out["pool"]:
        step["tons"] = _round_up(step["tons"] * factor, 1000)
    return out


def _random_plan(rng: random.Random, inst: Instance, share_bp: int) -> tuple[UnitPlan, ...] | None:
    """A plan drawn by serial scheduling in random order: each unit takes a random allowed move,
    waits up to 5 days after its earliest start, then takes the first day every resource has
    room; an optional unit stays home with probability 0.3. None if a required unit does not fit."""
    from kantokuen.planner.heuristics import Profiles

    profiles = Profiles(inst, share_bp)
    order = list(inst.units)
    rng.shuffle(order)
    timeline: dict[str, UnitPlan] = {}
    for spec in order:
        if not spec.required and rng.random() < 0.3:
            timeline[spec.id] = UnitPlan(id=spec.id, committed=False)
            continue
        mobilize = profiles.first_mobilization(spec, spec.earliest_start + rng.randint(0, 5))
        tl = (
            None
            if mobilize is None
            else profiles.schedule(spec, rng.randrange(len(spec.moves)), mobilize)
        )
        if tl is None:
            if spec.required:
                return None
            timeline[spec.id] = UnitPlan(id=spec.id, committed=False)
            continue
        profiles.take(spec, tl)
        timeline[spec.id] = tl.unit_plan(spec)
    return tuple(timeline[s.id] for s in inst.units)


def _fronts(inst: Instance, plan: tuple[UnitPlan, ...], x_plan: int) -> dict[str, Any]:
    """Soviet fronts that lose 30% of their strength by day 120, sized so the combat value the
    known plan has arrived by its X-Day is 5% above what the force ratio needs then."""
    arrived = {f: 0.0 for f in FRONTS}
    for spec, up in zip(inst.units, plan, strict=True):
        if up.committed and up.arrive is not None and up.arrive <= x_plan:
            arrived[spec.front] += spec.combat / 1000
    fronts = {}
    for key, name in FRONTS.items():
        target = arrived[key] / FORCE_RATIO / 1.05
        initial = round(target / (1 - 0.3 * min(x_plan, 120) / 120), 2)
        fronts[key] = {
            "name": name,
            "initial_strength": initial,
            "withdrawals": [{"date": _date(120), "cumulative": round(0.3 * initial, 3), **SOURCE}],
            **SOURCE,
        }
    return fronts


def _halving_fraction(decision: int) -> float:
    """A halving fraction that holds from `decision` on (strength falls linearly to day 120)."""
    return min(1.0, round(1 - 0.3 * min(max(decision, 0), 120) / 120 + 0.001, 4))


def _criteria(x_plan: int, halving_from: int) -> dict[str, Any]:
    return {
        "halving": {"fraction": _halving_fraction(halving_from - DECISION_LAG), **SOURCE},
        "force_ratio": {"ratio": FORCE_RATIO, "soviet_factor": 1.0, **SOURCE},
        "decision_deadline": {
            "date": _date(x_plan - DECISION_LAG + 10),
            "decision_to_attack_days": DECISION_LAG,
            **SOURCE,
        },
        "weather": {
            "deadline": _date(x_plan + CAMPAIGN_DAYS + 20),
            "campaign_days": CAMPAIGN_DAYS,
            **SOURCE,
        },
    }


def generate(
    units: int, seed: int = 0, north_share: float | Literal["auto"] = 0.7, movement_days: int = 35
) -> Generated:
    """A case of exactly `units` movement units with a feasible plan built in (see module doc)."""
    if units < 3:
        raise ValueError("a synthetic case needs at least 3 units (one combat group per front)")
    rng = random.Random(f"kantokuen-{units}-{seed}")
    templates = _templates(rng, units)
    share_bp = 7000 if north_share == "auto" else round(north_share * BP)
    resources = _resources(rng, templates, movement_days, share_bp)
    for _attempt in range(20):
        data = _case_data(
            units,
            seed,
            templates,
            resources,
            north_share,
            _criteria(HORIZON - 30, 0),
            {f: {"name": n, "initial_strength": 0} for f, n in FRONTS.items()},
        )
        inst = Instance(Case.model_validate(data))
        plan = _random_plan(rng, inst, share_bp)
        if plan is not None:
            break
        resources = _scaled(resources, 1.25)
    else:
        raise RuntimeError(
            "could not draw a feasible plan"
        )  # pragma: no cover - capacities grow each time
    x_plan = max(up.arrive or 0 for spec, up in zip(inst.units, plan, strict=True) if spec.required)
    x_plan = max(x_plan, DECISION_LAG)
    # The halving criterion holds from about a week before the known plan's X-Day.
    data = _case_data(
        units,
        seed,
        templates,
        resources,
        north_share,
        _criteria(x_plan, x_plan - 7),
        _fronts(inst, plan, x_plan),
    )
    return Generated(units, seed, data, Plan(x_day=x_plan, north_share_bp=share_bp, units=plan))


def _case_data(
    units: int,
    seed: int,
    templates: list[_Template],
    resources: dict[str, Any],
    north_share: float | Literal["auto"],
    criteria: dict[str, Any],
    fronts: dict[str, Any],
) -> dict[str, Any]:
    south_day = 30
    pool = resources["pool"]
    # The pool on the South's day: the latest step on or before it (steps are in date order).
    pool_then = [step["tons"] for step in pool if step["date"] <= _date(south_day)][-1]
    # Auto: the South's need caps the North at 80%; fixed: the South is comfortably served.
    share = 0.7 if north_share == "auto" else north_share
    south_fraction = 0.2 if north_share == "auto" else (1 - share) * 0.9
    return {
        "name": f"synthetic_{units}_s{seed}",
        "title": f"Synthetic benchmark case: {units} units (seed {seed})",
        "description": "Generated by benchmarks/generate.py around a known feasible plan.",
        "calendar": {"start": START.isoformat(), "horizon_days": HORIZON},
        "levers": {
            "mobilization_order": _date(ORDER_DAY),
            "north_share": north_share,
            "withdrawal_scale": 1.0,
        },
        "shipping": {
            "pool": pool,
            "south_requirements": {
                "south_d30": {
                    "by": _date(south_day),
                    "tons": int(south_fraction * pool_then) // 100 * 100,
                    **SOURCE,
                }
            },
            **SOURCE,
        },
        "regions": resources["regions"],
        "ports": resources["ports"],
        "sea_routes": {
            r: {"embark": e, "debark": d, "sail_days": s, "cycle_days": c, **SOURCE}
            for r, (e, d, s, c) in ROUTES.items()
        },
        "rail": resources["rail"],
        "fronts": fronts,
        "units": {t.key: _unit_data(t) for t in templates},
        "criteria": criteria,
    }


def _unit_data(t: _Template) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": f"{t.kind.title()} group {t.key}",
        "count": t.count,
        "origin": t.origin,
        "men": t.men,
        "lift_tons": t.lift,
        "mobilization_days": t.mob_days,
    }
    if t.available is not None:
        out["available"] = _date(t.available)
    if t.travel:
        out["travel_to_port_days"] = t.travel
    out |= {
        "combat_value": t.combat,
        "front": t.front,
        "required": t.required,
        "moves": t.moves,
        **SOURCE,
    }
    return out


def instance(
    units: int,
    seed: int = 0,
    north_share: float | Literal["auto"] = 0.7,
    directory: str | None = None,
) -> tuple[Instance, Generated]:
    """Generate, write, load (validating) and compile a synthetic case."""
    gen = generate(units, seed, north_share)
    return Instance(gen.load(directory).case), gen
