"""A synthetic container ecosystem under the project's ontology, at any size, reproducibly.

The shape follows the curated data and the landscape import: organisations (mostly companies,
some investors and consortia) with products, a category tree (``skos:broader``) inside the
essay's scheme ``kg:categories``, dated acquisitions (a few with prices) each stated by a news
page of its own, coalitions with members, and every fact in the named graph of its source. Some
facts are stated by two sources (the acquired company's type and label; a second page about an
acquisition), so the merged default graph is smaller than the sum of the graphs, as in the
real data. Popularity is skewed (a few acquirers, categories and coalition members take most
of the links), so projections have hubs.

The files go to :func:`cache_dir` (``$KG_BENCH_CACHE`` or ``~/.cache/container-kg/bench``)
and are made only when missing: the same size and seed
always give the same bytes.

    >>> from benchmarks.generate import dataset
    >>> data = dataset("10k")                   # doctest: +SKIP
    >>> data.nquads, data.dist / "kg.nq"        # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import random
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.namespaces import DCTERMS, ECO, KG, RDF, RDFS, SKOS, XSD

#: Bump when the generator's output changes, so stale cached files are not reused.
VERSION = 1
SEED = 2015
SIZES: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def cache_dir() -> Path:
    """Where generated data sets are kept: ``$KG_BENCH_CACHE``, else the user's cache folder
    (never the source tree)."""
    chosen = os.environ.get("KG_BENCH_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "container-kg" / "bench"


#: The top concepts of ``ontology/categories.ttl``: the synthetic tree hangs below them.
TOP_CATEGORIES = (
    "operating-systems",
    "orchestration",
    "storage",
    "networking",
    "security",
    "management",
    "paas",
    "virtualization",
    "development-environments",
    "ui",
    "conversion-tools",
)
_SYLLABLE_TEXT = (
    "ku be dock cloud con tain er flux helm pod mesh grid net stack spin vault nomad rancher "
    "quay har bor core os kata gvis or lin ker fal co tik ron kon ga lo ki tem po ral cil ium "
    "cal ico wea ve port work rook ceph long horn open shift mira ntis"
)
_WORD_TEXT = (
    "container platform runtime scheduler registry service mesh storage network policy "
    "observability security secrets gateway serverless database streaming build deploy "
    "cluster edge hybrid managed open source enterprise developer workflow"
)
_SYLLABLES = _SYLLABLE_TEXT.split()
_WORDS = _WORD_TEXT.split()
_PUBLISHERS = ("TechCrunch", "The New Stack", "InfoWorld", "ZDNet", "VentureBeat", "GeekWire")

A = RDF + "type"
LABEL = RDFS + "label"


@dataclass(frozen=True)
class Dataset:
    """One generated data set and the files made from it."""

    name: str
    nquads: Path  # the named graphs only: what any RDF tool would load
    dist: Path  # a build's output: kg.nq with the merged default graph, kg.nt the merge
    triples: int  # distinct triples of the merge
    quads: int  # quads of the named graphs


def iri(local: str) -> str:
    return f"<{KG}{local}>"


def eco(local: str) -> str:
    return f"<{ECO}{local}>"


def literal(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"' if datatype is None else f'"{escaped}"^^<{XSD}{datatype}>'


class _Writer:
    """Writes N-Quads lines and counts the distinct triples of the merge."""

    def __init__(self, emit: Callable[[str], object]) -> None:
        self.emit = emit
        self.quads = 0
        self.triples = 0

    def add(self, s: str, p: str, o: str, g: str, *, restated: bool = False) -> None:
        """One quad; ``restated`` marks a triple another graph already holds."""
        self.emit(f"{s} {p} {o} {g} .\n")
        self.quads += 1
        if not restated:
            self.triples += 1


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _skewed(rng: random.Random, n: int, alpha: float = 1.2) -> int:
    """An index in ``range(n)``, small ones much more likely (a Zipf-like popularity)."""
    return min(int(rng.paretovariate(alpha)) - 1, n - 1)


def _date(rng: random.Random, year_from: int = 2008, year_to: int = 2026) -> str:
    year = rng.randint(year_from, year_to)
    kind = rng.random()
    if kind < 0.6:
        return literal(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date")
    if kind < 0.85:
        return literal(f"{year}-{rng.randint(1, 12):02d}", "gYearMonth")
    return literal(str(year), "gYear")


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def synthetic_quads(target: int, seed: int = SEED) -> Iterator[str]:
    """N-Quads lines of an ecosystem whose merged graph has about ``target`` triples
    (the ontology not counted)."""
    lines: list[str] = []
    w = _Writer(lines.append)
    rng = random.Random(seed)
    companies_estimate = max(target // 30, 40)
    # --- the category tree, in the essay's scheme --------------------------------------
    taxonomy = "<https://example.org/synthetic/taxonomy>"
    w.add(taxonomy, f"<{A}>", eco("Source"), taxonomy)
    w.add(taxonomy, f"<{DCTERMS}title>", literal("A synthetic category tree"), taxonomy)
    # every source described as the data's own are: a kind and a publisher (the shapes ask)
    w.add(taxonomy, f"<{DCTERMS}publisher>", literal("container-kg benchmarks"), taxonomy)
    w.add(taxonomy, eco("sourceKind"), iri("source-analysis"), taxonomy)
    categories = [iri(c) for c in TOP_CATEGORIES]
    for i in range(max(companies_estimate // 25, 12)):
        cat = iri(f"syn-category-{i}")
        parent = categories[_skewed(rng, len(categories), 0.8)]
        name = f"{_words(rng, 2).title()} {i}"
        w.add(cat, f"<{A}>", eco("Category"), taxonomy)
        w.add(cat, f"<{SKOS}inScheme>", iri("categories"), taxonomy)
        w.add(cat, f"<{SKOS}broader>", parent, taxonomy)
        w.add(cat, f"<{LABEL}>", literal(name), taxonomy)
        w.add(cat, f"<{SKOS}prefLabel>", literal(name), taxonomy)
        w.add(cat, eco("source"), taxonomy, taxonomy)
        categories.append(cat)
    yield from lines
    lines.clear()
    # --- organisations and their products, one registry page per hundred ----------------
    orgs: list[str] = []
    consortia: list[str] = []
    acquired: set[str] = set()
    i = 0
    while w.triples < target:
        if i % 100 == 0:
            registry = f"<https://example.org/synthetic/registry/{i // 100}>"
            w.add(registry, f"<{A}>", eco("Source"), registry)
            w.add(registry, f"<{DCTERMS}title>", literal(f"Registry page {i // 100}"), registry)
            w.add(registry, f"<{DCTERMS}issued>", _date(rng, 2015), registry)
            w.add(registry, f"<{DCTERMS}publisher>", literal("Synthetic Registry"), registry)
            w.add(registry, eco("sourceKind"), iri("source-dataset"), registry)
        org = iri(f"syn-org-{i}")
        roll = rng.random()
        kind = "Consortium" if roll < 0.01 else "Investor" if roll < 0.06 else "Company"
        name = f"{_name(rng)} {i}"
        w.add(org, f"<{A}>", eco(kind), registry)
        w.add(org, f"<{LABEL}>", literal(name), registry)
        w.add(org, eco("homepage"), literal(f"https://org-{i}.example.org/", "anyURI"), registry)
        w.add(
            org,
            eco("crunchbase"),
            literal(f"https://www.crunchbase.com/organization/org-{i}", "anyURI"),
            registry,
        )
        w.add(org, eco("foundingDate"), _date(rng, 1990, 2025), registry)
        w.add(org, eco("description"), literal(_words(rng, 8)), registry)
        # sorted: a set's order changes from one process to the next (string hashing)
        picked = {categories[_skewed(rng, len(categories), 0.7)] for _ in range(rng.randint(1, 2))}
        for cat in sorted(picked):
            w.add(org, eco("category"), cat, registry)
        w.add(org, eco("source"), registry, registry)
        if kind == "Consortium":
            consortia.append(org)
        for j in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            product = iri(f"syn-product-{i}-{j}")
            w.add(product, f"<{A}>", eco("Product"), registry)
            w.add(product, f"<{LABEL}>", literal(f"{_name(rng)} {_words(rng, 1)}"), registry)
            w.add(product, eco("developer"), org, registry)
            w.add(
                product, eco("category"), categories[_skewed(rng, len(categories), 0.7)], registry
            )
            w.add(
                product,
                eco("repository"),
                literal(f"https://github.com/org-{i}/product-{j}", "anyURI"),
                registry,
            )
            w.add(product, eco("description"), literal(_words(rng, 10)), registry)
            w.add(product, eco("source"), registry, registry)
        orgs.append(org)
        # --- an acquisition now and then, mostly by the big acquirers --------------------
        if i > 20 and rng.random() < 0.22:
            buyer = orgs[_skewed(rng, len(orgs), 0.9)]
            target_org = orgs[rng.randrange(len(orgs))]
            if target_org != buyer and target_org not in acquired:
                acquired.add(target_org)
                _acquisition(w, rng, len(acquired), buyer, target_org)
        # --- a coalition now and then ----------------------------------------------------
        if i > 50 and consortia and rng.random() < 0.008:
            _coalition(w, rng, i, orgs, rng.choice(consortia))
        i += 1
        if len(lines) > 10_000:
            yield from lines
            lines.clear()
    yield from lines


def _news(w: _Writer, rng: random.Random, page: str, title: str) -> None:
    w.add(page, f"<{A}>", eco("Source"), page)
    w.add(page, f"<{DCTERMS}title>", literal(title), page)
    w.add(page, f"<{DCTERMS}publisher>", literal(rng.choice(_PUBLISHERS)), page)
    w.add(page, f"<{DCTERMS}issued>", _date(rng), page)
    w.add(page, eco("sourceKind"), iri("source-press"), page)


def _acquisition(w: _Writer, rng: random.Random, n: int, buyer: str, bought: str) -> None:
    page = f"<https://news.example.org/acquisitions/{n}>"
    event = iri(f"syn-acquisition-{n}")
    _news(w, rng, page, f"Acquisition number {n}")
    w.add(event, f"<{A}>", eco("Acquisition"), page)
    w.add(event, f"<{LABEL}>", literal(f"Acquisition {n}"), page)
    w.add(event, eco("acquirer"), buyer, page)
    w.add(event, eco("acquired"), bought, page)
    w.add(event, eco("date"), _date(rng), page)
    if rng.random() < 0.4:
        price = f"{rng.randint(1, 5000) * 1_000_000}.{rng.choice(('0', '5', '25'))}"
        w.add(event, eco("price"), literal(price, "decimal"), page)
    w.add(event, eco("source"), page, page)
    w.add(event, eco("quote"), literal(f"The company announced acquisition {n} today."), page)
    # The page restates what the acquired organisation is: a triple the registry also holds
    # (new only when the registry called it an investor or a consortium).
    w.add(bought, f"<{A}>", eco("Company"), page, restated=True)
    if rng.random() < 0.2:
        second = f"<https://news.example.org/acquisitions/{n}/follow-up>"
        _news(w, rng, second, f"More on acquisition {n}")
        w.add(event, eco("source"), second, second)
        w.add(
            event, eco("quote"), literal(f"Acquisition {n} closed for an undisclosed sum."), second
        )


def _coalition(w: _Writer, rng: random.Random, i: int, orgs: list[str], formed: str) -> None:
    page = f"<https://news.example.org/coalitions/{i}>"
    event = iri(f"syn-coalition-{i}")
    _news(w, rng, page, f"Coalition {i} announced")
    w.add(event, f"<{A}>", eco("Coalition"), page)
    w.add(event, f"<{LABEL}>", literal(f"Coalition {i}"), page)
    w.add(event, eco("date"), _date(rng), page)
    w.add(event, eco("formed"), formed, page)
    w.add(event, eco("source"), page, page)
    w.add(event, eco("quote"), literal(f"Members came together to form coalition {i}."), page)
    members = {orgs[_skewed(rng, len(orgs), 0.8)] for _ in range(rng.randint(3, 30))}
    for member in sorted(members):
        w.add(event, eco("member"), member, page)


def ontology_lines() -> list[str]:
    """The ontology and the category scheme as N-Quads in the ontology's graph."""
    import pyoxigraph as ox

    from kg.sources import ontology_files, parse_file

    quads = [q for source in ontology_files() for q in parse_file(source)]
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert text is not None
    return text.decode().splitlines(keepends=True)


