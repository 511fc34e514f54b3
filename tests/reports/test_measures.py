"""Soviet strength in other measures in the reports: the teaching case soviet_measures (900 tanks
losing 20 a day, 600 aircraft losing a net 12 a day; the armour-and-air criterion at 0.333 of
day 0, halving on division-equivalents; the North share 80% until 25 Jul, then 40%)."""

from __future__ import annotations

import re

from kantokuen.models.plan import Result
from kantokuen.reports.certificate import certificate_lines
from kantokuen.reports.facts import View
from kantokuen.reports.html import render_html
from kantokuen.reports.markdown import strength_table
from kantokuen.reports.text import share_text

from .conftest import ROOT, subject

CASE = ROOT / "cases" / "teaching" / "soviet_measures.yaml"


def test_the_measures_chart_draws_tanks_and_aircraft_with_their_thresholds() -> None:
    base = subject(CASE)
    view = View(base)
    assert view.soviet_measures == ["tanks", "aircraft"]
    assert view.measure_total("tanks")[31] == 280
    # 0.333 of 900 tanks and of 600 aircraft; the halving threshold stays on division-equivalents
    assert [round(v, 3) for _, v in view.measure_thresholds("tanks")] == [299.7]
    assert [round(v, 3) for _, v in view.measure_thresholds("aircraft")] == [199.8]
    assert view.halving_threshold == 5
    page = render_html([base])
    charts = dict(re.findall(r'<svg[^>]*data-chart="([^"]+)"[^>]*>(.*?)</svg>', page, re.S))
    assert charts["measures"].count("<path") >= 6
    assert "Armour-and-air threshold (33.3%)" in charts["measures"]


def test_markdown_gives_the_totals_and_limits_of_each_measure() -> None:
    header, rows = strength_table(View(subject(CASE)))
    assert header[-4:] == [
        "Soviet tanks (Far East)",
        "armour-and-air threshold, tanks",
        "Soviet aircraft (Far East)",
        "armour-and-air threshold, aircraft",
    ]
    decision = next(row for row in rows if "decision" in row[1].split(", "))
    assert decision[-4:] == ["220", "299.7", "192", "199.8"]  # 4 Aug, day 34


def test_a_share_schedule_is_shown_with_the_share_on_x_day() -> None:
    result = subject(CASE, "movement-only").result
    assert share_text(result) == "80% from 1941-07-01, 40% from 1941-07-25 (80% on X-Day)"
    assert View(subject(CASE, "movement-only")).north_share_text == share_text(result)


def test_an_armour_air_proof_states_each_measure() -> None:
    result: Result = subject(CASE, "deadline-early").result
    lines = certificate_lines(result)
    assert (
        "X-Day 29 Jul 1941 – 4 Aug 1941: Soviet Far East tanks or aircraft on the decision day "
        "stay above the armour-and-air limit (at the latest: tanks 280 of 900, aircraft 228 of 600)"
    ) in lines
