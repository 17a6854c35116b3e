"""``kg import`` and ``kg diff``: the CNCF landscape brought in as graphs of their own, and
two of its files compared. Their own module: the importers are a fifth of what the other
commands would import at start-up.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from kg import resources
from kg.commands.base import format_option, with_progress
from kg.commands.console import note, terminal_width
from kg.errors import UsageError
from kg.formats import render_records
from kg.importers.landscape import (
    diff_landscapes,
    emit_changes,
    import_landscape,
    import_landscape_history,
    read_landscape,
    snapshot_date,
)
from kg.importers.landscape.fetch import OFFICIAL, is_url
from kg.importers.landscape.fetch import fetch as fetch_landscape
from kg.namespaces import shorten


@click.group("import")
def import_group() -> None:
    """Import an outside data set as a graph of its own under imports/ (`kg build` reads it).

    \b
    Example:
      kg import landscape ../shared/data/cncf-landscape/landscape-2026-08-07.yml
      kg import landscape-history landscape   # a clone of github.com/cncf/landscape
    """


@import_group.command("landscape")
@click.argument("source", required=False, metavar="[PATH|URL]")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="The snapshot's date, YYYY-MM-DD [the date in the file name; asked for on a "
    "terminal when there is none].",
)
@click.option(
    "--guide",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The landscape guide (guide.yml): category definitions.",
)
@format_option(("table", "json"))
def import_landscape_command(
    source: str | None, as_of: str | None, guide: Path | None, fmt: str
) -> None:
    """Import a CNCF landscape.yml (any era), linked to the curated graph.

    SOURCE is a file, an https:// address, or nothing: then the official landscape.yml of
    github.com/cncf/landscape is downloaded (with a progress bar on a terminal) into
    imports/downloads/ and imported as today's snapshot.

    Writes imports/cncf-landscape-DATE.trig: one graph named after the snapshot (an eco:Source
    with the file's sha256), all or nothing. The same file again changes nothing; a newer
    snapshot is a new file beside the old one. Prints what was linked to the curated graph,
    what is new, and what is ambiguous (not merged: settle it in
    data/linking/landscape-overrides.yaml). Run `kg build` afterwards.

    \b
    Example:
      kg import landscape landscape-2026-08-07.yml --guide guide-2026-07-02.yml
      kg import landscape landscape.yml --as-of 2026-08-07 --format json
      kg import landscape            # the current one, from github.com/cncf/landscape
      kg build && kg query graduated-projects-of-essay-companies
    """
    path = _landscape_file(source)
    if as_of is None and sys.stdin.isatty() and sys.stderr.isatty():
        try:
            snapshot_date(path)
        except UsageError:
            as_of = click.prompt("Date of this snapshot (YYYY-MM-DD)", err=True)
    report = import_landscape(path, as_of=as_of, guide=guide, progress=with_progress("linking"))
    data = report.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for warning in report.warnings:
        note(f"warning: {warning}")
    click.echo(
        f"{'imported' if report.changed else 'unchanged (already imported)'}: {path.name} as "
        f"{shorten(report.source)} -> {report.output}\n"
        f"{report.categories} categories, {report.subcategories} subcategories, "
        f"{report.items:,} items: {report.products:,} products, {report.organizations:,} "
        f"organisations ({report.members:,} member entries, {report.folded:,} items that are "
        f"organisations), {report.events:,} maturity events; {report.triples:,} triples "
        f"in {report.seconds:.2f} s\n"
        f"linked to the curated graph: {len(report.matched)} matched, {report.new:,} new, "
        f"{len(report.ambiguous)} ambiguous\n"
    )
    for key, heading in (
        ("matched", "matched"),
        ("ambiguous", "ambiguous: not merged; decide in data/linking/landscape-overrides.yaml"),
    ):
        rows = data[key]
        if isinstance(rows, list) and rows:
            click.echo(heading)
            headers = list(rows[0])
            click.echo(render_records(headers, [[r[h] for h in headers] for r in rows], "table"))
    click.echo("next: kg build")


def _landscape_file(source: str | None) -> Path:
    """A local landscape.yml for SOURCE: the file itself, or a download of an address (the
    official file when SOURCE is None)."""
    if source is not None and not is_url(source):
        path = Path(source)
        if not path.is_file():
            raise UsageError(
                f"no landscape file {path}",
                hint="Give a landscape.yml, an https:// address, or nothing for the official one.",
            )
        return path
    url = source or OFFICIAL
    folder = resources.imports_dir() / "downloads"
    if not sys.stderr.isatty():
        return fetch_landscape(url, folder=folder)
    with click.progressbar(length=0, label=f"downloading {url}", file=sys.stderr) as bar:

        def advance(done: int, total: int | None) -> None:
            if total and not bar.length:
                bar.length = total
            bar.update(done - bar.pos)

        return fetch_landscape(url, folder=folder, progress=advance)


class _RevisionBar:
    """The history import's progress: a bar of revisions on a terminal, nothing when piped."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int, _revision: object) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="revisions", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@import_group.command("landscape-history")
@click.argument("repo", type=click.Path(path_type=Path))
@click.option("--since", metavar="DATE", default=None, help="Changes from DATE on (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", default=None, help="Changes up to DATE (YYYY-MM-DD).")
@click.option(
    "--every",
    type=click.Choice(["commit", "day", "month"]),
    default="commit",
    show_default=True,
    help="Read every commit, or the last one of each day or month (faster, coarser).",
)
@click.option("--ref", default=None, metavar="REF", help="The branch or commit to read [HEAD].")
@click.option("--fresh", is_flag=True, help="Ignore the saved state: read the whole history.")
@format_option(("table", "json"))
def import_landscape_history_command(
    repo: Path,
    since: str | None,
    until: str | None,
    every: str,
    ref: str | None,
    fresh: bool,
    fmt: str,
) -> None:
    """Import the history of landscape.yml in a git clone of the CNCF landscape.

    Every change of every commit becomes a dated event citing its upstream commit: items
    listed, delisted, renamed, moved; CNCF maturity; organisation (Crunchbase) changes, linked
    to a curated acquisition or donation where one matches; memberships and certifications.
    Writes imports/cncf-landscape-history.trig (one graph) and keeps a state beside it, so
    that importing again after new upstream commits reads only those. Run `kg build` after.

    \b
    Example:
      git clone https://github.com/cncf/landscape   # or clone the history bundle
      kg import landscape-history landscape
      kg import landscape-history landscape --since 2024-01-01 --every day
      kg build && kg trends --by maturity
    """
    bar = _RevisionBar()
    try:
        report = import_landscape_history(
            repo, since=since, until=until, every=every, ref=ref, fresh=fresh,
            progress=bar, note=note,
        )  # fmt: skip
    finally:
        bar.close()
    for problem in report.skipped:
        note(
            f"skipped: landscape.yml at commit {str(problem['commit'])[:12]} ({problem['date']}, "
            f"{problem['upstream']}): {problem['kind']}: {problem['message']}"
            + (f" (line {problem['line']})" if problem.get("line") else "")
        )
    for message in report.notes:
        note(f"note: {message}")
    if fmt == "json":
        click.echo(json.dumps(report.summary(), indent=2, ensure_ascii=False))
        return
    kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(report.events_by_kind.items()))
    periods = ", ".join(
        f"{n:,} {shorten(k).removeprefix('eco:')}"
        for k, n in sorted(report.periods_by_class.items())
    )
    click.echo(
        f"{'imported' if report.changed else 'unchanged'}: {report.revisions:,} revisions of "
        f"landscape.yml ({report.first} to {report.last}) -> {report.output}\n"
        f"read {report.read:,} revisions"
        + (" since the last import" if report.incremental else "")
        + f": {report.new_events:,} new events\n"
        f"{report.events:,} events ({kinds})\n"
        f"periods: {periods}; {len(report.corroborated)} organisation changes matched to a "
        f"curated deal; {report.commits:,} commits cited; {report.triples:,} triples in "
        f"{report.seconds:.1f} s\n"
        "next: kg build"
    )


