"""``make bench``: container-kg against the plain rdflib stack and the bare engine.

:mod:`benchmarks.generate` makes the synthetic data sets; :mod:`benchmarks.run` measures.
"""
