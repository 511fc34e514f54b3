"""The sweep store: one SQLite file holding every solved point of one or more sweeps.

Rules the store keeps, so an interrupted sweep loses nothing:
- Only the client process writes; workers return small rows and never touch the file.
- One transaction per finished point (WAL journal): a point is either wholly stored or not at
  all, whatever happens (Ctrl-C, SIGKILL, power loss). A commit survives the process at once
  (`synchronous=NORMAL`); the sweep puts the store on disk (`make_durable`, a WAL checkpoint
  with its fsyncs) with the first point that lands `DURABLE_SECONDS` or more after the last
  time, and when it ends, so a power loss can forget the points stored since (they are solved
  again on resume), never half of one. An fsync per point (`synchronous=FULL`) cost about 5 ms
  a point, the whole of a cheap point's budget (benchmarks/sweep_bookkeeping.py).
- A point is identified by its `point_key` (UNIQUE): resuming skips stored keys; a point is
  inserted once, and only `--retry-failed` may replace a stored row (errors and no-answers).
- One sweep at a time per store: a sweep holds an exclusive lock on `STORE.lock` (released by the
  kernel when the process dies, so a killed sweep never leaves a stale lock); readers need no lock.

Schema (table `points`, read by the reports via `read_points`): see `POINT_COLUMNS`. Table `meta`
holds key/value facts (schema version, the last sweep's command); table `runs` records each sweep
run and how many points it solved (updated in the same transaction as each point).
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from kantokuen.models.errors import CaseError, Problem

SCHEMA_VERSION = "1"

#: Column name → SQLite type, in table order (the contract with readers of the store).
POINT_COLUMNS: dict[str, str] = {
    "id": "INTEGER PRIMARY KEY",
    "point_key": "TEXT UNIQUE NOT NULL",
    "case_name": "TEXT",
    "case_hash": "TEXT",
    "scenario": "TEXT",
    "levers": "TEXT",
    "status": "TEXT",
    "go": "INTEGER",
    "x_day": "TEXT",
    "x_day_index": "INTEGER",
    "decision_day": "TEXT",
    "north_share": "REAL",
    "margins": "TEXT",
    "objective": "TEXT",
    "gap": "REAL",
    "solve_seconds": "REAL",
    "seed": "INTEGER",
    "workers": "INTEGER",
    "version": "TEXT",
    "ortools_version": "TEXT",
    "error": "TEXT",
    "finished_at": "TEXT",
    "details": "TEXT",
    "verified": "INTEGER",  # the plan (a no-go: its certificate) passed the verifier
}
JSON_COLUMNS = ("levers", "margins", "objective", "details")
#: Columns added after the first stores were written: a store without them is still read (they
#: read as None), and gains them the next time a sweep or an explore writes to it.
ADDED_COLUMNS = ("details", "verified")
#: Statuses that gave no answer: `--retry-failed` solves these again (with errors).
NO_ANSWER = ("TIME_LIMIT", "UNKNOWN")
ERROR_STATUS = "ERROR"

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS points ("
    + ", ".join(f"{c} {t}" for c, t in POINT_COLUMNS.items())
    + ")",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, pid INTEGER, executor TEXT, "
    "started_at TEXT, finished_at TEXT, planned INTEGER, solved INTEGER NOT NULL DEFAULT 0, "
    "outcome TEXT)",
]


def now() -> str:
    """UTC time stamp, ISO 8601, to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _not_a_store(path: str, why: str) -> CaseError:
    return CaseError(
        Problem(
            f"not a kantokuen sweep store ({why})",
            path,
            path="--store",
            hint="give a new file name, or a store written by `kantokuen sweep`",
        )
    )


def connect(path: str, create: bool) -> sqlite3.Connection:
    """Open a store in WAL mode (commits atomic, on disk by `make_durable`); create the tables
    when `create`."""
    if not create and not os.path.exists(path):
        raise CaseError(
            Problem(
                "no such sweep store",
                path,
                path="--store",
                hint="run `kantokuen sweep CASE --vary ... --store FILE` first",
            )
        )
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per point.
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        if create:
            with transaction(conn):  # all tables at once: a reader sees no schema or all of it
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
                )
        if create or not _blank(conn):
            _check_columns(conn, path, writable=create)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _not_a_store(path, str(exc)) from None
    except CaseError:
        conn.close()
        raise
    return conn