@click.group("diff")
def diff_group() -> None:
    """Compare two snapshots of an outside data set.

    \b
    Example:
      kg diff landscape landscape-2018-12-28.yml landscape-2026-08-07.yml
    """


@diff_group.command("landscape")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option(("table", "csv", "tsv", "json", "md"))
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["added", "removed", "renamed", "moved", "organisation", "maturity"]),
    help="Only changes of this kind (repeatable).",
)
@click.option(
    "--emit",
    is_flag=True,
    help="Also write the changes as eco:LandscapeChange events into imports/ "
    "(derived from both snapshots).",
)
@click.option("--old-date", default=None, metavar="DATE", help="OLD's date [from its file name].")
@click.option("--new-date", default=None, metavar="DATE", help="NEW's date [from its file name].")
def diff_landscape_command(
    old: Path,
    new: Path,
    fmt: str,
    kinds: tuple[str, ...],
    emit: bool,
    old_date: str | None,
    new_date: str | None,
) -> None:
    """What changed between two CNCF landscape.yml snapshots.

    Items added, removed and renamed (same repository or homepage, another name), moved to
    other subcategories, changed organisation (their Crunchbase URL: an ownership change) or
    CNCF maturity. One row per change: kind, item, before, after, where.

    \b
    Example:
      kg diff landscape landscape-2018-12-28.yml landscape-2026-08-07.yml
      kg diff landscape OLD.yml NEW.yml --kind organisation --format csv
      kg diff landscape OLD.yml NEW.yml --emit && kg build
    """
    a, b = read_landscape(old), read_landscape(new)
    changes = diff_landscapes(a, b)
    if emit:
        target, changed, n = emit_changes(
            a, b, old_date=old_date, new_date=new_date, changes=changes
        )
        note(f"{'wrote' if changed else 'unchanged'}: {n:,} changes as events in {target}")
    shown = [c for c in changes if not kinds or c.kind in kinds]
    counts = Counter(c.kind for c in changes)
    note(", ".join(f"{n:,} {k}" for k, n in counts.items()) or "no changes")
    rows = [[c.kind, c.name, c.before, c.after, c.path] for c in shown]
    click.echo(
        render_records(
            ["change", "item", "before", "after", "where"], rows, fmt, width=terminal_width()
        ),
        nl=False,
    )
