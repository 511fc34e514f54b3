"""Large-neighbourhood search around the warm start: keep most of a list schedule, redo the rest.

The iterated list scheduler (`planner.heuristics`) draws whole orders afresh; on 1,000-5,000
units its best X-Day stops improving after a few dozen passes, and CP-SAT rarely improves it
within a minute (BENCHMARKS.md). Here each step keeps every unit's timeline but for a
neighbourhood, books the kept ones on a fresh capacity profile, and list-schedules the
neighbourhood again in a new order on what is left:

- *a time window*: every unit whose movement (sailing, or entraining by rail only) starts on or
  after a day some days before X-Day, with the units that arrive on the last two days first;
- *a facility*: the units through one port or rail line from an earlier day on (the same, on
  the facility a unit arriving on X-Day passes through).

A step is kept when the schedule is no worse: an earlier X-Day, or the same X-Day with fewer
required units arriving on it, or as many and no more ship ton-days (ties let the search drift
across plateaus). Steps are a fixed count, the random choices seeded, so the answer is
deterministic. Like every list schedule, the result is only a candidate: `planner.solve` has
the verifier pass its plan before it is used.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from kantokuen.models.instance import Facility, Instance
from kantokuen.planner.heuristics import (
    Profiles,
    Schedule,
    Timeline,
    first_x_day,
    journey_priority,
    south_holds,
)

WINDOW_DAYS = (3, 25)  # the time window reaches back this many days before X-Day (drawn)
NEIGHBOURS = (5, 60)  # units drawn from the window besides those arriving on X-Day


@dataclass(frozen=True)
class Step:
    """What one step relaxed and whether it was kept (for the benchmark's ablation rows)."""

    kind: str
    relaxed: int
    x_day: int | None
    kept: bool


def _start_day(tl: Timeline) -> int:
    """The day a unit's movement starts: its sailing day, or by rail only its entraining day."""
    return tl.sail if tl.sail is not None else tl.entrain


def _score(inst: Instance, s: Schedule) -> tuple[int, int, int, int]:
    """Smaller is better: X-Day, required units arriving on it, the combat value the fronts
    lack for their force ratio the day before, ship ton-days."""
    assert s.x_day is not None
    x = s.x_day
    on_x = 0
    combat: dict[str, int] = dict.fromkeys(inst.case.fronts, 0)
    for spec, tl in zip(inst.units, s.timelines, strict=True):
        if tl is None:
            continue
        on_x += spec.required and tl.arrive >= x
        if tl.arrive < x:
            combat[spec.front] += spec.combat
    lack = 0
    if inst.enabled("force_ratio") and x >= 1:
        lack = sum(max(0, need[x - 1] - combat[f]) for f, need in inst.force_needed.items())
    return x, on_x, lack, s.ton_days


def _finish(inst: Instance, share: int, timelines: list[Timeline | None]) -> Schedule:
    """The schedule of these timelines and its first X-Day (as `heuristics.list_schedule`)."""
    arrivals = {s.id: tl.arrive for s, tl in zip(inst.units, timelines, strict=True) if tl}
    required_last = max((arrivals[s.id] for s in inst.units if s.required), default=0)
    x = first_x_day(inst, arrivals, required_last) if south_holds(inst, share) else None
    ton_days = sum(
        s.lift * tl.arrive for s, tl in zip(inst.units, timelines, strict=True) if tl is not None
    )
    return Schedule(inst, share, tuple(timelines), x, ton_days)


def _neighbourhood(inst: Instance, s: Schedule, rng: random.Random) -> tuple[str, set[int]]:
    """The units to schedule again (indices), and the kind of neighbourhood: the units arriving
    on X-Day, with some of the units whose movement starts in a window before it (all of them
    through one facility, or drawn at random from all)."""
    assert s.x_day is not None
    x = s.x_day
    late = {i for i, tl in enumerate(s.timelines) if tl is not None and tl.arrive >= x}
    since = x - rng.randint(*WINDOW_DAYS)
    window = [
        i
        for i, tl in enumerate(s.timelines)
        if tl is not None and _start_day(tl) >= since and i not in late
    ]
    size = rng.randint(*NEIGHBOURS)
    if rng.random() < 0.5 or not late:
        return "time window", late | set(rng.sample(window, min(size, len(window))))
    unit = rng.choice(sorted(late))
    tl = s.timelines[unit]
    assert tl is not None
    spec = inst.units[unit]
    facility: Facility = rng.choice(spec.facilities(spec.moves[tl.move]))
    through = []
    for i in window:
        t = s.timelines[i]
        assert t is not None
        if facility in inst.units[i].facilities(inst.units[i].moves[t.move]):
            through.append(i)
    return f"{facility[0]} {facility[1]}", late | set(rng.sample(through, min(size, len(through))))


def _booked(inst: Instance, s: Schedule) -> Profiles:
    """What is left of every resource once every unit of the schedule is booked."""
    profiles = Profiles(inst, s.share_bp)
    for spec, tl in zip(inst.units, s.timelines, strict=True):
        if tl is not None:
            profiles.take(spec, tl)
    return profiles


def _step(
    inst: Instance,
    s: Schedule,
    booked: Profiles,
    relaxed: set[int],
    rng: random.Random,
    target: int | None,
) -> tuple[Schedule, Profiles] | None:
    """Keep every timeline outside `relaxed`, list-schedule the relaxed units again in a new
    order (with or without those arriving on X-Day first, the rest by their old start with
    noise or by the journey rule); None when a required unit no longer fits."""
    assert s.x_day is not None
    profiles = booked.copy()
    timelines = list(s.timelines)
    for i in relaxed:
        tl = timelines[i]
        assert tl is not None
        profiles.take(inst.units[i], tl, sign=-1)
    noise = rng.choice((0.0, 0.0, 1.0, 3.0))
    by_priority = rng.random() < 0.2
    late_first = rng.random() < 0.5

    def key(i: int) -> tuple[float, ...]:
        tl = timelines[i]
        assert tl is not None
        first = 0 if late_first and tl.arrive >= s.x_day else 1  # type: ignore[operator]
        if by_priority:
            jp = journey_priority(inst.units[i])
            return (first, jp[0], jp[1] * rng.uniform(0.8, 1.2))
        return (first, _start_day(tl) + rng.gauss(0, noise))

    for i in sorted(sorted(relaxed), key=key):
        spec = inst.units[i]
        placed = profiles.place(spec, target)
        if placed is None and spec.required:
            return None
        timelines[i] = placed
    return _finish(inst, s.share_bp, timelines), profiles


def improve(
    inst: Instance,
    start: Schedule,
    steps: int,
    seed: int = 0,
    stop_at: int | None = None,
    deadline: float | None = None,
) -> tuple[Schedule, list[Step]]:
    """The best schedule after `steps` neighbourhood steps from `start` (module doc), and what
    each step did. Stops once X-Day reaches `stop_at` (a proven bound), or at `deadline` (a
    `time.perf_counter()` value: a safety net for a loaded machine, not the budget)."""
    best = start
    log: list[Step] = []
    if best.x_day is None:
        return best, log
    rng = random.Random(f"lns-{seed}")
    score = _score(inst, best)
    booked = _booked(inst, best)
    for _ in range(steps):
        if stop_at is not None and score[0] <= stop_at:
            break
        if deadline is not None and time.perf_counter() >= deadline:
            break
        kind, relaxed = _neighbourhood(inst, best, rng)
        target = score[0] - 1 if rng.random() < 0.5 else None
        done = _step(inst, best, booked, relaxed, rng, target)
        trial = done[0] if done is not None else None
        kept = False
        if done is not None and done[0].x_day is not None:
            trial_score = _score(inst, done[0])
            if trial_score <= score:
                (best, booked), score, kept = done, trial_score, True
        log.append(Step(kind, len(relaxed), trial.x_day if trial else None, kept))
    return best, log


MIN_UNITS = 1000
"""The search runs on cases of at least this many units. On smaller ones CP-SAT's own search
closes (or proves) the X-Day within the time limit (BENCHMARKS.md, scaling), and their answers,
golden files included, stay what they were."""

SHARE = 0.2  # of the time limit, for the steps (a count of steps, estimated from the units)
SECONDS_PER_UNIT_STEP = 15e-6  # one step costs about this per unit (2-core machine, loaded)


def steps_for(inst: Instance, time_limit: float) -> int:
    """Neighbourhood steps for a case and time limit: about `SHARE` of the limit, between 0
    and 2,000; 0 below `MIN_UNITS` units. A count, not a clock, so answers stay deterministic."""
    if len(inst.units) < MIN_UNITS:
        return 0
    return max(0, min(2000, int(SHARE * time_limit / (SECONDS_PER_UNIT_STEP * len(inst.units)))))
