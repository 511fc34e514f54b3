"""The neighbourhood search around the warm start (planner.lns): never worse, verified,
deterministic, and it does improve a poor list schedule."""

from __future__ import annotations

from pathlib import Path

from benchmarks.generate import generate
from kantokuen.models.instance import Instance
from kantokuen.models.verify import verify
from kantokuen.planner.heuristics import (
    Profiles,
    Schedule,
    journey_priority,
    largest_share,
    list_schedule,
)
from kantokuen.planner.lns import MIN_UNITS, improve, steps_for


def _poor_start(tmp_path: Path, units: int = 60, seed: int = 2) -> tuple[Instance, Schedule]:
    """A list schedule in the worst order of the journey rule (shortest journeys first)."""
    inst = Instance(generate(units, seed).load(str(tmp_path)).case)
    order = sorted(inst.units, key=journey_priority, reverse=True)
    return inst, list_schedule(inst, order, largest_share(inst))


def test_improves_a_poor_schedule_and_the_plan_verifies(tmp_path) -> None:
    """From the reversed journey order (X-Day 64 on this case) the search finds an earlier
    X-Day, and its plan passes the verifier."""
    inst, start = _poor_start(tmp_path)
    assert start.x_day == 64
    best, log = improve(inst, start, 200, seed=0)
    assert best.x_day is not None and best.x_day < start.x_day
    assert best.plan is not None and verify(inst.case, best.plan) == []
    assert any(step.kept for step in log) and len(log) == 200


def test_never_worse_and_deterministic(tmp_path) -> None:
    """Every kept step is no worse than the one before; the same seed gives the same plan, the
    stop at a bound ends the search at once."""
    inst, start = _poor_start(tmp_path, 120, 2)
    assert start.x_day is not None
    best, _ = improve(inst, start, 60, seed=3)
    again, _ = improve(inst, start, 60, seed=3)
    assert best.x_day is not None and best.x_day <= start.x_day
    assert best.plan == again.plan
    same, log = improve(inst, start, 60, seed=3, stop_at=start.x_day)
    assert same is start and log == []


def test_giving_back_a_timeline_restores_the_profile(tmp_path) -> None:
    """Booking a unit and giving it back leaves every resource as it was."""
    inst, start = _poor_start(tmp_path)
    profiles = Profiles(inst, start.share_bp)
    before = profiles.copy()
    spec, tl = next((s, t) for s, t in zip(inst.units, start.timelines, strict=True) if t)
    profiles.take(spec, tl)
    assert profiles.ship != before.ship or profiles.free != before.free
    profiles.take(spec, tl, sign=-1)
    assert (profiles.ship, profiles.free, profiles.depot) == (
        before.ship,
        before.free,
        before.depot,
    )


def test_only_large_cases_get_steps(tmp_path) -> None:
    """Below MIN_UNITS units the planner's answers stay what they were (no steps)."""
    inst, _ = _poor_start(tmp_path)
    assert len(inst.units) < MIN_UNITS and steps_for(inst, 60.0) == 0
