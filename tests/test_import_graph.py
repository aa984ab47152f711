"""The package's import graph has no cycle, lazy (function-level) imports included.

A cycle works only in the import order of the day (issue 17: ``_dask -> _partition ->
_similarity -> _dask`` failed when ``_partition`` was imported first). Read from the
source, so the check does not depend on the order in which ``skw2s/__init__`` imports.
"""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "skw2s"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))


def _internal_imports(module):
    """Modules of skw2s that ``module`` imports anywhere in its code (not in docstrings)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1 and base:  # from .x import y
                found.add(base.split(".")[0])
            elif node.level == 1:  # from . import x, y
                found.update(alias.name for alias in node.names)
            elif base.startswith("skw2s."):
                found.add(base.split(".")[1])
            elif base == "skw2s":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("skw2s."))
    return {m for m in found if m in MODULES and m != module}


def _cycle(graph):
    """One cycle of ``graph`` as a list of nodes, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_import_graph_has_no_cycle():
    graph = {m: _internal_imports(m) for m in MODULES}
    assert graph["detection"], "the parser found no import: it is broken"
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle)


# ----------------------------------------------- issue 26: private names stay home
def _is_private(name):
    return name.startswith("_") and not name.startswith("__")


def _class_private_names(tree):
    """Private names the classes of a module define: methods and ``self._x = ...``."""
    names = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for node in ast.walk(cls):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_private(node.name):
                names.add(node.name)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id == "self"
                  and _is_private(node.attr)):
                names.add(node.attr)
    return names


def _foreign_private_uses(sources):
    """``module:line obj._name`` for every use, outside ``self``/``cls``, of a private name
    that only another module's classes define."""
    trees = {m: ast.parse(text) for m, text in sources.items()}
    own = {m: _class_private_names(t) for m, t in trees.items()}
    found = []
    for module, tree in trees.items():
        others = set().union(*(names for m, names in own.items() if m != module))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _is_private(node.attr)
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                    and node.attr in others and node.attr not in own[module]):
                found.append(f"{module}:{node.lineno} .{node.attr}")
    return found


def test_private_use_finder_finds_one():
    sources = {
        "a": "class A:\n    def _check(self):\n        self._rule = 1\n",
        "b": "def f(det):\n    det._check()\n    return det._rule, det._other\n",
        "c": "class C:\n    def _check(self):\n        return self._check\n",
    }
    assert _foreign_private_uses(sources) == ["b:2 ._check", "b:3 ._rule"]


def test_no_module_uses_a_private_name_of_another_modules_class():
    # The selector reads the detector's settings through skw2s._detection_settings, the dask
    # path returns what the detector partitions itself, HFEmbedder hands its batch function
    # to skw2s._hf_runtime: no module calls into another module's class internals.
    sources = {m: (PACKAGE / f"{m}.py").read_text(encoding="utf-8") for m in MODULES}
    assert _foreign_private_uses(sources) == []
