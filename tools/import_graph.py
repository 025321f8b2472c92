"""The import graph of fangxian, as a reader checks it: `make imports` (or `python tools/import_graph.py`).

Prints, from the source alone (no Django needed):

- the app-level graph (which app imports which);
- the imports that go against the layers declared in pyproject.toml ([tool.importlinter],
  the same list `lint-imports` enforces): a lower layer importing a higher one, or one of
  two independent siblings importing the other;
- the module cycles (strongly connected groups of modules), counting imports inside
  functions too: an import moved into a function hides a cycle from a reader, not from this;
- the imports of fangxian modules made inside functions.

Exits 1 when there is an upward import or a cycle.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fangxian"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(mods: dict[str, Path]) -> tuple[dict[str, set[str]], list[str]]:
    """{module: the fangxian modules it imports} and ["path:line module"] of imports in functions."""
    edges: dict[str, set[str]] = defaultdict(set)
    inside: list[str] = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(), str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        in_function = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                       for node in ast.walk(fn)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [target] + [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            found = [t for t in targets if t in mods and t != name]
            edges[name].update(found)
            if found and id(node) in in_function:
                inside.append(f"{path.relative_to(ROOT)}:{node.lineno} {found[0]}")
    return edges, inside


def app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [[part.strip() for part in layer.replace(":", "|").split("|")] for layer in contract["layers"]]


def upward(edges: dict[str, set[str]]) -> list[str]:
    rank = {app: (height, app) for height, layer in enumerate(layers()) for app in layer}
    wrong = []
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            a, b = rank.get(app_of(source)), rank.get(app_of(target))
            if a is None or b is None or a[1] == b[1]:
                continue
            if a[0] > b[0] or a[0] == b[0]:  # lower layer imports higher, or a sibling
                wrong.append(f"{source} -> {target}")
    return wrong


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(groups)


def main() -> int:
    mods = modules()
    edges, inside = imports(mods)
    apps: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        apps[app_of(source)].update(app_of(t) for t in targets if app_of(t) != app_of(source))
    print(f"== app-level graph ({len(mods)} modules) ==")
    for app in sorted(apps):
        if apps[app]:
            print(f"  {app} -> {', '.join(sorted(apps[app]))}")
    wrong, loops = upward(edges), cycles(edges)
    print(f"== imports against the layers: {len(wrong)} ==")
    for line in wrong:
        print(f"  {line}")
    print(f"== module cycles: {len(loops)} ==")
    for group in loops:
        print(f"  {' <-> '.join(group)}")
    print(f"== imports inside functions: {len(inside)} ==")
    for line in inside:
        print(f"  {line}")
    return 1 if wrong or loops else 0


if __name__ == "__main__":
    sys.exit(main())
