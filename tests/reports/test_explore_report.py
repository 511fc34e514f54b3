"""`kantokuen report --explore FILE`: the explore answer as an HTML section (how sure, X-Day
histogram, sensitivity bars, the PRIM box and its trade-off, policies) and as Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kantokuen.cli import main
from tests.analysis.tiny import write


@pytest.fixture(scope="module")
def explored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The race explored over the withdrawal speed, with one policy (an earlier order)."""
    folder = tmp_path_factory.mktemp("explore")
    out = folder / "explore.json"
    result = CliRunner().invoke(
        main,
        [
            "explore",
            write(folder),
            "--samples",
            "40",
            "--seed",
            "2",
            "--vary-range",
            "levers.withdrawal_scale=1:5",
            "--policy",
            "early=levers.mobilization_order=1941-07-01",
            "--workers",
            "2",
            "--json",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_the_html_section_shows_every_part(explored: Path, tmp_path: Path) -> None:
    page_file = tmp_path / "e.html"
    result = CliRunner().invoke(
        main, ["report", "--explore", str(explored), "--html", str(page_file)]
    )
    assert result.exit_code == 0, result.output
    page = page_file.read_text()
    data = json.loads(explored.read_text())
    assert '<section id="explore"' in page
    go = data["worlds"]["go"]
    assert f"Go in {go} of 40 worlds" in page
    for chart in ("explore-xday", "explore-sens-go", "explore-prim", "explore-policies"):
        assert f'data-chart="{chart}"' in page, chart
    assert "go in 100% of worlds where Speed of Soviet withdrawals westward" in page
    assert "Peeling trajectory of box 1" in page
    assert ">early</th>" in page and "Mobilization order date = 1 July 1941" in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # self-contained
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # no clash between the charts' ids


def test_the_markdown_report_says_the_same(explored: Path) -> None:
    result = CliRunner().invoke(main, ["report", "--explore", str(explored), "--format", "md"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "## Explore: race" in text and "**How sure.** Go in" in text
    assert "### Scenario discovery (PRIM)" in text and "### Policies on the same worlds" in text


def test_a_file_that_is_no_explore_answer_is_bad_input(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"case": "x"}')
    result = CliRunner().invoke(main, ["report", "--explore", str(other), "--format", "md"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {other}: --explore: not an explore result (give the file written by "
        "`kantokuen explore CASE ... --json -o FILE`)\n"
    )
