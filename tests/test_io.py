"""kg/io.py: files and folders written whole, with the user's umask, and clear errors."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import OutputError
from kg.io import atomic_dir, atomic_write, write_if_changed


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that sets its own."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)]
)
def test_files_and_folders_get_the_umask_mode(
    tmp_path: Path, umask: None, mask: int, file_mode: int, dir_mode: int
) -> None:
    os.umask(mask)
    assert mode(atomic_write(tmp_path / "a.txt", "x")) == file_mode
    folder = atomic_dir(tmp_path / "copy", lambda d: (d / "f").write_text("y"))
    assert mode(folder) == dir_mode
    assert (folder / "f").read_text() == "y"


def test_a_failing_writer_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "kg.trig", b"old")

    def broken(fh: object) -> None:
        fh.write(b"half")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=r"cannot write .*kg.trig: No space left"):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.trig"]


def test_a_failing_folder_leaves_the_old_folder(tmp_path: Path) -> None:
    old = atomic_dir(tmp_path / "store", lambda d: (d / "v").write_text("1"))

    def broken(folder: Path) -> None:
        (folder / "v").write_text("2")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_dir(old, broken)
    assert (old / "v").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_a_file_in_the_way_and_a_folder_as_target_are_named(tmp_path: Path) -> None:
    blocker = tmp_path / "dist"
    blocker.write_text("a file")
    with pytest.raises(OutputError, match="a file of that name is in the way"):
        atomic_write(blocker / "kg.nq", "x")
    with pytest.raises(OutputError, match="it is a folder"):
        atomic_write(tmp_path, "x")


def test_write_if_changed_touches_nothing_for_the_same_bytes(tmp_path: Path) -> None:
    target = tmp_path / "x.trig"
    assert write_if_changed(target, b"same") is True
    before = target.stat().st_mtime_ns
    assert write_if_changed(target, b"same") is False
    assert target.stat().st_mtime_ns == before
    assert write_if_changed(target, b"other") is True


def test_every_command_that_writes_leaves_readable_files(
    tmp_path: Path, umask: None, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drift the issue found: dist/*, dist/kg.oxigraph/, imports/*.trig and exports were
    0600 while pages were 0644. Every output now gets 0644 (folders 0755) under umask 022."""
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    fixture = Path(__file__).parent / "fixtures" / "landscape" / "landscape-2026-01-01.yml"
    for args in (
        ["import", "landscape", str(fixture)],
        ["build", "--no-validate"],
        [
            "export",
            "--view",
            "organizations",
            "--to",
            "graphml",
            "--out",
            str(tmp_path / "o.graphml"),
        ],
        ["viz", "--view", "organizations", "--out", str(tmp_path / "page.html")],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    written = [
        *(tmp_path / "dist").iterdir(),
        *(tmp_path / "imports").iterdir(),
        tmp_path / "o.graphml",
        tmp_path / "page.html",
    ]
    assert len(written) >= 6
    for path in written:
        assert mode(path) == (0o755 if path.is_dir() else 0o644), path
    for path in (tmp_path / "dist" / "kg.oxigraph").iterdir():
        assert mode(path) & 0o044 == 0o044, path
