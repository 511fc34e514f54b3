"""Safe YAML loading with line numbers, strict validation and every problem reported at once.

Only YAML's safe subset is read (no object construction). Aliases are allowed but their
expanded size is bounded, so an alias bomb fails fast instead of exhausting memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from kantokuen.models.case import Case
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.references import check_case

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000
MAX_INT = 10**15
MAX_DEPTH = 64  # a case nests about six levels; deeper is a mistake or an attack on the parser
PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
}

Path = tuple[str | int, ...]
UNION_BRANCHES = {"float", "int", "str", "constrained-float", "constrained-int", "date"}
# The tags of the case's forms chosen by shape (models/case.py: `north_share`, a front's
# `tanks:` as a number or a measure) label the branch in an error's location, like the above.
UNION_BRANCHES |= {"number", "auto", "schedule", "count", "measure"}


@dataclass
class Document:
    """Raw data of a case file, with the line of every field."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Line of the deepest prefix of `path` that appears in the file."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _refuse_large(file: str, size: int, *, measured: bool = True) -> None:
    """A case file is at most MAX_FILE_BYTES: a bigger one is refused before it is parsed."""
    if size <= MAX_FILE_BYTES:
        return
    limit = f"{MAX_FILE_BYTES // 2**20} MB"
    # A device or a growing file has no trustworthy size: say only that it passed the limit.
    message = (
        f"file is {size / 2**20:.1f} MB; case files are limited to {limit}"
        if measured
        else f"file holds more than {limit}, the limit for case files"
    )
    raise CaseError(Problem(message, file, hint="use `count:` to describe many identical units"))


