"""The layout keeps its promises: imports point down the pipeline, and the README's picture of
them is the code's.

Read from the source with ``ast`` (nothing is imported): every ``import`` of a project module
that runs (those under ``if TYPE_CHECKING:`` only name types and are left out).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "kg"

#: The stages, lowest first: a module may import from its own stage or a lower one only.
LAYERS: list[set[str]] = [
    {
        "kg.errors",
        "kg.namespaces",
        "kg.resources",
        "kg.version",
        "kg.text",
        "kg.io",
        "kg.dates",
        "kg.lexer",
        "kg.yamlfile",
        "kg.shacl",
    },
    {"kg.store"},
    {"kg.sparql"},
    {"kg.sources", "kg.labels"},
    {"kg.formats", "kg.query", "kg.validate", "kg.stats"},
    {"kg.history", "kg.trends"},
    {"kg.build", "kg.workspace", "kg.views"},
    {"kg.analysis"},
    {"kg.viz", "kg.importers"},
    {"kg.graph"},
    {"kg.serve"},
    {"kg.cli", "kg.commands", "kg.__main__", "kg"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """The stage a module belongs to: its package below ``kg`` (``kg.store.remote`` is in
    ``kg.store``), or the module itself at the top."""
    parts = module.split(".")
    return ".".join(parts[:2])


class Imports(ast.NodeVisitor):
    """The project imports of one module: (target, line, in a function, names imported)."""

    def __init__(self, module: str, known: set[str]) -> None:
        self.module = module
        self.known = known
        self.found: list[tuple[str, int, bool, list[str]]] = []
        self.depth = 0
        self.type_checking = 0

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            self.type_checking += 1
            for child in node.body:
                self.visit(child)
            self.type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "kg" or alias.name.startswith("kg."):
                self._add(alias.name, node.lineno, [])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not (module == "kg" or module.startswith("kg.")):
            return
        names = [a.name for a in node.names]
        base = node.module or ""
        # `from kg import resources` imports the submodule kg.resources.
        submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in self.known]
        if submodules and base == "kg":
            for sub in submodules:
                self._add(sub, node.lineno, [])
            rest = [n for n in names if f"{base}.{n}" not in self.known]
            if rest:
                self._add(base, node.lineno, rest)
            return
        self._add(base, node.lineno, names)

    def _add(self, target: str, line: int, names: list[str]) -> None:
        if self.type_checking:
            return
        self.found.append((target, line, self.depth > 0, names))


def imports() -> dict[str, list[tuple[str, int, bool, list[str]]]]:
    known = set(modules())
    out = {}
    for name, path in modules().items():
        visitor = Imports(name, known)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        out[name] = visitor.found
    return out


def layer_of(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if module in layer or unit(module) in layer:
            return i
    raise AssertionError(f"{module} is in no layer of LAYERS: add it where it belongs")


def test_every_module_has_a_stage() -> None:
    for name in modules():
        layer_of(name)


@pytest.mark.slow
def test_imports_point_down_the_pipeline() -> None:
    upward = []
    for module, found in imports().items():
        for target, line, _in_function, _names in found:
            if unit(target) == unit(module):
                continue
            if layer_of(target) > layer_of(module):
                upward.append(f"{module}:{line} imports {target}")
    assert not upward, "imports that run back up the pipeline:\n" + "\n".join(upward)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


@pytest.mark.slow
def test_no_import_cycle_between_modules() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, found in imports().items():
        for target, *_ in found:
            if target != module and target != "kg":
                edges[module].add(target)
    assert _cycles(edges) == []


@pytest.mark.slow
def test_no_private_name_is_imported_across_modules() -> None:
    private = [
        f"{module}:{line} imports {name} from {target}"
        for module, found in imports().items()
        for target, line, _f, names in found
        for name in names
        if name.startswith("_") and name != "__version__"
    ]
    assert not private, "\n".join(private)


#: The project imports inside a function, each for a one-shot ``kg query``'s start-up (with
#: DYNAMIC_IMPORTS below: the lazy loading). The package's PEP 562 hook: ``kg.KnowledgeGraph``
#: imports the facade on first use, so that ``import kg.query`` does not load it and all it
#: reaches. The ``kg`` entry: ``kg query`` without click (``kg.commands.ask``), the rest with
#: it (``kg.commands.base``). The workspace: the history only for ``--as-of``, the derivation
#: only when nothing is built.
LAZY_ATTRIBUTES = {
    ("kg", "kg.graph"),
    ("kg.commands.entry", "kg.commands"),
    ("kg.commands.entry", "kg.commands.base"),
    ("kg.workspace", "kg.history.asof"),
    ("kg.workspace", "kg.history.ownership"),
}


@pytest.mark.slow
def test_no_project_import_inside_a_function() -> None:
    inside = [
        f"{module}:{line} imports {target} inside a function"
        for module, found in imports().items()
        for target, line, in_function, _names in found
        if in_function and (module, target) not in LAZY_ATTRIBUTES
    ]
    assert not inside, "\n".join(inside)


def test_the_package_imports_the_facade_only_in_its_getattr() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    hooks = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [h.name for h in hooks] == ["__getattr__"]
    visitor = Imports("kg", set(modules()))
    visitor.visit(tree)
    assert [(t, f) for t, _line, f, _n in visitor.found if f] == [("kg.graph", True)]


#: The one place allowed to import the project's modules by name at run time: the command
#: line's table of commands (kg.commands.base.COMMANDS), each command's module imported when
#: it runs, so that `kg query` starts without the modules the other commands need (click's
#: lazily loaded subcommands). It imports commands only, by the names in that table.
DYNAMIC_IMPORTS = {("kg.commands.base", "load")}


_BY_NAME = ("importlib.import_module", "import_module", "__import__", "importlib.__import__")


def by_name_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """(enclosing function, line) of every import by name in a module: a call of
    ``importlib.import_module``, ``import_module`` or ``__import__``."""
    found = []
    for func in [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]:
        for node in ast.walk(func):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in _BY_NAME:
                found.append((func.name, node.lineno))
    inside = {line for _f, line in found}
    for node in ast.walk(tree):
        called = isinstance(node, ast.Call) and ast.unparse(node.func) in _BY_NAME
        if called and node.lineno not in inside:
            found.append(("<module>", node.lineno))
    return found


def dynamic_imports() -> list[tuple[str, str, int]]:
    """(module, enclosing function, line) of every import by name in the package."""
    found = set()
    for name, path in modules().items():
        for where, line in by_name_imports(ast.parse(path.read_text(encoding="utf-8"))):
            found.add((name, where, line))
    return sorted(found)


def test_modules_are_imported_by_name_only_by_the_command_table() -> None:
    found = dynamic_imports()
    outside = [f"{m}:{line} ({f})" for m, f, line in found if (m, f) not in DYNAMIC_IMPORTS]
    assert outside == [], "imports by name outside kg.commands.base.load:\n" + "\n".join(outside)
    assert {(m, f) for m, f, _line in found} == DYNAMIC_IMPORTS


def test_an_import_by_name_is_seen_wherever_it_is() -> None:
    code = (
        "import importlib\n"
        "from importlib import import_module\n"
        "X = importlib.import_module('kg.graph')\n"
        "def f():\n"
        "    def g():\n"
        "        return __import__('kg.views')\n"
        "    return import_module('kg.viz')\n"
    )
    found = by_name_imports(ast.parse(code))
    assert sorted(found) == [("<module>", 3), ("f", 6), ("f", 7), ("g", 6)]


def test_the_command_table_names_commands_of_the_command_line() -> None:
    """Every entry of the table is a click command in kg.cli or kg.commands: the mechanism
    loads commands, not any module."""
    import click

    from kg.commands.base import COMMANDS, load

    for name, where in COMMANDS.items():
        module = where.partition(":")[0]
        assert module == "kg.cli" or module.startswith("kg.commands."), (name, where)
        assert isinstance(load(where), click.Command), where


@pytest.mark.slow
def test_pyoxigraph_is_imported_by_the_store_alone() -> None:
    """The engine is named in one package: everything else reads terms through kg.store."""
    outside = []
    for name, path in modules().items():
        if unit(name) == "kg.store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            plain = isinstance(node, ast.Import) and any(a.name == "pyoxigraph" for a in node.names)
            named = isinstance(node, ast.ImportFrom) and node.module == "pyoxigraph"
            if plain or named:
                outside.append(f"{name}:{node.lineno}")
    # Type names under TYPE_CHECKING are allowed: they run nothing.
    allowed = {m for m in outside if "TYPE_CHECKING" in _context(m)}
    assert sorted(set(outside) - allowed) == []


def _context(where: str) -> str:
    name, line = where.rsplit(":", 1)
    lines = modules()[name].read_text(encoding="utf-8").splitlines()
    start = int(line) - 1
    for i in range(start, -1, -1):
        if not lines[i].startswith((" ", "\t")):
            return lines[i]
    return ""


# --- the README's picture ---------------------------------------------------------------------


def package_edges() -> set[tuple[str, str]]:
    """Stage to stage imports, as the README draws them: the foundation modules (LAYERS[0]),
    which every stage uses, and the command line (which imports the facade and the stages it
    prints) are left out of the picture."""
    edges = set()
    for module, found in imports().items():
        for target, *_ in found:
            a, b = unit(module), unit(target)
            if a == b or b in LAYERS[0] or a in LAYERS[0] or a in LAYERS[-1] or b == "kg":
                continue
            edges.add((_short(a), _short(b)))
    return edges


def _short(name: str) -> str:
    return name.removeprefix("kg.")


def readme_edges() -> Iterator[tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block, "the README has no mermaid picture of the imports"
    for line in block.group(1).splitlines():
        m = re.fullmatch(r"\s*(\w+)\s*-->\s*(\w+)\s*", line)
        if m:
            yield m.group(1), m.group(2)


@pytest.mark.slow
def test_the_readme_picture_is_the_code() -> None:
    drawn = set(readme_edges())
    actual = package_edges()
    assert drawn == actual, (
        f"arrows in the code but not in the README: {sorted(actual - drawn)}; "
        f"in the README but not in the code: {sorted(drawn - actual)}"
    )


@pytest.mark.parametrize("name", ["kg.store", "kg.sparql", "kg.views", "kg.history"])
def test_packages_say_what_they_hold(name: str) -> None:
    path = PACKAGE / name.split(".")[1] / "__init__.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc) > 80
