"""Warm starts between neighbouring cases (a sweep's points): a neighbour's plan is only ever a
hint, taken when the verifier passes it for this case, and it changes no proven answer."""

from __future__ import annotations

from pathlib import Path

from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import load, with_overrides
from kantokuen.models.verify import objective_terms, verify
from kantokuen.planner.solve import SolveOptions, better_start, plan_case, usable_hint

ROOT = Path(__file__).resolve().parents[2]
TEACHING = str(ROOT / "cases" / "teaching" / "shared_shipping.yaml")  # go for shares 0.5..0.7
ONE = SolveOptions(time_limit=10, workers=1)


def at(share: float) -> Instance:
    return Instance(with_overrides(load(TEACHING), {"levers.north_share": share}).case)


def test_a_neighbours_plan_is_a_hint_only_where_the_verifier_passes_it() -> None:
    """The plan of share 0.7 passes at 0.6 (with 0.6 as its share) but not at 0.3, where the
    North has too little shipping for it; a plan of other units is never taken."""
    plan = plan_case(at(0.7), ONE).plan
    assert plan is not None
    near = usable_hint(at(0.6), plan)
    assert near is not None and near.north_share_bp == 6000 and not verify(at(0.6).case, near)
    assert usable_hint(at(0.3), plan) is None
    assert usable_hint(at(0.6), plan.model_copy(update={"units": plan.units[1:]})) is None


def test_a_hint_changes_no_proven_answer() -> None:
    """Each point solved with its neighbour's plan as the hint gives the answer it gives alone
    (status, objective and bounds), and its plan passes the verifier."""
    previous = None
    for share in (0.3, 0.5, 0.6, 0.7, 0.8):
        inst = at(share)
        cold, warm = plan_case(inst, ONE), plan_case(at(share), ONE, hint=previous)
        assert (warm.status, warm.objective, warm.bound) == (
            cold.status,
            cold.objective,
            cold.bound,
        ), share
        assert warm.plan is None or not verify(inst.case, warm.plan)
        previous = warm.plan or previous


def test_the_better_start_is_earlier_in_the_order_of_the_stages() -> None:
    """Of two verified plans the start is the one with the smaller terms in stage order."""
    inst = at(0.6)
    plan = plan_case(inst, ONE).plan
    assert plan is not None
    later = usable_hint(inst, plan.model_copy(update={"x_day": plan.x_day + 1}))
    assert later is not None and objective_terms(inst.case, later)["x_day"] == plan.x_day + 1
    assert better_start(inst, later, plan) is plan and better_start(inst, plan, later) is plan
    assert better_start(inst, None, plan) is plan and better_start(inst, plan, None) is plan
