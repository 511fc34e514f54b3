"""BENCHMARKS.md: every target gets a pass/fail from the measured numbers, and the page renders."""

from __future__ import annotations

import time
from typing import Any

import pytest

from benchmarks.report import markdown, targets


def _hist_row(name: str, case: str, seconds: float) -> dict[str, Any]:
    spread = {"median": seconds, "min": seconds, "max": seconds, "runs": 3}
    return {
        "instance": name,
        "case": case,
        "scenario": name.rpartition(":")[2],
        "units": 10,
        "statuses": ["OPTIMAL"],
        "status": "OPTIMAL",
        "x_day": 5,
        "seconds": spread,
        "proven_seconds": spread,
        "measured_once": False,
        "greedy": {"x_day": 6},
    }


def _results(hist_seconds: float, psplib_status: str) -> dict[str, Any]:
    return {
        "command": "python -m benchmarks run",
        "mode": "full",
        "started": "today",
        "duration_seconds": 60.0,
        "machine": {"cpu": "cpu", "cores": 2, "ram_gib": 8.0, "os": "linux", "load_average": [0.1]},
        "versions": {"python": "3.11"},
        "config": {"repeats": 3, "v1_limit": 60.0},
        "historical": {
            "cases": [
                {"case": "shipped", "file": "cases/x.yaml", "time_limit": 30},
                {"case": "v1", "file": "benchmarks/data/x_v1.yaml", "time_limit": 60},
            ],
            "repeats": 3,
            "rows": [_hist_row("a", "shipped", hist_seconds), _hist_row("v1:a", "v1", 0.1)],
        },
        "psplib": {
            "rows": [
                {
                    "set": "j30",
                    "name": "j301_1",
                    "makespan": 43,
                    "status": psplib_status,
                    "lower_bound": 43 if psplib_status == "OPTIMAL" else 40,
                    "seconds": 0.1,
                    "time_limit": 10,
                    "best_known": 43,
                    "known_lower_bound": 43,
                    "open": False,
                    "sound": True,
                    "optimal_known": psplib_status == "OPTIMAL",
                }
            ]
        },
        "milp": {"error": "RuntimeError: boom"},
    }


def _by_name(results: dict[str, Any], width: int = 16) -> dict[str, dict[str, Any]]:
    """The targets keyed by the start of their names (each start names one target)."""
    rows = targets(results)
    keyed = {t["target"][:width]: t for t in rows}
    assert len(keyed) == len(rows), [t["target"] for t in rows]
    return keyed


def test_targets_pass_and_fail_from_the_numbers() -> None:
    """A shipped-case scenario at 0.5 s passes the 1 s target, at 1.5 s fails (the v1 case's
    target is judged on its own rows); a j30 instance left FEASIBLE fails the PSPLIB target;
    targets without numbers say "not measured"."""
    good = {k: t["result"] for k, t in _by_name(_results(0.5, "OPTIMAL")).items()}
    bad = {k: t["result"] for k, t in _by_name(_results(1.5, "FEASIBLE")).items()}
    judged = ("Historical, ship", "Historical, v1 c", "PSPLIB j30: the ")
    assert [good[k] for k in judged] == ["pass", "pass", "pass"]
    assert [bad[k] for k in judged] == ["FAIL", "pass", "FAIL"]
    assert {k: v for k, v in good.items() if k not in judged} == {
        k: "not measured"
        for k in (
            "1,000 units: fir",
            "1,000 units: X-D",
            "5,000 units: fir",
            "5,000 units: X-D",
            "Peak memory < 2 ",
            "X-Day at least a",
            "X-Day strictly b",
            "MILP, v1 case: C",
            "PSPLIB hardest j",
            "PSPLIB j60: ever",
            "Sweep: ≥ 1,000 p",
            "Answers, shipped",
            "Answers, v1 case",
            "`validate` of th",
            "`solve -s early-",
            "`solve -s halvin",
            "`report` of thre",
        )
    }
    assert len(targets(_results(0.5, "OPTIMAL"))) == 20


