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
            "Sweep: ≥ 1",
        )
    }
    assert len(targets(_results(0.5, "OPTIMAL"))) == 11


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
