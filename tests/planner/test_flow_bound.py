"""The flow relaxation's X-Day bound (planner/flow_bound): worked by hand where ships are
requisitioned late, never above the earliest X-Day an exhaustive search finds, and how the
answer states it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import event, given, reject, settings
from rich.console import Console

from kantokuen.models.instance import Instance
from kantokuen.models.plan import Result, Status
from kantokuen.models.scenarios import load
from kantokuen.models.verify import objective_terms
from kantokuen.planner import flow_bound as fb
from kantokuen.planner.heuristics import relaxation_bound
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions, Tuning, plan_case
from kantokuen.reports.text import render, x_day_proof
from tests.conftest import examples
from tests.factory import base_data, day, division, make
from tests.property.bruteforce import SearchTooLarge, earliest_x_day
from tests.property.support import case_file
from tests.strategies import TINY, Witnessed, case_of, tightened_cases, witnessed_cases

ROOT = Path(__file__).resolve().parents[2]
HISTORICAL = str(ROOT / "cases" / "kantokuen_1941.yaml")
README = ROOT / "README.md"
ONE_WORKER = SolveOptions(time_limit=10.0, workers=1, seed=0)


def late_ships() -> Instance:
    """Four divisions (8,000 t each) ready on day 4, but 16,000 t of ships only from day 10:
    two divisions at sea at a time, three days a cycle."""
    return Instance(
        make({"units.div": division(count=4), "shipping.pool": [{"date": day(10), "tons": 16000}]})
    )


def test_late_ships_worked_by_hand() -> None:
    """Each port and line alone allows day 10. Shared: nothing sails before day 10; two
    divisions by day 12 (two at sea, cycle 3), the other two on day 13 at the earliest, landing
    on day 14; Pusan (10,000 t/day) unloads what has landed, 1.6 days of work for those two after
    1.6 days for the first two, so the last is through on day 15 and at the front (two days by
    rail) on day 17. The planner's plan reaches day 17, so X-Day is proven without a search."""
    inst = late_ships()
    assert relaxation_bound(inst) == 10
    found = fb.flow_bound(inst, 10, inst.horizon, 30.0)
    assert (found.day, found.complete) == (17, True)
    assert fb.feasible_by(inst, 16, 30.0) is False and fb.feasible_by(inst, 17, 30.0) is True
    outcome = plan_case(inst, ONE_WORKER)
    assert outcome.status.value == "OPTIMAL" and outcome.objective["x_day"] == 17
    assert "flow_bound" in outcome.timings and "solve_x_day" not in outcome.timings
    without = plan_case(inst, ONE_WORKER, Tuning(flow_bound=False))
    assert without.objective["x_day"] == 17 and "solve_x_day" in without.timings


def test_ships_held_while_loading_and_unloading_worked_by_hand() -> None:
    """Two divisions (8,000 t each) ready on day 4, ships for one at a time; Moji loads and
    Pusan unloads 4,000 t a day, so each takes two days. The first loads on days 4-5 (its ships
    held from day 4), sails on 5, lands on 6 and unloads on 6-7: its ships are back on day 9
    (cycle 3 from sailing, a day more for the second unloading day). The second cannot load
    before day 9: it sails on 10, is unloaded on 12 and at the front on 14. Holding ships only
    from sailing for the cycle would let it sail on day 8 and arrive on 12."""
    inst = Instance(
        make(
            {
                "units.div": division(count=2),
                "shipping.pool": [{"date": day(0), "tons": 8000}],
                "ports.moji.tons_per_day": 4000,
                "ports.pusan.tons_per_day": 4000,
            }
        )
    )
    assert fb.flow_bound(inst, 0, inst.horizon, 30.0).day == 14
    outcome = plan_case(inst, ONE_WORKER)
    assert outcome.status.value == "OPTIMAL" and outcome.objective["x_day"] == 14
    assert "solve_x_day" not in outcome.timings  # proven by the bound, with no search


