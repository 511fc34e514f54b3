"""The benchmarks name their instances: `v1:<scenario>` is the v1 case (the historical case as it
stood before issue 14, a benchmark instance only), a plain name the shipped case; every name a
configuration uses exists; a timing that used its whole limit is measured once."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.suite import (
    FULL,
    GO_INSTANCES,
    HISTORICAL,
    QUICK,
    REPORT_SCENARIOS,
    V1,
    Config,
    case_label,
    command_proven,
    instance_case,
    json_status,
    load_named,
    measured,
    previous_summary,
)
from kantokuen.models.scenarios import load


def test_v1_names_the_v1_case_and_plain_names_the_shipped_one() -> None:
    """`v1:halving-met` is the v1 case's scenario (its go proves there), `halving-met` the
    shipped case's; the two cases differ; `shipped:` may be written out; another prefix is an
    error that names the instance."""
    v1 = load_named("v1:halving-met")
    shipped = load_named("halving-met")
    assert v1.case == load(V1, "halving-met").case
    assert shipped.case == load(HISTORICAL, "halving-met").case
    assert v1.case != shipped.case
    assert instance_case("shipped:halving-met") == ("shipped", HISTORICAL, "halving-met")
    assert (case_label("v1:auto-share"), case_label("auto-share")) == ("v1", "shipped")
    assert case_label("syn300/1") == "synthetic"
    with pytest.raises(ValueError, match="'v2:halving-met'"):
        load_named("v2:halving-met")


def test_the_v1_case_says_it_is_not_history() -> None:
    """The v1 file opens with a header saying what it is, and validates with today's code."""
    head = Path(V1).read_text(encoding="utf-8")[:1500]
    assert "NOT A HISTORICAL ANSWER" in head and "before issue 14" in head
    assert "historical" in load(V1).case.scenarios


def _instances(cfg: Config) -> list[str]:
    return [n for n in (*cfg.milp_scenarios, *cfg.techniques) if not n.startswith("syn")]


@pytest.mark.parametrize("cfg", [FULL, QUICK], ids=["full", "quick"])
def test_configs_name_only_scenarios_that_exist(cfg: Config) -> None:
    """Every historical instance of a configuration is a scenario of its case."""
    names = _instances(cfg) + list(GO_INSTANCES.values()) + list(REPORT_SCENARIOS)
    scenarios = {path: set(load(path).case.scenarios) for path in (HISTORICAL, V1)}
    missing = [n for n in names if instance_case(n)[2] not in scenarios[instance_case(n)[1]]]
    assert names and not missing


def test_the_full_run_compares_the_milp_on_v1_and_one_shipped_go() -> None:
    """The MILP rows: v1's five as before issue 14, and one go of the shipped case; the shipped
    case's scenarios get 30 s and the v1 case's 60 s."""
    labels = [case_label(n) for n in FULL.milp_scenarios]
    assert labels.count("v1") == 5 and FULL.milp_scenarios[-1] == "early-order-halving-met"
    assert (FULL.historical_limit, FULL.v1_limit) == (30.0, 60.0)


def test_a_timing_is_repeated_only_when_its_first_run_was_proven() -> None:
    """A proven first run is repeated to `repeats` runs; one that used its whole limit is not."""
    calls: list[int] = []

    def run() -> int:
        calls.append(1)
        return len(calls)

    assert measured(run, 5, lambda _: True) == [1, 2, 3, 4, 5]
    calls.clear()
    assert measured(run, 5, lambda _: False) == [1]


def test_a_command_is_proven_by_its_status_or_by_ending_before_its_limit() -> None:
    """`solve --json` by the status it prints; another command by ending before the limit."""
    assert json_status('{"status": "FEASIBLE", "go": true}') == "FEASIBLE"
    assert json_status("not json") is None
    assert not command_proven({"status": "FEASIBLE", "seconds": 3.0}, 30)
    assert command_proven({"status": "INFEASIBLE", "seconds": 3.0}, 30)
    assert command_proven({"status": None, "seconds": 3.0}, 30)
    assert not command_proven({"status": None, "seconds": 31.0}, 30)


def test_a_run_before_the_v1_case_keeps_its_plain_names_as_v1() -> None:
    """The previous run's plain names are v1 when its config predates the v1 case."""
    old = {"started": "then", "config": {"repeats": 5}, "milp": {"rows": []}}
    assert previous_summary(old)["plain_names"] == "v1"  # type: ignore[index]
    old["config"] = {"v1_limit": 60.0}
    assert previous_summary(old)["plain_names"] == "shipped"  # type: ignore[index]
