"""The planner's speed-ups that the benchmarks measure keep every answer the same.

Warm start, relaxation bounds, symmetry breaking and the LP subsolvers (planner.solve.Tuning)
must change only how fast an answer comes, never the answer: same status and same proven
objective with every technique on or off. The relaxation bounds must be true bounds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from benchmarks.generate import generate
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.scenarios import load
from kantokuen.models.verify import verify
from kantokuen.planner.heuristics import fluid_bound, iterated_list_schedule, relaxation_bound
from kantokuen.planner.solve import SolveOptions, Tuning, plan_case
from tests.factory import day, division, make

TEACHING = str(Path(__file__).resolve().parents[2] / "cases" / "teaching" / "two_divisions.yaml")
OPTIONS = SolveOptions(time_limit=30, workers=1)
ALL_OFF = Tuning(
    warm_start=False,
    relaxation_bound=False,
    symmetry_breaking=False,
    lp_subsolvers=False,
)
PROVEN = ("x_day", "north_share_pct", "ton_days")


def _brute_force_fluid(capacity: int, jobs: list[tuple[int, int, int]]) -> int:
    """Exact min over integer schedules of max(day used + tail), days 0..release+len(jobs)."""
    last = max(r for r, _, _ in jobs) + len(jobs)
    best = None
    for days in itertools.product(*[range(r, last + 1) for r, _, _ in jobs]):
        load: dict[int, int] = {}
        for d, (_, _, tons) in zip(days, jobs, strict=True):
            load[d] = load.get(d, 0) + tons
        if all(v <= capacity for v in load.values()):
            value = max(d + q for d, (_, q, _) in zip(days, jobs, strict=True))
            best = value if best is None else min(best, value)
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(40))
def test_fluid_bound_is_a_lower_bound(seed: int) -> None:
    """On random small job sets the fluid bound never exceeds the exact optimum."""
    import random

    rng = random.Random(seed)
    capacity = rng.choice([4, 6, 10])
    jobs = [
        (rng.randint(0, 3), rng.randint(0, 3), rng.randint(1, capacity))
        for _ in range(rng.randint(1, 5))
    ]
    assert fluid_bound(capacity, jobs) <= _brute_force_fluid(capacity, jobs)


def test_fluid_bound_is_tight_for_identical_echelons() -> None:
    """Three 4,800 t echelons landing at a 9,600 t/day port: the third lands a day later."""
    assert fluid_bound(9600, [(10, 2, 4800)] * 3) == 13
    assert fluid_bound(9600, [(10, 2, 4800)] * 2) == 12


def _cases(tmp_path) -> list[Instance]:
    cases = [Instance(load(TEACHING, s).case) for s in (None, "small-pool")]
    cases += [
        Instance(generate(n, seed).load(str(tmp_path)).case)
        for n, seed in ((8, 0), (8, 1), (20, 0), (20, 1))
    ]
    cases.append(Instance(generate(10, 3, north_share="auto").load(str(tmp_path)).case))
    # Optional units in a count group (symmetry breaking orders the committed ones first).
    cases.append(
        Instance(
            make(
                {
                    "units.div": division(count=3),
                    "units.extra": division(count=3, required=False),
                    "ports.moji.tons_per_day": 16000,
                    "fronts.east.initial_strength": 3,
                }
            )
        )
    )
    return cases


TECHNIQUES_OFF = (
    ALL_OFF,
    Tuning(warm_start=False),
    Tuning(relaxation_bound=False),
    Tuning(symmetry_breaking=False),
    Tuning(lp_subsolvers=False),
)


def test_every_technique_keeps_the_answer(tmp_path) -> None:
    """Each technique alone off, and all off: never another proven answer. On the teaching
    case and the small cases every variant proves the default's optimum; on the 20-unit
    synthetic cases, with handling over days, some variants (all off, no symmetry breaking)
    cannot prove it within 30 s, and must then report a plan no better than the proven
    optimum."""
    for inst in _cases(tmp_path):
        default = plan_case(inst, OPTIONS)
        assert default.status == Status.OPTIMAL
        assert default.plan is not None and verify(inst.case, default.plan) == []
        proven = {t: default.objective.get(t) for t in PROVEN}
        small = len(inst.units) <= 10
        for tuning in TECHNIQUES_OFF:
            other = plan_case(inst, OPTIONS, tuning)
            if small or other.status == Status.OPTIMAL:
                assert other.status == default.status, (inst.case.name, tuning)
                assert {t: other.objective.get(t) for t in PROVEN} == proven
            else:
                assert other.status == Status.FEASIBLE, (inst.case.name, tuning)
                found = tuple(other.objective.get(t) or 0 for t in PROVEN)
                assert found >= tuple(v or 0 for v in proven.values()), (inst.case.name, tuning)


def test_relaxation_bound_is_below_the_optimum(tmp_path) -> None:
    """The X-Day relaxation bound never exceeds the proven optimal X-Day."""
    for inst in _cases(tmp_path):
        outcome = plan_case(inst, SolveOptions(time_limit=30, workers=1), ALL_OFF)
        assert outcome.plan is not None
        bound = relaxation_bound(inst)
        assert bound is not None and bound <= outcome.plan.x_day


def test_relaxation_no_go_agrees_with_the_search() -> None:
    """When not even the relaxation has an X-Day, the plain search also proves no-go."""
    inst = Instance(make({"criteria.decision_deadline.date": day(5)}))
    assert relaxation_bound(inst) is None
    assert plan_case(inst, OPTIONS).status == Status.INFEASIBLE
    assert plan_case(inst, OPTIONS, ALL_OFF).status == Status.INFEASIBLE


def test_warm_start_is_deterministic_and_verified(tmp_path) -> None:
    """Iterated list scheduling with one seed gives one plan, and it passes the verifier."""
    inst = Instance(generate(60, 5).load(str(tmp_path)).case)
    first = iterated_list_schedule(inst, passes=6, seed=1)
    again = iterated_list_schedule(inst, passes=6, seed=1)
    assert first.plan is not None and first.plan == again.plan
    assert verify(inst.case, first.plan) == []


def test_warm_start_stops_when_no_schedule_can_beat_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """One division with every resource free: the first classic rule already reaches the X-Day
    bound with the least ton-days, so no other list schedule is drawn; without a bound to aim
    at, all the classic rules run."""
    from kantokuen.planner import heuristics

    inst = Instance(make({}))
    calls: list[int] = []
    real = heuristics.list_schedule

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(heuristics, "list_schedule", counted)
    bound = relaxation_bound(inst)
    best = iterated_list_schedule(inst, passes=6, stop_at=bound)
    assert best.x_day == bound
    assert heuristics.shipping_ton_days(best) == heuristics.ton_days_floor(inst)
    assert len(calls) == 1
    calls.clear()
    iterated_list_schedule(inst, passes=0)
    assert len(calls) == len(heuristics.RULES)
