"""`kantokuen solve` and `kantokuen validate`: one case checked, or solved to its X-Day and
verified plan (or its proven no-go), printed as text, Markdown or JSON."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console

from kantokuen.commands.common import (
    EXIT_NO_ANSWER,
    EXIT_NO_GO,
    devnull,
    scenario_option,
    set_option,
    whole_command_limit,
)
from kantokuen.models.errors import CaseError
from kantokuen.models.loader import dotted
from kantokuen.models.provenance import unranged_assumptions, unsourced


@click.command()
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


@click.command()
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
            record=output is not None, width=120, file=None if output is None else devnull()
        )
        render(result, console)
        if output is None:
            return
        text = console.export_text()
    if output:
        atomic_write_text(output, text + "\n")
    else:
        click.echo(text)
