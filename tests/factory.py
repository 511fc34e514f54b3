"""Small cases built in code for tests: one home division crossing one strait by default.

Day 0 is 1941-07-01 and the order goes out that day. With the defaults a division is ready
on day 4, sails that day, lands on day 5, entrains at once and reaches the front on day 7.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from kantokuen.models.case import Case
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import split_path

START = dt.date(1941, 7, 1)


def day(n: int) -> str:
    """ISO date of day n."""
    return (START + dt.timedelta(days=n)).isoformat()


def division(**fields: Any) -> dict[str, Any]:
    unit = {
        "name": "Home division",
        "origin": "home",
        "men": 20000,
        "lift_tons": 8000,
        "mobilization_days": 4,
        "combat_value": 1,
        "front": "east",
        "moves": [{"sea": "moji_pusan", "rail": "pusan_front"}],
    }
    unit.update(fields)
    return unit


def base_data() -> dict[str, Any]:
    return {
        "name": "tiny",
        "calendar": {"start": START.isoformat(), "horizon_days": 40},
        "levers": {"mobilization_order": day(0), "north_share": 1.0, "withdrawal_scale": 1.0},
        "shipping": {"pool": [{"date": day(0), "tons": 20000}]},
        "regions": {
            "home": {"name": "Home"},
            "korea": {"name": "Korea", "rail_only": True},
            "china": {"name": "North China"},
        },
        "ports": {
            "moji": {"name": "Moji", "region": "home", "tons_per_day": 10000},
            "osaka": {"name": "Osaka", "region": "home", "tons_per_day": 10000},
            "pusan": {"name": "Pusan", "region": "korea", "tons_per_day": 10000},
        },
        "sea_routes": {
            "moji_pusan": {"embark": "moji", "debark": "pusan", "sail_days": 1, "cycle_days": 3},
            "osaka_pusan": {"embark": "osaka", "debark": "pusan", "sail_days": 1, "cycle_days": 3},
        },
        "rail": {
            "pusan_front": {
                "start": "pusan",
                "front": "east",
                "tons_per_day": 10000,
                "transit_days": 2,
            },
            "korea_front": {
                "start": "korea",
                "front": "east",
                "tons_per_day": 10000,
                "transit_days": 3,
            },
            "china_front": {
                "start": "china",
                "front": "east",
                "tons_per_day": 10000,
                "transit_days": 9,
            },
        },
        "fronts": {"east": {"name": "Eastern front", "initial_strength": 1}},
        "units": {"div": division()},
        "criteria": {
            "halving": {"enabled": False},
            "force_ratio": {"ratio": 1.0, "soviet_factor": 1.0},
            "decision_deadline": {"date": day(30), "decision_to_attack_days": 0},
            "weather": {"deadline": day(39), "campaign_days": 0},
        },
    }


def make(changes: dict[str, Any] | None = None, data: dict[str, Any] | None = None) -> Case:
    """The base case with dotted-path changes (a value of None deletes the key)."""
    data = copy.deepcopy(data or base_data())
    for path, value in (changes or {}).items():
        parts = split_path(path)
        target: Any = data
        for part in parts[:-1]:
            target = target.setdefault(part, {}) if isinstance(target, dict) else target[part]
        if value is None:
            del target[parts[-1]]
        else:
            target[parts[-1]] = copy.deepcopy(
                value
            )  # a later change inside it must not edit the caller's dict
    return Case.model_validate(data)


def inst(changes: dict[str, Any] | None = None) -> Instance:
    return Instance(make(changes))