def read_text(file: str) -> str:
    """File contents as UTF-8 text, or a CaseError that says what is wrong with the file."""
    if not os.path.exists(file):
        raise CaseError(Problem("file not found", file, hint="check the path"))
    if os.path.isdir(file):
        raise CaseError(Problem("is a directory, not a case file", file, hint="give a .yaml file"))
    _refuse_large(file, os.path.getsize(file))
    with open(file, "rb") as handle:
        # Never read more than the limit: a device (/dev/zero) or a file still growing has no
        # trustworthy size, and reading it whole would exhaust memory.
        raw = handle.read(MAX_FILE_BYTES + 1)
    _refuse_large(file, len(raw), measured=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseError(
            Problem(
                f"not valid UTF-8 (byte {exc.start})", file, line, hint="save the file as UTF-8"
            )
        ) from None
    if not text.strip():
        raise CaseError(
            Problem(
                "file is empty", file, 1, hint="a case needs at least name, calendar, levers, ..."
            )
        )
    return text


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes the document would have with every alias written out."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_EXPANDED_NODES + 1  # a cycle counts as too big
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[key]


class _TooDeep(yaml.MarkedYAMLError):
    """Values nested deeper than any case needs (the parser is recursive: fail before it does)."""


class _SafeComposer(yaml.SafeLoader):
    """The safe loader, refusing to compose values nested more than MAX_DEPTH levels deep."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _TooDeep(
                    problem=f"values nest more than {MAX_DEPTH} levels deep", problem_mark=mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_SLOW = yaml.ScalarNode("", "")  # `_fast_compose` declines: compose with `_SafeComposer`


def _fast_compose(text: str) -> yaml.Node | None:
    """The node tree from libyaml's composer (about ten times faster than the pure-Python one,
    which was most of `validate`'s time), or `_SLOW` when the pure-Python composer must decide:
    libyaml is missing, the text is not plain printable YAML (the Python reader's check), it
    nests deeper than MAX_DEPTH (counted on libyaml's flat event stream, before any recursive
    composing), or libyaml reports an error (the Python composer then reports it, with the
    messages the tests and users know)."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return _SLOW
    try:
        yaml.reader.Reader(text)  # raises ReaderError on a character YAML does not allow
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _SLOW
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        node: yaml.Node | None = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return _SLOW
    return node


COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
READ_AS = {
    "int": ("a whole number", "write a plain whole number"),
    "float": ("a number", "write a plain number"),
    "bool": ("true or false", "write true or false"),
    "timestamp": ("a date", "write a date as YYYY-MM-DD"),
}


def shown(value: Any, limit: int = 40) -> str:
    """A value as quoted in a message: a 5,000-digit number is not repeated in full."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Builder:
    """Turns a composed YAML node tree into plain data, recording lines and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.CollectionNode) and node.tag not in COLLECTION_TAGS:
            # A tag on a mapping or list (`!!python/object:...`, `!!set`, `!foo`) would
            # otherwise be dropped silently; it is refused like a tag on a value.
            self._problem(
                path, node, f"tag {node.tag} is not allowed", "case files hold plain data only"
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(
                    path, key_node, "merge keys (`<<`) are not supported", "write the keys out"
                )
                continue
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, dt.date):
                key = key.isoformat()
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                got = (
                    repr(key_node.value)
                    if isinstance(key_node, yaml.ScalarNode)
                    else ("a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping")
                )
                self._problem(
                    path,
                    key_node,
                    f"a key must be a plain name, got {got}",
                    "quote it, e.g. 'on': ...",
                )
                continue
            key = str(key)
            if key in out:
                self._problem(
                    path + (key,), key_node, "duplicate key", "each id may appear only once"
                )
                continue
            self.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,))
        return out

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        if node.tag not in PLAIN_TAGS:
            self._problem(
                path, node, f"tag {node.tag} is not allowed", "case files hold plain data only"
            )
            return None
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (
            yaml.YAMLError,
            ValueError,
            ArithmeticError,
            LookupError,
            AttributeError,
            TypeError,
        ) as exc:
            # PyYAML's constructors fail in many ways on text an explicit tag forces on them
            # (`!!bool maybe`, `!!timestamp soon`, `!!int ''`) or on a near-date (2001-13-45).
            self._unreadable(path, node, exc)
            return None
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int) and abs(value) > MAX_INT:
            self._problem(
                path, node, f"number {shown(node.value)} is too large", f"at most {MAX_INT:,}"
            )
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(
                path, node, f"{shown(node.value)} is not a finite number", "give a plain number"
            )
            return None
        if isinstance(value, (bytes, dt.datetime)):
            self._problem(
                path, node, f"unsupported value {shown(node.value)!r}", "use a number, text or date"
            )
            return None
        return value

    def _unreadable(self, path: Path, node: yaml.Node, exc: Exception) -> None:
        kind = str(node.tag).rsplit(":", 1)[-1]
        if kind == "int" and "digits" in str(exc):  # past Python's limit on digits of an int
            self._problem(
                path, node, f"number {shown(node.value)} is too large", f"at most {MAX_INT:,}"
            )
            return
        as_what, hint = READ_AS.get(kind, ("a value", "write plain data"))
        detail = getattr(exc, "problem", None) or (
            str(exc) if kind == "timestamp" and isinstance(exc, ValueError) else None
        )
        value = repr(shown(node.value))
        message = (
            f"cannot read value {value}: {detail}"
            if detail
            else f"cannot read value {value} as {as_what}"
        )
        self._problem(path, node, message, hint)

    def _problem(self, path: Path, node: yaml.Node, message: str, hint: str | None) -> None:
        self.problems.append(
            Problem(message, self.file, node.start_mark.line + 1, dotted(path) or None, hint)
        )


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML text safely into a Document; raise CaseError on any problem."""
    data, lines = _plain_data(text, file)
    if not isinstance(data, dict):
        raise CaseError(
            Problem("a case file must be a mapping of sections (name:, calendar:, ...)", file, 1)
        )
    return Document(file, data, lines)


def read_value(text: str, where: str) -> Any:
    """A value typed on the command line (`--set KEY=VALUE`), read by the rules of a case file:
    plain data only (no tags), finite and bounded numbers, no alias bombs, no deep nesting."""
    return _plain_data(text, where)[0]


def _plain_data(text: str, file: str) -> tuple[Any, dict[Path, int]]:
    """YAML text as plain data and the line of every field; CaseError on any problem."""
    try:
        node = _fast_compose(text)
        if node is _SLOW:
            node = yaml.compose(text, Loader=_SafeComposer)
    except _TooDeep as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CaseError(
            Problem(str(exc.problem), file, line, hint="a case nests only a few levels")
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise CaseError(
            Problem(f"YAML syntax error: {exc.problem}", file, line, hint="fix the YAML syntax")
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise CaseError(
            Problem(
                f"character U+{code:04X} is not allowed in YAML",
                file,
                line,
                hint="remove control characters from the file",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise CaseError(Problem("YAML error: " + " ".join(str(exc).split()), file)) from None
    if node is None:
        raise CaseError(Problem("file is empty", file, 1))
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise CaseError(
            Problem(
                "YAML aliases expand to too many values (alias bomb?)",
                file,
                node.start_mark.line + 1,
                hint=f"a case may expand to at most {MAX_EXPANDED_NODES:,} values",
            )
        )
    builder = _Builder(file)
    data = builder.build(node, ())
    if builder.problems:
        raise CaseError(builder.problems)
    return data, builder.lines


def _hint_for(error_type: str, loc: Path) -> str | None:
    hints = {
        "extra_forbidden": "remove it or check its spelling against `kantokuen schema`",
        "missing": "add this field",
        "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
        "date_parsing": "write a date as YYYY-MM-DD",
        "date_type": "write a date as YYYY-MM-DD",
        "greater_than": "give a larger number",
        "greater_than_equal": "give a larger number",
        "less_than_equal": "give a smaller number",
        "finite_number": "give a plain number",
        "number_not_bool": "give a number",
        "date_not_number": "write a date as YYYY-MM-DD",
        "date_out_of_range": "a case's dates lie within 1800..2200",
    }
    if error_type.startswith(("int_", "float_")):
        return "give a number"
    return hints.get(error_type)


def _is_branch_label(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in UNION_BRANCHES)


def _clean_loc(loc: tuple[Any, ...], data: Any, error_type: str = "") -> Path:
    """Drop pydantic's union-branch labels (`float`, `literal['auto']`) from an error location.

    The location is walked through the data, so a field or an id that happens to be spelled
    like a label (`date:` of a pool step, a unit keyed `int`) is kept: a label is a part that
    names nothing in the data. The last part of a `missing` error is the absent field itself."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        named = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if named:
            node = node[part]
        elif _is_branch_label(part) and not (error_type == "missing" and i == len(loc) - 1):
            continue
        else:
            node = None
        out.append(part)
    return tuple(out)


