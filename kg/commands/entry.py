"""The ``kg`` command: ``kg query`` in its common forms without click, the rest with it.

A one-shot ``kg query`` is a whole process whose start-up is most of its time; click's import
is about as long as the least pyoxigraph script's whole run. So this entry asks
:func:`kg.commands.ask.parse` first, which reads the forms certainly valid for ``kg query``
and declines the rest, and hands anything declined (and every other command) to click's
group (:func:`kg.commands.base.main`). Each path's modules are imported when it is taken:
``kg --help`` loads no query machinery, ``kg query NAME`` no click.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["query"]:
        from kg.commands import ask

        options = ask.parse(args[1:])
        if options is not None:
            sys.exit(ask.run(options))
    from kg.commands.base import main as with_click

    with_click()
