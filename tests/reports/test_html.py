"""The HTML report: charts for go and no-go, escaping of every case text, self-containment,
comparison highlighting, overrides, sources, and saved results with or without their case."""

from __future__ import annotations

import html
import re
from pathlib import Path

from kantokuen.models.provenance import source_usage
from kantokuen.reports.charts import MAX_UNIT_ROWS, gantt_rows
from kantokuen.reports.facts import Subject, View, comparison_rows
from kantokuen.reports.html import render_html
from kantokuen.reports.inputs import subject_from_file

from .conftest import SCRIPT, TEACHING, subject

CHARTS = ("gantt", "strength", "shipping", "utilization")


def charts_in(page: str) -> dict[str, str]:
    """Each inline SVG chart of a page by its data-chart name."""
    return dict(re.findall(r'<svg[^>]*data-chart="([^"]+)"[^>]*>(.*?)</svg>', page, flags=re.S))


def test_go_report_has_every_chart_drawn(page_go: str) -> None:
    """A go result gets the Gantt, strength, shipping and utilization charts, each with drawn
    shapes."""
    charts = charts_in(page_go)
    assert set(CHARTS) <= set(charts)
    for name in CHARTS:
        assert charts[name].count("<path") >= 3, name


def test_no_go_report_has_the_strength_chart_and_the_reasons(no_go: Subject) -> None:
    """A no-go has no plan to draw, but shows Soviet strength with thresholds and why it fails."""
    page = render_html([no_go])
    charts = charts_in(page)
    assert "strength" in charts and charts["strength"].count("<path") >= 3
    assert "gantt" not in charts
    assert "NO-GO" in page and "Why not" in page
    for sentence in no_go.result.explanation:
        assert html.escape(View(no_go).in_words(sentence), quote=False) in page


def test_case_text_is_shown_as_text_never_as_markup(page_all: str, page_go: str) -> None:
    """Unit, front, title, source and scenario texts full of HTML appear escaped, in tables and
    charts."""
    page = page_all
    for raw in (SCRIPT, "<b>front</b>", "<i>divisions</i>", "<img src=x", "<iframe"):
        assert raw not in page, raw
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    gantt = charts_in(page_go)["gantt"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in gantt  # the unit's row label inside the SVG
    assert "East &lt;b&gt;front&lt;/b&gt; &amp; co" in page


def test_report_fetches_nothing(page_all: str) -> None:
    """No script, stylesheet link, import or external reference: every href/src points inside the
    page."""
    page = page_all
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, flags=re.I)
    assert "@import" not in page
    for ref in re.findall(
        r"url\(([^)]*)\)", page
    ):  # matplotlib's clip paths refer to the page itself
        assert ref.startswith("#"), ref
    for ref in re.findall(r'\b(?:href|src)="([^"]*)"', page):
        assert ref.startswith("#"), ref


def test_ids_are_unique_and_every_reference_resolves(page_all: str) -> None:
    """Many charts in one page: no id is used twice, and every #reference names an id of the
    page."""
    ids = re.findall(r'\bid="([^"]+)"', page_all)
    assert len(ids) == len(set(ids))
    refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', page_all))
    assert refs and refs <= set(ids)


def test_dates_are_written_out_for_a_historian(page_go: str) -> None:
    """Verdict, X-Day and decision are dates in words (9 July 1941), not day numbers or ISO
    dates."""
    page = page_go
    assert "9 July 1941" in page and "X-Day" in page
    text = re.sub(r"<svg.*?</svg>|<code>.*?</code>|<[^>]+>", " ", page, flags=re.S)
    assert not re.search(r"\b1941-\d\d-\d\d\b", text)
    assert "day 8" not in text


def test_every_criterion_is_listed_with_its_room(go: Subject, page_go: str) -> None:
    """Each criterion has its label, state and margin in words."""
    view = View(go)
    page = page_go
    for row in view.criteria_rows:
        assert html.escape(row["label"]) in page
        assert html.escape(row["margin"], quote=False) in page
    assert "23 days to spare" in page  # decision deadline 1 Aug, decision 9 Jul


