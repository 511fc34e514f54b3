"""Scenarios and `--set`: dotted-path overrides that produce a new, re-validated case.

Precedence: command-line `--set` > scenario > the scenarios it extends > base case.
Two overrides of one scenario that touch the same field (or one inside the other) are an
error, and so are two parents that set one field differently: the scenario must decide.

A dotted path follows the case schema (models/case.py), not just the file: a section the
schema fills in by default (`soviet_reaction`, `criteria.south_readiness`, ...) can be
overridden although the file leaves it out. A name the schema does not know, an id missing
from a collection (`units.nope.men`) or a list item past the end is an error; a whole new
entity (`units.newdiv: {...}`) is allowed.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import re
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kantokuen.models.bundled import resolve_case
from kantokuen.models.case import Case
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.loader import (
    Document,
    Path,
    build_case,
    dotted,
    load_document,
    read_value,
    shown,
)


@dataclass(frozen=True)
class Override:
    """One applied override: the dotted path, its value, and who set it."""

    path: str
    value: Any
    origin: str  # scenario name, or "--set"
    file: str
    line: int | None

    def as_json(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return {"path": self.path, "value": value, "origin": self.origin}


@dataclass(frozen=True)
class LoadedCase:
    """A validated case, with the scenario and overrides that made it."""

    case: Case
    file: str
    scenario: str | None
    overrides: tuple[Override, ...]
    doc: Document = field(repr=False, compare=False)

    @property
    def case_hash(self) -> str:
        return case_hash(self.case)


def case_hash(case: Case) -> str:
    """Stable fingerprint of a case's content (scenarios excluded: they are applied already;
    declared uncertainties too: a range changes no answer, only what `explore` samples)."""
    data = case.model_dump(mode="json", exclude={"scenarios", "uncertainties"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def split_path(text: str) -> Path:
    """`units.div.moves.0.rail` → ('units', 'div', 'moves', 0, 'rail').

    Only plain ASCII numbers become list indexes (`²` or `007` stay names); an index into a
    mapping is read as the id it spells, so a unit keyed `7` is `units.7`."""
    return tuple(
        int(p) if p.isascii() and p.isdigit() and str(int(p)) == p else p for p in text.split(".")
    )


def parse_assignment(text: str) -> tuple[str, Any]:
    """`key=value` from the command line; the value is read as YAML (numbers, dates, text)."""
    if "=" not in text:
        raise CaseError(
            Problem(
                f"--set '{text}' is not of the form key=value",
                hint="e.g. --set levers.north_share=0.7",
            )
        )
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise CaseError(
            Problem(
                f"--set '{text}' has an empty field name", hint="e.g. --set levers.north_share=0.7"
            )
        )
    try:
        value = read_value(raw, "--set") if raw.strip() else None
    except CaseError as exc:  # the value obeys the rules of a case file: no tags, bounded numbers
        first = exc.problems[0]
        if first.message.startswith(("YAML syntax error", "YAML error")):
            raise CaseError(
                Problem(f"--set '{text}': cannot read the value '{raw}'", hint="quote text values")
            ) from None
        raise CaseError(
            [Problem(f"--set '{shown(text, 80)}': {p.message}", hint=p.hint) for p in exc.problems]
        ) from None
    if value is None:
        raise CaseError(
            Problem(f"--set '{text}' has no value", hint="e.g. --set levers.north_share=0.7")
        )
    return key, value


class PathError(Exception):
    """An override's dotted path that names nothing the case or its schema knows."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _shape(annotation: Any) -> Any:
    """What a field holds, seen through `Annotated` and `X | None`: a model, a `dict[str, X]`
    collection, a `tuple[X, ...]` list, or a plain value (`Fraction | 'auto'` is a value)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _shape(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        shapes = [_shape(a) for a in get_args(annotation) if a is not type(None)]
        return next((s for s in shapes if _kind(s) != "value"), annotation)
    return annotation


def _kind(shape: Any) -> str:
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        return "model"
    if get_origin(shape) is dict:
        return "collection"
    if get_origin(shape) in (tuple, list):
        return "list"
    return "any" if shape is Any else "value"


def _item(shape: Any) -> Any:
    """The shape of one entry of a collection or list."""
    args = get_args(shape)
    return _shape(args[1] if get_origin(shape) is dict else args[0])


def _noun(shape: Any) -> tuple[str, str]:
    """`SeaRoute` → ('sea route', 'sea routes'): what an entry of a collection is called."""
    if _kind(shape) != "model":
        return "key", "keys"
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", shape.__name__).lower()
    return name, name + "s"


def _hint(names: Iterable[str], wrong: str, what: str) -> str:
    """Close matches of a misspelt name first, then (a few of) the names there are."""
    names = list(names)
    close = difflib.get_close_matches(wrong, names, n=3)
    known = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "") or "none"
    guess = f"did you mean {' or '.join(close)}? " if close else ""
    return f"{guess}{what}: {known}"


def _empty_section(info: FieldInfo) -> Any:
    """The raw form of a defaulted section the case file leaves out: what validation would
    fill in (the default's explicitly set fields; {} when the default is the model's own)."""
    default = info.get_default(call_default_factory=True)
    if isinstance(default, BaseModel):
        return default.model_dump(exclude_unset=True)
    if isinstance(default, dict | tuple | list):
        return copy.deepcopy(list(default) if isinstance(default, tuple) else default)
    return [] if _kind(_shape(info.annotation)) == "list" else {}


def _holds_fields(raw: Any, kind: str) -> bool:
    """Raw data a path can step into: a mapping for a model or collection, a list for a list."""
    return (kind == "list" and isinstance(raw, list)) or (
        kind in ("model", "collection") and isinstance(raw, dict)
    )


def _step(
    target: Any, shape: Any, part: str | int, path: Path, depth: int, last: bool
) -> tuple[str | int, Any]:
    """One step of an override's path: the raw container's key for `part`, and the shape of
    what it holds. A section the schema knows but the file leaves out is created, so that the
    override lands and validation fills in the rest; anything else missing is a PathError."""
    here = dotted(path[:depth]) or "the case"
    kind = _kind(shape)
    if kind == "any" and isinstance(target, dict | list):  # free-form data: taken as written
        return (str(part) if isinstance(target, dict) else part), Any
    if not _holds_fields(target, kind):
        # a single value, or a section an earlier override replaced with something else
        raise PathError(f"{here} is a single value: it has no field '{part}'", f"set {here} itself")
    name = str(part)  # a mapping is keyed by the id as written, even one that looks like a number
    if kind == "model":
        fields = shape.model_fields
        if name not in fields:
            raise PathError(
                f"'{name}' is not a field of {here}", _hint(fields, name, f"fields of {here}")
            )
        child = _shape(fields[name].annotation)
        if not last and name not in target and _kind(child) in ("model", "collection", "list"):
            target[name] = _empty_section(fields[name])
        return name, child
    if kind == "collection":
        if not last and name not in target:  # the last step may add a whole new entity
            noun, nouns = _noun(_item(shape))
            raise PathError(f"no {noun} '{name}'", _hint(target, name, f"known {nouns}"))
        return name, _item(shape)
    if not isinstance(part, int) or part >= len(target):  # a list: only its items
        what = f"no item {part}" if isinstance(part, int) else f"'{part}' is not an item number"
        have = {0: "no items", 1: "one item, 0"}.get(len(target), f"items 0..{len(target) - 1}")
        raise PathError(f"{what} in {here}", f"it has {have}")
    return part, _item(shape)


def set_path(data: Any, path: Path, value: Any) -> Path:
    """Set a field inside raw case data, following the case schema (models/case.py) from
    `Case` down. Sections the schema fills in by default are created when the file leaves
    them out; an unknown field, an id the collection lacks (unless it is the last step: a
    whole new entity) or a list item past the end is a PathError. Returns the path as the
    data spells it (mapping keys as text, list positions as numbers). Each container on the
    path is copied before it changes (the top level is the caller's to copy)."""
    if path[0] == "scenarios":  # applied before any override: changing them here would be lost
        raise PathError("scenarios cannot be overridden", "edit the case file's `scenarios:`")
    if path[0] == "uncertainties":  # keyed by dotted paths, which a dotted override cannot spell
        raise PathError(
            "uncertainties cannot be overridden",
            "explore's --vary-range PATH=LOW:HIGH adds or replaces a range",
        )
    target: Any = data
    shape: Any = Case
    spelled: list[str | int] = []
    for depth, part in enumerate(path):
        key, shape = _step(target, shape, part, path, depth, last=depth == len(path) - 1)
        spelled.append(key)
        if depth == len(path) - 1:
            target[key] = value
        else:
            # Copy on write: the caller copies only the top level, so every container on the
            # path is copied before it changes and the rest stays shared with the parsed file.
            target[key] = _shallow_copy(target[key])
            target = target[key]
    return tuple(spelled)


def _shallow_copy(raw: Any) -> Any:
    return dict(raw) if isinstance(raw, dict) else list(raw) if isinstance(raw, list) else raw


def _within(path: str, key: str) -> bool:
    """A later override of `key` replaces an earlier one of `path` when `path` lies inside it;
    an earlier override of a whole entity (`units.x`) stays, and the later one refines it."""
    return path == key or path.startswith(key + ".")


def _overlap(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def scenario_overrides(doc: Document, case: Case, name: str) -> list[Override]:
    """The overrides of a scenario and the scenarios it builds on, in application order."""
    if name not in case.scenarios:
        known = ", ".join(sorted(case.scenarios)) or "none"
        raise CaseError(
            Problem(f"unknown scenario '{name}'", doc.file, hint=f"known scenarios: {known}")
        )
    scenario = case.scenarios[name]
    inherited: list[Override] = []
    problems: list[Problem] = []
    for parent in scenario.extends:
        for ov in scenario_overrides(doc, case, parent):
            clash = next(
                (o for o in inherited if _overlap(o.path, ov.path) and o.value != ov.value), None
            )
            if clash and ov.path not in scenario.overrides:
                problems.append(
                    Problem(
                        f"scenarios '{clash.origin}' and '{ov.origin}' both set '{ov.path}'",
                        doc.file,
                        doc.line_of(("scenarios", name)),
                        f"scenarios.{name}",
                        hint=f"set '{ov.path}' in '{name}' itself to choose",
                    )
                )
            inherited.append(ov)
    own: list[Override] = []
    for key, value in scenario.overrides.items():
        line = doc.line_of(("scenarios", name, "overrides", key))
        for other in own:
            if _overlap(other.path, key):
                problems.append(
                    Problem(
                        f"overrides '{other.path}' and '{key}' touch the same field",
                        doc.file,
                        line,
                        f"scenarios.{name}.overrides",
                        hint="keep one of them",
                    )
                )
        own.append(Override(key, value, name, doc.file, line))
    if problems:
        raise CaseError(problems)
    return [o for o in inherited if not any(_overlap(o.path, m.path) for m in own)] + own


def apply_overrides(doc: Document, overrides: list[Override]) -> Case:
    """A new validated case with the overrides applied to the base data.

    The parsed file is never changed: `set_path` copies each container on an override's path
    before it changes it, so only the top level is copied here (a deep copy of the whole file
    cost more than validating it, on every sweep point)."""
    data = dict(doc.data)
    data.pop("scenarios", None)
    problems: list[Problem] = []
    where: dict[Path, tuple[str, int]] = {}
    for ov in overrides:
        try:
            path = set_path(data, split_path(ov.path), copy.deepcopy(ov.value))
        except PathError as wrong:
            problems.append(Problem(wrong.message, ov.file, ov.line, ov.path, wrong.hint))
            continue
        where[path] = (ov.file, ov.line or 0)
    data["scenarios"] = doc.data.get("scenarios", {})
    try:
        case = build_case(Document(doc.file, data, doc.lines), where)
    except CaseError as exc:
        raise CaseError(problems + exc.problems) from None
    if problems:
        raise CaseError(problems)
    return case


def load(
    file: str, scenario: str | None = None, sets: tuple[str, ...] | list[str] = ()
) -> LoadedCase:
    """Load a case (a file, or a bundled case's name), apply a scenario and command-line
    `--set`s, and validate the result."""
    file = resolve_case(file)
    doc = load_document(file)
    base = build_case(doc)
    # Imported here: models.uncertainty follows its paths with this module's set_path.
    from kantokuen.models.uncertainty import check_uncertainties

    wrong_ranges = check_uncertainties(doc, base)  # the file as written, before any override
    if wrong_ranges:
        raise CaseError(wrong_ranges)
    overrides: list[Override] = scenario_overrides(doc, base, scenario) if scenario else []
    seen_sets: list[str] = []
    for text in sets:
        key, value = parse_assignment(text)
        if key in seen_sets:
            raise CaseError(Problem(f"--set '{key}' is given twice", hint="give each field once"))
        seen_sets.append(key)
        overrides = [o for o in overrides if not _within(o.path, key)]
        overrides.append(Override(key, value, "--set", "--set", None))
    case = apply_overrides(doc, overrides) if overrides else base
    return LoadedCase(case, file, scenario, tuple(overrides), doc)


def with_overrides(
    loaded: LoadedCase, assignments: dict[str, Any], origin: str = "--vary"
) -> LoadedCase:
    """A loaded case with more overrides on top (used by sweeps and breakeven)."""
    doc = loaded.doc
    overrides = [o for o in loaded.overrides if not any(_within(o.path, k) for k in assignments)]
    overrides += [Override(k, v, origin, origin, None) for k, v in assignments.items()]
    return LoadedCase(
        apply_overrides(doc, overrides), loaded.file, loaded.scenario, tuple(overrides), doc
    )
