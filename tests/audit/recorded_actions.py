"""The audit actions the registry's code can record, read from its source with ``ast``.

An action reaches ``audit.change(record, actor, action)`` or ``audit.record_event(actor,
action, ...)`` as a string literal, a module constant (``SIGNED``, ``signing.SIGNED``, or
imported from another module), a conditional between such values, an entry of a module's
dict of actions (``ACTIONS[name]``), a local variable assigned one of these, or a parameter
of the calling function, in which case every call of that function (by its name, anywhere in
the registry) is followed to what it passes. Whatever cannot be followed is reported, so a
new way of naming an action cannot slip past the check of its label.
"""

from __future__ import annotations

import ast
from pathlib import Path

#: The recorders and where they take the action: (position, keyword).
RECORDERS = {"change": (2, "action"), "record_event": (1, "action")}

#: How deep one action is followed (constants of constants, parameters of parameters).
_DEPTH = 10


class Unresolved(Exception):
    """An action whose value the source does not tell."""


class Source:
    """The registry's modules, parsed, with what each imports."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules = {
            ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(
                ".__init__"
            ): ast.parse(path.read_text(), str(path))
            for path in sorted(root.rglob("*.py"))
        }
        self.packages = {
            ".".join(path.parent.relative_to(root.parent).parts)
            for path in root.rglob("__init__.py")
        }
        self.imports = {name: self._imports(name) for name in self.modules}
        self.parents: dict[ast.AST, ast.AST] = {}
        for tree in self.modules.values():
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    self.parents[child] = node

    def _imports(self, module: str) -> dict[str, tuple[str, str | None]]:
        """Each name a module imports: (module, None) for a module, (module, name) else."""
        package = module if module in self.packages else module.rpartition(".")[0]
        found: dict[str, tuple[str, str | None]] = {}
        for node in ast.walk(self.modules[module]):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    found[alias.asname or alias.name] = (
                        (target, None) if target in self.modules else (base, alias.name)
                    )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    found[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
        return found

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function a node is written in (None at module level)."""
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def constant(self, module: str, name: str, depth: int) -> set[str] | None:
        """The values of a module-level name (assigned there or imported); None if unknown."""
        if module not in self.modules or depth > _DEPTH:
            return None
        for node in self.modules[module].body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return self.values(module, value, None, depth + 1)
        target = self.imports[module].get(name)
        if target and target[1]:
            return self.constant(target[0], target[1], depth + 1)
        return None

    def calls_of(self, function: ast.FunctionDef | ast.AsyncFunctionDef):
        """(module, call) for every call of a function by its name."""
        for module, tree in self.modules.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    called = node.func
                    name = getattr(called, "id", None) or getattr(called, "attr", None)
                    if name == function.name:
                        yield module, node

    def values(self, module: str, expr, function, depth: int = 0) -> set[str]:
        """The strings ``expr`` can be, read where it is written; Unresolved if unknown."""
        if expr is None or depth > _DEPTH:
            raise Unresolved(f"{module}: {ast.unparse(expr) if expr else 'no action given'}")
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.values(module, expr.body, function, depth + 1) | self.values(
                module, expr.orelse, function, depth + 1
            )
        if isinstance(expr, ast.Dict):  # a dict of actions: any of its values
            return set().union(*(self.values(module, v, function, depth + 1) for v in expr.values))
        if isinstance(expr, ast.Subscript):  # ACTIONS[name]
            return self.values(module, expr.value, function, depth + 1)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            target = self.imports[module].get(expr.value.id)
            if target and target[1] is None:
                found = self.constant(target[0], expr.attr, depth + 1)
                if found is not None:
                    return found
        if isinstance(expr, ast.Name):
            if function is not None:
                found = self._local(module, expr.id, function, depth)
                if found is not None:
                    return found
            found = self.constant(module, expr.id, depth + 1)
            if found is not None:
                return found
        raise Unresolved(f"{module}: {ast.unparse(expr)}")

    def _local(self, module: str, name: str, function, depth: int) -> set[str] | None:
        """The values of a function's local variable or parameter; None if it is neither."""
        assigned = [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ]
        if assigned:
            return set().union(*(self.values(module, v, function, depth + 1) for v in assigned))
        positional = [a.arg for a in function.args.posonlyargs + function.args.args]
        if name not in positional and name not in [a.arg for a in function.args.kwonlyargs]:
            return None
        index = positional.index(name) if name in positional else None
        if index is not None and positional[0] in ("self", "cls"):
            index -= 1
        found: set[str] = set()
        for caller, call in self.calls_of(function):
            value = _argument(call, index, name)
            if value is not None:
                found |= self.values(caller, value, self.function_of(call), depth + 1)
        if not found:
            raise Unresolved(f"{module}.{function.name}: no call passes {name!r}")
        return found


def _argument(call: ast.Call, index: int | None, keyword: str):
    """The expression a call passes at a position or keyword (None if it passes none)."""
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    before = call.args[: (index or 0) + 1]
    if index is None or len(before) <= index:
        return None
    return None if any(isinstance(a, ast.Starred) for a in before) else call.args[index]


def recorded_actions(root: Path = Path("registry")) -> tuple[set[str], list[str]]:
    """Every action the code under ``root`` can record, and the calls whose action it
    cannot tell (module, line and expression)."""
    source = Source(root)
    actions: set[str] = set()
    unresolved: list[str] = []
    for module, tree in source.modules.items():
        if module.startswith("registry.audit."):
            continue  # the recorders themselves pass their caller's action on
        imports = source.imports[module]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            if (
                isinstance(called, ast.Attribute)
                and isinstance(called.value, ast.Name)
                and imports.get(called.value.id, ("",))[0].startswith("registry.audit")
                and called.attr in RECORDERS
            ):
                recorder = called.attr
            elif (
                isinstance(called, ast.Name)
                and called.id in RECORDERS
                and imports.get(called.id, ("",))[0].startswith("registry.audit")
            ):
                recorder = called.id
            else:
                continue
            index, keyword = RECORDERS[recorder]
            try:
                actions |= source.values(
                    module, _argument(node, index, keyword), source.function_of(node)
                )
            except Unresolved as error:
                unresolved.append(f"{module}:{node.lineno}: {error}")
    return actions, unresolved
