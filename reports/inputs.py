"""What a report is made of: results read from JSON files (the command line solves a case).

A saved result names its case file; the report re-loads it (with the result's scenario and
overrides) to draw thresholds and cite sources, but only when the re-loaded case has the
fingerprint recorded in the result. Otherwise the page says what it had to leave out.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import replace

from pydantic import ValidationError

from kantokuen.models.case import Case
from kantokuen.models.errors import CaseError, Problem
from kantokuen.models.plan import Result
from kantokuen.models.scenarios import load, with_overrides
from kantokuen.reports.subject import Subject

HINT_RESULT = "make one with `kantokuen solve CASE --json -o FILE`"


def read_result(path: str) -> Result:
    """A result JSON file, or a one-line error naming the file and what is wrong with it."""
    if not os.path.exists(path):
        raise CaseError(Problem("file not found", path, hint="check the path"))
    if os.path.isdir(path):
        raise CaseError(Problem("is a directory, not a result file", path, hint=HINT_RESULT))
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise CaseError(Problem("not a text file", path, hint=HINT_RESULT)) from None
    try:
        return Result.model_validate_json(text)
    except ValidationError as exc:
        raise CaseError(_result_problem(path, text, exc)) from None


def _result_problem(path: str, text: str, exc: ValidationError) -> Problem:
    error = exc.errors()[0]
    if error["type"] == "json_invalid":
        line = None
        found = re.search(r"line (\d+)", str(error.get("ctx", {}).get("error", "")))
        if found:
            line = int(found.group(1))
        return Problem(
            f"not valid JSON ({error.get('ctx', {}).get('error', error['msg'])})",
            path,
            line,
            hint=HINT_RESULT,
        )
    field = ".".join(str(p) for p in error["loc"]) or "(top level)"
    problem = (
        f"field '{field}' is missing"
        if error["type"] == "missing"
        else f"{field}: {error['msg'].lower()}"
    )
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    line = _line_of_key(text, str(error["loc"][0])) if error["loc"] else None
    return Problem(f"not a kantokuen result: {problem}{more}", path, line, hint=HINT_RESULT)


def _line_of_key(text: str, key: str) -> int | None:
    found = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text[: found.start()].count("\n") + 1 if found else None


def subject_from_file(path: str) -> Subject:
    """A saved result with its case, re-loaded when the case file is still there and unchanged."""
    result = read_result(path)
    case, base, note = case_for(result, os.path.dirname(os.path.abspath(path)))
    label = result.scenario or (
        "base case" if not result.overrides else os.path.splitext(os.path.basename(path))[0]
    )
    return Subject(result, case, base, note, label)


def case_for(result: Result, near: str) -> tuple[Case | None, Case | None, str]:
    """(case, base case, note): the case that produced a result, or None and the reason."""
    candidates = [result.case_file, os.path.join(near, result.case_file)]
    file = next((c for c in candidates if c and os.path.isfile(c)), None)
    missing = (
        "the case file is not available, so thresholds that need it (halving line, deadlines) "
        "and the table of sources are left out"
    )
    if file is None:
        return None, None, f"{missing} (looked for {result.case_file})"
    try:
        base = load(file)
        overrides = {str(o["path"]): o["value"] for o in result.overrides}
        loaded = with_overrides(base, overrides, "result") if overrides else base
    except CaseError as exc:
        return None, None, f"{missing}: {file} no longer loads ({exc.problems[0]})"
    if loaded.case_hash != result.case_hash:
        return (
            None,
            None,
            (
                f"{file} has changed since this result was made (its fingerprint differs), "
                "so thresholds and sources taken from it are left out; solve it again"
            ),
        )
    return loaded.case, base.case, ""


def check_output(path: str | None) -> None:
    """Fail before any solving when a report could not be written where asked."""
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CaseError(Problem("is a directory; give a file name for the report", path))
    if not os.path.isdir(folder):
        raise CaseError(Problem(f"folder {folder} does not exist", path, hint="create it first"))
    if not os.access(folder, os.W_OK):
        raise CaseError(Problem(f"cannot write in {folder}", path, hint="choose another place"))


def subjects_from_files(paths: tuple[str, ...]) -> list[Subject]:
    """Read every result file; all bad files are reported together."""
    subjects, problems = [], []
    for path in paths:
        try:
            subjects.append(subject_from_file(path))
        except CaseError as exc:
            problems += exc.problems
    if problems:
        raise CaseError(problems)
    return unique_labels(subjects)


def unique_labels(subjects: list[Subject]) -> list[Subject]:
    """Give results that share a label a number, so the comparison's columns can be told apart."""
    counts = Counter(s.title for s in subjects)
    seen: Counter[str] = Counter()
    out = []
    for s in subjects:
        if counts[s.title] > 1:
            seen[s.title] += 1
            s = replace(s, label=f"{s.title} #{seen[s.title]}")
        out.append(s)
    return out
