"""What the property tests share: one deterministic solve, and case files on disk."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kantokuen.models.case import Case
from kantokuen.models.instance import Instance
from kantokuen.models.plan import Status
from kantokuen.planner.solve import Outcome, SolveOptions, plan_case
from tests.strategies import to_yaml

# One worker and a fixed seed: a failing example replays exactly. The time limit is far above
# what these tiny cases need; running into it is reported as a failure, never skipped.
OPTIONS = SolveOptions(time_limit=30.0, workers=1, seed=0)
DECIDED = (Status.OPTIMAL, Status.INFEASIBLE)


def solve(case: Case) -> Outcome:
    """Solve a case; the answer must be decided (a proven optimum or a proven no-go)."""
    outcome = plan_case(Instance(case), OPTIONS)
    assert outcome.status in DECIDED, f"tiny case not decided: {outcome.status}"
    return outcome


def x_day(outcome: Outcome) -> int | None:
    return outcome.plan.x_day if outcome.plan is not None else None


@contextmanager
def case_file(data: dict[str, Any] | str, name: str = "case.yaml") -> Iterator[str]:
    """A temporary case file holding the data as YAML (or the given text)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(data if isinstance(data, str) else to_yaml(data))
        yield path