def _blank(conn: sqlite3.Connection) -> bool:
    """No tables at all: a store a sweep has just created and not yet given its schema."""
    tables: int = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return tables == 0


def _select(path: str, sql: str) -> list[sqlite3.Row]:
    """Rows of a query on a store, read in one go (none from a store still being created)."""
    conn = connect(path, create=False)
    try:
        conn.row_factory = sqlite3.Row
        return [] if _blank(conn) else conn.execute(sql).fetchall()
    finally:
        conn.close()


def _check_columns(conn: sqlite3.Connection, path: str, writable: bool = False) -> None:
    """A store written by another tool (or an older schema) is refused, not silently misread."""
    have = [row[1] for row in conn.execute("PRAGMA table_info(points)")]
    if not have:
        raise _not_a_store(path, "it has no table 'points'")
    for column in ADDED_COLUMNS:
        if column not in have and writable:
            conn.execute(f"ALTER TABLE points ADD COLUMN {column} {POINT_COLUMNS[column]}")
    missing = [c for c in POINT_COLUMNS if c not in have and c not in ADDED_COLUMNS]
    if missing:
        raise _not_a_store(path, f"table 'points' lacks {', '.join(missing)}")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (the store is never half-written)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# --- the one-sweep-at-a-time lock -------------------------------------------------------------


class StoreBusy(CaseError):
    """Another sweep holds the store."""

    def __init__(self, store: str, pid: str) -> None:
        self.store, self.pid = store, pid
        self.line = f"store {store} is in use by another sweep (pid {pid})"
        super().__init__(Problem(self.line, hint="wait for it to finish, or use another --store"))


