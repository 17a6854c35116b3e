"""The wheel carries the ontology and the data: `pip install .` then `kg stats` elsewhere works."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_runs_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
            "--quiet", "-w", str(wheels),
        ],
        check=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("container_kg-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies come from the test's own environment (no network in tests); the
    # project itself only from the wheel: a .pth adds a path but runs no .pth found there,
    # so the editable install of the checkout stays invisible.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("KG_HOME", "KG_STORE", "PYTHONPATH")}
    where = subprocess.run(
        [str(py), "-c", "import kg, kg.resources as r; print(kg.__file__); print(r.data_dir())"],
        cwd=elsewhere, capture_output=True, text=True, check=True, env=env,
    ).stdout.splitlines()  # fmt: skip
    assert where[0].startswith(str(venv)), where
    assert where[1].startswith(str(venv)) and where[1].endswith("_resources/data"), where
    stats = subprocess.run(
        [str(venv / "bin" / "kg"), "stats"],
        cwd=elsewhere, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert stats.returncode == 0, stats.stderr
    assert "eco:Company" in stats.stdout and "triples:" in stats.stdout
    assert "no build" in stats.stderr
    assert not (elsewhere / "dist").exists()
