"""Explanations a historian can act on (issue 16), on cases worked by hand: the cheapest
corrections and their exact values, every planted conflict and a complete list, alternatives
of a go, the closure profile, the wording rules, and the whole command within its time limit."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kantokuen import api
from kantokuen.cli import main
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.models.verify import verify
from kantokuen.planner.alternatives import alternatives
from kantokuen.planner.closure import closure
from kantokuen.planner.corrections import (
    Search,
    cheapest_corrections,
    correction_of,
    enumerate_conflicts,
    explore,
)
from kantokuen.planner.explain import Conflict, describe, minimal_conflict
from kantokuen.planner.factors import OFF
from kantokuen.planner.oracle import Oracle
from kantokuen.planner.prose import stuck_units
from kantokuen.planner.solve import SolveOptions, plan_case
from tests.analysis.tiny import SCALE_THRESHOLD, race, write
from tests.factory import inst as tiny_inst

ONE = SolveOptions(time_limit=20, workers=1)

# The race's Eastern front loses 4 div.-eq. by day 100 (0.04 a day); halving needs ≤ 5 of 10 by
# the decision deadline, day 40: 10 − 0.4 × w × s ≤ 5, so w × s ≥ 12.5 (w the withdrawals by
# day 100, s the withdrawal scale). Declared: w between 2 and 8, an assumption.
DECLARED = {
    "uncertainties": {
        "fronts.east.withdrawals.0.cumulative": {
            "low": 2,
            "high": 8,
            "source": "assumption",
            "note": "a guess",
        }
    }
}


def test_the_cheapest_corrections_are_the_known_ones() -> None:
    """At history's rate: the rate to 3.13 (a lever, 1); the withdrawals past their declared
    range to 12.5 (10); the halving limit to 84%, the strength left on day 40 (a rule, 50).
    Each verified, in order of cost, with the least values that work."""
    inst = race(DECLARED)
    search = Search(inst)
    found, _ = cheapest_corrections(search, 3)
    corrections = [correction_of(search, names) for names in found]
    moves = [[(m.factor.name, m.value, m.cost) for m in c.moves] for c in corrections]
    assert moves == [
        [("levers.withdrawal_scale", SCALE_THRESHOLD, 1)],
        [("fronts.east.withdrawals.0.cumulative>", 12.5, 10)],
        [("halving", 0.84, 50)],
    ]
    for c in corrections:
        assert c.plan is not None and c.note == ""


def test_weights_reorder_the_corrections() -> None:
    """A dear lever (100) puts the withdrawals first and the rate last."""
    search = Search(race(DECLARED), weights={"lever": 100})
    found, _ = cheapest_corrections(search, 3)
    assert [sorted(names) for names in found] == [
        ["fronts.east.withdrawals.0.cumulative>"],
        ["halving"],
        ["levers.withdrawal_scale"],
    ]


def test_each_least_value_is_exact() -> None:
    """One step less than each value found is a no-go; the value itself is a go."""
    inst = race(DECLARED)
    search = Search(inst)
    found, _ = cheapest_corrections(search, 3)
    for names in found:
        correction = correction_of(search, names)
        (move,) = correction.moves
        grid = move.factor.grid
        at = grid.index(move.value)
        assert search.check({move.factor.name: move.value}).feasible is True
        if at > 0:
            assert search.check({move.factor.name: grid[at - 1]}).feasible is False


PLANTED = {
    "criteria.force_ratio.ratio": 0.6,  # 3 div.-eq. against 0.6 × 8.2 Soviet: short
    "shipping.south_requirements": {"malaya": {"by": "1941-07-10", "tons": 15000}},
    "levers.north_share": 0.5,  # the South allows 25%, which sails no division
}


def test_every_planted_conflict_and_a_complete_list() -> None:
    """Three reasons planted: halving and the rate, the force ratio and the rate, and South
    readiness on its own (a share low enough for the South sails no division). The list has
    exactly these, says it is complete, each checked minimal with verified plans."""
    inst = race(PLANTED)
    search = Search(inst)
    found = explore(search, 10, 3)
    assert {c.members for c in found.conflicts} == {
        ("halving", "levers.withdrawal_scale"),
        ("force_ratio", "levers.withdrawal_scale"),
        ("south_readiness",),
    }
    assert found.conflicts_complete and not found.more_conflicts
    assert all(c.minimal for c in found.conflicts)
    # Every correction moves a member of every conflict (hitting-set duality).
    for correction in found.corrections:
        for conflict in found.conflicts:
            assert set(correction.members) & set(conflict.members)


def test_a_limit_says_more_conflicts_exist() -> None:
    """With room for one conflict the list is not complete, and says another exists."""
    conflicts, complete, more, _ = enumerate_conflicts(Search(race(PLANTED)), 1)
    assert len(conflicts) == 1 and not complete and more


def test_a_shared_member_dissolves_both_conflicts(tmp_path: Path) -> None:
    """The rate is in two conflicts: the report says moving it dissolves both."""
    report = api.explain(api.load_case(write(tmp_path, PLANTED)), workers=1, time_limit=30)
    assert report.conflicts.complete and len(report.conflicts.items) == 3
    (shared,) = report.conflicts.shared
    assert re.fullmatch(
        r"In conflicts \d and \d: the Soviet withdrawal rate\. Moving that one member "
        r"dissolves both\.",
        shared,
    )


# --- Alternatives and closure of a go -------------------------------------------------------

TWO_ROUTES = {
    "units.div.count": 4,
    "units.div.moves": [
        {"sea": "moji_pusan", "rail": "pusan_front"},
        {"sea": "osaka_pusan", "rail": "pusan_front"},
    ],
    "ports.pusan.tons_per_day": 40000,
    "rail.pusan_front.tons_per_day": 40000,
    "shipping.pool.0.tons": 40000,
    "criteria.force_ratio.ratio": 3.0,
}


def test_alternatives_are_distinct_verified_and_within_the_days() -> None:
    """Four divisions may sail from Moji or Osaka: each alternative is another verified plan,
    its X-Day at most two days after the earliest, different from the earliest and from each
    other."""
    inst = tiny_inst(TWO_ROUTES)
    best = plan_case(inst, ONE).plan
    assert best is not None
    found = alternatives(inst, best, 3, 2, ONE)
    assert found
    plans = [best] + [a.plan for a in found]
    for a in found:
        assert not verify(inst.case, a.plan)
        assert best.x_day <= a.plan.x_day <= best.x_day + 2
        assert a.differences[0].startswith(("the same X-Day", "X-Day"))
    keys = {tuple((u.move, u.sail, u.arrive) for u in p.units) for p in plans}
    assert len(keys) == len(plans)
    assert any(a.moved > 0 for a in found)  # some alternative sends divisions another way


def test_closure_names_the_day_the_force_ratio_is_met() -> None:
    """Four divisions against 1 Soviet × 3: the third arrival closes the need (3.0)."""
    inst = tiny_inst(TWO_ROUTES)
    best = plan_case(inst, ONE).plan
    assert best is not None
    profile = closure(inst, best)
    (front,) = profile.fronts
    third = sorted(u.arrive for u in best.units if u.arrive is not None)[2]
    assert front.closes == third
    assert front.arrived[-1] >= front.needed[-1] == 3000
    assert front.last and front.last[0].legs[-1].day == max(
        u.arrive for u in best.units if u.arrive is not None
    )
    assert "is the first day every requirement holds" in profile.sentence


# --- Wording -------------------------------------------------------------------------------


def _sentences(report: Any) -> list[str]:
    out = [m.sentence for c in report.conflicts.items for m in c.members]
    return out + [c.sentence for c in report.correction_sets] + report.conflicts.shared


def test_wording_rules(tmp_path: Path) -> None:
    """No '1 members'; a needed scale and its '×' figure agree; percentages or fractions,
    never both in one sentence."""
    case = write(tmp_path, {"levers.withdrawal_scale": 1.5})
    report = api.explain(api.load_case(case), workers=1, time_limit=30)
    text = CliRunner().invoke(main, ["explain", case, "--workers", "1"]).stdout
    assert "1 members" not in text
    for sentence in _sentences(report):
        factor = re.search(r"([\d.]+)× as fast \(withdrawal scale ≥ ([\d.]+)\)", sentence)
        if factor:
            times, scale = float(factor[1]), float(factor[2])
            assert round(times * 1.5, 2) >= scale > round((times - 0.01) * 1.5, 2)
        has_percent = "%" in sentence
        has_fraction = re.search(r"(?<![\d.])0\.\d+(?![\d×:])", sentence)
        assert not (has_percent and has_fraction), sentence


def test_a_conflict_of_the_soviet_reaction_names_the_detection_day() -> None:
    """Withdrawals halt once the Soviets see the mobilization (day 5 + 7): the halving
    sentence names that day and says a later order would help."""
    inst = race({"soviet_reaction": {"enabled": True, "detection_lag_days": 7}})
    (text,) = describe(inst, Conflict(("halving",), True))
    assert "detect the mobilization on 13 Jul 1941 (7 days after the order)" in text
    assert "a later order would let the withdrawals run longer" in text


def test_an_empty_pool_names_the_pool_and_the_units() -> None:
    """30% of 20,000 t never holds an 8,000 t division: the pool and the units are named."""
    inst = race({"levers.north_share": 0.3, "criteria.halving.enabled": False})
    text = stuck_units(inst)
    assert "North's share of the Army shipping pool" in text and "6,000 t" in text
    assert "Home division ×2 (8,000 t each)" in text


def test_a_front_floor_is_called_a_floor() -> None:
    """A floor of 6 div.-eq. (60% of 10) keeps halving out of reach at any rate."""
    inst = race({"fronts.east.floor": 6})
    (text,) = describe(inst, Conflict(("halving",), True))
    assert "never fall below their floors (Eastern front 6 div.-eq.)" in text


# --- The command -----------------------------------------------------------------------------


def test_explain_json_has_conflicts_and_corrections(tmp_path: Path) -> None:
    """`explain --json` on a no-go: conflicts with `complete`, correction sets with `cost`,
    `changes` and `verified`; `--weights` changes the costs; a bad weight is a usage error."""
    case = write(tmp_path, DECLARED)
    run = CliRunner().invoke(
        main, ["explain", case, "--json", "--workers", "1", "--weights", "lever=5"]
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["conflicts"]["complete"] is True
    first = data["correction_sets"][0]
    assert first["verified"] and first["cost"] == 5
    assert first["changes"][0]["member"] == "levers.withdrawal_scale"
    assert first["changes"][0]["value"] == SCALE_THRESHOLD
    bad = CliRunner().invoke(main, ["explain", case, "--weights", "lever=cheap"])
    assert bad.exit_code == 2 and "--weights" in bad.output


def test_explain_json_go_has_alternatives_and_closure(tmp_path: Path) -> None:
    """`explain --json` on a go lists the alternatives and the closure per front."""
    case = write(tmp_path)
    run = CliRunner().invoke(
        main,
        ["explain", case, "-s", "halving-met", "--json", "--workers", "1", "--alternatives", "1"],
    )
    data = json.loads(run.stdout)
    assert data["verdict"] == "go" and data["closure"]["fronts"][0]["front"] == "east"
    assert len(data["alternatives"]) <= 1 and "timings" in data


def test_the_time_limit_bounds_the_whole_command(tmp_path: Path) -> None:
    """With --time-limit 2 the whole explain of a no-go with many checks ends in time."""
    case = write(tmp_path, {**PLANTED, **DECLARED})
    started = time.perf_counter()
    run = CliRunner().invoke(main, ["explain", case, "--workers", "1", "--time-limit", "2"])
    assert run.exit_code == 0, run.output
    assert time.perf_counter() - started < 2 + 1.5


def test_a_switch_only_criterion_moves_to_off() -> None:
    """South readiness has no threshold: its only correction is switching it off."""
    search = Search(race(PLANTED))
    assert search.by_name["south_readiness"].grid == (OFF,)


def test_oracle_agrees_with_the_planner_on_the_race() -> None:
    """The oracle's answer is the planner's on a few settings of the race."""
    inst = race()
    oracle = Oracle(inst, 10.0)
    for paths in (
        {},
        {"levers.withdrawal_scale": SCALE_THRESHOLD},
        {"levers.withdrawal_scale": 3.12},
        {"criteria.halving.enabled": False},
    ):
        verdict = oracle.check(paths)
        planned = plan_case(_applied(inst, paths), ONE)
        assert verdict.feasible is (planned.status != Status.INFEASIBLE), paths


def _applied(inst: Instance, paths: dict[str, Any]) -> Instance:
    from kantokuen.planner.oracle import apply

    return Instance(apply(inst.case, paths))


def test_solve_shows_the_cheapest_correction(tmp_path: Path) -> None:
    """`solve` on a no-go carries its cheapest correction, verified, and prints it; the
    Markdown result lists it too."""
    case = write(tmp_path)
    result = api.solve(case, workers=1, time_limit=20)
    (cheapest,) = result.corrections
    assert cheapest.verified and cheapest.changes[0].value == SCALE_THRESHOLD
    text = CliRunner().invoke(main, ["solve", case, "--workers", "1"]).stdout
    assert "Cheapest correction: Soviet withdrawal rate from 1× history to 3.13× history" in text
    md = CliRunner().invoke(main, ["solve", case, "--workers", "1", "--format", "md"]).stdout
    assert "cheapest corrections" in md and "3.13× history" in md
    assert api.solve(case, workers=1, time_limit=20, corrections=0).corrections == []


def test_the_html_report_shows_the_corrections(tmp_path: Path) -> None:
    """The HTML report of a no-go lists what would make it a go."""
    case = write(tmp_path)
    out = tmp_path / "r.html"
    run = CliRunner().invoke(main, ["report", case, "--html", str(out), "--workers", "1"])
    assert run.exit_code == 0, run.output
    html = out.read_text()
    assert "What would make it a go (cheapest corrections)" in html
    assert "3.13× history" in html


def test_a_movement_no_share_can_carry_names_the_stuck_units() -> None:
    """30% of the pool for the North and a South that allows no more: no division can sail,
    whatever the criteria; the no-go names the pool and the units."""
    inst = race(
        {
            "levers.north_share": 0.3,
            "criteria.halving.enabled": False,
            "shipping.south_requirements": {"m": {"by": "1941-07-10", "tons": 14000}},
        }
    )
    conflict = minimal_conflict(inst)
    assert conflict.members == ("calendar.horizon_days",)
    (text,) = describe(inst, conflict)
    assert "cannot sail at all: Home division ×2 (8,000 t each)" in text


def test_a_conflict_search_out_of_time_asks_nothing_more() -> None:
    """Past the deadline the deletion filter stops: the members it did not confirm stay in the
    conflict, unchecked, and no question is asked (each would still build its case first:
    on the shipped `soviet-reinforce` that ran the correction search 1.6 s past its 3 s)."""
    inst = race(DECLARED)
    search = Search(inst, deadline=time.perf_counter())
    seed = search.conflict_members
    core = search.shrink(seed, search.members)
    assert search.oracle.checks == 0
    assert set(core.members) == set(seed) and set(core.unchecked) == set(seed)
    assert not core.minimal