def test_a_scenario_that_used_its_limit_fails_and_is_named() -> None:
    """A shipped-case scenario left FEASIBLE (measured once) fails its case's target and is
    named; the v1 case's target still passes on its own rows, and the page shows both cases."""
    results = _results(0.5, "OPTIMAL")
    slow = _hist_row("b", "shipped", 30.0) | {"statuses": ["FEASIBLE"], "measured_once": True}
    slow["proven_seconds"] = None
    results["historical"]["rows"].append(slow)
    got = _by_name(results)
    assert got["Historical, ship"]["result"] == "FAIL"
    assert "NOT proven: b" in got["Historical, ship"]["measured"]
    assert got["Historical, v1 c"]["result"] == "pass"
    page = markdown(results)
    assert "| v1 | a | 10 | OPTIMAL |" in page and "| shipped | b | 10 | FEASIBLE |" in page
    assert "(once: used its limit)" in page


def _answer(scenario: str, decided: float | None, answer: float) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "status": "OPTIMAL" if decided is not None else "FEASIBLE",
        "x_day": 5,
        "decided_seconds": decided,
        "solve_seconds": decided or answer,
        "explain_seconds": 0.0,
        "answer_seconds": answer,
        "timings": {"build": 0.1},
    }


def _command(seconds: float, **extra: Any) -> dict[str, Any]:
    spread = {"median": seconds, "min": seconds, "max": seconds, "runs": 1}
    return {"args": "x", "seconds": spread, "cpu_seconds": spread, "exits": [0]} | extra


def _latency(validate: float, shipped: list[dict[str, Any]]) -> dict[str, Any]:
    """A latency section of this shape: answers keyed by case, both goes."""
    return {
        "workers": 2,
        "time_limit": 30,
        "commands": {
            "validate": _command(validate),
            "solve_go": _command(30.5, statuses=["FEASIBLE"], measured_once=True),
            "solve_go_v1": _command(1.0, case="v1", statuses=["OPTIMAL"]),
            "report_three": _command(5.0),
        },
        "shipped": {"case": "h.yaml", "case_label": "shipped", "time_limit": 30, "rows": shipped},
        "v1": {
            "case": "v.yaml",
            "case_label": "v1",
            "time_limit": 60,
            "rows": [_answer("a", 0.2, 0.6)],
        },
    }


def test_latency_targets_pass_and_fail_from_the_numbers() -> None:
    """Issue 17: answers proven in 0.2 s and whole in 0.6 s pass; a scenario left FEASIBLE, or
    proven but answered in 2 s, fails; a 1.5 s `validate` fails its 1 s target and 0.5 s passes;
    the shipped go that used its 30 s fails and says it was measured once; the previous run's
    number is shown beside the new one."""
    results = _results(0.5, "OPTIMAL")
    results["latency"] = _latency(0.5, [_answer("b", None, 10.0)])
    results["previous"] = {
        "plain_names": "shipped",
        "latency": _latency(3.2, [_answer("b", 0.1, 2.0)]),
    }
    got = _by_name(results)
    assert got["Answers, v1 case"]["result"] == "pass"
    shipped = got["Answers, shipped"]
    assert shipped["result"] == "FAIL" and "not proven: b" in shipped["measured"]
    assert "previous run: whole answer 2.00 s" in shipped["how_far"]
    assert got["`validate` of th"]["result"] == "pass"
    assert "previous run 3.20 s" in got["`validate` of th"]["how_far"]
    go = got["`solve -s early-"]
    assert go["result"] == "FAIL" and "measured once" in go["measured"]
    assert (got["`solve -s halvin"]["result"], got["`report` of thre"]["result"]) == (
        "pass",
        "pass",
    )
    results["latency"] = _latency(1.5, [_answer("b", 0.1, 2.0)])
    got = _by_name(results)
    assert (got["`validate` of th"]["result"], got["Answers, shipped"]["result"]) == (
        "FAIL",
        "FAIL",
    )
    page = markdown(results)
    assert "Interactive latency" in page and "| `x` | v1 | OPTIMAL |" in page