def _fingerprint() -> str:
    """Changes when anything that makes the files or what is timed on them changes: this
    generator, the ontology, the package that writes the build and reads it (kg/**/*.py),
    the engine that wrote the on-disk copy (its format is the engine's own), the baseline's
    version and Python's. A stale cache must never be timed."""
    import platform
    from importlib.metadata import version

    import kg
    from kg.sources import ontology_files

    engines = f"pyoxigraph {version('pyoxigraph')} rdflib {version('rdflib')}"
    digest = hashlib.sha256(f"v{VERSION} {engines} {platform.python_version()}".encode())
    for source in ontology_files():
        digest.update(source.path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    for path in sorted(Path(kg.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def dataset(size: str, *, seed: int = SEED, cache: Path | None = None) -> Dataset:
    """The data set of ``size`` (a key of :data:`SIZES`), generated when missing."""
    import json

    cache = cache or cache_dir()

    folder = cache / f"synthetic-{size}-seed{seed}-{_fingerprint()}"
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        import shutil

        from kg.io import ensure_dir, exclusive_lock

        # Parallel test workers may ask for the same data set at once: one makes it, the
        # others wait and then read it.
        with exclusive_lock(ensure_dir(cache) / f".synthetic-{size}-seed{seed}.lock"):
            if not meta_path.is_file():
                for stale in cache.glob(f"synthetic-{size}-seed{seed}-*"):
                    shutil.rmtree(stale, ignore_errors=True)  # an older generator's
                _generate(folder, SIZES[size], seed)
    meta = json.loads(meta_path.read_text())
    return Dataset(
        name=size,
        nquads=folder / "data.nq",
        dist=folder / "dist",
        triples=int(meta["triples"]),
        quads=int(meta["quads"]),
    )


def _generate(folder: Path, target: int, seed: int) -> None:
    import json

    from kg.build import write_dist
    from kg.io import atomic_write
    from kg.store import OxigraphStore

    folder.mkdir(parents=True, exist_ok=True)
    ontology = ontology_lines()
    fd, tmp = tempfile.mkstemp(prefix=".data.nq.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(ontology)
        quads = len(ontology)
        for line in synthetic_quads(target, seed):
            fh.write(line)
            quads += 1
    os.replace(tmp, folder / "data.nq")
    store = OxigraphStore()
    store.load_file(folder / "data.nq", "nq")
    merged = OxigraphStore()
    merged.replace(store.quads())
    write_dist(merged, folder / "dist", formats=["nt"], sources=[])
    triples = len(merged)
    meta = {"triples": triples, "quads": quads, "seed": seed, "target": target}
    atomic_write(folder / "meta.json", json.dumps(meta, indent=2))
