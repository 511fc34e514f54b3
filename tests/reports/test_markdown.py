"""The Markdown report says what the HTML page says, as tables, and carries no raw HTML."""

from __future__ import annotations

import html
import re

from kantokuen.reports.facts import Subject, View, long_date
from kantokuen.reports.markdown import report_markdown, result_markdown, strength_table


def facts_of(view: View) -> list[str]:
    """The statements a report must make about a result, as plain text."""
    r = view.result
    facts = [view.verdict, view.verdict_sentence, long_date(r.order_day)]
    if r.go:
        facts += [long_date(r.x_day), long_date(r.decision_day), view.north_share_text]
    for c in view.criteria_rows:
        facts += [c["label"], c["rule"], c["status"], c["margin"]]
    for day, what, note in view.key_dates:
        facts += [long_date(day), what, note]
    for f in view.force_rows:
        facts += [f["front"], f["ratio"]]
    for u in view.utilization_rows:
        facts += [u["resource"], u["peak"], u["share"]]
    for o in view.override_rows:
        facts += [o["label"], o["value"], o["was"], o["origin"]]
    for s in view.source_rows:
        facts += [s["title"], *s["used"]]
    facts += [u["id"] for u in r.units]
    facts += [view.in_words(line) for line in r.explanation]
    return [f for f in facts if f]


def plain_html(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def plain_md(text: str) -> str:
    return html.unescape(text.replace("\\|", "|").replace("**", ""))


def test_markdown_has_the_same_facts_as_html(
    go: Subject, go_small_pool: Subject, no_go: Subject, page_all: str
) -> None:
    """Every fact of every result (verdict, dates, criteria, overrides, sources, units) is in
    both."""
    subjects = [go, go_small_pool, no_go]
    page, md = plain_html(page_all), plain_md(report_markdown(subjects))
    for s in subjects:
        for fact in facts_of(View(s)):
            assert fact in md, fact
            assert fact in page, fact
    assert (
        "Comparison" in md
        and "| X-Day | 9 July 1941 | **11 July 1941** | **—** |" in report_markdown(subjects)
    )


def test_markdown_gives_the_numbers_behind_the_strength_chart(go: Subject) -> None:
    """The chart of forces becomes a table: Soviet, needed and arrived per front on the key
    dates."""
    header, rows = strength_table(View(go))
    assert "East <b>front</b> & co: Japanese arrived" in header
    x_day = next(row for row in rows if "X-Day" in row[1])
    assert x_day[0] == "9 July 1941" and x_day[2:5] == ["2", "3", "3"]
    assert "X-Day" in report_markdown([go])


def test_markdown_escapes_html(go: Subject) -> None:
    """Case text cannot inject HTML into a rendered Markdown page, nor break a table row."""
    md = report_markdown([go])
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


def test_result_markdown_still_renders_one_result(go: Subject) -> None:
    """`solve --format md` keeps its summary."""
    text = result_markdown(go.result)
    assert "**GO**" in text and "9 July 1941" not in text and go.result.x_day in text
