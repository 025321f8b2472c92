"""The architecture holds in the code, not only in docs/architecture.md: one access policy,
imports that run one way, role names from the enum."""

import re
from pathlib import Path

from fangxian.core.scope import Role
from tools import import_graph

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for p in (ROOT / "fangxian").rglob("*") if p.suffix in (".py", ".html") and "migrations" not in p.parts]
POLICY = "fangxian/core/scope.py"


def _lines_matching(pattern: str, *, outside: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in SOURCES:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(outside):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_it_asks_the_access_policy_instead_of_rebuilding_it():
    assert _lines_matching(r"is_superuser or", outside=(POLICY,)) == []
    # The memberships are read by accounts for the policy; nobody else queries them.
    assert _lines_matching(r"Membership\.objects", outside=("fangxian/accounts/",)) == []


def test_it_names_roles_by_the_enum_not_by_strings():
    literals = "|".join(re.escape(f'"{role.value}"') for role in Role)
    found = _lines_matching(literals, outside=(POLICY,))
    # Another enum may share a value (a grid team's grid worker): its own definition is not a use.
    assert [line for line in found if not re.search(r": [A-Z_]+ = \"", line)] == []


def test_it_has_no_import_cycle_and_no_import_against_the_layers():
    edges, _inside = import_graph.imports(import_graph.modules())
    assert import_graph.cycles(edges) == []
    assert import_graph.upward(edges) == []


def test_it_imports_inside_a_function_only_where_django_wants_it():
    """An import moved into a function hides a cycle from the reader; AppConfig.ready, which
    runs once the models are loaded, is the one place Django asks for it."""
    _edges, inside = import_graph.imports(import_graph.modules())
    assert [line for line in inside if not line.split(":")[0].endswith("/apps.py")] == []
