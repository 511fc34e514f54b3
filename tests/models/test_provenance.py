"""Provenance: every number names its source; validate warns about the ones that do not."""

from __future__ import annotations

from pathlib import Path

from kantokuen.models.loader import load_case
from kantokuen.models.provenance import source_usage, unsourced

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"


def test_mini_case_is_fully_sourced() -> None:
    assert unsourced(load_case(str(MINI))) == []


def test_unsourced_entities_are_listed(tmp_path: Path) -> None:
    text = MINI.read_text().replace(
        "  moji: {name: Moji, region: home, tons_per_day: 10000, source: TEXTBOOK}",
        "  moji: {name: Moji, region: home, tons_per_day: 10000}",
    )
    path = tmp_path / "case.yaml"
    path.write_text(text)
    assert unsourced(load_case(str(path))) == [("ports", "moji")]


def test_pool_steps_inherit_the_shipping_source(tmp_path: Path) -> None:
    text = MINI.read_text().replace(
        "    - {date: 1941-07-01, tons: 20000, source: TEXTBOOK}",
        "    - {date: 1941-07-01, tons: 20000}",
    )
    path = tmp_path / "case.yaml"
    path.write_text(text)
    assert unsourced(load_case(str(path))) == []


def test_source_usage_maps_keys_to_fields() -> None:
    usage = source_usage(load_case(str(MINI)))
    assert "ports.moji" in usage["TEXTBOOK"] and "units.home_div" in usage["TEXTBOOK"]
