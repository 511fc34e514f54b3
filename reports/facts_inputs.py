"""What went into one result: the scenario, the changes from the base case (with the values they
replace) and the sources every number cites."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from kantokuen.models.case import ASSUMPTION
from kantokuen.models.paths import MISSING, lookup, path_label
from kantokuen.models.provenance import source_usage, unsourced
from kantokuen.reports.subject import Names, entity_note, value_text


class Inputs(Names):
    """The scenario's description, the overrides and the sources table."""

    @cached_property
    def override_rows(self) -> list[dict[str, str]]:
        rows = []
        for ov in self.result.overrides:
            path, value = str(ov["path"]), ov["value"]
            was = lookup(self.subject.base, path) if self.subject.base else MISSING
            rows.append(
                {
                    "label": path_label(self.case or self.subject.base, path),
                    "path": path,
                    "value": value_text(path, value),
                    "was": "" if was is MISSING else value_text(path, was),
                    "origin": "command line (--set)"
                    if ov["origin"] == "--set"
                    else f"scenario {ov['origin']}",
                }
            )
        return rows

    @cached_property
    def scenario_description(self) -> str:
        case, name = self.case or self.subject.base, self.result.scenario
        if case and name and name in case.scenarios:
            return case.scenarios[name].description
        return ""

    @cached_property
    def source_rows(self) -> list[dict[str, Any]]:
        """Every source the case's numbers cite, with what it is used for; then the unsourced."""
        case = self.case
        if case is None:
            return []
        rows = []
        usage = source_usage(case)
        for key in [k for k in case.sources if k in usage] + [
            k for k in usage if k not in case.sources
        ]:
            paths = usage[key]
            src = case.sources.get(key)
            used = [path_label(case, p) for p in paths]
            if key == ASSUMPTION:
                used = [
                    f"{path_label(case, p)}: {entity_note(case, p)}".rstrip(": ") for p in paths
                ]
            rows.append(
                {
                    "key": key,
                    "title": src.title if src else ("Assumption" if key == ASSUMPTION else key),
                    "where": src.where if src else "",
                    "note": src.note
                    if src
                    else (
                        "a value without a historical source; the reason is given for each"
                        if key == ASSUMPTION
                        else ""
                    ),
                    "used": used,
                }
            )
        missing = unsourced(case)
        if missing:
            rows.append(
                {
                    "key": "",
                    "title": "No source given",
                    "where": "",
                    "note": "numbers that cite nothing",
                    "used": [path_label(case, ".".join(str(p) for p in path)) for path in missing],
                }
            )
        for key, src in case.sources.items():
            if key not in usage:
                rows.append(
                    {
                        "key": key,
                        "title": src.title,
                        "where": src.where,
                        "note": src.note,
                        "used": ["(listed in the case; no number cites it directly)"],
                    }
                )
        return rows
