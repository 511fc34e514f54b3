"""Atomic file writing: a crash mid-write leaves the old file (or none), never half a file.

The new content goes to a temporary file beside the target (`.tmp-<random>-<name>`), is flushed
to disk and renamed over the target in one step. The file gets the permissions a plain
`open(path, "w")` would give it — 0o666 less the umask — or keeps those of the file it replaces.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat

TEMP_PREFIX = ".tmp-"


def atomic_write_text(path: str, text: str) -> None:
    """Write text to a temporary file beside `path`, flush it to disk, then rename it over
    `path`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write bytes to a temporary file beside `path`, flush it to disk, then rename it over
    `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = _temporary_beside(path, folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode_of(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)


def _temporary_beside(path: str, folder: str) -> tuple[int, str]:
    """A new, empty temporary file in the target's folder, and its name.

    It is created the way `open(path, "w")` creates a file (mode 0o666, less the umask and as
    default ACLs say), not with mkstemp's 0o600, which would make every report private. The
    umask is never read: `os.umask` can only be read by changing it, for every thread at once.
    Errors name the target, not the temporary file."""
    name = os.path.basename(path)[:100]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(4)}-{name}")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except (FileNotFoundError, NotADirectoryError):
            raise FileNotFoundError(
                errno.ENOENT, f"folder {folder} does not exist (create it first)", path
            ) from None
        except PermissionError:
            raise PermissionError(
                errno.EACCES, f"cannot write in {folder} (choose another place)", path
            ) from None
    raise FileExistsError(errno.EEXIST, f"no free temporary file name in {folder}", path)


def _keep_mode_of(path: str, tmp: str) -> None:
    """Replacing a file keeps its permissions (a report someone made private stays private)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    os.chmod(tmp, mode)


def _sync_folder(folder: str) -> None:
    """Flush the folder too, so the rename itself survives a power cut (where the OS allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
