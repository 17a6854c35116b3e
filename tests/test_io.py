"""kg/io.py: whole files, whole folders, locks, and modes that follow the umask.

The modes are checked on everything four writers leave (a build, an import, an export and a
page), under umask 022 (others read) and 077 (nobody else does): ``mkstemp``'s private 0600,
or a folder left 0700, made another user's `kg stats` fail with a PermissionError.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.io import atomic_symlink, atomic_write, ensure_dir, exclusive_lock, write_if_changed
from tests.conftest import FIXTURES


@pytest.fixture(params=[0o022, 0o077], ids=["umask-022", "umask-077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def wrong_modes(root: Path, umask: int) -> list[str]:
    """Every file and folder under ``root`` whose mode is not what the umask gives."""
    wrong = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        if mode != expected:
            wrong.append(f"{path.relative_to(root)}: {oct(mode)} (expected {oct(expected)})")
    return wrong


@pytest.mark.slow
def test_a_build_an_import_an_export_and_a_page_follow_the_umask(
    umask: int, tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import cli

    home = tmp_path / "home"
    home.mkdir(mode=0o777 & ~umask)
    os.chmod(home, 0o777 & ~umask)
    monkeypatch.setenv("KG_HOME", str(home))
    monkeypatch.delenv("KG_STORE", raising=False)
    landscape = FIXTURES / "landscape" / "landscape-2024-01-01.yml"
    commands = [
        ["import", "landscape", str(landscape)],
        ["build", "--no-validate", "--format", "trig", "--format", "ttl"],
        ["build", "--no-validate"],  # a second build: a previous generation, a switched link
        ["export", "--to", "graphml", "--out", str(home / "out" / "organizations.graphml")],
        ["export", "--to", "csv", "--out", str(home / "out" / "deep" / "ecosystem.csv")],
        ["viz", "--view", "organizations", "--out", str(home / "out" / "page.html")],
    ]
    for args in commands:
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    written = {p.relative_to(home).parts[0] for p in home.iterdir()}
    assert written == {"dist", "imports", "out"}
    assert len(list(home.rglob("*"))) > 20
    assert wrong_modes(home, umask) == []


def test_atomic_write_replaces_whole_and_cleans_up_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    atomic_write(target, "one")

    def broken(fh):  # type: ignore[no-untyped-def]
        fh.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=f"cannot write {target}: No space left on device"):
        atomic_write(target, broken)
    assert target.read_text() == "one"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_write_errors_name_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="a file of that name is in the way"):
        ensure_dir(blocker)
    with pytest.raises(OutputError, match=f"cannot make the folder {blocker / 'dist'}"):
        atomic_write(blocker / "dist" / "kg.nq", "x")
    with pytest.raises(OutputError, match="it is a folder"):
        atomic_write(tmp_path, "x")


def test_write_if_changed_turns_a_read_error_into_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.trig"
    target.write_bytes(b"old")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(OutputError, match=f"cannot read {target}: Permission denied"):
        write_if_changed(target, b"new")


def test_atomic_symlink_switches_in_one_step(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    link = tmp_path / "current"
    atomic_symlink(link, "one")
    atomic_symlink(link, "two")
    assert os.readlink(link) == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "one", "two"]


@pytest.mark.slow
def test_the_lock_is_exclusive_says_who_holds_it_and_dies_with_its_holder(tmp_path: Path) -> None:
    import subprocess
    import sys

    lock = tmp_path / ".lock"
    told: list[str] = []
    order: list[str] = []
    with exclusive_lock(lock):

        def second() -> None:
            with exclusive_lock(lock, waiting=told.append):
                order.append("second")

        worker = threading.Thread(target=second)
        worker.start()
        time.sleep(0.3)
        order.append("first")
    worker.join(timeout=10)
    assert order == ["first", "second"] and told == [str(os.getpid())]
    # A holder killed with SIGKILL frees it: the kernel drops an flock with its process.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from kg.io import exclusive_lock\n"
            f"with exclusive_lock({str(lock)!r}):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    holder.kill()
    holder.wait()
    start = time.monotonic()
    with exclusive_lock(lock, waiting=told.append):
        pass
    assert time.monotonic() - start < 5


def test_write_if_changed_touches_nothing_for_the_same_bytes(tmp_path: Path) -> None:
    target = tmp_path / "x.trig"
    assert write_if_changed(target, b"same") is True
    before = target.stat().st_mtime_ns
    assert write_if_changed(target, b"same") is False
    assert target.stat().st_mtime_ns == before
    assert write_if_changed(target, b"other") is True


def test_a_file_in_the_way_and_a_folder_as_target_are_named(tmp_path: Path) -> None:
    blocker = tmp_path / "dist"
    blocker.write_text("a file")
    with pytest.raises(OutputError, match="a file of that name is in the way"):
        atomic_write(blocker / "kg.nq", "x")
    with pytest.raises(OutputError, match="it is a folder"):
        atomic_write(tmp_path, "x")