def test_a_run_before_the_v1_case_is_read_as_v1() -> None:
    """A previous run made before the v1 case was named measured the case that became v1: its
    `historical` answers stand beside the v1 answers, its `draft` answers beside the shipped
    ones, its `solve_go` (halving-met) beside v1's, and its plain MILP names are v1 rows."""
    results = _results(0.5, "OPTIMAL")
    results["latency"] = _latency(0.5, [_answer("b", 0.1, 0.5)])
    old_latency = {
        "commands": {"validate": _command(3.2), "solve_go": _command(2.5)},
        "historical": {"rows": [_answer("a", 0.1, 0.7)]},
        "draft": {"rows": [_answer("b", None, 44.0)]},
    }
    old_milp = {"rows": [{"instance": "halving-met", "ratio": 33.9, "ratio_at_least": None}]}
    old_historical = {"rows": [{"scenario": "a", "seconds": {"median": 0.95}}]}
    results["previous"] = {"latency": old_latency, "milp": old_milp, "historical": old_historical}
    results["milp"] = {
        "threads": 2,
        "time_limit": 60,
        "rows": [_milp_row("v1:halving-met", 20.0), _milp_row("early-order-halving-met", None)],
    }
    got = _by_name(results)
    assert "previous run: whole answer 0.70 s" in got["Answers, v1 case"]["how_far"]
    assert "previous run: whole answer 44.00 s" in got["Answers, shipped"]["how_far"]
    assert "previous run 2.50 s" in got["`solve -s halvin"]["how_far"]
    assert "before issue 17" in got["`solve -s early-"]["how_far"]
    assert "(on the case before issue 14)" in got["`validate` of th"]["how_far"]
    v1, shipped = got["MILP, v1 case: C"], got["MILP, shipped ca"]
    assert v1["result"] == "pass" and "previous run: halving-met 33.9×" in v1["how_far"]
    assert shipped["result"] == "FAIL" and "no ratio (CP-SAT FEASIBLE" in shipped["measured"]
    page = markdown(results)
    assert "| v1 | halving-met | 249 |" in page and "| shipped | early-order-halving-met |" in page
    lines = {
        line.split(" | ")[0] + " | " + line.split(" | ")[1]: line
        for line in page.splitlines()
        if line.startswith("| ")
    }
    assert "| 0.95 s |" in lines["| v1 | a"] and "| 0.95 s |" not in lines["| shipped | a"]


def _milp_row(name: str, ratio: float | None) -> dict[str, Any]:
    """A MILP comparison row: proven by both (ratio) or by neither (None)."""
    status = "OPTIMAL" if ratio else "FEASIBLE"
    side = {"status": status, "objective": {"x_day": 68}, "seconds": 1.0, "proven_seconds": None}
    return {
        "instance": name,
        "units": 249,
        "cpsat": side | {"proven_seconds": 0.05 if ratio else None},
        "milp": side | {"columns": 1, "rows": 1, "nonzeros": 1},
        "same_optimum": True if ratio else None,
        "ratio": ratio,
        "ratio_at_least": None,
    }


def _psplib_row(name: str, set_: str, seconds: float, best: int, lb: int) -> dict[str, Any]:
    closed = best == lb
    return {
        "set": set_,
        "name": name,
        "makespan": best,
        "status": "OPTIMAL" if closed else "FEASIBLE",
        "lower_bound": lb if closed else lb - 20,
        "seconds": seconds,
        "time_limit": 60,
        "best_known": best,
        "known_lower_bound": lb,
        "open": not closed,
        "sound": True,
        "optimal_known": closed,
    }


