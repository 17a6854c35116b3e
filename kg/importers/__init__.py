"""Importers: outside data sets turned into named graphs of their own under ``imports/``.

Each importer reads a file it does not trust (a safe YAML loader, nothing fetched or executed),
links what it finds to the curated graph (:mod:`kg.importers.linking`), and writes one TriG
file per source, atomically and byte-for-byte the same for the same input.

- :mod:`kg.importers.landscape`: the CNCF Cloud Native Landscape (``landscape.yml``, every era):
  reading and checking, and :func:`~kg.importers.landscape.import_landscape`
- :mod:`kg.importers.landscape_map`: a read landscape to its graph (identities, triples, bytes)
- :mod:`kg.importers.landscape_diff`: what changed between two landscape snapshots
- :mod:`kg.importers.linking`: entity linking against the curated graph, and its override table
"""

from __future__ import annotations
