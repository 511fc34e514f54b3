"""Case files survive the round trip, and overrides mean the same whatever their order."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kantokuen.models.case import Case
from kantokuen.models.errors import CaseError
from kantokuen.models.loader import load_case
from kantokuen.models.scenarios import LoadedCase, case_hash, load, with_overrides
from tests.conftest import examples
from tests.property.support import case_file, solve
from tests.strategies import decorated_cases, to_yaml, witnessed_cases


def dump(case: Case, mode: str, exclude_defaults: bool) -> dict[str, Any]:
    return case.model_dump(mode=mode, by_alias=True, exclude_defaults=exclude_defaults)


def reload(data: dict[str, Any]) -> Case:
    with case_file(data) as path:
        return load_case(path)


@settings(max_examples=examples(60))
@given(decorated_cases(), st.booleans())
def test_yaml_case_yaml_is_the_identity(data: dict, exclude_defaults: bool) -> None:
    """Writing a loaded case back as YAML (JSON-mode dump) and loading it again gives the same
    YAML; the loader reads exactly the case the data describes."""
    case = reload(data)
    assert case == Case.model_validate(data)
    text = to_yaml(dump(case, "json", exclude_defaults))
    again = reload(yaml.safe_load(text))
    assert to_yaml(dump(again, "json", exclude_defaults)) == text


@settings(max_examples=examples(40))
@given(decorated_cases(), st.booleans())
def test_case_yaml_case_is_the_identity(data: dict, exclude_defaults: bool) -> None:
    """A case dumped as YAML (dates as YAML dates) loads back equal, with the same hash, and
    every scenario applies to the same case (or fails with the same problems)."""
    with case_file(data) as path:
        original = load(path)
        scenarios = {name: _apply(path, name) for name in original.case.scenarios}
    with case_file(dump(original.case, "python", exclude_defaults)) as path:
        copy = load(path)
        assert copy.case == original.case
        assert copy.case_hash == original.case_hash
        assert {name: _apply(path, name) for name in copy.case.scenarios} == scenarios


def _apply(path: str, scenario: str) -> Case | list[str]:
    try:
        return load(path, scenario).case
    except CaseError as exc:
        return sorted(p.message for p in exc.problems)


# Fields that any generated case has, with a value that keeps it valid.
def _assignments(data: dict) -> dict[str, Any]:
    unit = next(iter(data["units"]))
    front = next(iter(data["fronts"]))
    port = next(iter(data["ports"]))
    return {
        "levers.withdrawal_scale": 2.5,
        "shipping.pool.0.tons": data["shipping"]["pool"][0]["tons"] + 1000,
        f"units.{unit}.men": 12345,
        f"units.{unit}.name": "Renamed",
        f"fronts.{front}.initial_strength": 7.5,
        f"ports.{port}.tons_per_day": data["ports"][port]["tons_per_day"] + 1,
        "criteria.weather.campaign_days": 0,
        "title": "Another title",
    }


@settings(max_examples=examples(40))
@given(decorated_cases(), st.data())
def test_overrides_on_different_fields_commute(data: dict, draw: st.DataObject) -> None:
    """Two overrides of different fields give the same case in either order: as `--set`s, and
    as successive `with_overrides` (what sweeps and breakeven do)."""
    options = _assignments(data)
    a, b = draw.draw(
        st.lists(st.sampled_from(sorted(options)), min_size=2, max_size=2, unique=True)
    )
    sets = [
        f"{k}="
        f"{yaml.safe_dump(options[k], default_flow_style=True).strip().removesuffix('...').strip()}"
        for k in (a, b)
    ]
    with case_file(data) as path:
        ab, ba = load(path, sets=sets), load(path, sets=sets[::-1])
        assert ab.case == ba.case and ab.case_hash == ba.case_hash
        base = load(path)
        one = with_overrides(with_overrides(base, {a: options[a]}), {b: options[b]})
        two = with_overrides(with_overrides(base, {b: options[b]}), {a: options[a]})
        assert one.case == two.case == ab.case


def _leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Every (dotted path, value) of plain data, lists addressed by index."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, path + (str(k),))]
    if isinstance(value, list) and value:
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, path + (str(i),))]
    return [(".".join(path), value)]


@settings(max_examples=examples(40))
@given(witnessed_cases(), decorated_cases(), st.data())
def test_a_no_op_override_changes_nothing(plain: Any, decorated: dict, draw: st.DataObject) -> None:
    """Setting any field to the value it already has gives the same case, hash and answer."""
    for data in (plain.data, decorated):
        with case_file(data) as path:
            base: LoadedCase = load(path)
        leaves = _leaves(base.case.model_dump(mode="json", exclude={"scenarios"}))
        key, value = draw.draw(st.sampled_from(leaves))
        same = with_overrides(base, {key: value})
        assert same.case == base.case and case_hash(same.case) == case_hash(base.case)
    before, after = solve(base.case), solve(same.case)
    assert (before.status, before.objective, before.plan) == (
        after.status,
        after.objective,
        after.plan,
    )


def test_ids_that_look_like_numbers_can_be_overridden() -> None:
    """Found by the commuting-overrides property: a unit keyed `0` could not be overridden
    (`--set units.0.men=…` said "no field 'units.0'"), nor one keyed `007`; `units.².men` even
    crashed (int('²')). Dotted paths now index a mapping by the id as written."""
    from tests.factory import base_data, division

    data = base_data()
    data["units"] = {"0": division(), "007": division(), "²": division()}
    with case_file(data) as path:
        loaded = load(path, sets=["units.0.men=1", "units.007.men=2", "units.².men=3"])
    assert [u.men for u in loaded.case.units.values()] == [1, 2, 3]
    again = with_overrides(loaded, {"units.007.combat_value": 2, "shipping.pool.0.tons": 30000})
    assert again.case.units["007"].combat_value == 2 and again.case.shipping.pool[0].tons == 30000


def test_text_with_yaml_line_breaks_is_written_so_it_reads_back() -> None:
    """NEL (U+0085), U+2028 and U+2029 are line breaks to YAML: written raw inside single quotes
    (as PyYAML does) they fold into a space. The nightly run found a description '\\x85' changed."""
    for text in ("\x85", "a\x85b", "\u2028", "x\u2029y", "caf\u00e9 \u00b2"):
        assert yaml.safe_load(to_yaml({"description": text}))["description"] == text
