"""Exports for GIS and wargame designers: the GeoJSON validates against the GeoJSON schema and
holds the hand-worked flows; CSV and XLSX read back (pandas, openpyxl) with the arrivals per game
turn worked by hand; a no-go has no timeline to export and says so in one line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pandas as pd
import pytest

from kantokuen.models.errors import CaseError
from kantokuen.reports import exports
from kantokuen.reports.facts import Subject, View

from .conftest import NO_GO, ROOT, subject
from .mapcase import mapped_yaml

SCHEMA = json.loads(
    (ROOT / "tests" / "data" / "geojson" / "FeatureCollection.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mapped_yaml(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def view(mapped: Path) -> View:
    return View(subject(mapped))


@pytest.fixture(scope="module")
def no_go(mapped: Path) -> View:
    s = subject(mapped, sets=NO_GO)
    return View(Subject(s.result, s.case, s.base, "", "late weather"))


# --- GeoJSON -----------------------------------------------------------------------------------


def check_geojson(data: dict) -> None:
    """The GeoJSON schema, and what the schema cannot say (RFC 7946 §3.1.1: [lon, lat] in
    range; a LineString has two or more positions)."""
    jsonschema.Draft7Validator(SCHEMA).validate(data)
    for feature in data["features"]:
        geometry = feature["geometry"]
        points = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        )
        if geometry["type"] == "LineString":
            assert len(points) >= 2
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in points)


def test_geojson_validates_and_carries_the_flows(view: View) -> None:
    data = json.loads(exports.geojson_text(view))
    check_geojson(data)
    kinds = sorted(f["properties"]["kind"] for f in data["features"])
    assert kinds == [
        "concentration_area", "front", "port", "port", "rail", "rail", "region", "sea_route"
    ]  # fmt: skip
    by_id = {f["properties"].get("id"): f for f in data["features"]}
    route = by_id["moji_pusan"]
    assert route["geometry"] == {
        "type": "LineString",
        "coordinates": [[130.96, 33.95], [129.04, 35.1]],
    }
    assert route["properties"]["tons"] == 16000
    assert route["properties"]["capacity"] == 10000
    assert route["properties"]["peak_utilization"] == 0.8
    moji = by_id["moji"]
    assert moji["geometry"] == {"type": "Point", "coordinates": [130.96, 33.95]}
    assert moji["properties"]["peak_date"] == "1941-07-05"
    front = by_id["east"]["properties"]
    assert (front["japanese"], front["soviet"], front["ratio"]) == (3.0, 2.0, 1.5)
    assert data["kantokuen"]["x_day"] == "1941-07-09"


def test_geojson_of_the_historical_case_validates() -> None:
    loaded_view = View(subject(ROOT / "cases" / "kantokuen_1941.yaml", "crash-schedule"))
    data = exports.geojson(loaded_view)
    check_geojson(data)
    lines = [f for f in data["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 6 + 13  # every sea route and rail line
    assert sum(f["properties"]["tons"] for f in lines if f["properties"]["kind"] == "sea_route") > 0


def test_the_schema_rejects_what_it_should(view: View) -> None:
    """The vendored schema is not a rubber stamp: a Point with one coordinate fails."""
    data = exports.geojson(view)
    data["features"][0]["geometry"]["coordinates"] = [1.0]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate(data)


# --- Tables ------------------------------------------------------------------------------------


def test_arrivals_per_turn_by_hand(view: View) -> None:
    """Turn 1 is 1-7 Jul (the order is on 1 Jul): the Korean division arrives 6 Jul; turn 2
    (8-14 Jul): both home divisions (8 and 9 Jul), with X-Day."""
    frame = pd.read_csv(io.StringIO(exports.csv_text(view, "arrivals", 7)))
    assert list(frame["turn"]) == [1, 2]
    assert list(frame["unit_type"]) == ["korea_div", "home_div"]
    assert list(frame["units"]) == [1, 2]
    assert list(frame["men"]) == [20000, 40000]
    assert list(frame["combat_value"]) == [1.0, 2.0]
    assert list(frame["turn_start"]) == ["1941-07-01", "1941-07-08"]
    assert list(frame["x_day_in_turn"]) == [False, True]
    assert frame["unit_ids"][1] == "home_div-1 home_div-2"
    # one-day turns: each arrival in its own turn
    days = pd.read_csv(io.StringIO(exports.csv_text(view, "arrivals", 1)))
    assert list(days["turn"]) == [6, 8, 9]


def test_unit_timeline_and_network_tables(view: View) -> None:
    units = pd.read_csv(io.StringIO(exports.csv_text(view, "units")))
    assert len(units) == 3 and set(units["arrive"]) == {"1941-07-06", "1941-07-08", "1941-07-09"}
    assert list(units.columns[:3]) == ["id", "name", "template"]
    network = pd.read_csv(io.StringIO(exports.csv_text(view, "network")))
    row = network.set_index("id").loc["moji_pusan"]
    assert (row["kind"], row["tons"], row["peak_utilization"]) == ("sea_route", 16000, 0.8)
    fronts = pd.read_csv(io.StringIO(exports.csv_text(view, "fronts")))
    assert list(fronts["japanese"]) == [3.0]


def test_xlsx_has_a_sheet_per_table(view: View) -> None:
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(view, 7)))
    assert book.sheetnames == ["About", "Units", "Arrivals", "Network", "Fronts"]
    rows = list(book["Arrivals"].values)
    assert rows[0][:3] == ("turn", "turn_start", "turn_end")
    assert [r[0] for r in rows[1:]] == [1, 2] and rows[2][9] == 40000
    assert rows[1][1].date().isoformat() == "1941-07-01"  # a real date, not text
    about = dict(book["About"].values)
    assert about["Verdict"] == "GO"


def test_a_no_go_exports_its_network_but_no_timeline(no_go: View) -> None:
    with pytest.raises(CaseError, match="no plan, so no arrivals"):
        exports.csv_text(no_go, "arrivals")
    network = pd.read_csv(io.StringIO(exports.csv_text(no_go, "network")))
    assert network["tons"].sum() == 0 and network["capacity"].min() > 0
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(no_go)))
    assert book.sheetnames == ["About", "Network", "Fronts"]
    check_geojson(exports.geojson(no_go))


# --- kantokuen export --------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kantokuen.cli", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_export_command_from_a_saved_result(mapped: Path, tmp_path: Path) -> None:
    result = tmp_path / "r.json"
    solved = run("solve", str(mapped), "--json", "-o", str(result), "--workers", "1")
    assert solved.returncode == 0, solved.stderr
    for fmt, name in (("geojson", "r.geojson"), ("csv", "r.csv"), ("xlsx", "r.xlsx")):
        out = tmp_path / name
        done = run("export", str(result), "--format", fmt, "--turn-days", "7", "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0
    check_geojson(json.loads((tmp_path / "r.geojson").read_text()))
    assert list(pd.read_csv(tmp_path / "r.csv")["turn"]) == [1, 2]
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "About"


def test_export_command_errors(mapped: Path, tmp_path: Path) -> None:
    missing = run(
        "export", str(tmp_path / "nope.json"), "--format", "csv", "-o", str(tmp_path / "x")
    )
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    assert "file not found" in missing.stderr
    no_format = run("export", str(mapped), "-o", str(tmp_path / "x"))
    assert no_format.returncode == 2
    late = run(
        "export", str(mapped), "--set", NO_GO[0], "--format", "csv", "--table", "units",
        "-o", str(tmp_path / "u.csv"), "--workers", "1",
    )  # fmt: skip
    assert late.returncode == 1 and late.stderr.startswith("Error: ")
    assert late.stderr.count("\n") == 1 and "no plan" in late.stderr
    assert not (tmp_path / "u.csv").exists()
