"""Issue 13's features end to end through the command line, each answer checked by the verifier.

One test per command (`solve`, `compare`, `sweep`, `breakeven`, `explain`, `report`) on the two
teaching cases worked by hand in cases/teaching/README.md:
- `echelons_and_trains`: units in men, horses and cargo tons with the case's conversions (ship
  space in GRT, handling tons, trains), a rail line in trains a day, handling over days (X-Day
  9 Jul; one-division 10 Jul, fewer-trains 10 Jul, small-pool 11 Jul);
- `soviet_measures`: Soviet formations, tanks and aircraft, the armour-and-air criterion on two
  measures, a North-share schedule (X-Day 7 Aug; movement-only 9 Jul; deadline-early: no-go on
  armour and air, which 1.07x faster withdrawals would lift).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kantokuen.cli import main

TEACHING = Path(__file__).resolve().parents[1] / "cases" / "teaching"
ECHELONS = str(TEACHING / "echelons_and_trains.yaml")
MEASURES = str(TEACHING / "soviet_measures.yaml")
FAST = ("--time-limit", "30")


def run(*args: str) -> Any:
    """The command's JSON output (exit code 0 required)."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return json.loads(result.stdout)


def rows(comparison: dict[str, Any]) -> dict[str, list[Any]]:
    return {row["key"]: row["values"] for row in comparison["rows"]}


def test_solve_converts_men_horses_and_cargo_and_tests_tanks_and_aircraft() -> None:
    echelons = run("solve", ECHELONS, "--json", *FAST)
    assert echelons["verified"] and echelons["status"] == "OPTIMAL"
    assert echelons["x_day"] == "1941-07-09"
    # 1,000 men, 200 horses, 4,500 t: 7,500 GRT of ship space, 4,800 handling tons, 11 trains.
    for unit in echelons["units"]:
        assert (unit["lift"], unit["handling"], unit["trains"]) == (7500, 4800, 11)
    assert echelons["usage"]["rail"]["pusan_front"]["measure"] == "trains"
    assert max(echelons["usage"]["ports"]["moji"]["loaded"]) <= 9000  # 9,000 t a day at Moji

    measures = run("solve", MEASURES, "--json", *FAST)
    assert measures["verified"] and measures["x_day"] == "1941-08-07"
    criteria = {c["name"]: c for c in measures["criteria"]}
    assert criteria["armour_air"]["enabled"] and criteria["armour_air"]["holds"]
    assert [step["share"] for step in measures["levers"]["north_share"]] == [0.8, 0.4]
    assert set(measures["strength"]) >= {"soviet_tanks", "soviet_aircraft"}


def test_compare_shows_each_answer_verified() -> None:
    echelons = rows(
        run("compare", ECHELONS, "-s", "one-division", "-s", "fewer-trains", "--json", *FAST)
    )
    assert echelons["verified"] == [True, True]
    assert echelons["x_day"] == ["1941-07-10", "1941-07-10"]
    assert echelons["overrides.rail.pusan_front.trains_per_day"] == [None, 12]

    measures = rows(
        run("compare", MEASURES, "-s", "movement-only", "-s", "deadline-early", "--json", *FAST)
    )
    # The no-go's certificate (armour and air out of reach by 1 Aug) is checked by the verifier.
    assert measures["verdict"] == ["GO", "NO-GO"] and measures["verified"] == [True, True]
    assert measures["conflict"][1] is not None and "armour_air" in measures["conflict"][1]


def test_sweep_stores_verified_points_over_trains_and_a_share_schedule(tmp_path: Path) -> None:
    store = tmp_path / "sweep.sqlite"
    out = tmp_path / "points.json"
    args = ("--store", str(store), "--workers", "1", "--json", str(out), *FAST)
    CliRunner().invoke(
        main, ["sweep", ECHELONS, "--vary", "rail.pusan_front.trains_per_day=12,24", *args]
    )
    CliRunner().invoke(
        main,
        ["sweep", MEASURES, "--vary", "levers.north_share.1.share=0.4,0.6", "--vary",
         "levers.withdrawal_scale=1,1.25", *args],
    )  # fmt: skip
    points = json.loads(out.read_text())
    assert len(points) == 4  # the last sweep's points
    assert all(p["verified"] is True for p in points)
    x_days = {
        (p["levers"]["levers.north_share.1.share"], p["levers"]["levers.withdrawal_scale"]): p[
            "x_day"
        ]
        for p in points
    }
    # 60% North from 25 Jul starves the South's convoy: no-go, whatever the withdrawals.
    assert x_days == {(0.4, 1): "1941-08-07", (0.4, 1.25): "1941-07-30", (0.6, 1): None,
                      (0.6, 1.25): None}  # fmt: skip
    with sqlite3.connect(store) as conn:
        stored = conn.execute("SELECT case_name, verified FROM points ORDER BY id").fetchall()
    assert stored == [("echelons_and_trains", 1)] * 2 + [("soviet_measures", 1)] * 4


def test_breakeven_on_trains_a_day_and_on_the_withdrawals_of_tanks_and_aircraft() -> None:
    # Echelons 2 and 3 (11 trains each) are unloaded at Pusan on 7 Jul: with 22 trains a day both
    # leave that day and arrive on 9 Jul; with 21 one waits a day.
    trains = run(
        "breakeven", ECHELONS, "--lever", "rail.pusan_front.trains_per_day",
        "--target", "x-day<=1941-07-09", "--range", "6:24", "--json", *FAST,
    )  # fmt: skip
    assert trains["outcome"] == "threshold" and trains["threshold"] == "22"
    assert trains["meets"]["result"]["verified"] and trains["fails"]["x_day"] == "1941-07-10"

    scale = run(
        "breakeven", MEASURES, "-s", "deadline-early", "--lever", "levers.withdrawal_scale",
        "--json", *FAST,
    )  # fmt: skip
    assert scale["outcome"] == "threshold" and scale["threshold"] == "1.07"
    assert scale["meets"]["result"]["verified"]
    assert "armour_air" in scale["fails"]["conflict"]


def test_explain_names_the_trains_and_the_armour_and_air_criterion() -> None:
    go = run("explain", ECHELONS, "-s", "fewer-trains", "--json", *FAST)
    assert go["verdict"] == "go" and go["result"]["verified"]
    binding = {b["name"] for b in go["binds"] if b["binds"]}
    assert "rail:pusan_front" in binding
    assert all(a["verified"] for a in go["alternatives"])

    no_go = run("explain", MEASURES, "-s", "deadline-early", "--json", *FAST)
    assert no_go["verdict"] == "no-go" and no_go["result"]["verified"]
    members = [[m["name"] for m in c["members"]] for c in no_go["conflicts"]["items"]]
    assert any("armour_air" in m for m in members)
    assert no_go["correction_sets"] and all(c["verified"] for c in no_go["correction_sets"])


def test_report_states_what_the_verifier_checked(tmp_path: Path) -> None:
    md = tmp_path / "measures.md"
    html = tmp_path / "echelons.html"
    for args in (
        ["report", MEASURES, "-s", "movement-only", "-s", "deadline-early", "--format", "md",
         "-o", str(md), *FAST],
        ["report", ECHELONS, "-s", "fewer-trains", "--html", str(html), *FAST],
    ):  # fmt: skip
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    text = md.read_text()
    assert "plan checked by the independent verifier" in text  # movement-only: a go
    assert "the no-go's certificate checked by the independent verifier" in text
    assert "Soviet tanks (Far East)" in text and "armour-and-air threshold, aircraft" in text
    page = html.read_text()
    assert "plan checked by the independent verifier" in page
    assert "trains" in page
