"""Where the ontology, the curated data and the build output live.

In a checkout, ``ontology/`` and ``data/`` sit beside the package; an installed wheel carries
them as ``kg/_resources/``. The build output (``dist/``) and imported graphs (``imports/``) belong
to the workspace: ``$KG_HOME`` when set, else the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _resource_root() -> Path:
    checkout = _PACKAGE.parent
    if (checkout / "ontology" / "ontology.ttl").is_file() and (checkout / "data").is_dir():
        return checkout
    return _PACKAGE / "_resources"


def ontology_dir() -> Path:
    """The folder of the ontology, the SHACL shapes and the category scheme."""
    return _resource_root() / "ontology"


def data_dir() -> Path:
    """The folder of the curated TriG files."""
    return _resource_root() / "data"


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def workspace() -> Path:
    """The folder that holds ``dist/`` and ``imports/``."""
    return Path(os.environ.get("KG_HOME") or Path.cwd())


def dist_dir() -> Path:
    return workspace() / "dist"


def imports_dir() -> Path:
    return workspace() / "imports"


def queries_dir() -> Path:
    return _PACKAGE / "sparql" / "queries"
