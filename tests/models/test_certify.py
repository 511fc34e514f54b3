"""No-go certificates: made by the planner (planner/certificate.py), checked by the verifier's
own arithmetic (models/certify.py), and refused when forged.

Cases from tests/factory.py: one division ready on day 4, sailing Moji → Pusan that day
(Moji and Pusan 10,000 t/day, 8,000 t a division), landing on day 5 and reaching the front on
day 7; decision lag 0, decision deadline day 30, weather: latest X-Day 39, horizon 40.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kantokuen.models.certify import check_certificate
from kantokuen.models.instance import Instance
from kantokuen.models.scenarios import LoadedCase
from kantokuen.planner.certificate import no_go_certificate
from kantokuen.planner.result import build_result
from kantokuen.planner.solve import Outcome, PlannerBug, SolveOptions, Tuning, plan_case
from tests.factory import day, division, make

# Soviet strength 1 on day 0, 0.6 left after 0.4 div.-eq. have gone west by day 20: never
# halved, so every decision day fails the halving criterion until the deadline (day 30).
NEVER_HALVED = {
    "criteria.halving": {"enabled": True, "fraction": 0.5},
    "fronts.east.withdrawals": [{"date": day(20), "cumulative": 0.4}],
}
# Two Soviet divisions against one Japanese division at a ratio of 1: short on every day.
OUTNUMBERED = {"fronts.east.initial_strength": 2}
# Three divisions through Moji (10,000 t/day, 8,000 t each: one a day from day 4): the last
# lands on day 7 and arrives on day 9, after a horizon of 8 days.
THREE_DIVISIONS_HORIZON_8 = {
    "units.div2": division(),
    "units.div3": division(),
    "calendar.horizon_days": 8,
    "criteria.decision_deadline.date": day(8),
    "criteria.weather.deadline": day(8),
}
# A pool of 5,000 t cannot carry an 8,000 t division: only the full model sees it.
POOL_TOO_SMALL = {"shipping.pool": [{"date": day(0), "tons": 5000}]}


def certificate(changes: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    case = make(changes)
    return case, no_go_certificate(Instance(case))


def test_halving_no_go_is_certified_by_criteria_arithmetic() -> None:
    case, cert = certificate(NEVER_HALVED)
    assert cert["kind"] == "criteria"
    assert [(e["rule"], e["first"], e["last"]) for e in cert["exclusions"]] == [
        ("halving", 0, 30),
        ("decision_deadline", 31, 40),
    ]
    # Day 30: 1 − 0.4 = 0.6 div.-eq. left of 1 (milli-div.-eq.).
    assert cert["exclusions"][0]["numbers"] == {"soviet": 600, "initial": 1000}
    assert check_certificate(case, cert) == []


def test_force_ratio_no_go_names_the_front_and_the_earliest_arrivals() -> None:
    case, cert = certificate(OUTNUMBERED)
    assert cert["kind"] == "relaxation"
    assert cert["required_by"] == {"day": 7, "unit": "div"}
    assert [(e["rule"], e["first"], e["last"], e.get("front")) for e in cert["exclusions"]] == [
        ("required_arrivals", 0, 6, None),
        ("force_ratio", 7, 30, "east"),
        ("decision_deadline", 31, 40, None),
    ]
    assert cert["exclusions"][1]["numbers"] == {"arrived": 1000, "needed": 2000}
    assert check_certificate(case, cert) == []


def test_a_port_too_small_is_witnessed_by_its_units() -> None:
    case, cert = certificate(THREE_DIVISIONS_HORIZON_8)
    assert cert["kind"] == "relaxation"
    assert cert["exclusions"] == [{"rule": "movement", "first": 0, "last": 8, "numbers": {}}]
    witness = cert["required_by"]
    assert witness["day"] == 9  # 4 + ceil(24,000 / 10,000) − 1 + (1 day at sea + 2 by rail)
    assert witness["facility"] in ("embark:moji", "debark:pusan", "rail:pusan_front")
    assert sorted(witness["units"]) == ["div", "div2", "div3"]
    assert check_certificate(case, cert) == []


def test_a_starved_south_is_a_criteria_certificate() -> None:
    south = {"indochina": {"by": day(10), "tons": 5000}}
    case, cert = certificate({"shipping.south_requirements": south})
    assert cert["kind"] == "criteria"
    assert cert["exclusions"] == [
        {"rule": "south_readiness", "first": 0, "last": 40, "numbers": {}}
    ]
    assert check_certificate(case, cert) == []


def test_a_no_go_of_the_shipping_pool_rests_on_the_full_model_and_says_so() -> None:
    case, cert = certificate(POOL_TOO_SMALL)
    assert cert["kind"] == "full_model"
    assert cert["open_day"] == 7
    assert check_certificate(case, cert) == [
        "a certificate of kind 'full_model' cannot be checked without a solver"
    ]


# 300 tanks losing 5 a day (to day 60) and 90 aircraft that never leave: neither is down to a
# third (0.333 of day 0) by the decision deadline (day 30), when 150 tanks are left.
ARMOUR_NEVER = {
    "criteria.armour_air": {"fraction": 0.333},
    "fronts.east.tanks": {"initial": 300, "withdrawals": [{"date": day(60), "cumulative": 300}]},
    "fronts.east.aircraft": 90,
}
# The North keeps 80% of the 20,000 t pool until day 11; the South needs 12,000 t on day 10.
SOUTH_SCHEDULE = {
    "levers.north_share": [{"date": day(0), "share": 0.8}, {"date": day(11), "share": 0.4}],
    "shipping.south_requirements": {"indochina": {"by": day(10), "tons": 12000}},
}


def test_an_armour_air_no_go_states_its_numbers_per_measure() -> None:
    case, cert = certificate(ARMOUR_NEVER)
    assert cert["kind"] == "criteria"
    assert [(e["rule"], e["first"], e["last"]) for e in cert["exclusions"]] == [
        ("armour_air", 0, 30),
        ("decision_deadline", 31, 40),
    ]
    # Day 30: 300 − 150 tanks, 90 aircraft (thousandths of a tank, of an aircraft).
    assert cert["exclusions"][0]["numbers"] == {
        "tanks": 150_000,
        "tanks_initial": 300_000,
        "aircraft": 90_000,
        "aircraft_initial": 90_000,
    }
    assert check_certificate(case, cert) == []
    cert["exclusions"][0]["numbers"]["tanks"] = 99_000
    assert check_certificate(case, cert)[0].startswith("armour_air: the numbers stated for day 30")


def test_a_halving_no_go_in_tanks_states_tanks() -> None:
    changes = {**ARMOUR_NEVER, "criteria.armour_air": {"enabled": False}}
    case, cert = certificate({**changes, "criteria.halving": {"fraction": 0.4, "measure": "tanks"}})
    assert cert["exclusions"][0]["rule"] == "halving"
    assert cert["exclusions"][0]["measure"] == "tanks"
    assert cert["exclusions"][0]["numbers"] == {"soviet": 150_000, "initial": 300_000}
    assert check_certificate(case, cert) == []
    del cert["exclusions"][0]["measure"]
    assert check_certificate(case, cert) == [
        "halving: the measure stated is divisions, not the criterion's tanks"
    ]


def test_a_south_starved_by_the_step_in_force_on_its_day_is_certified() -> None:
    case, cert = certificate(SOUTH_SCHEDULE)
    assert cert == {
        "kind": "criteria",
        "exclusions": [{"rule": "south_readiness", "first": 0, "last": 40, "numbers": {}}],
    }
    assert check_certificate(case, cert) == []
    # The same certificate for the schedule that gives the North 40% from day 10 is refused.
    schedule = [{"date": day(0), "share": 0.8}, {"date": day(10), "share": 0.4}]
    kept = make({**SOUTH_SCHEDULE, "levers.north_share": schedule})
    assert check_certificate(kept, cert)[0].startswith("south_readiness does not rule out day 0")


# --- Forged certificates are refused ---------------------------------------------------------


def forged(cert: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(cert)
    out.update(changes)
    return out


def test_a_gap_in_the_days_is_refused() -> None:
    case, cert = certificate(NEVER_HALVED)
    cert["exclusions"][0]["first"] = 3
    assert check_certificate(case, cert) == ["day 0 is not ruled out by any reason (and 2 more)"]


def test_a_reason_that_does_not_hold_is_refused() -> None:
    case, cert = certificate(OUTNUMBERED)
    # The halving criterion is off in this case: it rules out nothing.
    cert["exclusions"][1]["rule"] = "halving"
    problems = check_certificate(case, cert)
    assert problems[0].startswith("halving (east) does not rule out day 7")


def test_wrong_numbers_are_refused() -> None:
    case, cert = certificate(NEVER_HALVED)
    cert["exclusions"][0]["numbers"]["soviet"] = 700
    assert check_certificate(case, cert)[0].startswith("halving: the numbers stated for day 30")


def test_a_wrong_witness_is_refused() -> None:
    case, cert = certificate(OUTNUMBERED)
    assert check_certificate(case, forged(cert, required_by={"day": 8, "unit": "div"})) == [
        "the witness gives a last required arrival on day 7, not day 8",
        "required_arrivals does not rule out day 0 (and 6 more)",
    ]
    case2, cert2 = certificate(THREE_DIVISIONS_HORIZON_8)
    witness = dict(cert2["required_by"], units=["div", "div2"])
    assert check_certificate(case2, forged(cert2, required_by=witness))[0].startswith(
        "the witness gives a last required arrival on day 8"
    )


def test_a_go_case_cannot_be_certified_no_go() -> None:
    """The base case is a go on day 7: no certificate covers that day."""
    case = make()
    cert = {
        "kind": "relaxation",
        "required_by": {"day": 7, "unit": "div"},
        "exclusions": [
            {"rule": "required_arrivals", "first": 0, "last": 6, "numbers": {}},
            {
                "rule": "force_ratio",
                "first": 7,
                "last": 40,
                "front": "east",
                "numbers": {"arrived": 1000, "needed": 1000},
            },
        ],
    }
    assert check_certificate(case, cert)[0].startswith("force_ratio (east) does not rule out day 7")


def test_a_criteria_certificate_may_not_use_movement_reasons() -> None:
    case, cert = certificate(OUTNUMBERED)
    assert check_certificate(case, forged(cert, kind="criteria"))[-1] == (
        "a 'criteria' certificate may only use reasons that depend on X-Day alone"
    )


# --- Through the planner and the result -------------------------------------------------------


def _result(changes: dict[str, Any], outcome: Outcome | None = None) -> Any:
    case = make(changes)
    inst = Instance(case)
    outcome = outcome or plan_case(inst, SolveOptions(time_limit=10, workers=1))
    loaded = LoadedCase(case, "test.yaml", None, (), None)  # type: ignore[arg-type]
    return build_result(loaded, inst, outcome, SolveOptions(workers=1), [], [])


@pytest.mark.parametrize(
    "changes",
    [NEVER_HALVED, OUTNUMBERED, THREE_DIVISIONS_HORIZON_8, ARMOUR_NEVER, SOUTH_SCHEDULE],
)
def test_a_certified_no_go_says_verified(changes: dict[str, Any]) -> None:
    result = _result(changes)
    assert (result.go, result.verified, result.verification) == (False, True, "")
    assert result.certificate["kind"] in ("criteria", "relaxation")


def test_a_no_go_of_the_full_model_is_not_verified_and_says_why() -> None:
    inst = Instance(make(POOL_TOO_SMALL))
    options = SolveOptions(time_limit=10, workers=1)
    result = _result(POOL_TOO_SMALL, plan_case(inst, options, Tuning(flow_bound=False)))
    assert (result.go, result.status, result.verified) == (False, "INFEASIBLE", False)
    assert "CP-SAT's proof that the full model is infeasible" in result.verification


def test_a_no_go_of_the_flow_relaxation_is_not_verified_and_says_why() -> None:
    """The same pool, too small: the flow relaxation proves it before any CP-SAT stage."""
    result = _result(POOL_TOO_SMALL)
    assert (result.go, result.status, result.verified) == (False, "INFEASIBLE", False)
    assert result.certificate["kind"] == "flow_relaxation"
    assert "proof on that relaxation, which the verifier cannot re-check" in (result.verification)


def test_a_certificate_the_verifier_refuses_is_a_planner_bug() -> None:
    case, cert = certificate(NEVER_HALVED)
    cert["exclusions"][0]["last"] = 20  # leaves days 21..30 open
    outcome = Outcome("INFEASIBLE", None, {}, {}, 0.0, ("x_day",), {}, cert)  # type: ignore[arg-type]
    with pytest.raises(PlannerBug, match="not ruled out"):
        _result(NEVER_HALVED, outcome)
