"""Importers: outside data sets turned into named graphs of their own under ``imports/``.

Each importer reads a file it does not trust (a safe YAML loader, nothing fetched or executed),
links what it finds to the curated graph, and writes one TriG file per source, atomically and
byte-for-byte the same for the same input.

- :mod:`kg.importers.landscape`: the CNCF Cloud Native Landscape (every era of landscape.yml)
"""

from __future__ import annotations
