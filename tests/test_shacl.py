"""kg/shacl.py: pySHACL made faster gives the same violations as pySHACL as it comes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg import shacl
from kg.validate import validate_files
from tests.conftest import FIXTURES, REPO

SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*.trig"))
#: Every fixture's violations, computed by pySHACL without the speed-up, in a fresh process.
_PLAIN = """
import json, sys
from pathlib import Path
import kg.shacl
kg.shacl._APPLIED["done"] = False  # speed_up() then leaves pySHACL as it comes
from kg.validate import validate_files
from kg.errors import KgError
out = {}
for name in sys.argv[1:]:
    try:
        out[name] = sorted(str(v) for v in validate_files([Path(name)]))
    except KgError as exc:
        out[name] = ["error: " + exc.message]
assert not kg.shacl.applied()
print(json.dumps(out))
"""


def _ours(path: Path) -> list[str]:
    from kg.errors import KgError

    try:
        return sorted(str(v) for v in validate_files([path]))
    except KgError as exc:
        return ["error: " + exc.message]


def test_the_speed_up_is_in_place() -> None:
    # Fails when a pySHACL upgrade removes what kg/shacl.py replaces: look at it again then.
    assert shacl.speed_up() and shacl.applied()


@pytest.mark.slow  # every fixture twice, with the curated graph as context: about 50 s
def test_same_violations_with_and_without_the_speed_up() -> None:
    names = [str(p) for p in SHAPE_FIXTURES]
    plain = json.loads(
        subprocess.run(
            [sys.executable, "-c", _PLAIN, *names],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    shacl.speed_up()
    ours = {name: _ours(Path(name)) for name in names}
    assert ours == plain
    # the fixtures hold violations of every kind, sh:or ones among them
    assert sum(1 for v in ours.values() if v) >= 15
    assert any("eco:date must be one" in " ".join(v) for v in ours.values())
    assert any("needs an eco:quote" in " ".join(v) for v in ours.values())
