"""`kantokuen sweep` and `kantokuen explore`: many solves in parallel, each stored as it
finishes (a grid of counterfactuals; a sample of uncertain worlds), resumable."""

from __future__ import annotations

import json
import os
import sys

import click
from rich.console import Console

from kantokuen.commands.common import (
    report_options,
    scenario_option,
    set_option,
    show,
)


@click.command()
@click.argument("case_file", metavar="[CASE]", required=False, type=click.Path(dir_okay=True))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="LEVER=SPEC",
    help="A lever and its values: START:END:STEP (END included; numbers, or dates with a step "
    "like 7d or 2w) or a list a,b,c. Repeat for a grid (the product).",
)
@scenario_option
@set_option
@click.option(
    "--store",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite file that keeps every finished point; rerunning the same sweep resumes.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Points solved in parallel (default: all cores). Each point uses ONE CP-SAT worker, "
    "so answers never depend on this. Dask: workers of the LocalCluster.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Local process pool, or a Dask cluster (pip install -e '.[dask]').",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Dask scheduler to use (default: start a LocalCluster on this machine).",
)
@click.option(
    "--retry-failed",
    is_flag=True,
    help="Also solve again the stored points that errored or gave no answer in time.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds the solver may use per point.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of every point.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Export the points (of this sweep; of the whole store without CASE) as CSV.",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Export the points as a JSON array.",
)
def sweep(
    case_file: str | None,
    varies: tuple[str, ...],
    scenario: str | None,
    sets: tuple[str, ...],
    store: str,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    retry_failed: bool,
    time_limit: float,
    seed: int,
    csv_file: str | None,
    json_file: str | None,
) -> None:
    """Solve a grid of counterfactuals in parallel, storing each answer as it finishes.

    Every point is the case (with --scenario and --set) plus one value of each --vary lever,
    solved independently. Interrupt it (Ctrl-C, exit 130) or lose the process: run the same
    command again and it solves only what is missing. Without CASE, summarize and export the store.

    \b
    Example:
      kantokuen sweep cases/kantokuen_1941.yaml --store s.sqlite \\
        --vary levers.mobilization_order=1941-06-25:1941-08-01:7d \\
        --vary levers.north_share=0.3:0.9:0.1 --vary levers.withdrawal_scale=1,2,3
      kantokuen sweep --store s.sqlite --csv points.csv
      kantokuen sweep CASE --vary ... --store s.sqlite --executor dask --scheduler tcp://host:8786
    """
    from kantokuen import api
    from kantokuen.analysis import store as st
    from kantokuen.analysis.sweep import summarize
    from kantokuen.reports.files import atomic_write_text
    from kantokuen.reports.inputs import check_output
    from kantokuen.reports.progress import SweepProgress
    from kantokuen.reports.sweep import print_summary

    console = Console()
    keys: list[str] | None = None
    order: list[str] | None = None
    if case_file is None:
        if varies or scenario or sets:
            raise click.UsageError("--vary, --scenario and --set need a CASE")
        title = f"Store {store}"
    else:
        if not varies:
            raise click.UsageError(
                "give at least one --vary LEVER=SPEC (or omit CASE to summarize the store)"
            )
        for target in (store, csv_file, json_file):  # fail before solving, not after the whole grid
            check_output(target)
        progress = SweepProgress(Console(stderr=True))
        try:
            done = api.sweep(
                api.load_case(case_file, scenario, sets),
                varies,
                store,
                workers=workers,
                executor=executor,
                scheduler=scheduler,
                time_limit=time_limit,
                seed=seed,
                retry_failed=retry_failed,
                listener=progress,
                command=" ".join(sys.argv),
            )
        except st.StoreBusy as busy:
            raise click.ClickException(busy.line) from None
        finally:
            progress.stop()
        run, plan = done.run, done.plan
        if run.interrupted:
            click.echo(
                f"Interrupted: {run.solved} points solved in this run, {run.skipped + run.solved} "
                f"of {run.total} stored in {store}; run the same command again to resume.",
                err=True,
            )
            sys.exit(run.exit_code)
        keys = [p.key for p in plan.points]
        order = [a.path for a in plan.axes]
        title = f"Sweep of {plan.base.case.name}" + (f" (scenario {scenario})" if scenario else "")
    rows = st.read_points(store, keys)
    summary = summarize(rows, order)
    print_summary(summary, console, f"{title}: {len(rows)} points")
    if summary.errors:
        click.echo(
            f"Warning: {summary.errors} points failed (their errors are in the store); "
            "rerun with --retry-failed to solve them again",
            err=True,
        )
    if csv_file:
        atomic_write_text(csv_file, st.to_csv(rows))
    if json_file:
        atomic_write_text(json_file, st.to_json(rows))


