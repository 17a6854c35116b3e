"""Writing files so that no reader ever sees half of one.

Every file the project writes (``dist/``, ``imports/``, pages, exports) goes through
:func:`atomic_write`: into a temporary file beside the target, flushed, then renamed over it.
The file gets the mode any new file gets under the user's umask (``0644`` under ``022``), not
``mkstemp``'s private ``0600``, so another user can read a build. A folder that cannot be made
or written is an :class:`~kg.errors.OutputError` naming the path, never a traceback.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "hello\\n").read_text()
'hello\\n'
>>> oct(mode_of(folder / "a.txt") & 0o077 & ~current_umask()) == oct(0o044 & ~current_umask())
True
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable
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
    except FileExistsError as exc:
        raise OutputError(
            f"cannot make the folder {folder}: a file of that name is in the way",
            hint="Remove or rename the file, or choose another folder.",
        ) from exc
    except OSError as exc:
        raise _output_error(folder, exc, "make the folder") from exc
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder", hint="Choose a folder to write into.")
    return folder


def atomic_write(target: str | os.PathLike[str], data: bytes | str | Writer) -> Path:
    """Write ``data`` (bytes, text as UTF-8, or a function that writes to a binary file) to
    ``target`` through a temporary file and a rename; returns the target's path."""
    path = Path(target)
    if path.is_dir():
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
    if path.is_file() and path.read_bytes() == data:
        return False
    atomic_write(path, data)
    return True


def atomic_dir(target: str | os.PathLike[str], fill: Callable[[Path], object]) -> Path:
    """Make a folder whole: ``fill`` writes into a new temporary folder beside ``target``,
    which then replaces it. A reader opens the old folder or the new one, never half of one."""
    path = Path(target)
    ensure_dir(path.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        os.chmod(tmp, 0o777 & ~current_umask())
    except OSError as exc:
        raise _output_error(path, exc) from exc
    try:
        fill(tmp)
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except KgError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _output_error(path, exc) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path
