"""Command line of the benchmarks.

python -m benchmarks run [--quick]                      BENCHMARKS.md + benchmarks/results.json
python -m benchmarks report                             BENCHMARKS.md again from results.json
python -m benchmarks rerun STEP... --why TEXT           some steps of the stored run again,
                                                        spliced into results.json (recorded)
python -m benchmarks psplib [--time-limit S] FILE...    one JSON line per RCPSP instance
python -m benchmarks generate --units N [--seed S] -o FILE   a synthetic case as YAML
python -m benchmarks handling [--time-limit S] [--formulation F]...   handling-over-days
                                                        formulations, one JSON line each
python -m benchmarks sensitivity [--case FILE] [--time-limit S]   the movement with each
                                                        port and rail rate at +-10% (ports
                                                        also -25%), one JSON line each
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
REPORT = ROOT / "BENCHMARKS.md"
NOTES = ROOT / "benchmarks" / "NOTES.md"


def _write(path: Path, text: str) -> None:
    from kantokuen.reports.files import atomic_write_text

    atomic_write_text(str(path), text)


def _report(results: dict) -> None:
    from benchmarks.report import markdown

    notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
    _write(REPORT, markdown(results, notes))


def cmd_run(args: argparse.Namespace) -> int:
    from benchmarks.suite import FULL, QUICK, run_all

    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else None
    results = run_all(
        QUICK if args.quick else FULL,
        log=lambda s: print(s, file=sys.stderr, flush=True),
        previous=previous,
    )
    _write(RESULTS, json.dumps(results, indent=1, default=str) + "\n")
    _report(results)
    print(
        f"wrote {REPORT.relative_to(ROOT)} and {RESULTS.relative_to(ROOT)} "
        f"({results['duration_seconds'] / 60:.1f} min)",
        file=sys.stderr,
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    if not RESULTS.exists():
        print(f"Error: {RESULTS} not found; run `python -m benchmarks run` first", file=sys.stderr)
        return 1
    _report(json.loads(RESULTS.read_text(encoding="utf-8")))
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    from benchmarks.suite import rerun

    if not RESULTS.exists():
        print(f"Error: {RESULTS} not found; run `python -m benchmarks run` first", file=sys.stderr)
        return 1
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    try:
        rerun(results, args.steps, args.why, log=lambda s: print(s, file=sys.stderr, flush=True))
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    _write(RESULTS, json.dumps(results, indent=1, default=str) + "\n")
    _report(results)
    print(f"wrote {REPORT.relative_to(ROOT)} and {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


def cmd_psplib(args: argparse.Namespace) -> int:
    from benchmarks.psplib_core import read_instance, solve_rcpsp

    status = 0
    for path in args.files:
        try:
            inst = read_instance(path)
        except (OSError, ValueError, IndexError) as exc:
            print(f"Error: {path}: cannot read a PSPLIB RCPSP instance ({exc})", file=sys.stderr)
            status = 1
            continue
        print(solve_rcpsp(inst, args.time_limit, args.workers).json(), flush=True)
    return status


def cmd_generate(args: argparse.Namespace) -> int:
    from benchmarks.generate import generate

    try:
        share = args.share if args.share == "auto" else float(args.share)
    except ValueError:
        share = -1.0
    if share != "auto" and not 0 < share <= 1:
        print(f"Error: --share {args.share}: give a fraction in (0, 1] or auto", file=sys.stderr)
        return 2
    gen = generate(args.units, args.seed, share)
    if args.output == "-":
        sys.stdout.write(gen.yaml())
    else:
        gen.write(args.output)
        print(
            f"wrote {args.output}: {args.units} units, known plan X-Day day {gen.known_plan.x_day}",
            file=sys.stderr,
        )
    return 0


def cmd_handling(args: argparse.Namespace) -> int:
    from benchmarks.handling import FORMULATIONS, main

    main(args.time_limit, tuple(args.formulation or FORMULATIONS), lambda s: print(s, flush=True))
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from benchmarks.sensitivity import main

    main(args.case, args.time_limit, lambda s: print(s, flush=True))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="run the benchmark suite and write BENCHMARKS.md and benchmarks/results.json"
    )
    run.add_argument(
        "--quick",
        action="store_true",
        help="smoke run (about 6 minutes) instead of the full one (about 50)",
    )
    run.set_defaults(fn=cmd_run)
    rep = sub.add_parser("report", help="rewrite BENCHMARKS.md from benchmarks/results.json")
    rep.set_defaults(fn=cmd_report)
    rer = sub.add_parser(
        "rerun",
        help="measure some steps of the stored run again (its configuration) and splice them "
        "into benchmarks/results.json and BENCHMARKS.md, recorded as re-runs",
    )
    rer.add_argument("steps", nargs="+", metavar="STEP", help="e.g. sweep latency explore")
    rer.add_argument("--why", required=True, help="what changed since the run (recorded)")
    rer.set_defaults(fn=cmd_rerun)
    ps = sub.add_parser("psplib", help="solve PSPLIB RCPSP instances: one JSON line per file")
    ps.add_argument("files", nargs="+", metavar="FILE", help="PSPLIB .sm files")
    ps.add_argument(
        "--time-limit", type=float, default=10.0, help="seconds per instance (default 10)"
    )
    ps.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    ps.set_defaults(fn=cmd_psplib)
    gen = sub.add_parser(
        "generate", help="write a seeded synthetic case with a known feasible plan"
    )
    gen.add_argument("--units", type=int, required=True, help="movement units (at least 3)")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--share", default="0.7", help="North share (0..1) or auto (default 0.7)")
    gen.add_argument(
        "-o", "--output", default="-", help="YAML file to write (default: standard output)"
    )
    gen.set_defaults(fn=cmd_generate)
    han = sub.add_parser(
        "handling",
        help="measure the CP-SAT formulations of handling over days (X-Day stage, one JSON line "
        "per instance and formulation)",
    )
    han.add_argument(
        "--time-limit", type=float, default=30.0, help="seconds per solve (default 30)"
    )
    han.add_argument(
        "--formulation",
        action="append",
        choices=("queue", "amounts", "lots", "time_indexed"),
        help="only these (repeatable; default: all four)",
    )
    han.set_defaults(fn=cmd_handling)
    sen = sub.add_parser(
        "sensitivity",
        help="the movement's completion with each port and rail rate at +-10% (ports also "
        "-25%), one JSON line per change",
    )
    sen.add_argument(
        "--case",
        default=str(ROOT / "cases" / "kantokuen_1941.yaml"),
        help="case file (default: the historical case)",
    )
    sen.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds per solve (default 60)"
    )
    sen.set_defaults(fn=cmd_sensitivity)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "time_limit", 1) <= 0:
        print("Error: --time-limit must be positive", file=sys.stderr)
        return 2
    if getattr(args, "units", 3) < 3:
        print("Error: --units must be at least 3 (one combat group per front)", file=sys.stderr)
        return 2
    return int(args.fn(args))


if __name__ == "__main__":
    sys.exit(main())
