"""`kantokuen`: the command line, a thin skin over models/, planner/, analysis/ and reports/.

This module is the click group, its one error boundary and the entry point; the commands live
in commands/, a module per group of commands.

Exit codes: 0 answered (go or no-go), 1 bad input (`Error:` lines on stderr), 2 usage error,
3 no answer within the time limit, 4 no-go with --fail-on-no-go, 5 internal error (a bug).
"""

from __future__ import annotations

from typing import Any

import click

from kantokuen.commands import breakeven, cases, compare, explain, report, solve, sweep
from kantokuen.commands.common import EXIT_BAD_INPUT, EXIT_BUG
from kantokuen.models.errors import CaseError

# Solving cases into report subjects (`report`, `map`, `export`): the report tests import it here.
solved_subjects = report.solved_subjects


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


for command in (
    cases.list_cases,
    cases.schema,
    solve.validate,
    solve.solve,
    sweep.sweep,
    sweep.explore,
    report.report,
    report.map_command,
    report.export_command,
    compare.compare,
    breakeven.breakeven,
    explain.explain,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
