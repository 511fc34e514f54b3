"""Scenarios and `--set`: dotted-path overrides that produce a new, re-validated case.

Precedence: command-line `--set` > scenario > the scenarios it extends > base case.
Two overrides of one scenario that touch the same field (or one inside the other) are an
error, and so are two parents that set one field differently: the scenario must decide.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from models.case import Case
from models.errors import CaseError, Problem
from models.loader import Document, Path, build_case, dotted, load_document, read_value, shown


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
    """Stable fingerprint of a case's content (scenarios excluded: they are applied already)."""
    data = case.model_dump(mode="json", exclude={"scenarios"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def split_path(text: str) -> Path:
    """`units.div.moves.0.rail` → ('units', 'div', 'moves', 0, 'rail').

    Only plain ASCII numbers become list indexes (`²` or `007` stay names); an index into a
    mapping is read as the id it spells, so a unit keyed `7` is `units.7`."""
    return tuple(int(p) if p.isascii() and p.isdigit() and str(int(p)) == p else p for p in text.split("."))


def parse_assignment(text: str) -> tuple[str, Any]:
    """`key=value` from the command line; the value is read as YAML (numbers, dates, text)."""
    if "=" not in text:
        raise CaseError(Problem(f"--set '{text}' is not of the form key=value", hint="e.g. --set levers.north_share=0.7"))
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise CaseError(Problem(f"--set '{text}' has an empty field name", hint="e.g. --set levers.north_share=0.7"))
    try:
        value = read_value(raw, "--set") if raw.strip() else None
    except CaseError as exc:  # the value obeys the rules of a case file: no tags, bounded numbers
        first = exc.problems[0]
        if first.message.startswith(("YAML syntax error", "YAML error")):
            raise CaseError(Problem(f"--set '{text}': cannot read the value '{raw}'", hint="quote text values")) from None
        raise CaseError([Problem(f"--set '{shown(text, 80)}': {p.message}", hint=p.hint) for p in exc.problems]) from None
    if value is None:
        raise CaseError(Problem(f"--set '{text}' has no value", hint="e.g. --set levers.north_share=0.7"))
    return key, value


def set_path(data: Any, path: Path, value: Any) -> Path:
    """Set a field inside raw case data; the parent must exist. Returns the path as the data
    spells it (mapping keys as text, list positions as numbers)."""
    target = data
    spelled: list[str | int] = []
    for depth, part in enumerate(path[:-1]):
        key = str(part) if isinstance(target, dict) else part
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            raise KeyError(dotted(path[: depth + 1])) from None
        spelled.append(key)
    last = path[-1]
    if isinstance(target, list):
        if not isinstance(last, int) or last >= len(target):
            raise KeyError(dotted(path))
        target[last] = value
    elif isinstance(target, dict):
        last = str(last)
        target[last] = value
    else:
        raise KeyError(dotted(path))
    return (*spelled, last)


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
        raise CaseError(Problem(f"unknown scenario '{name}'", doc.file, hint=f"known scenarios: {known}"))
    scenario = case.scenarios[name]
    inherited: list[Override] = []
    problems: list[Problem] = []
    for parent in scenario.extends:
        for ov in scenario_overrides(doc, case, parent):
            clash = next((o for o in inherited if _overlap(o.path, ov.path) and o.value != ov.value), None)
            if clash and ov.path not in scenario.overrides:
                problems.append(Problem(
                    f"scenarios '{clash.origin}' and '{ov.origin}' both set '{ov.path}'",
                    doc.file, doc.line_of(("scenarios", name)), f"scenarios.{name}",
                    hint=f"set '{ov.path}' in '{name}' itself to choose"))
            inherited.append(ov)
    own: list[Override] = []
    for key, value in scenario.overrides.items():
        line = doc.line_of(("scenarios", name, "overrides", key))
        for other in own:
            if _overlap(other.path, key):
                problems.append(Problem(f"overrides '{other.path}' and '{key}' touch the same field",
                                        doc.file, line, f"scenarios.{name}.overrides", hint="keep one of them"))
        own.append(Override(key, value, name, doc.file, line))
    if problems:
        raise CaseError(problems)
    return [o for o in inherited if not any(_overlap(o.path, m.path) for m in own)] + own


def apply_overrides(doc: Document, overrides: list[Override]) -> Case:
    """A new validated case with the overrides applied to the base data."""
    data = copy.deepcopy(doc.data)
    data.pop("scenarios", None)
    problems: list[Problem] = []
    where: dict[Path, tuple[str, int]] = {}
    for ov in overrides:
        try:
            path = set_path(data, split_path(ov.path), copy.deepcopy(ov.value))
        except KeyError as missing:
            problems.append(Problem(f"no field '{missing.args[0]}' in the case", ov.file, ov.line, ov.path,
                                    hint="check the path against the case file"))
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


def load(file: str, scenario: str | None = None, sets: tuple[str, ...] | list[str] = ()) -> LoadedCase:
    """Load a case file, apply a scenario and command-line `--set`s, and validate the result."""
    doc = load_document(file)
    base = build_case(doc)
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


def with_overrides(loaded: LoadedCase, assignments: dict[str, Any], origin: str = "--vary") -> LoadedCase:
    """A loaded case with more overrides on top (used by sweeps and breakeven)."""
    doc = loaded.doc
    overrides = [o for o in loaded.overrides if not any(_within(o.path, k) for k in assignments)]
    overrides += [Override(k, v, origin, origin, None) for k, v in assignments.items()]
    return LoadedCase(apply_overrides(doc, overrides), loaded.file, loaded.scenario, tuple(overrides), doc)
