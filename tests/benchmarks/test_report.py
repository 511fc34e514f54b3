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
            "Sweep thro",
        )
    }
    assert len(targets(_results(0.5, "OPTIMAL"))) == 13


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
