"""docs/history.md, the project's historical account (issue 14): its required sections, its Sources,
its Facts to reproduce, and that every source key the shipped case cites is documented.

The case is read as plain YAML and walked for `source:` values, so the tests follow whatever keys a
rebuilt case cites, wherever they sit (units, fronts, schedules, uncertainties, scenarios).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "history.md"
CASE = ROOT / "cases" / "kantokuen_1941.yaml"

# Headings (matched case-insensitively, anywhere in a level-2 heading) the document must have.
REQUIRED_SECTIONS = (
    "what happened and when",
    "the planners' criteria",
    "the forces",
    "logistics",
    "numbers the model needs that no source gives",
    "facts to reproduce",
    "what the shipped case does differently",
    "sources",
)
KEY = r"[A-Z0-9][A-Z0-9.-]*"
SOURCE_ENTRY = re.compile(rf"^- \*\*({KEY})\*\*")
NOT_A_KEY = {"assumption"}


def sections(text: str) -> dict[str, str]:
    """Level-2 headings (lower case) to the text under them."""
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.MULTILINE)
    return {
        heading.strip().lower(): body
        for heading, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def section(name: str) -> str:
    found = [
        body
        for heading, body in sections(DOC.read_text(encoding="utf-8")).items()
        if name in heading
    ]
    assert len(found) == 1, f"docs/history.md needs exactly one '## ...{name}...' section"
    return found[0]


def source_entries() -> dict[str, str]:
    """Sources section: key to its entry (the `- **KEY** ...` line and its continuation lines)."""
    entries: dict[str, str] = {}
    current: str | None = None
    for line in section("sources").splitlines():
        match = SOURCE_ENTRY.match(line)
        if match:
            current = match.group(1)
            assert current not in entries, f"source key {current} defined twice"
            entries[current] = line
        elif current is not None and line.startswith("  "):
            entries[current] += " " + line.strip()
        else:
            current = None
    return entries


def table_rows(text: str) -> list[dict[str, str]]:
    """The first Markdown table in `text`, as rows keyed by lower-case header."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    assert len(lines) >= 3, "expected a Markdown table"
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header = [cell.lower() for cell in cells[0]]
    for row in cells[2:]:
        assert len(row) == len(header), (
            f"table row with {len(row)} cells, header has {len(header)}: {row}"
        )
    return [dict(zip(header, row, strict=True)) for row in cells[2:]]


def keys_in(cell: str) -> list[str]:
    return [token for token in re.split(r"[;,\s]+", cell) if token]


def case_data() -> dict[str, Any]:
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def cited_keys(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, where) cited by a `source:` field anywhere in the case."""
    if isinstance(node, dict):
        for name, value in node.items():
            where = f"{path}.{name}" if path else str(name)
            if name == "source":
                values = value if isinstance(value, list) else [value]
                for item in values:
                    for key in keys_in(str(item)):
                        if key.lower() not in NOT_A_KEY:
                            yield key, where
            else:
                yield from cited_keys(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from cited_keys(item, f"{path}.{index}")


def case_sources() -> dict[str, Any]:
    table = case_data().get("sources") or {}
    assert isinstance(table, dict)
    return table


@pytest.mark.parametrize("name", REQUIRED_SECTIONS)
def test_history_doc_has_the_required_sections(name: str) -> None:
    """docs/history.md has each section the issue asks for, once."""
    assert section(name).strip()


def test_sources_have_entries_with_a_confidence() -> None:
    """Each Sources entry says where the source is and how far it is trusted."""
    entries = source_entries()
    assert len(entries) >= 20
    for key, entry in entries.items():
        text = entry.split("**", 2)[2]
        assert len(text) > 40, f"{key}: a source entry needs author/title/where"
        assert re.search(r"confidence:\s*(high|medium|low)", text, re.IGNORECASE), (
            f"{key}: say how sure the source is ('Confidence: high/medium/low ...')"
        )


def test_every_source_the_case_cites_is_documented() -> None:
    """Every `source:` key in the case resolves to docs/history.md's Sources or the case's table."""
    documented = set(source_entries()) | set(case_sources())
    missing = sorted(
        {f"{key} (at {where})" for key, where in cited_keys(case_data()) if key not in documented}
    )
    assert not missing, f"source keys with no entry in docs/history.md or sources: {missing}"


def test_every_key_of_the_case_sources_table_resolves() -> None:
    """A key of the case's `sources:` table is in docs/history.md, or its own entry is complete."""
    documented = set(source_entries())
    for key, entry in case_sources().items():
        if key in documented:
            continue
        assert isinstance(entry, dict) and str(entry.get("title") or "").strip(), (
            f"sources.{key}: not in docs/history.md and has no title"
        )
        assert str(entry.get("where") or "").strip(), (
            f"sources.{key}: not in docs/history.md and has no 'where'"
        )


def test_facts_to_reproduce_have_sources_and_tolerances() -> None:
    """Each fact to reproduce names sources from the Sources section and a tolerance."""
    documented = set(source_entries())
    rows = table_rows(section("facts to reproduce"))
    assert len(rows) >= 20
    ids = [row.get("id", "") for row in rows]
    assert len(set(ids)) == len(ids), "fact ids must be unique"
    for row in rows:
        fact = row.get("id") or row.get("fact", "?")
        assert {"sources", "tolerance"} <= row.keys(), (
            "facts table needs sources and tolerance columns"
        )
        keys = keys_in(row["sources"])
        assert keys, f"{fact}: no source key"
        assert "assumption" not in (key.lower() for key in keys), (
            f"{fact}: an assumption is no fact"
        )
        unknown = [key for key in keys if key not in documented]
        assert not unknown, f"{fact}: source keys not in the Sources section: {unknown}"
        assert row["tolerance"].strip(" -—"), f"{fact}: no tolerance"


def test_assumptions_have_ranges_and_reasons() -> None:
    """Each assumption gives a working range, outer bounds and the reasoning for them."""
    rows = table_rows(section("numbers the model needs that no source gives"))
    assert len(rows) >= 10
    for row in rows:
        name = row.get("id", "?")
        for column in ("working range", "outer bounds", "reasoning for the bounds"):
            assert row.get(column, "").strip(" -—"), f"{name}: empty '{column}'"
