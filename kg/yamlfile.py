"""YAML from outside, read as plain data and nothing more.

:func:`load_plain` is PyYAML's safe loader (libyaml's when there is one) with the four things a
data file never needs taken away, each of which a hostile file uses:

* **aliases** (``*name``) are refused: they expand a few hundred bytes into gigabytes as soon as
  anything walks the value (an alias bomb), and no landscape, guide or overrides file uses them;
* **duplicate keys** are refused, each with its line: YAML keeps the last silently;
* **timestamps** stay text (``2021-02-30`` is the text ``"2021-02-30"``, for the caller to check
  as it checks the quoted form), so an impossible date is an ordinary problem, not a crash;
* **size**: a file over :data:`MAX_BYTES` is refused before it is parsed (libyaml caps nesting).

Every failure is a :class:`~kg.errors.SourceSyntaxError`: the file, the line, what is wrong
(duplicate keys are listed all at once).

>>> load_plain(b"accepted: 2021-02-30\\nname: x\\n", "a.yml")
{'accepted': '2021-02-30', 'name': 'x'}
>>> try:
...     load_plain(b"a: &x 1\\nb: *x\\n", "a.yml")
... except SourceSyntaxError as exc:
...     print(exc.message)
a.yml:1: refused: an alias (*name) of the anchor at line 1: anchors and aliases are not read
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from kg.errors import SourceSyntaxError
from kg.text import clip

if TYPE_CHECKING:
    import yaml

#: The largest file read (the real landscape.yml is about 1 MB).
MAX_BYTES = 32 * 1024 * 1024
MAX_LISTED = 25


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        super().__init__("alias")
        self.line = line


@functools.cache
def plain_loader() -> type[yaml.SafeLoader]:
    """The safe loader (libyaml's when there is one) without aliases, duplicate keys or
    timestamps (see the module). Made on first use: PyYAML is imported only then."""
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlainLoader(base):  # type: ignore[valid-type,misc]
        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self.duplicates: list[tuple[int, str]] = []

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            # A tree has no shared nodes: a node met twice is the target of an alias.
            if node in self.constructed_objects or node in self.recursive_objects:
                raise _AliasRefused(node.start_mark.line + 1)
            return super().construct_object(node, deep=deep)

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            first: dict[tuple[str, str], int] = {}
            for key_node, _value in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = (key_node.tag, key_node.value)
                line = key_node.start_mark.line + 1
                if key in first:
                    self.duplicates.append(
                        (
                            line,
                            f"line {line}: the key `{clip(str(key_node.value), 60)}` appears "
                            f"twice in one mapping (also at line {first[key]}): keep one",
                        )
                    )
                else:
                    first[key] = line
            return super().construct_mapping(node, deep=deep)

        def construct_timestamp_as_text(self, node: yaml.Node) -> str:
            return str(self.construct_scalar(node))

    PlainLoader.add_constructor(
        "tag:yaml.org,2002:timestamp", PlainLoader.construct_timestamp_as_text
    )
    return PlainLoader


def load_plain(raw: bytes, path: str) -> Any:
    """The plain data of a YAML document (``path`` names it in errors)."""
    if len(raw) > MAX_BYTES:
        raise SourceSyntaxError(
            path,
            None,
            f"refused: {len(raw):,} bytes is more than the {MAX_BYTES:,} a YAML file may have",
            hint="Give the file itself, not a larger one: the real landscape.yml is about 1 MB.",
        )
    import yaml

    loader = None
    try:
        loader = plain_loader()(raw)
        data = loader.get_single_data()
        duplicates: list[tuple[int, str]] = loader.duplicates  # type: ignore[attr-defined]
    except _AliasRefused as exc:
        raise SourceSyntaxError(
            path,
            exc.line,
            f"refused: an alias (*name) of the anchor at line {exc.line}: "
            "anchors and aliases are not read",
            hint="Write the value out where it is used: a data file has no need of aliases.",
        ) from None
    except yaml.constructor.ConstructorError as exc:
        problem = str(exc.problem or exc)
        unknown_tag = "could not determine a constructor" in problem
        raise SourceSyntaxError(
            path,
            _line(exc),
            f"refused: {clip(problem, 200)}",
            hint="The file asks for a YAML tag that would build an object; the safe loader "
            "never does. A data file holds plain data: remove the tag."
            if unknown_tag
            else "Fix that value.",
        ) from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
        line = _line(exc)
        if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.position, int):
            line = raw[: exc.position].count(b"\n") + 1
        raise SourceSyntaxError(
            path,
            line,
            f"not valid YAML: {clip(str(problem), 200)}",
            hint="Fix the YAML syntax there.",
        ) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML's constructors raise plain errors for some values (a number of more
        # than 4,300 digits, for one): the file is still the one at fault.
        raise SourceSyntaxError(
            path,
            None,
            f"refused: a value cannot be read: {clip(str(exc), 200)}",
            hint="Fix or quote that value.",
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if duplicates:
        n = len(duplicates)
        first_line = duplicates[0][0]
        listed = "\n".join(f"  - {d}" for _, d in duplicates[:MAX_LISTED])
        more = f"\n  ... and {n - MAX_LISTED} more" if n > MAX_LISTED else ""
        raise SourceSyntaxError(
            path,
            first_line,
            f"{n} duplicate key{'s' if n != 1 else ''} (YAML would keep only the last of "
            f"each); nothing was read:\n{listed}{more}",
            hint="Remove or rename the duplicates named above, then try again.",
        )
    return data


def _line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None