def test_psplib_targets_of_issue_17() -> None:
    """j3029_3 proven in 25 s passes and in 40 s fails; a j60 set with an open instance fails
    and names it as open (best known and best known bound)."""
    fast = _results(0.5, "OPTIMAL")
    fast["psplib"]["rows"] += [
        _psplib_row("j3029_3", "j30", 25.0, 78, 78),
        _psplib_row("j6018_1", "j60", 0.1, 81, 81),
    ]
    slow = _results(0.5, "OPTIMAL")
    slow["psplib"]["rows"] += [
        _psplib_row("j3029_3", "j30", 40.0, 78, 78),
        _psplib_row("j609_1", "j60", 60.0, 87, 84),
    ]
    good = {t["target"][:10]: t for t in targets(fast)}
    bad = {t["target"][:10]: t for t in targets(slow)}
    assert (good["PSPLIB har"]["result"], good["PSPLIB j60"]["result"]) == ("pass", "pass")
    assert (bad["PSPLIB har"]["result"], bad["PSPLIB j60"]["result"]) == ("FAIL", "FAIL")
    assert "open: best known 87, best known bound 84" in bad["PSPLIB j60"]["measured"]


def test_page_names_the_command_machine_and_failed_benchmarks() -> None:
    """The page starts with the command, shows the machine, and lists a benchmark that broke."""
    page = markdown(_results(0.5, "OPTIMAL"), notes="## Notes\nSomething.")
    assert "python -m benchmarks run" in page and "cpu, 2 cores" in page
    assert "## Notes" in page and "milp: RuntimeError: boom" in page


def _sweep(seconds: float, points: int, steady_ms: float) -> dict[str, Any]:
    phases = {"instance_and_verification": 1.0, "margins_and_answer": 1.0, "per_point": 3.0}
    return {
        "points": points,
        "seconds": seconds,
        "plan_s": 1.0,
        "total_s": seconds + 1.0,
        "mean_solve_s": 0.1,
        "previous": {"points": 1000, "seconds": 87.1, "mean_solve_s": 0.17, "started": "then"},
        "bookkeeping": {
            "target_ms": 5.0,
            "sweep": {"steady_ms_per_point": steady_ms, "workers": 2},
            "phases_ms": phases,
        },
    }


def test_sweep_targets_from_the_numbers_with_the_previous_run_beside() -> None:
    """1,000 points in 50 s pass the 60 s target, 200 points in 20 s (100 s per 1,000) fail; the
    previous run's row stands beside the new one; bookkeeping passes at ≤ 5 ms a point."""
    results = _results(0.5, "OPTIMAL")
    fast = {t["target"][:10]: t for t in targets(results | {"sweep": _sweep(49.0, 1000, 4.0)})}
    slow = {t["target"][:10]: t for t in targets(results | {"sweep": _sweep(19.0, 200, 6.0)})}
    assert fast["Sweep: ≥ 1"]["result"] == "pass" and slow["Sweep: ≥ 1"]["result"] == "FAIL"
    assert fast["… the prev"]["measured"].startswith("1000 points of the v1 case in 87.1 s")
    assert fast["Sweep book"]["result"] == "pass" and slow["Sweep book"]["result"] == "FAIL"


def test_warm_starts_where_a_stage_searches_stand_beside_the_sweeps_own() -> None:
    """The sweep's own neighbours never search, so their warm start decides the row; the
    searching neighbours' ratio is shown beside it, and a hint the sweep does not pass cannot
    turn the row into a pass."""
    from benchmarks.sweep_warm import summary

    def warm(scenario: str, cold: float, warm: float) -> dict[str, Any]:
        data = {
            "case": "v1.yaml",
            "scenario": scenario,
            "lever": "levers.x",
            "values": "1, 2",
            "points": 2,
            "cold_s": cold,
            "warm_s": warm,
            "hint_verified": 1,
            "same_proven_answer": 2,
        }
        return summary(data) | {"data": data}

    sweep = _sweep(49.0, 1000, 4.0) | {
        "warm_start": warm("halving-met", 0.035, 0.035),
        "warm_start_search": warm("auto-share", 5.0, 1.25),
    }
    row = {t["target"][:10]: t for t in targets(_results(0.5, "OPTIMAL") | {"sweep": sweep})}
    assert row["Sweep: nei"]["result"] == "FAIL"
    assert "4.00× as fast with the hint where a stage searches" in row["Sweep: nei"]["how_far"]


