"""Snapshot of a project's public surface, taken inside the project's own interpreter.

Run as a script (``python surface_probe.py SPEC OUT``) by :mod:`gitupgrade.manager.surface`
in the staging worktree, with the worktree first on PYTHONPATH and PYTHONHASHSEED=0. It
uses the standard library only (it runs in the user's environment, where gitupgrade may
not be installed), imports the public modules named in the SPEC file in sorted order and
writes one JSON document to OUT:

- ``modules``: per module, the identity of each public name (as bound right after its
  import), the names bound by an incidental import of project code, or the import error;
- ``shadows``: submodules whose package attribute of the same name is something else;
- ``code``: per function or method reachable from a public module, the module whose
  globals it reads and the overridable module values it reads as globals or attributes;
- ``overridable``: per module, its public module-level values (not callables, modules or classes);
- ``pickle``: the import path of every project class (only when the spec asks for it);
- ``autodoc``: the members each Sphinx ``auto*`` directive of the docs would render.

Identities never include an object's address, repr or value, so two
snapshots of one commit are identical.
"""

from __future__ import annotations

import ast
import dis
import enum
import importlib
import inspect
import json
import os
import sys
import types
from typing import Any

_MISSING = object()
_AUTODOC_PRIVATE = "private-members"


def identity(obj: Any) -> str:
    """A stable name for what ``obj`` is: ``kind:module:qualname`` for definitions, the type of a value."""
    try:
        if isinstance(obj, types.ModuleType):
            return f"module:{obj.__name__}"
        if isinstance(obj, type) or inspect.isroutine(obj):
            module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
            if isinstance(module, str) and isinstance(qualname, str):
                return f"{'class' if isinstance(obj, type) else 'function'}:{module}:{qualname}"
        kind = type(obj)
        if isinstance(obj, enum.Enum):
            return f"member:{kind.__module__}:{kind.__qualname__}.{obj.name}"
        # Only the type of a value: values may differ between two imports of one commit
        # (a random instance id, a timestamp, a process id).
        return f"value:{kind.__module__}:{kind.__qualname__}"
    except Exception:  # a hostile __getattr__ or property: the type is all we can say
        return f"value:{type(obj).__name__}"


def _overridable(value: Any) -> bool:
    # what a user may set on the module to change behaviour: data, not code, namespaces or
    # typing constructs (a TypeVar read by moved code is no setting)
    if isinstance(value, (types.ModuleType, type)) or callable(value):
        return False
    return getattr(type(value), "__module__", None) not in ("typing", "typing_extensions")


class SourceFacts:
    """What the module's source says about its top-level names (parsed once, no import)."""

    def __init__(self, module: types.ModuleType, roots: set[str]) -> None:
        self.external: set[str] = set()  # bound by importing code from outside the project
        self.future: set[str] = set()  # ``from __future__ import annotations`` binds a name too
        # Bound by an import the module's own code reads: tidying it is no break. Unused
        # imports, ``import X as X``, ``__all__`` and a package's imports of its own code
        # are re-exports.
        self.incidental: set[str] = set()
        self.documented: set[str] = set()  # data with a ``#:`` comment or a docstring after it
        self.class_documented: dict[str, set[str]] = {}
        path = getattr(module, "__file__", None)
        try:
            with open(path or "", "rb") as handle:
                source = handle.read()
            tree = ast.parse(source)
        except (OSError, SyntaxError, ValueError):
            return
        lines = source.decode("utf-8", "replace").splitlines()
        is_package = os.path.basename(path or "").startswith("__init__.")
        for node, alias in _top_level_imports(tree.body):
            self._take_import(node, alias, roots, is_package)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        self.incidental &= used
        self.documented = _documented(tree.body, lines)
        for statement in tree.body:
            if isinstance(statement, ast.ClassDef):
                self.class_documented[statement.name] = _documented(statement.body, lines)

    def _take_import(
        self, node: ast.Import | ast.ImportFrom, alias: ast.alias, roots: set[str], is_package: bool
    ) -> None:
        """Sort the name one import binds; ``incidental`` holds every candidate until the reads are known."""
        bound = alias.asname or alias.name.split(".")[0]
        inside = _imports_own_code(node, alias, roots)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            self.future.add(bound)
        if not inside:
            self.external.add(bound)
        if alias.asname != alias.name and not (inside and is_package):
            self.incidental.add(bound)


def _top_level_imports(body: list[ast.stmt]) -> list[tuple[ast.Import | ast.ImportFrom, ast.alias]]:
    """Each name an import executed at import time binds, with its statement."""
    return [
        (node, alias)
        for node in _top_level(body)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]