def test_the_exhaustive_search_agrees_on_the_late_ships() -> None:
    assert earliest_x_day(late_ships().case, 2_000_000)[0] == 17  # type: ignore[index]


@settings(max_examples=examples(60))
@given(tightened_cases(TINY))
def test_the_bound_never_passes_the_earliest_x_day(data: dict) -> None:
    """The relaxation has a solution on the day an exhaustive search's plan attacks, so the
    bound never rules out a day some plan meets."""
    case = case_of(data)
    try:
        brute = earliest_x_day(case, 200_000)
    except SearchTooLarge:
        event("exhaustive search too large: case not compared")
        reject()
    if brute is None:
        event("no-go: nothing to bound")
        return
    inst = Instance(case)
    assert fb.feasible_by(inst, brute[0], 30.0) is True
    assert fb.flow_bound(inst, 0, brute[0] + 1, 30.0).day <= brute[0]


@settings(max_examples=examples(80))
@given(witnessed_cases(share="any"))
def test_a_witness_plan_is_never_ruled_out(w: Witnessed) -> None:
    """Every plan the verifier accepts satisfies the relaxation at its X-Day; with `auto`, the
    least share the relaxation allows is no more than the plan's (whole percents, rounded up)."""
    inst = w.instance
    assert fb.feasible_by(inst, w.plan.x_day, 30.0) is True
    assert fb.integral_feasible_by(inst, w.plan.x_day, 10.0) is not False
    if inst.auto_share:
        least = fb.least_share_pct(inst, w.plan.x_day, 30.0)
        assert least is not None and least <= -(-w.plan.north_share_bp // 100)
    # Ton-days: the bound never passes the plan's, and the plan's own value is never ruled out
    # in whole units (asked for one ton-day more, the answer is not "none below it").
    tons = objective_terms(w.instance.case, w.plan)["ton_days"]
    for below in (tons, tons + 1):
        bound = fb.least_ton_days(inst, w.plan.x_day, w.plan.north_share_bp, below, 30.0)
        assert bound is not None and bound <= tons, (below, bound, tons)


def test_late_ships_need_every_ton_of_the_pool() -> None:
    """With `auto`, day 17 needs both divisions at sea at once from day 10 (above): all of
    the 16,000 t, so the North share of 100% is proven by the relaxation, with no search."""
    case = make(
        {
            "units.div": division(count=4),
            "shipping.pool": [{"date": day(10), "tons": 16000}],
            "levers.north_share": "auto",
        }
    )
    inst = Instance(case)
    assert fb.least_share_pct(inst, 17, 30.0) == 100
    outcome = plan_case(inst, ONE_WORKER)
    assert outcome.status.value == "OPTIMAL" and outcome.objective["north_share_pct"] == 100
    assert "flow_share_bound" in outcome.timings
    assert "solve_north_share_pct" not in outcome.timings


def two_routes() -> Instance:
    """Two divisions (8,000 t each) ready on day 4, 16,000 t of ships; Moji loads 8,000 t a
    day (cycle 3 to Pusan), Osaka as much (cycle 5); Pusan and its line 20,000 t a day."""
    moves = [
        {"sea": "moji_pusan", "rail": "pusan_front"},
        {"sea": "osaka_pusan", "rail": "pusan_front"},
    ]
    return Instance(
        make(
            {
                "units.div": division(count=2, moves=moves),
                "shipping.pool": [{"date": day(0), "tons": 16000}],
                "ports.moji.tons_per_day": 8000,
                "ports.pusan.tons_per_day": 20000,
                "rail.pusan_front.tons_per_day": 20000,
                "sea_routes.osaka_pusan.cycle_days": 5,
            }
        )
    )


def test_two_routes_ton_days_worked_by_hand() -> None:
    """X-Day 7 needs both divisions sailing on day 4 (land 5, two days by rail); Moji loads only
    one a day, so one sails from Osaka: 8,000 × 3 + 8,000 × 5 = 64,000 ton-days, above the
    simple bound of both on the short route (48,000). The relaxation gives 64,000 at day 7, so
    the shipping stage is proven with no search; without it, CP-SAT searches to the same."""
    inst = two_routes()
    assert fb.least_ton_days(inst, 7, 10_000, 64_000, 30.0) == 64_000
    assert fb.least_ton_days(inst, 8, 10_000, 64_000, 30.0) == 48_000  # both via Moji, a day apart
    outcome = plan_case(inst, ONE_WORKER)
    assert outcome.status.value == "OPTIMAL"
    assert (outcome.objective["x_day"], outcome.objective["ton_days"]) == (7, 64_000)
    assert outcome.bound["ton_days"] == 64_000
    assert "flow_ton_days_bound" in outcome.timings and "solve_ton_days" not in outcome.timings
    without = plan_case(inst, ONE_WORKER, Tuning(flow_bound=False))
    assert without.objective["ton_days"] == 64_000 and "solve_ton_days" in without.timings


def test_a_case_too_large_is_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the size guard the bound stays where it started, marked incomplete."""
    monkeypatch.setattr(fb, "MAX_NONZEROS", 0)
    inst = late_ships()
    found = fb.flow_bound(inst, 10, inst.horizon, 30.0)
    assert (found.day, found.complete) == (10, False)
    assert fb.least_ton_days(inst, 17, 10_000, 10**9, 30.0) is None


def test_the_answer_says_how_sure_the_x_day_is() -> None:
    """Proven; proven for X-Day alone (a later term not); or the best found, with the day no
    plan can beat (the bound, as a date)."""
    data = base_data()
    data["units"]["div"] = division(count=4)
    data["shipping"]["pool"] = [{"date": day(10), "tons": 16000}]
    with case_file(data) as path:
        result = solve(load(path), ONE_WORKER)
    assert result.status.value == "OPTIMAL" and result.x_day == day(17)
    assert x_day_proof(result) == "the earliest possible day"
    feasible = Status("FEASIBLE")
    x_only = result.model_copy(update={"status": feasible})
    assert x_day_proof(x_only).startswith("the earliest possible day (proven; the shipping")
    unproven = result.model_copy(update={"status": feasible, "bound": {"x_day": 15.0}})
    assert x_day_proof(unproven).endswith(
        "not proven earliest: no plan can attack before 16 July 1941"
    )
    assert "no plan can attack before 16 July 1941" in "\n".join(text_lines(unproven))


def text_lines(result: Result) -> list[str]:
    """The terminal summary, as plain text."""
    console = Console(record=True, width=200)
    render(result, console)
    return console.export_text().splitlines()


@pytest.mark.parametrize(
    ("scenario", "relaxed", "fractions", "echelons"),
    [
        ("crash-schedule", "1941-08-20", "1941-08-27", "1941-08-28"),
        ("early-order-movement", "1941-08-08", "1941-08-15", "1941-08-16"),
    ],
)
def test_the_historical_movement_bounds_the_readme_states(
    scenario: str, relaxed: str, fractions: str, echelons: str
) -> None:
    """On the historical case the ships come weeks after the order: each port and line alone
    leaves the bound eleven days before the best plan; the flow relaxation in fractions of
    echelons seven days later, in whole echelons one more (the next day stays open in seconds).
    README's table gives the last."""
    case = load(HISTORICAL, scenario).case
    inst = Instance(case)
    lower = relaxation_bound(inst)
    assert lower is not None and case.date(lower).isoformat() == relaxed
    first_fit = next(x for x in range(lower, inst.horizon) if fb.feasible_by(inst, x, 60.0))
    assert case.date(first_fit).isoformat() == fractions
    # 20 s: the whole-echelon check of the first day the fractions allow takes ~2 s idle, and
    # a loaded machine (CI runs two test workers) must not stop the search before it ends.
    found = fb.flow_bound(inst, lower, inst.horizon, 20.0)
    assert case.date(found.day).isoformat() == echelons
    when = dt.date.fromisoformat(echelons)
    assert f"before {when.day} {when:%b}" in readme_row(scenario)


def readme_row(scenario: str) -> str:
    rows = [line for line in README.read_text(encoding="utf-8").splitlines()]
    return next(line for line in rows if line.startswith(f"| `{scenario}` |"))


def test_the_record_movement_has_no_plan_before_the_decision_deadline_allows() -> None:
    """The record's movement alone (ordered 7 Jul): each port and line alone allows 21 Aug; the
    flow relaxation rules out 29 Aug — the one X-Day the decision deadline leaves `halving-met`
    — already in fractions of echelons (ships held while their units wait to unload), and 30
    Aug in whole echelons (docs/history.md, G8; README)."""
    from kantokuen.analysis.movement import ORIGIN, SWITCHED_OFF
    from kantokuen.models.scenarios import with_overrides

    loaded = load(HISTORICAL, "historical")
    movement = with_overrides(
        loaded, {f"criteria.{name}.enabled": False for name in SWITCHED_OFF}, ORIGIN
    )
    inst = Instance(movement.case)
    lower = relaxation_bound(inst)
    assert lower is not None and movement.case.date(lower).isoformat() == "1941-08-21"
    assert fb.feasible_by(inst, 68, 60.0) is False  # not by 29 Aug, even in fractions
    assert fb.feasible_by(inst, 69, 60.0) is True  # in fractions of echelons: 30 Aug
    assert fb.integral_feasible_by(inst, 69, 30.0) is False  # in echelons: not by 30 Aug
    assert "no plan has the record's force at its fronts before 31 Aug" in readme_row("halving-met")


def test_halving_met_is_a_no_go_the_flow_relaxation_proves() -> None:
    """With the Soviet criteria met on 10 Aug the decision deadline leaves one X-Day, 29 Aug;
    the record's movement cannot be at its fronts by then in whole echelons: a no-go, resting on
    CP-SAT's proof on the relaxation, which the verifier cannot re-check (and says so)."""
    inst = Instance(load(HISTORICAL, "halving-met").case)
    outcome = plan_case(inst, SolveOptions(time_limit=60.0, workers=1, seed=0))
    assert outcome.status.value == "INFEASIBLE" and outcome.plan is None
    certificate = outcome.certificate
    assert certificate is not None and certificate["kind"] == "flow_relaxation"
    assert certificate["open_days"] == [68]
    assert "1941-08-29" in certificate["note"] and "cannot re-check" in certificate["note"]
    assert "solve_x_day" not in outcome.timings  # decided before any CP-SAT stage


def test_the_oracle_strikes_off_days_the_flow_relaxation_rules_out() -> None:
    """A conflict check asks the same relaxation before CP-SAT: 29 Aug is struck off (and
    remembered), the days after it stay for CP-SAT."""
    from kantokuen.planner.oracle import Oracle

    inst = Instance(load(HISTORICAL, "halving-met").case)
    oracle = Oracle(inst, time_limit=30.0)
    ruled_out: set[int] = set()
    assert oracle._flow_rules_out(inst, [68], ruled_out) == [] and ruled_out == {68}


def test_the_oracle_asks_the_flow_relaxation_only_where_arithmetic_does_not_settle() -> None:
    """Conflict and correction checks ask the relaxation only when the case's own no-go rests
    on a solver (`halving-met`), not where its certificate is arithmetic (`historical`)."""
    from kantokuen.planner.oracle import Oracle

    assert Oracle(Instance(load(HISTORICAL, "halving-met").case)).flow_decides
    assert not Oracle(Instance(load(HISTORICAL, "historical").case)).flow_decides
