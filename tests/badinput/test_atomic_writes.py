"""Output files are written atomically, with ordinary permissions.

A crash at any step of a write (the write itself, the flush to disk, the final rename, or an
interrupt) leaves the old file exactly as it was and no temporary file behind. A new file gets
0o666 less the umask, like any file a program creates; a replaced file keeps its mode.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import kantokuen.reports.files
from kantokuen.reports.files import atomic_write_bytes, atomic_write_text
from tests.badinput.support import FAST, MINI, leftovers, run

OLD = '{"old": "result"}\n'


@pytest.fixture
def umask() -> Iterator[None]:
    """Run a test under umask 022 and restore the caller's umask afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Crash(OSError):
    """A disk that fails mid-write (ENOSPC, EIO)."""


def crash_in(monkeypatch: pytest.MonkeyPatch, step: str, error: BaseException) -> None:
    """Make one step of the atomic write fail: `fsync` (after the data is written), `replace`
    (the final rename) or `write` (the data itself)."""

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    if step == "write":
        real_fdopen = os.fdopen

        def fdopen(fd: int, *args: object, **kwargs: object) -> object:
            handle = real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

            class Half:
                def __enter__(self) -> Half:
                    return self

                def __exit__(self, *exc: object) -> None:
                    handle.close()

                def write(self, data: bytes) -> None:
                    handle.write(data[: len(data) // 2])  # half the file reaches the disk...
                    raise error  # ...then the disk fails

            return Half()

        monkeypatch.setattr(kantokuen.reports.files.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(kantokuen.reports.files.os, step, fail)


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_crash_mid_write_keeps_the_old_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """`solve -o` over an existing result: a disk error at any step is one Error line naming the
    file, exit 1; the old result is intact and no temporary file remains."""
    out = tmp_path / "result.json"
    out.write_text(OLD)
    crash_in(monkeypatch, step, Crash(28, "No space left on device", str(out)))
    result = run("solve", MINI, *FAST, "--json", "-o", str(out))
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {out}: No space left on device\n"
    assert out.read_text() == OLD
    assert leftovers(tmp_path, {"result.json"}) == []


def test_an_interrupt_mid_write_keeps_the_old_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the final rename: exit 130, old file intact, no temporary file."""
    out = tmp_path / "result.json"
    out.write_text(OLD)
    crash_in(monkeypatch, "replace", KeyboardInterrupt())
    result = run("solve", MINI, *FAST, "--json", "-o", str(out))
    assert result.exit_code == 130 and result.stderr == "Error: interrupted\n"
    assert out.read_text() == OLD
    assert leftovers(tmp_path, {"result.json"}) == []


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_crash_before_the_first_write_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    out = tmp_path / "report.md"
    crash_in(monkeypatch, step, Crash(5, "Input/output error", str(out)))
    with pytest.raises(Crash):
        atomic_write_text(str(out), "# report\n" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_the_written_file_is_complete_and_replaces_the_old(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text(OLD)
    result = run("solve", MINI, *FAST, "--json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["x_day"] == "1941-07-09"
    assert leftovers(tmp_path, {"result.json"}) == []


@pytest.mark.usefixtures("umask")
def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    """0o666 less the umask (022 here): readable by others like any report (mkstemp gave 0o600)."""
    out = tmp_path / "result.json"
    assert run("solve", MINI, *FAST, "--json", "-o", str(out)).exit_code == 0
    assert mode(out) == 0o644
    os.umask(0o077)
    private = tmp_path / "private.md"
    atomic_write_text(str(private), "# mine\n")
    assert mode(private) == 0o600


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("old_mode", [0o600, 0o640, 0o664])
def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, old_mode: int) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    out.chmod(old_mode)
    atomic_write_bytes(str(out), b"<html></html>")
    assert out.read_bytes() == b"<html></html>" and mode(out) == old_mode


@pytest.mark.usefixtures("umask")
def test_writes_from_threads_never_change_the_umask(tmp_path: Path) -> None:
    """Permissions come from the kernel's own umask handling: no thread ever sees the umask
    changed (reading it with os.umask(0) would, for a moment, in every thread)."""
    seen: set[int] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            with open("/proc/self/status") as status:
                seen.update(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))

    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs /proc/self/status to read the umask without changing it")
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(200):
            atomic_write_text(str(tmp_path / f"f{i % 5}.txt"), "x" * i)
    finally:
        stop.set()
        watcher.join()
    assert seen <= {0o022}
    assert {mode(p) for p in tmp_path.iterdir()} == {0o644}


def test_a_missing_folder_names_the_target_not_a_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.csv"
    with pytest.raises(FileNotFoundError) as info:
        atomic_write_text(str(target), "a,b\n")
    assert info.value.filename == str(target)
    assert info.value.strerror == f"folder {target.parent} does not exist (create it first)"


def test_solve_into_a_missing_folder_is_one_error_line(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "result.json"
    result = run("solve", MINI, *FAST, "--json", "-o", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr
        == f"Error: {target}: folder {target.parent} does not exist (create it first)\n"
    )
    assert list(tmp_path.iterdir()) == []