@click.command()
@click.argument("case_file", metavar="CASE", type=click.Path(dir_okay=True))
@scenario_option
@set_option
@click.option(
    "--samples",
    type=click.IntRange(min=1, max=1_000_000),
    required=True,
    help="Worlds to sample (sobol and morris round down to whole blocks of their design).",
)
@click.option(
    "--method",
    type=click.Choice(["lhs", "sobol", "morris"]),
    default="lhs",
    show_default=True,
    help="Latin hypercube (rank sensitivity), Sobol' (Sobol' indices) or Morris (elementary "
    "effects).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the sample and of every solve: the same seed gives the same worlds.",
)
@click.option(
    "--store",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite store that keeps every solved world; rerunning the same command resumes "
    "(default: a temporary store, not kept).",
)
@click.option(
    "--vary-range",
    "vary_ranges",
    multiple=True,
    metavar="PATH=LOW:HIGH",
    help="Sample this field uniformly too (numbers or dates); replaces a declared range. "
    "Repeatable.",
)
@click.option(
    "--policy",
    "policies",
    multiple=True,
    metavar="NAME=KEY=VALUE[,KEY=VALUE]",
    help="Lever settings to evaluate on the same worlds, paired with the baseline. Repeatable.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worlds solved in parallel (default: all cores); one CP-SAT worker each.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Local process pool, or a Dask cluster.",
)
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None, help="Dask scheduler to use.")
@click.option(
    "--retry-failed", is_flag=True, help="Solve again the stored worlds that failed or timed out."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds the solver may use per world (a go cut short is marked with its gap).",
)
@report_options
def explore(
    case_file: str,
    scenario: str | None,
    sets: tuple[str, ...],
    samples: int,
    method: str,
    seed: int,
    store: str | None,
    vary_ranges: tuple[str, ...],
    policies: tuple[str, ...],
    workers: int | None,
    executor: str,
    scheduler: str | None,
    retry_failed: bool,
    time_limit: float,
    as_json: bool,
    fmt: str,
    output: str | None,
) -> None:
    """How sure is the answer? Sample the case's uncertainties and solve every world.

    Draws --samples worlds from the case's `uncertainties:` (and --vary-range), solves and
    verifies each, and reports P(go) with its 95% interval, the X-Day distribution, how often
    each criterion fails or binds, which uncertainties decide the answer (sensitivity), the
    ranges where go happens (PRIM boxes), and --policy settings compared on the same worlds.
    Each world is stored as it finishes: interrupt it (exit 130) and rerun to resume.

    \b
    Example:
      kantokuen explore cases/kantokuen_1941.yaml -s historical --samples 1000 --seed 1
      kantokuen explore cases/kantokuen_1941.yaml -s historical --samples 256 \\
          --vary-range levers.withdrawal_scale=1:5 \\
          --policy early=levers.mobilization_order=1941-06-25
      kantokuen explore CASE --samples 1000 --method sobol --store e.sqlite --json -o e.json
    """
    import tempfile

    from kantokuen.analysis import store as st
    from kantokuen.analysis.executors import make_executor
    from kantokuen.analysis.explore import plan_explore, run_explore, summarize
    from kantokuen.models.scenarios import load
    from kantokuen.reports.explore import explore_markdown, path_labels, render_explore
    from kantokuen.reports.inputs import check_output
    from kantokuen.reports.progress import ExploreProgress

    for target in (store, output):
        check_output(target)
    loaded = load(case_file, scenario, sets)
    plan = plan_explore(loaded, samples, method, seed, vary_ranges, policies, time_limit)
    runner = make_executor(executor, workers, scheduler)
    with tempfile.TemporaryDirectory(prefix="kantokuen-explore-") as folder:
        path = store or os.path.join(folder, "explore.sqlite")
        progress = ExploreProgress(Console(stderr=True), plan.baseline_worlds)
        try:
            run = run_explore(
                plan,
                path,
                runner,
                retry_failed=retry_failed,
                listener=progress,
                command=" ".join(sys.argv),
            )
        except st.StoreBusy as busy:
            raise click.ClickException(busy.line) from None
        finally:
            progress.stop()
        if run.interrupted:
            kept = (
                f"{run.skipped + run.solved} of {run.total} stored in {store}; run the same "
                "command again to resume."
                if store
                else "nothing kept (give --store FILE to resume an interrupted explore)."
            )
            click.echo(f"Interrupted: {run.solved} solves in this run; {kept}", err=True)
            sys.exit(run.exit_code)
        data = summarize(plan, st.read_points(path, [p.key for p in plan.sweep.points]))
    paths = [u["path"] for u in data["uncertainties"]] + [h["path"] for h in data["held"]]
    paths += [k for p in data["policies"] for k in p["settings"]]
    data["labels"] = path_labels(loaded.case, list(dict.fromkeys(paths)))
    show(
        "json" if as_json else fmt,
        output,
        lambda: json.dumps(data, indent=2, allow_nan=False),
        lambda: explore_markdown(data),
        lambda c: render_explore(data, c),
    )
    if data["worlds"]["errors"]:
        click.echo(
            f"Warning: {data['worlds']['errors']} worlds failed (their errors are in the "
            "store); rerun with --retry-failed to solve them again",
            err=True,
        )
