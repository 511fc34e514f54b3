"""Issue 17's large-case tables: the bound taken apart into its relaxations, and the
time-indexed pool LP a true relaxation (a plan's day always has a solution)."""

from __future__ import annotations

from benchmarks.generate import generate
from benchmarks.large import bound_sources, markdown, source_of
from benchmarks.pool_lp import feasible_by, pool_lp_bound
from kantokuen.models.instance import Instance
from kantokuen.planner.heuristics import iterated_list_schedule


def test_the_bound_is_the_largest_relaxation_and_its_source_is_named(tmp_path) -> None:
    """The relaxation bound equals the largest of its parts, and the source names those parts;
    a bound above them is CP-SAT's own."""
    inst = Instance(generate(40, 1).load(str(tmp_path)).case)
    parts = bound_sources(inst)
    bound = parts.pop("relaxation bound (the largest)")
    assert bound == max(v for v in parts.values() if v is not None)
    named = source_of({**parts, "relaxation bound (the largest)": bound}, bound)
    assert named and all(parts[n] == bound for n in named.split(" + "))
    assert source_of({**parts, "relaxation bound (the largest)": bound}, bound + 1) == (
        "CP-SAT's own bound"
    )


def test_pool_lp_has_a_solution_at_a_plans_x_day_and_none_far_before(tmp_path) -> None:
    """A list schedule's X-Day is never ruled out (the LP relaxes every plan); a day before any
    required unit could even be ready is."""
    inst = Instance(generate(40, 1).load(str(tmp_path)).case)
    plan = iterated_list_schedule(inst, 4).plan
    assert plan is not None
    assert feasible_by(inst, plan.x_day, 60.0) is True
    assert feasible_by(inst, inst.order_day, 60.0) is False
    found = pool_lp_bound(inst, inst.order_day, plan.x_day, 60.0)
    assert found.complete and inst.order_day < found.day <= plan.x_day


def test_markdown_shows_the_rows_and_the_lp_verdict() -> None:
    """The section lists each run with its bound source and says what the LP ruled out."""
    row = {
        "instance": "syn1000/0",
        "time_limit": 10.0,
        "variant": "no LNS",
        "lns_steps": 0,
        "status": "FEASIBLE",
        "x_day": 57,
        "x_bound": 56,
        "x_gap": 0.0175,
        "bound_source": "date criteria",
        "seconds": 9.9,
        "timings": {"warm_start": 1.0, "lns": 0.5, "wall_cap_lns": 6.0},
        "sources": {"date criteria": 56},
    }
    lp = {"instance": "syn1000/0", "day": 56, "groups": 70, "feasible": True, "seconds": 2.0}
    page = "\n".join(markdown({"rows": [row], "pool_lp": [lp]}))
    assert "| syn1000/0 | 10 s | no LNS | 0 | FEASIBLE | 57 | 56 | 0.018 | date criteria |" in page
    assert "at day 56 has a solution (rules nothing out)" in page
    assert "| 1.00 | 0.50 (cut by the clock) |" in page
