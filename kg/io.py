"""Writing files so that no reader ever sees half of one.

Every file the project writes (``dist/``, ``imports/``, pages, exports) goes through
:func:`atomic_write`: into a temporary file beside the target, flushed, then renamed over it.
A whole folder is published by :func:`atomic_symlink` (a link switched by one rename: see
:mod:`kg.build`), and writers that must not overlap take :func:`exclusive_lock`. Every file
and folder gets the mode any new one gets under the user's umask (``0644``/``0755`` under
``022``), not ``mkstemp``'s private ``0600``, so another user can read a build. A file or
folder that cannot be made or written is an :class:`~kg.errors.OutputError` naming the path,
never a traceback.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "hello\\n").read_text()
'hello\\n'
>>> oct(mode_of(folder / "a.txt") & 0o077 & ~current_umask()) == oct(0o044 & ~current_umask())
True
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from kg.errors import KgError, OutputError

Writer = Callable[[IO[bytes]], object]


def current_umask() -> int:
    """The process's umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _output_error(path: Path, exc: OSError, what: str = "write") -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot {what} {path}: {reason}",
        hint="Choose a folder you can write to (--out, or $KG_HOME for dist/ and imports/).",
    )


def ensure_dir(folder: Path) -> Path:
    """Make ``folder`` (and its parents); a clear error when a file stands in the way or the
    place is not writable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        is_dir = folder.is_dir()
    except FileExistsError as exc:
        raise OutputError(
            f"cannot make the folder {folder}: a file of that name is in the way",
            hint="Remove or rename the file, or choose another folder.",
        ) from exc
    except OSError as exc:
        raise _output_error(folder, exc, "make the folder") from exc
    if not is_dir:
        raise OutputError(f"{folder} is not a folder", hint="Choose a folder to write into.")
    return folder


def atomic_write(target: str | os.PathLike[str], data: bytes | str | Writer) -> Path:
    """Write ``data`` (bytes, text as UTF-8, or a function that writes to a binary file) to
    ``target`` through a temporary file and a rename; returns the target's path."""
    path = Path(target)
    try:
        is_dir = path.is_dir()
    except OSError as exc:
        raise _output_error(path, exc) from exc
    if is_dir:
        raise OutputError(
            f"cannot write {path}: it is a folder", hint="Give a file name, not a folder."
        )
    ensure_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, str):
                fh.write(data.encode("utf-8"))
            elif isinstance(data, bytes | bytearray):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except KgError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _output_error(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_if_changed(target: str | os.PathLike[str], data: bytes) -> bool:
    """:func:`atomic_write`, unless the file already holds exactly these bytes (then nothing is
    touched and False is returned): a re-import of the same input changes no file."""
    path = Path(target)
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError as exc:
        raise _output_error(path, exc, "read") from exc
    atomic_write(path, data)
    return True


def atomic_symlink(link: str | os.PathLike[str], target: str) -> Path:
    """Make ``link`` a symbolic link to ``target`` in one rename: a reader that follows it
    finds the old target or the new one, never nothing."""
    path = Path(link)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        os.symlink(target, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _output_error(path, exc) from exc
    sync_dir(path.parent)
    return path


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to the disk; a no-op where that is not
    possible."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_private_dir(parent: Path, prefix: str) -> Path:
    """A new, empty folder in ``parent`` with a unique name, moded as the umask says
    (``mkdtemp`` alone makes it ``0700``)."""
    ensure_dir(parent)
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        os.chmod(folder, 0o777 & ~current_umask())
    except OSError as exc:
        raise _output_error(parent, exc, "make a folder in") from exc
    return folder


def remove_tree(path: Path) -> None:
    """Remove a file, a link or a folder and all it holds; what cannot be removed stays."""
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def atomic_dir(target: str | os.PathLike[str], fill: Callable[[Path], object]) -> Path:
    """Make a folder whole: ``fill`` writes into a new folder beside ``target``, which then
    replaces it. A reader opens the old folder or the new one, never half of one."""
    path = Path(target)
    tmp = make_private_dir(path.parent, f".{path.name}.")
    try:
        fill(tmp)
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            remove_tree(old)
    except KgError:
        remove_tree(tmp)
        raise
    except OSError as exc:
        remove_tree(tmp)
        raise _output_error(path, exc) from exc
    except BaseException:
        remove_tree(tmp)
        raise
    return path


@contextlib.contextmanager
def exclusive_lock(
    path: str | os.PathLike[str], *, waiting: Callable[[str], object] | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if absent; an advisory ``flock``, so
    the kernel drops it when the process dies, even by ``kill -9``) while the block runs.
    When another process holds it, ``waiting`` is told once (which process) and the call
    waits for it."""
    lock = Path(path)
    ensure_dir(lock.parent)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)  # the umask applies
    except OSError as exc:
        raise _output_error(lock, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                waiting(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