def _imports_own_code(node: ast.Import | ast.ImportFrom, alias: ast.alias, roots: set[str]) -> bool:
    """Whether the import of ``alias`` brings in the project's own code (a relative import does)."""
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in roots
    return alias.name.split(".")[0] in roots


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements executed at import: the body, and inside top-level if/try/with blocks."""
    found: list[ast.stmt] = []
    for node in body:
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                found += _top_level([n for n in inner if isinstance(n, ast.stmt)])
        for handler in getattr(node, "handlers", None) or []:
            found += _top_level(handler.body)
    return found


def _documented(body: list[ast.stmt], lines: list[str]) -> set[str]:
    """Names assigned in ``body`` with autodoc's attribute documentation (``#:`` or a string after)."""
    names: set[str] = set()
    for index, node in enumerate(body):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        doc_after = isinstance(following, ast.Expr) and isinstance(getattr(following, "value", None), ast.Constant)
        previous = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
        inline = "#:" in lines[node.lineno - 1] if node.lineno <= len(lines) else False
        if doc_after or previous.startswith("#:") or inline:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _reads(function: Any) -> tuple[set[str], set[str]]:
    """Names the function's code (nested code included) loads as globals, and as attributes."""
    globals_read: set[str] = set()
    attributes: set[str] = set()
    stack = [function.__code__]
    while stack:
        code = stack.pop()
        for instruction in dis.get_instructions(code):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and isinstance(instruction.argval, str):
                globals_read.add(instruction.argval)
            elif instruction.opname in ("LOAD_ATTR", "LOAD_METHOD") and isinstance(instruction.argval, str):
                attributes.add(instruction.argval)
        stack += [const for const in code.co_consts if isinstance(const, types.CodeType)]
    return globals_read, attributes


