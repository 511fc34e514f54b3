"""Explanations: minimal conflicts (checked independently), distances in domain words, what
binds a go, the critical chain, and the `explain` command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kantokuen.cli import main
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.planner.binding import critical_chain, saturated_resources, what_binds
from kantokuen.planner.corrections import Search, enumerate_conflicts, member_distance
from kantokuen.planner.explain import (
    LEVER_PREFIX,
    Conflict,
    describe,
    minimal_conflict,
    relaxed_levers,
    with_criteria_off,
    with_levers,
)
from kantokuen.planner.solve import SolveOptions, plan_case
from tests.analysis.tiny import SCALE_THRESHOLD, race, write
from tests.factory import inst as tiny_inst

ONE = SolveOptions(time_limit=20, workers=1)


def solvable(inst: Instance, members: set[str]) -> bool:
    """Independent of the deletion filter: the case with only these members in force (other
    criteria off, other levers relaxed) has a verified plan (plan_case verifies it)."""
    levers = {k: v for k, v in relaxed_levers(inst).items() if LEVER_PREFIX + k not in members}
    criteria = [
        "halving",
        "armour_air",
        "force_ratio",
        "decision_deadline",
        "weather",
        "south_readiness",
        "required_arrivals",
    ]
    reduced = with_criteria_off(
        with_levers(inst, levers), [c for c in criteria if c not in members]
    )
    outcome = plan_case(reduced, ONE)
    assert outcome.status != Status.UNKNOWN
    return outcome.plan is not None


NO_GO_VARIANTS: list[dict[str, Any]] = [
    {},  # halving never holds at the historical rate
    {"levers.withdrawal_scale": 3.12},  # halving holds one day after the deadline
    {
        "criteria.halving.enabled": False,
        "levers.mobilization_order": "1941-08-05",
        "criteria.decision_deadline.decision_to_attack_days": 0,
    },  # ordered too late for the deadline
    {
        "levers.north_share": 0.3,
        "criteria.halving.enabled": False,
    },  # no ship big enough for a division
    {
        "shipping.south_requirements": {"malaya": {"by": "1941-07-10", "tons": 15000}},
        "criteria.halving.enabled": False,
        "levers.north_share": 0.5,
    },  # South starved by the North's share
]


@pytest.mark.parametrize("changes", NO_GO_VARIANTS)
def test_conflict_is_minimal(changes: dict[str, Any]) -> None:
    """The members together are infeasible, and dropping any one of them makes the case feasible
    (checked with the planner, not with the filter's own oracle)."""
    inst = race(changes)
    assert plan_case(inst, ONE).status == Status.INFEASIBLE
    conflict = minimal_conflict(inst)
    assert conflict.feasible_without_criteria and conflict.proven_minimal
    members = set(conflict.members)
    assert members
    assert not solvable(inst, members)
    for member in members:
        assert solvable(inst, members - {member}), member


def test_historical_rate_conflict_is_halving_and_withdrawals() -> None:
    """At the historical withdrawal rate the halving criterion and the rate conflict."""
    conflict = minimal_conflict(race())
    assert conflict.members == ("halving", "levers.withdrawal_scale")


def test_halving_comes_first_among_several_conflicts() -> None:
    """The force ratio fails too (3 divisions cannot be 0.6 × the Soviets): the first conflict is
    still the halving one, and the force-ratio conflict is found as another."""
    inst = race({"criteria.force_ratio.ratio": 0.6})
    first = minimal_conflict(inst)
    assert first.members == ("halving", "levers.withdrawal_scale")
    found, complete, _, _ = enumerate_conflicts(Search(inst), 5, first.members)
    assert complete and found[0].members == ("halving", "levers.withdrawal_scale")
    assert any("force_ratio" in c.members for c in found[1:])


def test_a_lever_can_be_in_the_conflict() -> None:
    """Ordered on 5 Aug, the units cannot arrive by the 10 Aug deadline: order and deadline
    conflict."""
    conflict = minimal_conflict(race(NO_GO_VARIANTS[2]))
    assert (
        "levers.mobilization_order" in conflict.members and "decision_deadline" in conflict.members
    )


def test_south_readiness_alone_when_the_share_is_too_large() -> None:
    """A fixed North share of 50% leaves the South short (it allows 25%): South readiness fails
    on its own (relaxing the North share means raising it, which cannot help the South)."""
    inst = race(NO_GO_VARIANTS[4])
    conflict = minimal_conflict(inst)
    assert conflict.members == ("south_readiness",)
    assert describe(inst, conflict) == [
        "South readiness: the South's requirements allow a North share of at "
        "most 25% (the North share is 50%)."
    ]


def test_a_share_the_south_cannot_spare_is_a_no_go_without_a_model() -> None:
    """The same case planned: no X-Day can help the South, so the no-go is proven by the
    verifier-checked certificate before any model, search or flow relaxation."""
    outcome = plan_case(race(NO_GO_VARIANTS[4]), SolveOptions(time_limit=10.0, workers=1))
    assert outcome.status is Status.INFEASIBLE
    assert outcome.certificate is not None and outcome.certificate["kind"] == "criteria"
    assert {ex["rule"] for ex in outcome.certificate["exclusions"]} >= {"south_readiness"}
    assert "build" not in outcome.timings and "flow_bound" not in outcome.timings


def test_movement_impossible() -> None:
    """A horizon too short for the crossing is no criterion's fault: an empty conflict."""
    inst = race(
        {
            "calendar.horizon_days": 7,
            "levers.mobilization_order": "1941-07-01",
            "criteria.decision_deadline.date": "1941-07-08",
            "criteria.weather.deadline": "1941-07-09",
            "criteria.weather.campaign_days": 0,
        }
    )
    conflict = minimal_conflict(inst)
    assert conflict == Conflict((), False, checks=conflict.checks)
    assert "cannot all be mobilized and moved" in describe(inst, conflict)[0]


def test_halving_sentence_says_how_much_faster() -> None:
    """The halving member states the strength share, the limit and the withdrawal rate needed."""
    inst = race()
    text = describe(inst, minimal_conflict(inst))[0]
    assert text.startswith(
        "Soviet Far East strength on 10 Aug 1941 (the decision deadline) is 84% of its "
        "1 Jul 1941 level; the halving criterion needs ≤ 50%: withdrawals would have to be "
        f"{SCALE_THRESHOLD:g}× as fast (withdrawal scale ≥ {SCALE_THRESHOLD:g})"
    )


# Tanks and aircraft by 10 Aug (day 40): 2,700 tanks losing 390, 2,800 aircraft losing 400;
# the armour-and-air criterion wants each down to 0.333 of its day-0 level by then.
ARMOUR_AIR = {
    "calendar.horizon_days": 60,
    "criteria.decision_deadline.date": "1941-08-10",
    "criteria.weather.deadline": "1941-08-30",
    "criteria.armour_air": {"fraction": 0.333},
    "fronts.east.tanks": {
        "initial": 2700,
        "withdrawals": [{"date": "1941-08-10", "cumulative": 390}],
    },
    "fronts.east.aircraft": {
        "initial": 2800,
        "withdrawals": [{"date": "1941-08-10", "cumulative": 400}],
    },
}


def test_armour_air_sentence_gives_each_measure_in_domain_words() -> None:
    """Tanks 2,310 of 2,700 and aircraft 2,400 of 2,800 on the deadline (aircraft, 85.7%, are
    the further from the limit); a third (0.333) is 899.1 tanks and 932.4 aircraft. Tanks need
    1,800.9 gone of the 390 at history's rate: scale 4.62; aircraft 1,867.6 of 400: 4.67."""
    inst = tiny_inst(ARMOUR_AIR)
    conflict = minimal_conflict(inst)
    # Both schedules end on 10 Aug: later deadlines would not help, the withdrawal rate would.
    assert conflict.members == ("armour_air", "levers.withdrawal_scale")
    assert describe(inst, conflict)[0] == (
        "Soviet Far East aircraft on 10 Aug 1941 (the decision deadline) are 2,400 of 2,800 and "
        "tanks 2,310 of 2,700; the armour-and-air criterion needs ≤ 932.4 aircraft and ≤ 899.1 "
        "tanks (33.3% of each one's 1 Jul 1941 level): withdrawals would have to be 4.67× "
        "as fast (withdrawal scale ≥ 4.67); at the case's rate it does not hold before "
        "30 Aug 1941."
    )
    # The aircraft set the limit a go needs at history's rate: 2,400 of 2,800 is 85.7%, so 86%.
    search = Search(inst)
    found = enumerate_conflicts(search, 3)[0][0]
    rate = member_distance(search, found, "levers.withdrawal_scale")
    limit = member_distance(search, found, "armour_air")
    assert (rate.value, rate.scope) == (4.67, "case")
    assert (limit.value, limit.scope) == (0.86, "case")


def test_distances_deadline_and_lever() -> None:
    """One day short: the earliest decision deadline that works is 11 Aug, and the rate needed
    is 3.13, each with the rest of the case as it is."""
    inst = race({"levers.withdrawal_scale": 3.12})
    search = Search(inst)
    conflict = enumerate_conflicts(search, 1)[0][0]
    assert conflict.members == ("halving", "decision_deadline", "levers.withdrawal_scale")
    deadline = member_distance(search, conflict, "decision_deadline")
    rate = member_distance(search, conflict, "levers.withdrawal_scale")
    assert (deadline.value.isoformat(), deadline.scope) == ("1941-08-11", "case")
    assert (rate.value, rate.scope) == (SCALE_THRESHOLD, "case")


def test_order_distance_is_the_latest_order_that_works() -> None:
    """The distance of the order is checked: ordering on that day works, a day later does not."""
    inst = race(NO_GO_VARIANTS[2])
    search = Search(inst)
    conflict = enumerate_conflicts(search, 1)[0][0]
    latest = member_distance(search, conflict, "levers.mobilization_order").value
    assert plan_case(with_levers(inst, {"mobilization_order": latest}), ONE).plan is not None
    later = latest + dt.timedelta(days=1)
    assert plan_case(with_levers(inst, {"mobilization_order": later}), ONE).plan is None


def test_every_conflict_is_infeasible_distinct_and_minimal() -> None:
    """Several reasons: each conflict is infeasible, dropping any member makes it feasible
    (checked with the planner), and no two are the same; the list is complete."""
    inst = race(
        {
            "levers.mobilization_order": "1941-08-05",
            "criteria.decision_deadline.decision_to_attack_days": 0,
        }
    )
    found, complete, more, _ = enumerate_conflicts(Search(inst), 10)
    assert len(found) >= 2 and complete and not more
    assert len({frozenset(c.members) for c in found}) == len(found)
    for conflict in found:
        members = set(conflict.members)
        assert not solvable(inst, members)
        for member in members:
            assert solvable(inst, members - {member}), member


# --- Go: what binds ----------------------------------------------------------------------


def moji_bound() -> Instance:
    """Two divisions, Moji loads one a day, everything downstream is wide: Moji sets X-Day."""
    return tiny_inst(
        {
            "units.div.count": 2,
            "ports.pusan.tons_per_day": 20000,
            "rail.pusan_front.tons_per_day": 20000,
            "criteria.force_ratio.ratio": 2.0,
        }
    )


def test_what_binds_finds_the_port() -> None:
    """Relaxing Moji's loading rate brings X-Day one day earlier; nothing else does."""
    inst = moji_bound()
    plan = plan_case(inst, ONE).plan
    assert plan is not None and plan.x_day == 8
    binds = {b.name: b for b in what_binds(inst, plan, ONE)}
    assert binds["port:moji:loading"].days_earlier == 1
    assert [name for name, b in binds.items() if b.days_earlier] == ["port:moji:loading"]


def test_saturation_lists_full_days() -> None:
    """Moji is full on the first sailing day (8,000 t of 10,000: no second division fits)."""
    inst = moji_bound()
    plan = plan_case(inst, ONE).plan
    assert plan is not None
    sat = {s.resource: s.days for s in saturated_resources(inst, plan)}
    assert sat["port:moji:loading"] == (4, 5)


def test_critical_chain_names_what_held_the_last_unit() -> None:
    """The second division waited a day for Moji; it arrives on X-Day."""
    inst = moji_bound()
    plan = plan_case(inst, ONE).plan
    assert plan is not None
    chain = critical_chain(inst, plan)
    assert chain is not None and chain.unit == "div-2"
    legs = {leg.name: leg for leg in chain.legs}
    assert (legs["sail"].day, legs["sail"].earliest) == (5, 4)
    assert legs["sail"].reason == "1 day after it could: loading at Moji full on 5 Jul 1941"
    assert legs["arrive"].day == plan.x_day and "sets X-Day" in chain.note


def test_halving_binds_a_go() -> None:
    """With withdrawals 4× history, halving sets X-Day: switching it off brings X-Day earlier."""
    inst = race({"levers.withdrawal_scale": 4.0})
    plan = plan_case(inst, ONE).plan
    assert plan is not None
    binds = {b.name: b for b in what_binds(inst, plan, ONE)}
    assert binds["halving"].days_earlier and binds["halving"].days_earlier > 0
    assert not binds["weather"].days_earlier


# --- The command -------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args, "--workers", "1"])


def test_explain_no_go_names_the_halving_criterion(tmp_path: Path) -> None:
    """`explain` on the historical scenario names the halving criterion and the rate needed."""
    result = run("explain", write(tmp_path), "--scenario", "historical")
    assert result.exit_code == 0, result.output
    assert "NO-GO" in result.stdout and "halving criterion" in result.stdout
    assert f"withdrawal scale ≥ {SCALE_THRESHOLD:g}" in result.stdout


def test_explain_json_go(tmp_path: Path) -> None:
    """`explain --json` on a go lists what binds and the critical chain."""
    result = run("explain", write(tmp_path), "--scenario", "halving-met", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "go" and data["result"]["verified"]
    assert any(b["name"] == "halving" and b["binds"] for b in data["binds"])
    assert [leg["leg"] for leg in data["chain"]["legs"]] == [
        "mobilize",
        "ready",
        "sail",
        "debark",
        "entrain",
        "arrive",
    ]


def test_explain_json_no_go_conflicts(tmp_path: Path) -> None:
    result = run("explain", write(tmp_path), "--json", "--set", "levers.withdrawal_scale=3.12")
    data = json.loads(result.stdout)
    assert data["verdict"] == "no-go" and not data["movement_impossible"]
    names = {m["name"] for m in data["conflicts"]["items"][0]["members"]}
    assert names == {"halving", "decision_deadline", "levers.withdrawal_scale"}
    assert data["result"]["conflict"] == ["halving", "decision_deadline", "levers.withdrawal_scale"]


def test_explain_markdown_and_bad_input(tmp_path: Path) -> None:
    case = write(tmp_path)
    assert run("explain", case, "--format", "md").stdout.startswith("# Explain: race")
    bad = run("explain", case, "--scenario", "nope")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: ")
