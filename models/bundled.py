"""The cases shipped inside the package, found by name: the historical case (`kantokuen_1941`)
and the teaching cases (`teaching/two_divisions`, ...).

Every command and API function that takes a case resolves it here (`resolve_case`): a path
that exists wins; otherwise a bundled case's name; otherwise a path that does not exist is
left to the loader ("file not found"), and a bare name is an error listing the bundled names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

from kantokuen.models.errors import CaseError, Problem

# Folders of the package holding cases, and the prefix their names take.
FOLDERS = {"": "cases", "teaching/": "cases/teaching"}
NAME = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?$")


@dataclass(frozen=True)
class BundledCase:
    """A case shipped with kantokuen: its name, its file, and what it is about."""

    name: str
    path: str
    title: str
    description: str

    @property
    def summary(self) -> str:
        """One line: the title, else the first sentence of the description."""
        first = " ".join(self.description.split()).split(". ")[0]
        return self.title or first


def _folder(relative: str) -> Path:
    """A folder of the installed package, as a file-system path (pip installs packages as
    folders; a zipped install would have no case files to read)."""
    return Path(str(files("kantokuen").joinpath(relative)))


def bundled_files() -> dict[str, Path]:
    """Name → file of every bundled case, historical first, then the teaching cases."""
    found: dict[str, Path] = {}
    for prefix, relative in FOLDERS.items():
        for path in sorted(_folder(relative).glob("*.yaml")):
            found[prefix + path.stem] = path
    return found


def bundled_cases() -> list[BundledCase]:
    """The bundled cases with their title and description (read from each file's header)."""
    cases = []
    for name, path in bundled_files().items():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        title, description = str(data.get("title", "")), str(data.get("description", ""))
        cases.append(BundledCase(name, str(path), title.strip(), description.strip()))
    return cases


def resolve_case(name_or_path: str | os.PathLike[str]) -> str:
    """The file of a case given as a path or as a bundled case's name (`kantokuen_1941`,
    `teaching/two_divisions`, with or without `.yaml`). A path that exists wins."""
    text = os.fspath(name_or_path)
    if os.path.exists(text):
        return text
    known = bundled_files()
    name = text.removesuffix(".yaml")
    if name in known:
        return str(known[name])
    if not NAME.match(text):  # a path that does not exist: the loader says "file not found"
        return text
    raise CaseError(
        Problem(
            "no such case file or bundled case",
            text,
            hint=f"bundled cases: {', '.join(known)}; `kantokuen cases` describes them",
        )
    )
