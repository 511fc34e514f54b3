"""What several commands share: the options they take alike, the exit codes they end with,
and how a report is printed (or atomically written)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

# The documented exit codes (cli.py's docstring): 0 answered (go or no-go), 2 usage error (click).
EXIT_BAD_INPUT = 1
EXIT_NO_ANSWER = 3
EXIT_NO_GO = 4
EXIT_BUG = 5


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


def show(
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
            file=devnull() if output else None,
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


def devnull() -> Any:
    """A console file that keeps what is printed, so a recorded console prints nothing."""
    return io.StringIO()
