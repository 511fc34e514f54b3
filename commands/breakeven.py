"""`kantokuen breakeven`: the value of one lever at which the answer flips."""

from __future__ import annotations

import sys

import click

from kantokuen.commands.common import (
    EXIT_NO_ANSWER,
    report_options,
    scenario_option,
    set_option,
    show,
    solver_options,
)


@click.command()
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
    show(
        "json" if as_json else fmt,
        output,
        lambda: found.model_dump_json(indent=2),
        lambda: breakeven_markdown(found),
        lambda c: render_breakeven(found, c),
    )
    if found.outcome == "undecided":
        sys.exit(EXIT_NO_ANSWER)
