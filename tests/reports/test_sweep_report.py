"""A sweep store in the report: X-Day heat-map over two levers, facets for the rest, the grid as
a table in Markdown; read from the documented SQLite columns."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from kantokuen.models.errors import CaseError
from kantokuen.reports.html import render_html
from kantokuen.reports.markdown import report_markdown
from kantokuen.reports.sweep import read_store

COLUMNS = (
    "id INTEGER PRIMARY KEY, point_key TEXT UNIQUE, case_name TEXT, case_hash TEXT, scenario TEXT, "
    "levers TEXT, status TEXT, go INTEGER, x_day TEXT, x_day_index INTEGER, decision_day TEXT, "
    "north_share REAL, margins TEXT, objective TEXT, gap REAL, solve_seconds REAL, seed INTEGER, "
    "workers INTEGER, version TEXT, ortools_version TEXT, error TEXT, finished_at TEXT"
)


def make_store(
    path: Path, points: list[tuple[dict[str, object], int | None, int | None, str | None]]
) -> Path:
    """A store with the documented schema; each point: (levers, go, x_day_index, error)."""
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE points ({COLUMNS})")
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for i, (levers, go, x, error) in enumerate(points):
        x_day = f"1941-07-{1 + x:02d}" if x is not None else None
        status = "ERROR" if error else ("OPTIMAL" if go else "INFEASIBLE")
        con.execute(
            "INSERT INTO points (point_key, case_name, scenario, levers, status, go, x_day, "
            "x_day_index, margins, objective, error, version, finished_at) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                f"k{i}",
                "two_divisions",
                None,
                json.dumps(levers),
                status,
                go,
                x_day,
                x,
                "{}",
                "{}",
                error,
                "0.1.0",
                f"2026-01-01T00:00:{i:02d}",
            ),
        )
    con.execute(
        "INSERT INTO meta VALUES ('last_sweep', ?)",
        (json.dumps({"case_file": "c.yaml", "vary": ["a"]}),),
    )
    con.commit()
    con.close()
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    points = []
    for share in (0.5, 0.7, 0.9):
        for order in ("1941-07-01", "1941-07-08"):
            for scale in (1, 2):
                go = 1 if share > 0.5 else 0
                x = (
                    (8 if share == 0.9 else 10) + (7 if order == "1941-07-08" else 0) - scale
                    if go
                    else None
                )
                points.append(
                    (
                        {
                            "levers.north_share": share,
                            "levers.mobilization_order": order,
                            "levers.withdrawal_scale": scale,
                        },
                        go,
                        x,
                        None,
                    )
                )
    points[0] = (points[0][0], None, None, "solver crashed")
    return make_store(tmp_path / "s.sqlite", points)


def test_heat_map_per_remaining_lever(store: Path) -> None:
    """Two levers on the axes, one heat-map per value of the third; no-go and errors marked."""
    sweep = read_store(str(store))
    assert sweep.axes[0] == "levers.north_share" and len(sweep.facets) == 2
    page = render_html([], sweep)
    maps = re.findall(r'data-chart="sweep\d"', page)
    assert len(maps) == 2
    assert "no-go" in page and "error" in page and "8 Jul" in page
    assert (
        "Earliest X-Day" in page and "7 July 1941" in page
    )  # share 0.9, 1 Jul order, scale 2 → day 6


def test_markdown_has_the_grid(store: Path) -> None:
    """The heat-map's cells are a table in Markdown: X-Day, no-go or error per lever setting."""
    md = report_markdown([], read_store(str(store)))
    assert "## Sweep: two_divisions" in md
    assert "| 1 July 1941 | error | 10 Jul | 8 Jul |" in md  # withdrawal scale 1
    assert "| 1 July 1941 | no-go | 9 Jul | 7 Jul |" in md  # withdrawal scale 2
    assert md.count("| 8 July 1941 |") == 2


def test_a_rerun_point_replaces_the_older_answer(tmp_path: Path) -> None:
    """The same lever setting solved twice counts once, with the answer that finished last."""
    lever = {"levers.north_share": 0.5}
    other = {"levers.north_share": 0.6}
    sweep = read_store(
        str(
            make_store(
                tmp_path / "s.sqlite",
                [(lever, None, None, "boom"), (lever, 1, 3, None), (other, 1, 2, None)],
            )
        )
    )
    assert len(sweep.latest) == 2 and dict(sweep.summary)["Go"] == "2"


def test_not_a_store_is_a_case_error(tmp_path: Path) -> None:
    """A SQLite file without the points table is refused with the file's name."""
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    with pytest.raises(CaseError, match="not a sweep store"):
        read_store(str(path))
