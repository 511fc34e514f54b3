"""Declared uncertainties: the ranges a case gives for its numbers and dates (DESIGN §1c).

`uncertainties:` maps a dotted path (the paths of scenarios and `--set`) to a range
`{low, high, distribution, source, note}`. A range must name a number or a date the case
holds, contain the value the case ships, and cite where its bounds come from. The file is
checked as written: a scenario or `--set` may move a point value out of its range, since a
counterfactual is not a claim about history.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel

from kantokuen.models.case import ASSUMPTION, Case, Uncertainty
from kantokuen.models.errors import Problem
from kantokuen.models.loader import Document, Path, shown
from kantokuen.models.scenarios import PathError, set_path, split_path

Kind = Literal["int", "float", "date"]


def value_kind(value: Any) -> Kind | None:
    """What a range can vary: a whole number, a number or a date (a switch is neither)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dt.date):
        return "date"
    return None


class Missing(LookupError):
    """A path that names nothing in a validated case."""


def value_at(case: Case, path: Path) -> Any:
    """The value a dotted path names in a validated case: fields of models, ids of
    collections, positions in lists (the defaults the file leaves out included)."""
    node: Any = case
    for part in path:
        if isinstance(node, BaseModel) and str(part) in type(node).model_fields:
            node = getattr(node, str(part))
        elif isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, tuple | list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            raise Missing(str(part))
    return node


def _path_problem(doc: Document, key: str) -> tuple[str, str]:
    """Why a path names no value, in the words an override of it would get."""
    try:
        set_path(copy.deepcopy(doc.data), split_path(key), 0)
    except PathError as wrong:
        return wrong.message, wrong.hint
    return "names nothing in the case", "give the dotted path of a number or a date"


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else f"{value:g}"


def check_uncertainties(doc: Document, case: Case) -> list[Problem]:
    """Every problem of the `uncertainties:` block of a case file, each at its line."""
    problems: list[Problem] = []
    for key, declared in case.uncertainties.items():
        problems += _check_one(doc, case, key, declared)
    return problems


def _check_one(doc: Document, case: Case, key: str, declared: Uncertainty) -> list[Problem]:
    here = ("uncertainties", key)

    def problem(message: str, hint: str | None, field: str | None = None) -> Problem:
        at = here + ((field,) if field else ())
        return Problem(message, doc.file, doc.line_of(at), ".".join(at), hint)

    if not key or any(not part for part in key.split(".")):
        return [problem("a range is keyed by a dotted path", "e.g. ports.dairen.tons_per_day")]
    try:
        value = value_at(case, split_path(key))
    except Missing:
        return [problem(*_path_problem(doc, key))]
    kind = value_kind(value)
    if kind is None:
        what = "a section" if isinstance(value, BaseModel | dict | tuple) else repr(shown(value))
        return [
            problem(
                f"{key} is {what}, not a number or a date",
                "a range varies one number or date of the case",
            )
        ]
    out: list[Problem] = []
    for field in ("low", "high"):
        bound = getattr(declared, field)
        if (value_kind(bound) == "date") != (kind == "date"):
            want = "a date YYYY-MM-DD" if kind == "date" else "a number"
            out.append(problem(f"{field} must be {want}, like {key}", None, field))
    if out:
        return out
    low, high = declared.low, declared.high
    if not low < high:  # type: ignore[operator]  # both dates or both numbers, checked above
        out.append(
            problem(
                f"low {_shown(low)} is not below high {_shown(high)}",
                "give low < high (a range of one value is no uncertainty)",
                "low",
            )
        )
    elif not low <= value <= high:
        line = doc.line_of(split_path(key))
        out.append(
            problem(
                f"the shipped value {_shown(value)} of {key} lies outside "
                f"{_shown(low)}..{_shown(high)}",
                "widen the range or correct the value" + (f" at line {line}" if line else ""),
            )
        )
    if declared.source == ASSUMPTION:
        if not (declared.note or "").strip():
            out.append(problem("an assumed range needs a reason", "add `note:`", "source"))
    elif declared.source not in case.sources:
        known = ", ".join(sorted(case.sources)) or "none"
        out.append(
            problem(
                f"unknown source '{declared.source}'",
                f"name a `sources:` entry ({known}) or `assumption` with a `note:`",
                "source",
            )
        )
    return out
