"""`kantokuen explain`: why no-go (minimal conflicts, cheapest corrections), or what binds
a go."""

from __future__ import annotations

import sys

import click

from kantokuen.commands.common import (
    EXIT_NO_ANSWER,
    explain_limit,
    report_options,
    scenario_option,
    set_option,
    show,
)


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


@click.command()
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
    show(
        "json" if as_json else fmt,
        output,
        lambda: report.model_dump_json(indent=2),
        lambda: explanation_markdown(report),
        lambda c: render_explanation(report, c),
    )
    if report.verdict == "no-answer":
        sys.exit(EXIT_NO_ANSWER)