class StoreLock:
    """Exclusive lock on `STORE.lock`, naming the holder's pid.

    The kernel drops an flock when its process dies, so a SIGKILLed sweep never blocks the next.
    The file is removed on release; a lock taken on a file that was removed meanwhile is retried.
    """

    def __init__(self, store: str) -> None:
        self.store = store
        self.path = store + ".lock"
        self.fd: int | None = None

    def acquire(self) -> None:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise CaseError(
                    Problem(
                        f"cannot create the store here: {exc.strerror}",
                        self.store,
                        path="--store",
                        hint="check that the folder exists and is writable",
                    )
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise StoreBusy(self.store, holder) from None
            try:
                same_file = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same_file = False
            if same_file:
                break
            os.close(fd)  # the previous holder removed this file as we opened it: try again
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is None:
            return
        # Unlink while still holding the lock, so nobody can lock a file that is about to vanish.
        with suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What the store already knows about one point."""

    status: str
    error: str | None

    @property
    def needs_retry(self) -> bool:
        """Errors and no-answers (time limit) are what `--retry-failed` solves again."""
        return self.error is not None or self.status in NO_ANSWER


def stored_points(conn: sqlite3.Connection, keys: Iterable[str] | None = None) -> dict[str, Stored]:
    """point_key → Stored, for every stored point (or only those among `keys`)."""
    rows = conn.execute("SELECT point_key, status, error FROM points").fetchall()
    wanted = None if keys is None else set(keys)
    return {k: Stored(s, e) for k, s, e in rows if wanted is None or k in wanted}


def encode(row: dict[str, Any]) -> dict[str, Any]:
    """A point row as SQLite values (JSON columns serialized, dates as ISO text)."""
    out = {c: row.get(c) for c in POINT_COLUMNS if c != "id"}
    for column in JSON_COLUMNS:
        if out[column] is not None:
            out[column] = json.dumps(out[column], default=_json_default)  # keeps the axis order
    for flag in ("go", "verified"):
        value = out[flag]
        if value is not None:
            out[flag] = int(value)
    return out


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a sweep store")


def start_run(conn: sqlite3.Connection, executor: str, planned: int) -> int:
    """Record a new sweep run (outcome 'running' until it finishes or is interrupted).

    Called under the store lock: a run still 'running' lost its process (SIGKILL), so say so.
    """
    with transaction(conn):
        conn.execute("UPDATE runs SET outcome = 'killed' WHERE outcome = 'running'")
        cur = conn.execute(
            "INSERT INTO runs (pid, executor, started_at, planned, solved, outcome) "
            "VALUES (?, ?, ?, ?, 0, 'running')",
            (os.getpid(), executor, now(), planned),
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


def finish_run(conn: sqlite3.Connection, run_id: int, outcome: str) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", (now(), outcome, run_id)
        )
    make_durable(conn)


#: Most seconds of committed points a power loss may forget (see the module's rules).
DURABLE_SECONDS = 1.0


def make_durable(conn: sqlite3.Connection) -> None:
    """Put every committed point on disk: a WAL checkpoint syncs the log, then the database."""
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def write_point(
    conn: sqlite3.Connection, run_id: int, row: dict[str, Any], replace: bool = False
) -> None:
    """Store one finished point and count it for its run, in one transaction.

    A new point is INSERTed, so storing a point twice is an IntegrityError (a bug), never a
    silent overwrite; `replace=True` (only for `--retry-failed`) updates the stored row in place.
    """
    values = encode(row)
    columns = list(values)
    with transaction(conn):
        if replace:
            sets = ", ".join(f"{c} = :{c}" for c in columns if c != "point_key")
            cur = conn.execute(f"UPDATE points SET {sets} WHERE point_key = :point_key", values)
            if cur.rowcount == 0:
                replace = False
        if not replace:
            conn.execute(
                f"INSERT INTO points ({', '.join(columns)}) VALUES "
                f"({', '.join(':' + c for c in columns)})",
                values,
            )
        conn.execute("UPDATE runs SET solved = solved + 1 WHERE id = ?", (run_id,))


def set_meta(conn: sqlite3.Connection, items: dict[str, str]) -> None:
    with transaction(conn):
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(items.items()),
        )


# --- reading ----------------------------------------------------------------------------------


def decode(row: sqlite3.Row, path: str = "<store>") -> dict[str, Any]:
    """A stored point as a dict; a damaged JSON column is bad input naming the store and point."""
    out = dict(row)
    for column in JSON_COLUMNS:
        if out.get(column) is not None:
            try:
                out[column] = json.loads(out[column])
            except (json.JSONDecodeError, RecursionError):
                raise CaseError(
                    Problem(
                        f"point {out.get('id')}: column {column} is not valid JSON",
                        path,
                        hint="the store was damaged; remove the point or rerun the sweep "
                        "into a new store",
                    )
                ) from None
    for flag in ("go", "verified"):
        if out.get(flag) is not None:
            out[flag] = bool(out[flag])
    return out


def read_points(path: str, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every stored point (or those with the given keys), in the order they finished.

    levers/margins/objective are decoded from JSON; go is a bool (None for an error).
    """
    rows = [decode(r, path) for r in _select(path, "SELECT * FROM points ORDER BY id")]
    if keys is not None:
        wanted = set(keys)
        rows = [r for r in rows if r["point_key"] in wanted]
    return rows


def read_runs(path: str) -> list[dict[str, Any]]:
    """Every sweep run recorded in the store, oldest first."""
    return [dict(r) for r in _select(path, "SELECT * FROM runs ORDER BY id")]


# --- export -----------------------------------------------------------------------------------


def lever_paths(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Every lever path that occurs in the rows, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        for path in row.get("levers") or {}:
            seen.setdefault(path, None)
    return list(seen)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """One line per point: one column per lever and per criterion margin, then the outcome."""
    levers = lever_paths(rows)
    criteria: dict[str, None] = {}
    for row in rows:
        for name in row.get("margins") or {}:
            criteria.setdefault(name, None)
    skip = {"levers", "margins", "objective", "details"}
    base = [c for c in POINT_COLUMNS if c not in skip]
    header = base[:2] + levers + base[2:] + [f"margin.{c}" for c in criteria]
    header += ["details", "objective"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        lever_values = row.get("levers") or {}
        margins = row.get("margins") or {}
        line = [row.get(c) for c in base[:2]] + [lever_values.get(p) for p in levers]
        line += [_csv_value(row.get(c)) for c in base[2:]]
        line += [margins.get(c) for c in criteria]
        line += [
            json.dumps(row[c], sort_keys=True) if row.get(c) is not None else None
            for c in ("details", "objective")
        ]
        writer.writerow(["" if v is None else v for v in line])
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def to_json(rows: list[dict[str, Any]]) -> str:
    """The points as a JSON array of objects (the same fields as `read_points`)."""
    return json.dumps(rows, indent=2, sort_keys=False, default=_json_default) + "\n"
