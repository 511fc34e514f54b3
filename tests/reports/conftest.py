"""Results for the report tests: the teaching case solved once per session (each solve is ~0.1 s),
and a copy of it whose names, notes and sources are hostile HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kantokuen.models.scenarios import load
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions
from kantokuen.reports.facts import Subject

ROOT = Path(__file__).parent.parent.parent
TEACHING = ROOT / "cases" / "teaching" / "two_divisions.yaml"
SCRIPT = "<script>alert(1)</script>"
OPTIONS = SolveOptions(time_limit=20, workers=1, seed=0)
# The weather deadline one day after the calendar start leaves no X-Day: a no-go.
NO_GO = ("criteria.weather.deadline=1941-07-12",)


def hostile_yaml(tmp: Path) -> Path:
    """The teaching case with HTML in a unit name, a front name, the title, a source and a
    scenario."""
    text = TEACHING.read_text()
    text = text.replace("name: Home division", f'name: "{SCRIPT}"')
    text = text.replace("name: Eastern front", 'name: "East <b>front</b> & co"')
    text = text.replace(
        "title: Two divisions, one port, one strait", 'title: "Two <i>divisions</i>"'
    )
    text = text.replace("title: Teaching example", 'title: "<img src=x onerror=alert(2)>"')
    text = re.sub(
        r"description: Only 10,000 t.*", 'description: "<iframe src=//evil.example>"', text
    )
    path = tmp / "hostile.yaml"
    path.write_text(text)
    return path


def subject(file: Path | str, scenario: str | None = None, sets: tuple[str, ...] = ()) -> Subject:
    loaded = load(str(file), scenario, sets)
    return Subject(
        solve(loaded, OPTIONS), loaded.case, load(str(file)).case, "", scenario or "base case"
    )


@pytest.fixture(scope="session")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_yaml(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def go(hostile_file: Path) -> Subject:
    return subject(hostile_file)


@pytest.fixture(scope="session")
def go_small_pool(hostile_file: Path) -> Subject:
    return subject(hostile_file, "small-pool")


@pytest.fixture(scope="session")
def no_go(hostile_file: Path) -> Subject:
    s = subject(hostile_file, sets=NO_GO)
    return Subject(s.result, s.case, s.base, "", "late weather")


@pytest.fixture(scope="session")
def page_go(go: Subject) -> str:
    """The HTML report of the go result (rendered once: charts take a moment)."""
    from kantokuen.reports.html import render_html

    return render_html([go])


@pytest.fixture(scope="session")
def page_all(go: Subject, go_small_pool: Subject, no_go: Subject) -> str:
    """The HTML report comparing the go, small-pool and no-go results."""
    from kantokuen.reports.html import render_html

    return render_html([go, go_small_pool, no_go])
