"""The Python API (kantokuen.load_case, solve, compare, explain, sweep; Result.to_json and the
DataFrames): the same answers as the command line, on the teaching case worked by hand."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import kantokuen
from kantokuen.models.plan import Result

TWO = "teaching/two_divisions"  # X-Day day 8 (1941-07-09); small-pool: day 10 (README there)
FAST = {"time_limit": 10.0, "workers": 1, "seed": 0}


@pytest.fixture(scope="module")
def base() -> Result:
    return kantokuen.solve(kantokuen.load_case(TWO), **FAST)


@pytest.fixture(scope="module")
def small_pool() -> Result:
    return kantokuen.solve(kantokuen.load_case(TWO, "small-pool"), **FAST)


def test_import_is_light() -> None:
    """A fresh interpreter imports kantokuen and reaches the API without ortools, matplotlib,
    pandas or click."""
    code = (
        "import sys, kantokuen\n"
        "kantokuen.load_case, kantokuen.solve, kantokuen.compare, kantokuen.sweep\n"
        "heavy = ('ortools', 'matplotlib', 'pandas', 'click')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    assert out.stdout.strip() == "[]"


def test_the_api_is_what_the_package_exports() -> None:
    for name in kantokuen.__all__:
        assert getattr(kantokuen, name) is not None, name
    assert kantokuen.Result is Result
    with pytest.raises(AttributeError):
        kantokuen.nope  # noqa: B018


def test_load_case_with_a_scenario_and_overrides() -> None:
    loaded = kantokuen.load_case(
        TWO,
        "small-pool",
        sets={"levers.mobilization_order": dt.date(1941, 7, 2), "levers.withdrawal_scale": 2},
    )
    assert loaded.scenario == "small-pool"
    assert loaded.case.shipping.pool[0].tons == 10000
    assert loaded.case.levers.mobilization_order == dt.date(1941, 7, 2)
    assert loaded.case.levers.withdrawal_scale == 2
    texts = kantokuen.load_case(TWO, sets=["levers.mobilization_order=1941-07-02"])
    assert texts.case.levers.mobilization_order == dt.date(1941, 7, 2)
    assert [o.origin for o in texts.overrides] == ["--set"]


def test_bad_input_raises_case_error() -> None:
    with pytest.raises(kantokuen.CaseError, match="no such case file or bundled case"):
        kantokuen.load_case("nope")
    with pytest.raises(kantokuen.CaseError, match="unknown scenario 'nope'"):
        kantokuen.load_case(TWO, "nope")
    with pytest.raises(TypeError):
        kantokuen.load_case(TWO, sets="levers.withdrawal_scale=2")


def test_solve_gives_the_hand_worked_answers(base: Result, small_pool: Result) -> None:
    assert (base.go, base.x_day, base.verified) == (True, "1941-07-09", True)
    assert small_pool.x_day == "1941-07-11"
    assert kantokuen.solve(TWO, **FAST).x_day == base.x_day  # a name is loaded as written


def test_to_json_reads_back_as_the_same_result(base: Result, tmp_path: Path) -> None:
    assert Result.model_validate_json(base.to_json()) == base
    saved = tmp_path / "base.json"
    saved.write_text(base.to_json())
    assert kantokuen.compare([saved, base]).row("x_day").differs is False


def test_compare_gives_the_comparison_data(base: Result, small_pool: Result) -> None:
    comparison = kantokuen.compare([base, small_pool])
    assert comparison.columns == ["base", "small-pool"]
    x_day = comparison.row("x_day")
    assert (x_day.values, x_day.deltas, x_day.differs) == (
        ["1941-07-09", "1941-07-11"],
        [0.0, 2.0],
        True,
    )
    frame = comparison.frame()
    assert frame.loc[("verdict", "x_day"), "small-pool"] == "1941-07-11"


def test_units_and_usage_frames(base: Result) -> None:
    units = base.units_frame()
    assert len(units) == len(base.units) and units.index.name == "id"
    assert str(units["arrive"].dtype).startswith("datetime64")
    assert units["arrive"].max().date() == dt.date(1941, 7, 9)  # the last arrival is X-Day
    usage = base.usage_frame()
    assert usage.index[0].date() == dt.date(1941, 7, 1) and len(usage) == base.horizon + 1
    assert ("shipping", "used") in usage.columns
    port = next(iter(base.usage["ports"]))
    assert usage[f"port:{port}"]["loaded"].sum() == sum(base.usage["ports"][port]["loaded"])


def test_a_no_go_has_empty_frames() -> None:
    no_go = kantokuen.solve(kantokuen.load_case("teaching/halving_decides", "deadline-early"))
    assert not no_go.go
    assert no_go.units_frame().empty and no_go.usage_frame().empty


def test_frames_without_pandas_name_the_extra(
    base: Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails
    for table in (base.units_frame, base.usage_frame):
        with pytest.raises(ImportError, match=r"pip install 'kantokuen\[pandas\]'"):
            table()


def test_explain_says_what_sets_x_day() -> None:
    report = kantokuen.explain("teaching/halving_decides", **FAST)
    assert report.verdict == "go"
    assert report.result.x_day == "1941-07-29"


def test_sweep_stores_every_point_and_resumes(tmp_path: Path) -> None:
    store = tmp_path / "sweep.sqlite"
    vary = {"shipping.pool.0.tons": [10000, 20000]}
    done = kantokuen.sweep(TWO, vary, store, workers=1, time_limit=10)
    assert (done.run.solved, done.run.skipped) == (2, 0)
    assert sorted(p["x_day"] for p in done.points) == ["1941-07-09", "1941-07-11"]
    assert len(done.frame()) == 2
    again = kantokuen.sweep(TWO, ["shipping.pool.0.tons=10000,20000"], store, workers=1)
    assert (again.run.solved, again.run.skipped) == (0, 2)