def test_comparison_marks_what_differs(
    go: Subject, go_small_pool: Subject, no_go: Subject, page_all: str
) -> None:
    """Several results: one table, cells unlike the first column highlighted, charts overlaid."""
    rows = {r.label: r for r in comparison_rows([View(go), View(go_small_pool), View(no_go)])}
    assert rows["X-Day"].values == ["9 July 1941", "11 July 1941", "—"]
    assert rows["X-Day"].differs == [False, True, True]
    assert rows["Mobilization ordered"].differs == [False, False, False]
    page = page_all
    assert 'id="comparison"' in page
    assert re.search(r'<td class="diff">\s*11 July 1941', page)
    compare = re.search(r'id="comparison".*?</section>', page, flags=re.S)
    assert compare and {"strength", "shipping"} <= set(charts_in(compare.group(0)))


def test_overrides_show_the_new_and_the_base_value(go_small_pool: Subject) -> None:
    """The scenario's changes are listed in words with the value they replace."""
    page = render_html([go_small_pool])
    row = re.search(
        r"<tr><th scope=\"row\">Shipping pool from 1 July 1941: tons.*?</tr>", page, flags=re.S
    )
    assert row, "override row missing"
    assert (
        "10,000" in row.group(0)
        and "20,000" in row.group(0)
        and "scenario small-pool" in row.group(0)
    )


def test_sources_table_names_every_cited_source(go: Subject, page_go: str) -> None:
    """Each source key the case's numbers cite appears with its title and what it is used for."""
    assert go.case is not None
    page = page_go
    for key in source_usage(go.case):
        title = go.case.sources[key].title if key in go.case.sources else "Assumption"
        assert html.escape(title) in page
        assert f"[{key}]" in page
    assert "Sea route Moji → Pusan" in page


def test_many_units_are_grouped_by_type(go: Subject) -> None:
    """Above the row cap the Gantt has one row per unit type, with the count, and says so."""
    unit = next(u for u in go.result.units if u["template"] == "home_div")
    many = [dict(unit, id=f"home_div-{i:03d}") for i in range(MAX_UNIT_ROWS + 10)]
    result = go.result.model_copy(
        update={"units": many + [u for u in go.result.units if u["template"] != "home_div"]}
    )
    rows, grouped, notes = gantt_rows(View(Subject(result, go.case, go.base, "", "many")))
    assert grouped and len(rows) == 2
    assert any(f"×{MAX_UNIT_ROWS + 10}" in row.label for row in rows)
    assert any("one per unit type" in note for note in notes)
    few_rows, few_grouped, _ = gantt_rows(View(go))
    assert not few_grouped and len(few_rows) == 3


def test_saved_result_reloads_its_case(go: Subject, tmp_path: Path) -> None:
    """A RESULT.json whose case file is unchanged gets thresholds and sources from it."""
    saved = tmp_path / "r.json"
    saved.write_text(go.result.model_dump_json())
    subject_ = subject_from_file(str(saved))
    assert subject_.case is not None and subject_.case_note == ""
    assert "Sources" in render_html([subject_])


def test_saved_result_without_its_case_says_what_is_missing(tmp_path: Path) -> None:
    """When the case file is gone or changed, the page says what it left out instead of guessing."""
    copy = tmp_path / "case.yaml"
    copy.write_text(TEACHING.read_text())
    result = subject(copy, "small-pool").result
    saved = tmp_path / "r.json"
    saved.write_text(result.model_dump_json())
    copy.write_text(
        TEACHING.read_text().replace(
            "tons_per_day: 10000, transit_days: 2", "tons_per_day: 9000, transit_days: 2"
        )
    )
    changed = subject_from_file(str(saved))
    assert changed.case is None and "has changed" in changed.case_note
    copy.unlink()
    gone = subject_from_file(str(saved))
    assert gone.case is None and "not available" in gone.case_note
    page = render_html([gone])
    assert "not available" in page and 'id="sources"' not in page
    assert 'data-chart="gantt"' in page  # what the result itself holds is still drawn