class Probe:
    """Imports the modules of a spec and builds the snapshot."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.roots = set(spec["roots"])
        self.spec = spec
        self.facts: dict[str, SourceFacts] = {}
        self.result: dict[str, Any] = {"modules": {}, "shadows": {}, "code": {}, "overridable": {}, "pickle": None}

    def own(self, name: Any) -> bool:
        """Whether a module name belongs to the project."""
        return isinstance(name, str) and name.split(".")[0] in self.roots

    def run(self) -> dict[str, Any]:
        """The whole snapshot."""
        for name in sorted(self.spec["modules"]):
            self.result["modules"][name] = self.take_module(name)
        imported = [m for m, data in self.result["modules"].items() if "error" not in data]
        self.result["shadows"] = self.shadows(imported)
        self.code(imported)
        if self.spec.get("pickle"):
            self.result["pickle"] = self.pickle_paths()
        self.result["autodoc"] = {}
        for key, directive in sorted(self.spec.get("autodoc", {}).items()):
            try:
                self.result["autodoc"][key] = self.autodoc(directive)
            except Exception:  # what autodoc itself would fail on renders nothing we could compare
                self.result["autodoc"][key] = ["<missing>"]
        return self.result

    def take_module(self, name: str) -> dict[str, Any]:
        """The public names of one module right after importing it (or why it does not import)."""
        try:
            module = importlib.import_module(name)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from module code too
            return {"error": f"{type(exc).__name__}: {exc}"[:300]}
        facts = self.facts[name] = SourceFacts(module, self.roots)
        namespace = _namespace(module)
        names = {
            key: identity(value)
            for key, value in namespace.items()
            if not key.startswith("_")
            and key not in facts.future
            and not (isinstance(value, types.ModuleType) and not self.own(value.__name__))
        }
        declared = getattr(module, "__all__", None)
        if not isinstance(declared, (list, tuple)):
            declared = ()
        for key in declared:
            if isinstance(key, str) and key not in names:
                value = _declared_value(module, namespace, key)
                if value is not _MISSING:
                    names[key] = identity(value)
        return {"names": names, "incidental": sorted(facts.incidental & set(names) - set(declared))}

    def shadows(self, imported: list[str]) -> dict[str, str]:
        """Submodules that their package's attribute of the same name hides, now or after their import."""
        found = {}
        for name in imported:
            parent, _, child = name.rpartition(".")
            if not parent or parent not in sys.modules:
                continue
            at_import = self.result["modules"].get(parent, {}).get("names", {}).get(child)
            try:
                now = getattr(sys.modules[parent], child, _MISSING)
            except Exception:
                now = _MISSING
            if at_import is not None and not at_import.startswith("module:"):
                found[name] = at_import
            elif now is not _MISSING and now is not sys.modules.get(name):
                found[name] = identity(now)
        return found

    def code(self, imported: list[str]) -> None:
        """Global and attribute reads of the functions and methods reachable from the modules."""
        overridable = self.result["overridable"]
        for name in imported:
            external = self.facts[name].external if name in self.facts else set()
            overridable[name] = sorted(
                k
                for k, v in _namespace(sys.modules.get(name)).items()
                if not k.startswith("_") and k not in external and _overridable(v)
            )
        known = {n for names in overridable.values() for n in names}
        for name in imported:
            for key, value in sorted(_namespace(sys.modules.get(name)).items()):
                try:
                    self.record_value(f"{name}.{key}", value, known)
                except Exception:  # one odd object (a metaclass's __mro__, broken bytecode) is skipped
                    continue

    def record_value(self, path: str, value: Any, known: set[str]) -> None:
        """Record the reads of a module-level function, or of each method of a project class."""
        if isinstance(value, type) and self.own(getattr(value, "__module__", None)):
            for attr, function in self.methods(value):
                self.record(f"{path}.{attr}", function, known)
        elif inspect.isfunction(value):
            self.record(path, value, known)

    def methods(self, cls: type) -> list[tuple[str, Any]]:
        """The project-defined functions a class's attributes resolve to (through its MRO)."""
        found: dict[str, Any] = {}
        for klass in cls.__mro__:
            if not self.own(getattr(klass, "__module__", None)):
                continue
            for attr, value in vars(klass).items():
                if attr in found:
                    continue
                if isinstance(value, (staticmethod, classmethod)):
                    value = value.__func__
                elif isinstance(value, property):
                    value = value.fget
                if inspect.isfunction(value):
                    found[attr] = value
        return sorted(found.items())

    def record(self, path: str, function: Any, known: set[str]) -> None:
        try:
            function = inspect.unwrap(function)
        except ValueError:
            pass
        module_globals = getattr(function, "__globals__", {})
        home = module_globals.get("__name__")
        if not self.own(home) or not hasattr(function, "__code__"):
            return
        globals_read, attributes = _reads(function)
        reads = sorted(n for n in globals_read if n in module_globals and _overridable(module_globals[n]))
        attrs = sorted(attributes & known)
        if reads or attrs:  # a function that reads no module value cannot miss a user's override
            self.result["code"][path] = {"globals": home, "reads": reads, "attrs": attrs}

    def pickle_paths(self) -> list[str]:
        """``module.qualname`` of every class defined in an imported project module."""
        paths = set()
        for name, module in sorted(sys.modules.items()):
            if not self.own(name) or module is None:
                continue
            for value in _namespace(module).values():
                if isinstance(value, type) and getattr(value, "__module__", None) == name:
                    paths.add(f"{name}.{value.__qualname__}")
                    paths |= {
                        f"{name}.{inner.__qualname__}"
                        for inner in vars(value).values()
                        if isinstance(inner, type) and getattr(inner, "__module__", None) == name
                    }
        return sorted(paths)

    def autodoc(self, directive: dict[str, Any]) -> list[str]:
        """The members a directive would render (``["<missing>"]`` when its target does not import)."""
        kind, target, options = directive["kind"], directive["target"], directive["options"]
        obj, module = _resolve(target, kind == "module")
        if obj is _MISSING:
            return ["<missing>"]
        if kind == "module":
            return self.module_members(obj, options) if "members" in options else []
        if kind in ("class", "exception"):
            return self.class_members(obj, module, options) if "members" in options else []
        if kind in ("data", "attribute"):
            facts = self.facts.get(module.__name__) if module else None
            tail = target.rpartition(".")[2]
            documented = facts is not None and tail in facts.documented
            return ["<documented>"] if documented or kind == "attribute" else ["<undocumented>"]
        return ["<documented>" if getattr(obj, "__doc__", None) else "<undocumented>"]

    def module_members(self, module: Any, options: dict[str, str]) -> list[str]:
        if not isinstance(module, types.ModuleType):
            return ["<missing>"]
        facts = self.facts.get(module.__name__) or SourceFacts(module, self.roots)
        candidates, check_module = _module_candidates(module, options)
        members = []
        for key in candidates:
            value = getattr(module, key, _MISSING)
            if not _module_member_wanted(key, value, options):
                continue
            if not (isinstance(value, type) or inspect.isroutine(value)):
                members += [key] if key in facts.documented or "undoc-members" in options else []
            elif not (check_module and getattr(value, "__module__", None) != module.__name__):
                members += self.definition_members(key, value, module, options)
        return sorted(set(members))

    def definition_members(self, key: str, value: Any, module: Any, options: dict[str, str]) -> list[str]:
        """What automodule renders of a class or function: nothing, its name, a class's members too."""
        if not _rendered(value, options):
            return []
        if not isinstance(value, type):
            return [key]
        # automodule hands its options to the classes it documents: their members render too
        return [key, *(f"{key}.{m}" for m in self.class_members(value, module, options))]

    def class_members(self, cls: Any, module: Any, options: dict[str, str]) -> list[str]:
        if not isinstance(cls, type):
            return ["<missing>"]
        source_module = sys.modules.get(getattr(cls, "__module__", ""), module)
        facts = self.facts.get(getattr(source_module, "__name__", "")) if source_module else None
        documented = facts.class_documented.get(cls.__name__, set()) if facts else set()
        listed = _listed(options["members"])
        inherited = "inherited-members" in options or bool(listed)  # a listed member is found where it is
        owners = [k for k in cls.__mro__ if k is not object] if inherited else [cls]
        members = [
            key
            for owner in owners
            if not (inherited and owner is not cls and owner.__module__ == "builtins")
            for key, value in vars(owner).items()
            if _class_member_rendered(key, value, options, documented)
        ]
        return sorted(set(members) & set(listed) if listed else set(members))


