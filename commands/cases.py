"""`kantokuen cases` and `kantokuen schema`: what kantokuen ships (its bundled cases) and the
JSON Schema of the case format."""

from __future__ import annotations

import json

import click


@click.command("cases")
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


@click.command()
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of the case format (point your editor's YAML plugin at it).

    \b
    Example:
      kantokuen schema > kantokuen.schema.json
    """
    from kantokuen.models.case import Case

    click.echo(json.dumps(Case.model_json_schema(), indent=indent))
