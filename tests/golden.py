"""Golden results: the answer of every shipped case and scenario, not the plan.

For each case under `cases/` (the historical case and the teaching cases) the file
`<case>.expected.json` next to it holds, for the base case (key `base`) and every scenario,
what a solve proves: status, go, X-Day, decision day, North share, the no-go conflict, whether
the answer is verified and the kind of a no-go's certificate.
The plan itself is not stored: many plans share one optimum, and the verifier checks plans.

    python -m tests.golden            compare every case with its golden file (exit 1 on a
                                      difference)
    python -m tests.golden --update   solve everything again and rewrite the golden files

`tests/test_golden.py` runs the same comparison, one solve per test. An answer that is not
proven (FEASIBLE, TIME_LIMIT, UNKNOWN) is never written: `--update` stops with an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kantokuen.models.plan import Status
from kantokuen.models.scenarios import load
from kantokuen.planner.result import solve
from kantokuen.planner.solve import SolveOptions

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
BASE = "base"
KEYS = (
    "status",
    "go",
    "x_day",
    "decision_day",
    "north_share",
    "conflict",
    "verified",
    "certificate_kind",
)
PROVEN = {Status.OPTIMAL.value, Status.INFEASIBLE.value}

# Points the solver does not prove within OPTIONS' limit on the development machine (issue 14:
# the rebuilt historical case's go scenarios, whose movement's earliest X-Day CP-SAT does not
# close; the solver-speed work is to bring them back). Their golden entry records what that
# limit gives - a plan not proven earliest (FEASIBLE) or none (TIME_LIMIT) - and
# tests/test_golden.py checks them only in the slow run, as "no worse than recorded". A point
# that proves again is written as proven and should leave this set.
UNPROVEN: frozenset[tuple[str, str]] = frozenset(
    ("cases/kantokuen_1941.yaml", point)
    for point in (
        "crash-schedule",
        "early-order-movement",
        "early-order-halving-met",
    )
)

# No-gos that rest on CP-SAT's proof on the movement's flow relaxation (planner/flow_bound,
# certificate kind `flow_relaxation`): proven, but not by arithmetic the verifier re-checks, so
# their golden entry says `verified: false`. Their explanation uses the whole limit.
SOLVER_PROVEN: frozenset[tuple[str, str]] = frozenset(
    ("cases/kantokuen_1941.yaml", point) for point in ("halving-met", "auto-share")
)

# One worker and a fixed seed: the answer is the same on every machine (stage budgets are in
# CP-SAT's deterministic time). The limit is generous; every shipped case and scenario,
# explanation included, solves in a few seconds.
OPTIONS = SolveOptions(time_limit=240.0, workers=1, seed=0)


def case_files() -> list[Path]:
    """Every shipped case file (golden files and other data are not cases)."""
    return sorted(p for p in CASES.rglob("*.yaml"))


def golden_path(case_file: Path) -> Path:
    return case_file.with_suffix(".expected.json")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def points(case_file: Path) -> list[str]:
    """The base case and every scenario of a case, in file order."""
    return [BASE, *load(str(case_file)).case.scenarios]


def answer(case_file: Path, point: str) -> dict[str, Any]:
    """What one solve proves, in the golden form."""
    result = solve(load(str(case_file), None if point == BASE else point), OPTIONS)
    data = result.model_dump(mode="json")
    data["certificate_kind"] = (data["certificate"] or {}).get("kind")
    return {key: data[key] for key in KEYS}


def read_golden(case_file: Path) -> dict[str, Any]:
    return json.loads(golden_path(case_file).read_text(encoding="utf-8"))


def golden_document(case_file: Path, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "case": load(str(case_file)).case.name,
        "file": relative(case_file),
        "regenerate": "python -m tests.golden --update",
        "solver": {
            "workers": OPTIONS.workers,
            "seed": OPTIONS.seed,
            "time_limit": OPTIONS.time_limit,
        },
        "results": results,
    }


def update(case_file: Path) -> None:
    """Solve every point of a case and write its golden file; refuse unproven answers."""
    from kantokuen.reports.files import atomic_write_text

    results = {}
    for point in points(case_file):
        got = answer(case_file, point)
        if got["status"] not in PROVEN and (relative(case_file), point) not in UNPROVEN:
            raise SystemExit(
                f"Error: {relative(case_file)} [{point}]: status {got['status']} is not "
                f"proven within {OPTIONS.time_limit:g} s; not writing a golden result"
            )
        results[point] = got
        print(f"{relative(case_file)} [{point}]: {describe(got)}")
    text = json.dumps(golden_document(case_file, results), indent=2) + "\n"
    atomic_write_text(str(golden_path(case_file)), text)


def describe(got: dict[str, Any]) -> str:
    if got["go"]:
        return (
            f"{got['status']} go, X-Day {got['x_day']}, decision {got['decision_day']}, North "
            f"share {got['north_share']}"
        )
    return f"{got['status']} no-go, conflict {', '.join(got['conflict'])}"


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Every golden key whose value changed, as 'key: expected -> got'. An unproven golden
    answer (a plan or none within the limit) is matched by any answer at least as good: a
    proven one, or a plan with an X-Day no later than the recorded plan's."""
    if expected.get("status") not in PROVEN:
        return no_worse(expected, got)
    return [
        f"{key}: {expected.get(key)!r} -> {got.get(key)!r}"
        for key in KEYS
        if expected.get(key) != got.get(key)
    ]


def no_worse(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Differences from an unproven golden answer: a proven answer or a plan that is no later."""
    if got.get("status") in PROVEN or not expected.get("go"):
        return []
    if not got.get("go") or str(got.get("x_day")) > str(expected.get("x_day")):
        return [f"x_day: {expected.get('x_day')!r} (not proven) -> {got.get('x_day')!r}"]
    return []


def check(case_file: Path) -> list[str]:
    """Differences between a case's golden file and fresh solves (missing points included)."""
    if not golden_path(case_file).exists():
        return [f"{relative(case_file)}: no golden file (run python -m tests.golden --update)"]
    golden = read_golden(case_file)["results"]
    problems = []
    wanted = points(case_file)
    for point in sorted(set(golden) - set(wanted)):
        problems.append(f"{relative(case_file)} [{point}]: in the golden file but not in the case")
    for point in wanted:
        if point not in golden:
            problems.append(f"{relative(case_file)} [{point}]: no golden result")
            continue
        problems += [
            f"{relative(case_file)} [{point}]: {d}"
            for d in differences(golden[point], answer(case_file, point))
        ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.golden", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--update", action="store_true", help="solve again and rewrite the golden files"
    )
    parser.add_argument(
        "cases", nargs="*", type=Path, help="case files (default: every case under cases/)"
    )
    args = parser.parse_args(argv)
    files = [p.resolve() for p in args.cases] or case_files()
    if args.update:
        for case_file in files:
            update(case_file)
        return 0
    problems = [p for case_file in files for p in check(case_file)]
    for problem in problems:
        print(problem)
    print("golden results match" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
