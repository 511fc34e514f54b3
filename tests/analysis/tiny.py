"""A tiny race against the halving criterion, built in code, for compare/breakeven/explain tests.

Day 0 is 1941-07-01. The Eastern front starts at 10 division-equivalents and sends 4 west by
day 100 (linearly); halving needs ≤ 5 by the decision day, at most day 40 (10 Aug; the attack
follows 5 days later). At the historical rate the front is still at 84% on 10 Aug: no-go.
Halving first holds on 10 Aug at a withdrawal scale of 3.13 (10 − 3.13 × 4 × 40/100 ≤ 5).
Two home divisions cross Moji → Pusan (one loads per day) and a Korean division goes by rail;
the order goes out on day 5, so the movement alone is done by day 13.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import LoadedCase, load
from tests.factory import base_data, day, division, make

SCALE_THRESHOLD = 3.13


def race_data() -> dict[str, Any]:
    data = base_data()
    data["name"] = "race"
    data["calendar"]["horizon_days"] = 90
    data["levers"]["mobilization_order"] = day(5)
    data["fronts"]["east"]["initial_strength"] = 10
    data["fronts"]["east"]["withdrawals"] = [{"date": day(100), "cumulative": 4}]
    data["criteria"] = {
        "halving": {"enabled": True, "fraction": 0.5},
        "force_ratio": {"ratio": 0.3},
        "decision_deadline": {"date": day(40), "decision_to_attack_days": 5},
        "weather": {"deadline": day(89), "campaign_days": 30},
    }
    data["units"] = {
        "div": division(count=2),
        "kor": division(
            name="Korea division",
            origin="korea",
            lift_tons=6000,
            mobilization_days=2,
            moves=[{"rail": "korea_front"}],
        ),
    }
    data["scenarios"] = {
        "historical": {
            "description": "as in the base case",
            "overrides": {"levers.withdrawal_scale": 1.0},
        },
        "halving-met": {"overrides": {"levers.withdrawal_scale": 4.0}},
        "early-order": {"overrides": {"levers.mobilization_order": day(0)}},
    }
    return data


def with_changes(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for path, value in changes.items():
        target = out
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[parts[-1]] = value
    return out


def race(changes: dict[str, Any] | None = None) -> Instance:
    """The race as an instance, with dotted-path changes."""
    return Instance(make(data=with_changes(race_data(), changes or {})))


def write(tmp_path: Path, changes: dict[str, Any] | None = None, name: str = "race.yaml") -> str:
    """The race as a YAML case file; returns its path."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(with_changes(race_data(), changes or {}), sort_keys=False))
    return str(path)


def loaded(
    tmp_path: Path, scenario: str | None = None, changes: dict[str, Any] | None = None
) -> LoadedCase:
    return load(write(tmp_path, changes), scenario)
