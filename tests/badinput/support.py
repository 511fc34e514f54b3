"""What the bad-input tests share: the mini case, a CLI runner, and the bad-input contract.

The contract (README "Exit codes"): exit 1, nothing on standard output, one `Error:` line per
problem on standard error (`Error: FILE:LINE: field.path: message (hint)`), no traceback, and
no output file written.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import click.testing
import yaml
from click.testing import CliRunner

from kantokuen.cli import main

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"
MINI_TEXT = MINI.read_text(encoding="utf-8")
MINI_DATA: dict[str, Any] = yaml.safe_load(MINI_TEXT)
FAST = ("--workers", "1", "--time-limit", "10")


def run(*args: str) -> click.testing.Result:
    """Invoke the command line in-process (an uncaught exception is kept, never re-raised)."""
    return CliRunner().invoke(main, [str(a) for a in args])


def mini_data() -> dict[str, Any]:
    """A fresh, mutable copy of the mini case's data."""
    return copy.deepcopy(MINI_DATA)


def write_case(folder: Path, data: dict[str, Any] | str, name: str = "case.yaml") -> Path:
    """Case data (or text) as a YAML file in `folder`; block style, so every key has its own
    line."""
    path = folder / name
    text = (
        data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    path.write_text(text, encoding="utf-8")
    return path


def error_lines(result: click.testing.Result) -> list[str]:
    return result.stderr.splitlines()


def assert_bad_input(
    result: click.testing.Result, file: str | Path | None = None, lines: int | None = None
) -> list[str]:
    """The bad-input contract; returns the `Error:` lines (each checked to name `file` if given)."""
    out = error_lines(result)
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    assert result.stdout == "", result.stdout
    assert out, "no Error line"
    assert all(line.startswith("Error: ") for line in out), out
    assert len(set(out)) == len(out), f"a problem reported twice: {out}"
    if file is not None:
        assert all(line.startswith(f"Error: {file}") for line in out), out
    if lines is not None:
        assert len(out) == lines, out
    return out


def located(file: str | Path, line: int, path: str) -> str:
    """The start of an `Error:` line that names file, line and field."""
    return f"Error: {file}:{line}: {path}: "


def line_of(text: str, path: tuple[str | int, ...]) -> int:
    """1-based line where a field of a YAML text is written (or its deepest written parent), found
    with PyYAML's composer alone — an oracle independent of models.loader."""
    node = yaml.compose(text)
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


def get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    """Files in `folder` other than `keep` (temporary files an aborted write left behind)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)
