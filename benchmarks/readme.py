"""The README's performance figures, quoted from benchmarks/RESULTS.md, never typed by hand.

``python -m benchmarks.readme`` copies the run's description and every line of RESULTS.md that
has a target (and the growth table when the run printed one) into README.md, between the
markers ``<!-- bench:start -->`` and ``<!-- bench:end -->``; ``--check`` only says whether the
README already quotes RESULTS.md (``make test`` runs it through tests/test_benchmarks.py), so
the two cannot disagree again. ``make bench`` runs it after the benchmarks.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
README = REPO / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
#: The run's description lines quoted beside the figures (RESULTS.md's "- **name**: value").
FACTS = ("date", "CPU", "run time")


def _tables(text: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Each Markdown table of ``text``: the heading above it, its header cells and its rows."""
    tables: list[tuple[str, list[str], list[list[str]]]] = []
    heading = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        rule = i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1])
        if line.startswith("|") and rule:
            header = _cells(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables.append((heading, header, rows))
            continue
        i += 1
    return tables


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render(results: str) -> str:
    """The README block for a RESULTS.md text: the run's facts, the lines with a target, the
    growth table."""
    facts = dict(re.findall(r"^- \*\*(.+?)\*\*: (.+)$", results, flags=re.M))
    said = "; ".join(f"{name}: {facts[name]}" for name in FACTS if name in facts)
    tables = _tables(results)
    if not tables:
        raise ValueError("benchmarks/RESULTS.md holds no table: run `make bench` first")
    _, header, rows = tables[0]
    target = header.index("target") if "target" in header else None
    targeted = [row for row in rows if target is not None and len(row) > target and row[target]]
    # one line per library query only checks its rows: counted here, listed in RESULTS.md
    same = [row for row in targeted if row[target] == "same rows"]
    chosen = [row for row in targeted if row[target] != "same rows"]
    failed = sum(1 for row in chosen if "FAIL" in row[-1])
    same_failed = sum(1 for row in same if "FAIL" in row[-1])
    block = [
        START,
        "<!-- written by `python -m benchmarks.readme` from benchmarks/RESULTS.md: do not edit -->",
        "",
        f"From [benchmarks/RESULTS.md](benchmarks/RESULTS.md) ({said}): the {len(chosen)} lines "
        f"with a target, {failed} of them failing; besides, {len(same)} query lines check that "
        f"our rows equal rdflib's ({same_failed} failing). Every other line is in RESULTS.md.",
        "",
        *_table(header, chosen),
    ]
    for heading, header, rows in tables[1:]:
        if "growth" in heading.lower():
            block += ["", f"**{heading}**", "", *_table(header, rows)]
    block.append(END)
    return "\n".join(block)


def splice(readme: str, block: str) -> str:
    """``readme`` with the text between the markers replaced by ``block``."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {START} ... {END} markers in its performance section")
    return readme[:start] + block + readme[end + len(END) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.readme", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    new = splice(readme, render(RESULTS.read_text(encoding="utf-8")))
    if args.check:
        if new != readme:
            print("README.md does not quote benchmarks/RESULTS.md: run python -m benchmarks.readme")
            return 1
        return 0
    if new != readme:
        README.write_text(new, encoding="utf-8")
        print("README.md: performance figures quoted from benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