def _inner_failures_only(errors: list[Any]) -> list[Any]:
    """Drop a list's `too_short` when one of its items failed: pydantic counts only the items
    that validated, so one bad pool step also reads as an empty pool — not a second problem."""
    failed = [tuple(e["loc"]) for e in errors]
    return [
        e
        for e in errors
        if not (
            e["type"] == "too_short"
            and any(
                len(other) > len(e["loc"]) and other[: len(e["loc"])] == tuple(e["loc"])
                for other in failed
            )
        )
    ]


def validation_problems(
    doc: Document, exc: ValidationError, where: dict[Path, tuple[str, int]] | None = None
) -> list[Problem]:
    """Pydantic errors as Problems with file, line, dotted path and a hint."""
    problems: list[Problem] = []
    seen: set[Path] = set()
    for err in _inner_failures_only(exc.errors()):
        loc = _clean_loc(err["loc"], doc.data, err["type"])
        msg = err["msg"]
        if loc in seen:  # a union (number or 'auto') fails once per branch: report it once
            continue
        seen.add(loc)
        file, line = _locate(doc, loc, where)
        problems.append(
            Problem(
                msg[0].lower() + msg[1:],
                file,
                line,
                dotted(loc) or None,
                _hint_for(err["type"], loc),
            )
        )
    return problems


def _locate(
    doc: Document, loc: Path, where: dict[Path, tuple[str, int]] | None
) -> tuple[str, int | None]:
    """File and line for a path; an overridden path points at the override that set it."""
    if where:
        for cut in range(len(loc), 0, -1):
            if loc[:cut] in where:
                return where[loc[:cut]]
    return doc.file, doc.line_of(loc)


def build_case(doc: Document, where: dict[Path, tuple[str, int]] | None = None) -> Case:
    """Validate raw data into a Case; every schema and reference problem is reported at once."""
    try:
        case = Case.model_validate(doc.data)
    except ValidationError as exc:
        raise CaseError(validation_problems(doc, exc, where)) from None
    problems = [
        Problem(msg, *_locate(doc, path, where), dotted(path), hint)
        for path, msg, hint in check_case(case)
    ]
    if problems:
        raise CaseError(problems)
    return case


def load_document(file: str) -> Document:
    """The parsed case file. A file read again with the same text is not parsed again: `validate`
    loads the file once per scenario, and parsing (pure-Python PyYAML, for line numbers) is most
    of its time. Callers never change a Document's data in place (overrides work on a copy)."""
    return _parse_cached(read_text(file), file)


@functools.lru_cache(maxsize=8)
def _parse_cached(text: str, file: str) -> Document:
    return parse_yaml(text, file)


def load_case(file: str) -> Case:
    """Load and validate the base case of a file (no scenario applied)."""
    return build_case(load_document(file))
