"""The teaching cases solve to the answers worked out by hand in cases/teaching/README.md.

Day 0 is 1 July 1941 in every teaching case and the order goes out that day. Each test says
why its X-Day is what it is, in the README's words.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kantokuen.models.plan import Result
from kantokuen.models.scenarios import load
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions

TEACHING = Path(__file__).resolve().parents[1] / "cases" / "teaching"
OPTIONS = SolveOptions(time_limit=30.0, workers=1, seed=0)
START = dt.date(1941, 7, 1)


def run(name: str, scenario: str | None = None, *sets: str) -> Result:
    return solve(load(str(TEACHING / f"{name}.yaml"), scenario, sets), OPTIONS)


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def committed(result: Result) -> set[str]:
    return {u["id"] for u in result.units if u["committed"]}


def arrivals(result: Result) -> dict[str, str]:
    return {u["id"]: u["arrive"] for u in result.units if u["committed"]}


# --- two_divisions ------------------------------------------------------------------------


def test_two_divisions_port_loads_one_division_a_day() -> None:
    # Ready on day 4; Moji loads 10,000 t a day, one 8,000 t division: sailings on days 4 and
    # 5, landings on 5 and 6, two days by rail: arrivals on 7 and 8. The Korea division is
    # there on day 5. All three are needed (1.5 x 2 Soviet), so X-Day is day 8.
    result = run("two_divisions")
    assert result.status == "OPTIMAL"
    assert result.x_day == day(8) == "1941-07-09"
    assert sorted(arrivals(result).values()) == [day(5), day(7), day(8)]


def test_two_divisions_small_pool_waits_for_the_ship() -> None:
    # 10,000 t of shipping: the first division holds 8,000 t on days 4-6, so the second sails
    # on day 7 when the ship is back, lands on day 8 and arrives on day 10.
    result = run("two_divisions", "small-pool")
    assert result.x_day == day(10) == "1941-07-11"


# --- halving_decides ----------------------------------------------------------------------


def test_halving_sets_the_decision_day() -> None:
    # The front loses 0.2 div.-eq. a day from 10: half (5) is gone on day 25, the decision
    # day; the attack follows 3 days later. The divisions have been there since day 7.
    result = run("halving_decides")
    assert result.status == "OPTIMAL"
    assert result.decision_day == day(25) == "1941-07-26"
    assert result.x_day == day(28) == "1941-07-29"
    assert max(arrivals(result).values()) == day(7)
    halving = next(c for c in result.criteria if c.name == "halving")
    assert halving.margin == 0  # exactly half on the decision day


def test_faster_withdrawals_bring_the_decision_forward() -> None:
    # 0.25 a day: 5 gone on day 20, attack on day 23.
    result = run("halving_decides", "faster-withdrawal")
    assert (result.decision_day, result.x_day) == (day(20), day(23))


def test_halving_cannot_hold_by_an_early_deadline() -> None:
    # On day 19 the front still holds 6.2 > 5: no-go, the halving criterion with the deadline.
    result = run("halving_decides", "deadline-early")
    assert result.status == "INFEASIBLE" and not result.go
    assert {"halving", "decision_deadline"} <= set(result.conflict)


def test_without_halving_the_force_ratio_decides() -> None:
    # 0.5 x strength <= 3 divisions needs the front down to 6: 4 gone on day 20.
    result = run("halving_decides", "no-halving")
    assert result.x_day == day(20) == "1941-07-21"
    assert result.decision_day == day(17)
    ratio = next(c for c in result.criteria if c.name == "force_ratio")
    assert ratio.margin == 0


# --- shared_shipping ----------------------------------------------------------------------


def test_auto_share_is_the_least_that_keeps_x_day() -> None:
    # The South needs 6,000 of 20,000 t, so the North may have 70% (14,000 t): one 8,000 t
    # division at a time. Second sails when the ship is back (day 7) and arrives on day 10.
    # One division at sea needs 8,000 t = 40% of the pool: the least share for day 10.
    result = run("shared_shipping")
    assert result.status == "OPTIMAL"
    assert result.x_day == day(10) == "1941-07-11"
    assert result.north_share == 0.40


def test_without_the_south_the_north_takes_80_percent() -> None:
    # Both divisions at sea at once need 16,000 t = 80%; they arrive on day 7.
    result = run("shared_shipping", "no-south")
    assert (result.x_day, result.north_share) == (day(7), 0.80)


def test_a_share_that_starves_the_south_is_a_no_go() -> None:
    # 80% leaves the South 4,000 t < 6,000 t: South readiness fails whatever the movement does.
    result = run("shared_shipping", "fixed-80")
    assert result.status == "INFEASIBLE"
    assert result.conflict == ["south_readiness"]


# --- optional_division --------------------------------------------------------------------


def test_only_the_optional_division_that_helps_is_committed() -> None:
    # Korea divisions on days 5 and 6; a third is needed. The home division (day 9) gives
    # X-Day 9; the reserve (day 12) would not make it earlier, so it stays home.
    result = run("optional_division")
    assert result.x_day == day(9) == "1941-07-10"
    assert committed(result) == {"korea_div-1", "korea_div-2", "home_div"}


def test_a_stronger_front_needs_both_optional_divisions() -> None:
    # 4 Soviet div.-eq.: all four divisions, the last (reserve) on day 12.
    result = run("optional_division", "soviet-stronger")
    assert result.x_day == day(12)
    assert committed(result) == {"korea_div-1", "korea_div-2", "home_div", "reserve_div"}


def test_without_ships_the_reserve_goes_instead() -> None:
    # No shipping: the home division cannot sail; the reserve arrives on day 12.
    result = run("optional_division", "no-ships")
    assert result.x_day == day(12)
    assert committed(result) == {"korea_div-1", "korea_div-2", "reserve_div"}


# --- soviet_measures ----------------------------------------------------------------------


def test_the_aircraft_decide_once_formations_slow_them() -> None:
    # Halving on day 25 (net 0.2 a day), tanks on day 31 (≤ 299.7), aircraft on day 34 (net 12
    # a day, ≤ 199.8): the decision on day 34, X-Day day 37. South readiness holds at the 40%
    # in force on the convoy's day, with nothing to spare.
    result = run("soviet_measures")
    assert result.status == "OPTIMAL"
    assert (result.decision_day, result.x_day) == (day(34), day(37)) == ("1941-08-04", "1941-08-07")
    criteria = {c.name: c for c in result.criteria}
    assert criteria["armour_air"].holds and criteria["armour_air"].unit == "aircraft"
    assert criteria["armour_air"].margin == 7.8  # 199.8 − 192
    assert criteria["halving"].margin == 1.8  # 5 − (10 − 0.2 × 34)
    assert criteria["south_readiness"].margin == 0
    assert result.strength["soviet_tanks"]["east"][31] == 280
    assert result.strength["soviet_aircraft"]["east"][34] == 192


def test_without_local_call_ups_the_tanks_decide() -> None:
    # Halving day 17, aircraft day 27, tanks day 31: decision 1 Aug, X-Day 4 Aug.
    result = run("soviet_measures", "no-local-call-ups")
    assert (result.decision_day, result.x_day) == (day(31), day(34))


def test_halving_alone_decides_on_day_25() -> None:
    result = run("soviet_measures", "halving-only")
    assert (result.decision_day, result.x_day) == (day(25), day(28))


def test_faster_withdrawals_do_not_scale_the_formations() -> None:
    # Halving day 19, tanks day 25, aircraft day 26 (net 15.75 a day): X-Day day 29.
    result = run("soviet_measures", "faster-withdrawal")
    assert (result.decision_day, result.x_day) == (day(26), day(29))


def test_armour_and_air_cannot_hold_by_an_early_deadline() -> None:
    # 228 aircraft on 1 Aug > 199.8: no-go, proven by criteria arithmetic.
    result = run("soviet_measures", "deadline-early")
    assert result.status == "INFEASIBLE" and result.verified
    assert {"armour_air", "decision_deadline"} <= set(result.conflict)
    assert result.certificate is not None
    armour = next(e for e in result.certificate["exclusions"] if e["rule"] == "armour_air")
    assert armour["numbers"]["aircraft"] == 228_000 and armour["numbers"]["tanks"] == 280_000


def test_the_share_schedule_moves_both_home_divisions_at_once() -> None:
    # 80% in July: both home divisions at sea together, arrivals on days 7 and 8: X-Day 8.
    result = run("soviet_measures", "movement-only")
    assert (result.x_day, result.north_share) == (day(8), 0.8)


def test_a_constant_forty_percent_moves_one_ship_at_a_time() -> None:
    result = run("soviet_measures", "movement-constant-share")
    assert (result.x_day, result.north_share) == (day(10), 0.4)


def test_a_constant_eighty_percent_starves_the_convoy() -> None:
    result = run("soviet_measures", "movement-share-80")
    assert result.status == "INFEASIBLE"
    assert result.conflict == ["south_readiness"]


# --- echelons_and_trains ------------------------------------------------------------------


def test_echelons_share_a_day_at_the_port() -> None:
    # An echelon weighs 4,800 t at a port, and Moji loads 9,000 t a day: the first echelon and
    # 4,200 t of another on day 4, the rest of that one and the third on day 5. Sailings on 4,
    # 5 and 5, landings on 5, 6 and 6 (Pusan takes 15,000 t a day), 11 trains each on a line
    # of 24 a day: arrivals on 7, 8 and 8. X-Day is day 8 (one echelon a day would make it 9).
    result = run("echelons_and_trains")
    assert result.status == "OPTIMAL"
    assert result.x_day == day(8) == "1941-07-09"
    assert sorted(u["sail"] for u in result.units) == [day(4), day(5), day(5)]
    assert sorted(arrivals(result).values()) == [day(7), day(8), day(8)]
    rows = {u["id"]: u for u in result.units}
    assert {(u["lift"], u["handling"], u["trains"]) for u in rows.values()} == {(7500, 4800, 11)}
    # Moji is full on day 4 (4,800 + 4,200) and loads 5,400 t on day 5.
    moji = result.usage["ports"]["moji"]["loaded"]
    assert (moji[4], moji[5]) == (9000, 5400)


def test_one_division_takes_two_days_at_each_facility() -> None:
    # The same men, horses and cargo as one unit: 14,400 t loaded on days 4 and 5 (9,000 +
    # 5,400), sails on 5, landed and unloaded on 6, 33 trains on days 6 and 7 (24 + 9),
    # arrives on day 9: a day later than its three echelons.
    result = run("echelons_and_trains", "one-division")
    assert result.x_day == day(9) == "1941-07-10"
    (unit,) = result.units
    assert (unit["loading"], unit["sail"], unit["entraining"], unit["entrain"]) == (
        day(4),
        day(5),
        day(6),
        day(7),
    )
    rail = result.usage["rail"]["pusan_front"]
    assert rail["measure"] == "trains" and (rail["entrained"][6], rail["entrained"][7]) == (24, 9)


def test_fewer_trains_hold_the_last_echelon() -> None:
    # 12 trains a day: the 22 trains of the two echelons through Pusan on day 6 leave on days
    # 6 (12) and 7 (10); the last arrives on day 9.
    result = run("echelons_and_trains", "fewer-trains")
    assert result.x_day == day(9) == "1941-07-10"


def test_ship_space_in_grt_holds_the_third_echelon() -> None:
    # 15,000 GRT carry two echelons (7,500 each). The first holds its ships on days 4-6, the
    # one loaded on days 4 and 5 on days 4-7; the third loads when the first's ships are back
    # on day 7, sails that day and arrives on day 10.
    result = run("echelons_and_trains", "small-pool")
    assert result.x_day == day(10) == "1941-07-11"
    assert max(u["sail"] for u in result.units) == day(7)