def _namespace(obj: Any) -> dict[str, Any]:
    """``vars(obj)`` as a plain dict; empty for an object without one (a module replaced in sys.modules)."""
    try:
        return dict(vars(obj))
    except TypeError:
        return {}


def _declared_value(module: types.ModuleType, namespace: dict[str, Any], key: str) -> Any:
    """The value ``__all__`` names: bound in the module, or from a lazy module ``__getattr__`` (PEP 562)."""
    value = namespace.get(key, _MISSING)
    if value is not _MISSING:
        return value
    try:
        return getattr(module, key)
    except Exception:
        return _MISSING


def _module_candidates(module: types.ModuleType, options: dict[str, str]) -> tuple[list[str], bool]:
    """The names automodule considers, and whether it keeps only those defined in the module."""
    declared = getattr(module, "__all__", None)
    use_all = isinstance(declared, (list, tuple)) and "ignore-module-all" not in options
    # autodoc checks where a member was defined only when it lists members by itself
    listed = _listed(options["members"])
    check_module = not listed and not use_all and "imported-members" not in options
    candidates = listed or (list(declared) if use_all and declared is not None else list(vars(module)))
    return candidates, check_module


def _module_member_wanted(key: str, value: Any, options: dict[str, str]) -> bool:
    """autodoc's filter by name, for a module attribute that exists and is no module."""
    return _wanted(key, options, value) and value is not _MISSING and not isinstance(value, types.ModuleType)


def _rendered(definition: Any, options: dict[str, str]) -> bool:
    """Whether autodoc renders a class or function: it has a docstring, or undocumented ones render too."""
    return bool(getattr(definition, "__doc__", None)) or "undoc-members" in options


def _class_member_rendered(key: str, value: Any, options: dict[str, str], documented: set[str]) -> bool:
    """Whether autoclass renders the attribute ``key`` of a class body."""
    if not _wanted(key, options, value) or key in ("__dict__", "__weakref__", "__module__", "__doc__"):
        return False
    if inspect.isroutine(value) or isinstance(value, (property, staticmethod, classmethod, type)):
        return _rendered(value.fget if isinstance(value, property) else getattr(value, "__func__", value), options)
    return key in documented or "undoc-members" in options


def _listed(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _wanted(key: str, options: dict[str, str], value: Any) -> bool:
    """autodoc's filter by name: private, special and excluded members."""
    if key in _listed(options.get("exclude-members", "")):
        return False
    if key.startswith("__") and key.endswith("__"):
        special = options.get("special-members")
        return special is not None and (not _listed(special) or key in _listed(special))
    if key.startswith("_"):
        return _AUTODOC_PRIVATE in options
    return True


def _resolve(target: str, as_module: bool) -> tuple[Any, Any]:
    """The object a dotted target names and the module it was found in, as autodoc imports it."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except BaseException:
            continue
        obj: Any = module
        for attr in parts[cut:]:
            obj = getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                return _MISSING, None
        if as_module and cut != len(parts):
            return _MISSING, None
        return obj, module
    return _MISSING, None


def main(argv: list[str]) -> int:
    """Read the spec, write the snapshot."""
    with open(argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    result = Probe(spec).run()
    with open(argv[2], "w", encoding="utf-8") as handle:
        json.dump(result, handle, sort_keys=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Threads or atexit hooks the imported modules started must not keep the probe alive.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
