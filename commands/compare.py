"""`kantokuen compare`: scenarios of a case, or saved results, side by side."""

from __future__ import annotations

import sys

import click

from kantokuen.commands.common import (
    EXIT_NO_ANSWER,
    report_options,
    set_option,
    show,
    solver_options,
)


@click.command()
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
    show(
        "json" if as_json else fmt,
        output,
        lambda: comparison_json(comparison),
        lambda: comparison_markdown(comparison, max_units, diff_only),
        lambda c: render_comparison(comparison, c, max_units, diff_only),
    )
    if solved and any(r.status in (Status.TIME_LIMIT, Status.UNKNOWN) for r in results):
        sys.exit(EXIT_NO_ANSWER)
