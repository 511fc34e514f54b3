"""A result's tables as pandas DataFrames, for notebooks: units and their timelines, resource
use per day, and any list of rows (sweep points, comparison rows).

pandas is optional (`pip install 'kantokuen[pandas]'`) and imported only when a table is asked
for; without it the error names the extra to install.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kantokuen.models.plan import UNIT_LEGS

if TYPE_CHECKING:
    from kantokuen.models.plan import Result

LEGS = UNIT_LEGS
UNIT_COLUMNS = (
    "id",
    "name",
    "template",
    "front",
    "men",
    "lift",
    "combat",
    "required",
    "committed",
    "route",
    *LEGS,
)


def require_pandas() -> Any:
    """The pandas module, or an ImportError that says how to get it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "kantokuen's tables are pandas DataFrames, and pandas is not installed: "
            "pip install 'kantokuen[pandas]'"
        ) from exc
    return pandas


def rows_frame(rows: Iterable[dict[str, Any]], columns: Iterable[str] | None = None) -> Any:
    """A DataFrame of plain rows (one dict each), with these columns first when given."""
    pd = require_pandas()
    return pd.DataFrame(list(rows), columns=list(columns) if columns is not None else None)


def units_frame(result: Result) -> Any:
    """One row per unit, indexed by unit id: what it is, where it goes, and the date of each
    leg of its move (mobilize, ready, sail, debark, entrain, arrive; NaT for a leg not used).
    Empty for a no-go, which has no plan."""
    pd = require_pandas()
    frame = rows_frame((dict(u) for u in result.units), UNIT_COLUMNS)
    for leg in LEGS:
        frame[leg] = pd.to_datetime(frame[leg])
    return frame.set_index("id")


def usage_frame(result: Result) -> Any:
    """Tons per day, indexed by date: columns (resource, measure) with the resources `shipping`
    (used, north_capacity, pool), `port:<id>` (loaded, unloaded, capacity) and `rail:<id>`
    (entrained, capacity). Empty for a no-go, which has no plan."""
    pd = require_pandas()
    columns: dict[tuple[str, str], list[int]] = {}
    for measure, values in result.usage.get("shipping", {}).items():
        columns["shipping", measure] = values
    for port, use in result.usage.get("ports", {}).items():
        columns[f"port:{port}", "loaded"] = use["loaded"]
        columns[f"port:{port}", "unloaded"] = use["unloaded"]
        columns[f"port:{port}", "capacity"] = [use["capacity"]] * len(use["loaded"])
    for line, rail in result.usage.get("rail", {}).items():
        columns[f"rail:{line}", "entrained"] = rail["entrained"]
        columns[f"rail:{line}", "capacity"] = [rail["capacity"]] * len(rail["entrained"])
    days = max((len(v) for v in columns.values()), default=0)
    start = dt.date.fromisoformat(result.calendar_start)
    index = pd.DatetimeIndex([start + dt.timedelta(days=d) for d in range(days)], name="date")
    if not columns:
        return pd.DataFrame(index=index)
    frame = pd.DataFrame(columns, index=index)
    frame.columns.names = ["resource", "measure"]
    return frame