def test_no_psplib_instances_is_not_a_pass() -> None:
    """With no instance found (no ../shared/psplib), the PSPLIB targets say "not measured"."""
    results = _results(0.5, "OPTIMAL")
    results["psplib"]["rows"] = []
    got = {t["target"][:10]: t["result"] for t in targets(results)}
    assert {got["PSPLIB j30"], got["PSPLIB har"], got["PSPLIB j60"]} == {"not measured"}


def test_steps_measured_again_are_named_with_when_and_why() -> None:
    """A step re-run after the run (`python -m benchmarks rerun`) is listed under the run's
    line with its start, load and reason; a run without re-runs says nothing of them; an
    unknown step is refused before anything is measured."""
    import pytest

    from benchmarks.suite import rerun

    plain = markdown(_results(0.5, "OPTIMAL"))
    assert "measured again" not in plain
    results = _results(0.5, "OPTIMAL") | {
        "reruns": [
            {"step": "sweep", "started": "later", "why": "points skip X", "load_average": [1.0]}
        ]
    }
    page = markdown(results)
    assert "Re-run after it: **sweep**, started later (load average [1.0]): points skip X" in page
    with pytest.raises(ValueError, match="unknown benchmark nosuch"):
        rerun(_results(0.5, "OPTIMAL"), ["sweep", "nosuch"], "why")


def test_a_sweep_measured_again_keeps_the_run_before_beside_it(
    tmp_path: Any, monkeypatch: Any
) -> None:
    """The sweep row's previous run is the run before the stored one: measuring the sweep
    again (`rerun`) must not put the stored run's own first measurement there."""
    import json

    from benchmarks import suite

    (tmp_path / "benchmarks").mkdir()
    stored = tmp_path / "benchmarks" / "results.json"
    monkeypatch.setattr(suite, "ROOT", tmp_path)
    earlier = {"points": 1000, "seconds": 179.0, "started": "run before", "case_label": "v1"}
    row = {"points": 1000, "seconds": 24.0, "previous": earlier}
    stored.write_text(json.dumps({"started": "this run", "sweep": row}), encoding="utf-8")
    previous = suite.previous_sweep()
    assert previous is not None and previous["seconds"] == 24.0  # a new run: this one is before
    rerun = {"step": "sweep", "started": "later", "why": "w", "load_average": [0, 0, 0]}
    stored.write_text(
        json.dumps({"started": "this run", "sweep": row, "reruns": [rerun]}), encoding="utf-8"
    )
    assert suite.previous_sweep() == earlier


def test_where_the_time_goes_counts_each_second_once() -> None:
    """The profile's phases are times, not the caps that ended them: they and the rest add up
    to the clock's total, and no `wall_cap_` or `presolve_retry_` note is listed as a phase
    (a 30 s run once showed 59.8 s, its caps counted beside the stages they ended)."""
    from benchmarks.suite import profile_run

    started = time.perf_counter()
    data = profile_run(100, 1.0)
    elapsed = time.perf_counter() - started
    names = [p["phase"] for p in data["phases"]]
    assert not [n for n in names if n.startswith(("wall_cap_", "presolve_retry_"))], names
    assert sum(p["share"] for p in data["phases"]) == pytest.approx(1.0, abs=0.01)
    assert data["total_seconds"] <= elapsed
