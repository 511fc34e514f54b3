"""Reports open in headless Chromium (Debian `chromium`) with no console errors, no requests,
every chart rendered, hostile case text shown as text, and no sideways scrolling at 1366 px."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from kantokuen.cli import solved_subjects
from kantokuen.reports.browser import find_chromium, load_page
from kantokuen.reports.facts import Subject
from kantokuen.reports.html import render_html
from kantokuen.reports.screenshot import main as screenshot

from .conftest import OPTIONS, ROOT, SCRIPT
from .test_sweep_report import make_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


def open_report(path: Path, page: str) -> None:
    """Load a written report and check what a reader's browser does with it."""
    path.write_text(page)
    loaded = load_page(path)
    assert loaded.errors == []
    assert loaded.other_requests == []
    assert loaded.svg_count == page.count("<svg") > 0
    assert loaded.title and f"<title>{loaded.title}</title>" in html.unescape(page)
    assert loaded.scroll_width <= loaded.viewport_width  # no sideways scrolling on a laptop


def test_result_and_comparison_load_cleanly(
    go: Subject, go_small_pool: Subject, no_go: Subject, page_go: str, tmp_path: Path
) -> None:
    """One result, and a comparison with a no-go and a sweep, load without errors or requests."""
    open_report(tmp_path / "one.html", page_go)
    store = make_store(
        tmp_path / "s.sqlite", [({"levers.north_share": s}, 1, 8, None) for s in (0.5, 0.7)]
    )
    from kantokuen.reports.sweep import read_store

    open_report(
        tmp_path / "all.html", render_html([go, go_small_pool, no_go], read_store(str(store)))
    )


def test_hostile_text_is_displayed_as_text(page_all: str, tmp_path: Path) -> None:
    """The unit named <script>alert(1)</script> is visible as those characters, and nothing ran."""
    path = tmp_path / "r.html"
    path.write_text(page_all)
    loaded = load_page(path)
    assert SCRIPT in loaded.body_text
    assert loaded.errors == [] and not any(m["level"] == "log" for m in loaded.console)


def test_the_checker_sees_errors_and_requests(tmp_path: Path) -> None:
    """The page loader itself reports a console error and an outside request (so the tests can
    fail)."""
    path = tmp_path / "bad.html"
    path.write_text(
        '<!DOCTYPE html><title>x</title><script>console.error("boom")</script>'
        '<img src="http://192.0.2.1/x.png">'
    )
    loaded = load_page(path, timeout=30)
    assert any("boom" in e for e in loaded.errors)
    assert "http://192.0.2.1/x.png" in loaded.other_requests


def test_screenshot_command_writes_a_png(page_go: str, tmp_path: Path) -> None:
    """`python -m reports.screenshot` writes a PNG of the page's top, 1366 px wide."""
    page, png = tmp_path / "r.html", tmp_path / "r.png"
    page.write_text(page_go)
    assert screenshot([str(page), str(png), "--max-height", "900"]) == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1366 and height == 900


@pytest.mark.parametrize(
    "scenarios", [("historical",), ("historical", "early-order", "crash-schedule")]
)
def test_historical_case_reports_load_cleanly(scenarios: tuple[str, ...], tmp_path: Path) -> None:
    """The shipped case: `historical`, and it compared with `early-order` and `crash-schedule`."""
    subjects = solved_subjects(str(ROOT / "cases" / "kantokuen_1941.yaml"), scenarios, (), OPTIONS)
    assert [s.result.scenario for s in subjects] == list(scenarios)
    open_report(tmp_path / "r.html", render_html(subjects))


def test_the_theatre_map_loads_cleanly(tmp_path: Path) -> None:
    """The report with the map (`historical`, `crash-schedule` and both side by side): no console
    error, no request, every map drawn; and `kantokuen map --png` writes the map as a PNG."""
    from kantokuen.reports.facts import View
    from kantokuen.reports.theatre_map import map_png, map_svg, network_for

    subjects = solved_subjects(
        str(ROOT / "cases" / "kantokuen_1941.yaml"), ("historical", "crash-schedule"), (), OPTIONS
    )
    page = render_html(subjects)
    assert page.count('data-chart="map"') == 3
    open_report(tmp_path / "map.html", page)
    networks = [n for s in subjects if (n := network_for(View(s))) is not None]
    svg = map_svg(networks, standalone=True)
    assert svg is not None
    data = map_png(svg)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert f'width="{width}"' in svg
