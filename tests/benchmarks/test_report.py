"""BENCHMARKS.md: every target gets a pass/fail from the measured numbers, and the page renders."""

from __future__ import annotations

from typing import Any

from benchmarks.report import markdown, targets


def _results(hist_seconds: float, psplib_status: str) -> dict[str, Any]:
    spread = {"median": hist_seconds, "min": hist_seconds, "max": hist_seconds, "runs": 3}
    return {
        "command": "python -m benchmarks run",
        "mode": "full",
        "started": "today",
        "duration_seconds": 60.0,
        "machine": {"cpu": "cpu", "cores": 2, "ram_gib": 8.0, "os": "linux", "load_average": [0.1]},
        "versions": {"python": "3.11"},
        "historical": {
            "case": "cases/x.yaml",
            "time_limit": 60,
            "rows": [
                {
                    "scenario": "a",
                    "units": 10,
                    "statuses": ["OPTIMAL"],
                    "status": "OPTIMAL",
                    "x_day": 5,
                    "seconds": spread,
                    "proven_seconds": spread,
                    "greedy": {"x_day": 6},
                }
            ],
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


def test_targets_pass_and_fail_from_the_numbers() -> None:
    """A historical scenario at 0.5 s passes the 1 s target, at 1.5 s fails; a j30 instance
    left FEASIBLE fails the PSPLIB target; targets without numbers say "not measured"."""
    good = {t["target"][:10]: t["result"] for t in targets(_results(0.5, "OPTIMAL"))}
    bad = {t["target"][:10]: t["result"] for t in targets(_results(1.5, "FEASIBLE"))}
    assert (good["Historical"], good["PSPLIB j30"]) == ("pass", "pass")
    assert (bad["Historical"], bad["PSPLIB j30"]) == ("FAIL", "FAIL")
    assert {k: v for k, v in good.items() if k not in ("Historical", "PSPLIB j30")} == {
        k: "not measured"
        for k in (
            "1,000 unit",
            "5,000 unit",
            "Peak memor",
            "X-Day at l",
            "X-Day stri",
            "≥ 10× fast",
            "PSPLIB har",
            "PSPLIB j60",
            "Sweep: ≥ 1",
            "Every hist",
            "Rebuilt hi",
            "`validate`",
            "`solve -s ",
            "`report` o",
        )
    }
    assert len(targets(_results(0.5, "OPTIMAL"))) == 18


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


def _latency(validate: float, draft: list[dict[str, Any]]) -> dict[str, Any]:
    def run(seconds: float) -> dict[str, Any]:
        spread = {"median": seconds, "min": seconds, "max": seconds, "runs": 1}
        return {"args": "x", "seconds": spread, "cpu_seconds": spread, "exits": [0]}

    return {
        "workers": 2,
        "commands": {"validate": run(validate), "solve_go": run(1.0), "report_three": run(5.0)},
        "historical": {"case": "h.yaml", "time_limit": 60, "rows": [_answer("a", 0.2, 0.6)]},
        "draft": {"case": "d.yaml", "time_limit": 10, "rows": draft},
    }


def test_latency_targets_pass_and_fail_from_the_numbers() -> None:
    """Issue 17: answers proven in 0.2 s and whole in 0.6 s pass; a scenario left FEASIBLE, or
    proven but answered in 2 s, fails; a 1.5 s `validate` fails its 1 s target and 0.5 s passes;
    the previous run's number is shown beside the new one."""
    results = _results(0.5, "OPTIMAL")
    results["latency"] = _latency(0.5, [_answer("b", None, 10.0)])
    results["previous"] = {"latency": _latency(3.2, [_answer("b", 0.1, 2.0)])}
    got = {t["target"][:10]: t for t in targets(results)}
    assert got["Every hist"]["result"] == "pass"
    assert (
        got["Rebuilt hi"]["result"] == "FAIL" and "not proven: b" in got["Rebuilt hi"]["measured"]
    )
    assert (
        got["`validate`"]["result"] == "pass"
        and "previous run 3.20 s" in got["`validate`"]["how_far"]
    )
    assert (got["`solve -s "]["result"], got["`report` o"]["result"]) == ("pass", "pass")
    results["latency"] = _latency(1.5, [_answer("b", 0.1, 2.0)])
    got = {t["target"][:10]: t for t in targets(results)}
    assert (got["`validate`"]["result"], got["Rebuilt hi"]["result"]) == ("FAIL", "FAIL")
    assert "Interactive latency" in markdown(results)


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
    assert fast["… the prev"]["measured"].startswith("1000 points in 87.1 s")
    assert fast["Sweep book"]["result"] == "pass" and slow["Sweep book"]["result"] == "FAIL"
