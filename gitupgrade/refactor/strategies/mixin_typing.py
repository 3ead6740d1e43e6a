"""What a mixin declares so a type checker sees the host's attributes and type parameters on it.

A moved method reads ``self.count`` and calls ``self.keys()``: attributes of the host
the mixin does not have. Annotating ``self`` with the host does not work: mypy and
pyright reject a self-type that is not a supertype of the class it is written in (the
host derives from the mixin, not the other way round). So the mixin declares what it
reads, with the host's own annotations, inside ``if TYPE_CHECKING:`` (nothing changes
at run time): ``count: int``, and ``def keys(self) -> list[K]: ...`` stubs for methods.
A type comes from a class-level annotation, ``self.x: T = ...``, ``self.x = param`` of
an annotated parameter, or a literal; what has none is reported as unknown.

A generic host keeps its parameters: the mixin is generic in the same type variables
(``Generic[K, V]`` with copies of their ``TypeVar`` definitions, or the same PEP 695
parameters) and the host derives from ``Mixin[K, V]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from gitupgrade.refactor.strategies.syntax import dotted, names_in, self_attributes, suite_statements
from gitupgrade.refactor.strategies.toplevel import TopLevel

_STUB_DECORATORS = {"property", "staticmethod", "classmethod", "overload", "abstractmethod", "cached_property"}
_TYPE_VARIABLES = {"TypeVar", "ParamSpec", "TypeVarTuple"}
_OBJECT = set(dir(object)) | {"__dict__", "__slots__", "__module__"}
_CONSTRUCTION = {"__init__", "__new__", "__init_subclass__", "__class_getitem__", "__post_init__", "__hash__"}
_LITERALS: dict[type[cst.BaseExpression], str] = {cst.Integer: "int", cst.Float: "float", cst.Imaginary: "complex"}


@dataclass
class TypeParameters:
    """The host's type parameters: ``params`` as its bases spell them (``K``, ``V``)."""

    params: list[str] = field(default_factory=list)
    pep695: cst.TypeParameters | None = None
    definitions: list[TopLevel] = field(default_factory=list)  # ``K = TypeVar("K")`` to copy


def type_parameters(klass: cst.ClassDef, statements: list[TopLevel]) -> TypeParameters:
    """The type parameters of ``klass`` (empty for a class that is not generic)."""
    if klass.type_parameters is not None:
        names = [p.param.name.value for p in klass.type_parameters.params]
        return TypeParameters(names, klass.type_parameters)
    defined = {
        n: s
        for s in statements
        if isinstance(s.node, cst.SimpleStatementLine)
        and isinstance(s.node.body[0], cst.Assign)
        and isinstance(s.node.body[0].value, cst.Call)
        and dotted(s.node.body[0].value.func).rpartition(".")[2] in _TYPE_VARIABLES
        for n in s.binds
    }
    module = cst.Module(body=())
    order: list[str] = []
    used: set[str] = set()
    for arg in klass.bases:
        value = arg.value
        if not isinstance(value, cst.Subscript):
            continue
        if dotted(value.value).rpartition(".")[2] in ("Generic", "Protocol"):
            # an explicit order is the order (``*Ts`` spelled as written)
            order = [module.code_for_node(e.slice) for e in value.slice]
            used = {n for e in value.slice for n in names_in(e.slice)}
            break
        for element in value.slice:
            order += [n for n in sorted(names_in(element.slice)) if n in defined and n not in order]
        used = set(order)
    definitions = sorted((defined[n] for n in used if n in defined), key=lambda s: s.index)
    return TypeParameters(order, None, _unique(definitions))


def _unique(items: Iterable[TopLevel]) -> list[TopLevel]:
    seen: list[TopLevel] = []
    for item in items:
        if all(item is not s for s in seen):
            seen.append(item)
    return seen


def is_annotated(node: cst.FunctionDef) -> bool:
    """True when the function has a return or parameter annotation (a checker reads its body)."""
    params = node.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return node.returns is not None or any(p.annotation is not None for p in every)


def declarations(
    klass: cst.ClassDef,
    moved: list[cst.FunctionDef],
    own: set[str],
    ancestors: Sequence[cst.ClassDef] = (),
) -> tuple[list[cst.BaseStatement], list[str]]:
    """Declarations of the host attributes ``moved`` reads (``own`` are the mixin's), and those it cannot type.

    What the host does not define is looked up in ``ancestors``: its base classes defined
    in the same module, nearest first.
    """
    body = suite_statements(klass.body)
    wanted: set[str] = set()
    assigned: set[str] = set()
    methods = [s for s in body if isinstance(s, cst.FunctionDef)]
    dunders = {m.name.value for m in methods if _is_protocol(m.name.value)} - own
    protocol: set[str] = set()
    for node in moved:
        if not any(dotted(d.decorator) == "staticmethod" for d in node.decorators):
            wanted |= self_attributes(node)
            assigned |= _assigned(node)
            protocol |= _protocol_used(node, dunders)
    protocol -= wanted
    wanted = (wanted | protocol) - own - _OBJECT
    found: list[cst.BaseStatement] = []
    unknown: list[str] = []
    for name in sorted(wanted):
        declared = None
        for cls in (klass, *ancestors):
            declared = _declaration(cls, name)
            if declared is not None:
                break
        if declared:
            found += declared
        elif declared is None and name in assigned:
            continue  # a mixin method that assigns it lets the checker infer it
        elif name not in protocol:
            unknown.append(name)
    # attributes first, then the methods, as a class body reads
    return sorted(found, key=lambda n: isinstance(n, cst.FunctionDef)), unknown


def _declaration(cls: cst.ClassDef, name: str) -> list[cst.BaseStatement] | None:
    """How ``name`` of ``cls`` is declared: stubs, an annotation; [] when it cannot be, None when absent."""
    body = list(cls.body.body) if isinstance(cls.body, cst.IndentedBlock) else []
    methods = [s for s in body if isinstance(s, cst.FunctionDef)]
    defs = [m for m in methods if m.name.value == name]
    if defs:
        stubs = [_stub(d) for d in defs]
        return [s for s in stubs if s is not None] if all(s is not None for s in stubs) else []
    annotation = _class_annotation(body, name) or _self_annotation(methods, name)
    if annotation is None:
        return None
    if _is_final(body, name):
        # a Final attribute may override a read-only property, not a writable declaration
        text = f"@property\ndef {name}(self) -> {cst.Module(body=()).code_for_node(annotation)}: ...\n"
        return [cst.parse_statement(text)]
    return [cst.SimpleStatementLine([cst.AnnAssign(cst.Name(name), cst.Annotation(annotation))])]


def _is_final(body: list[cst.BaseStatement], name: str) -> bool:
    return any(
        isinstance(small, cst.AnnAssign)
        and isinstance(small.target, cst.Name)
        and small.target.value == name
        and "Final" in names_in(small.annotation)
        for statement in body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )


def ancestors_in(klass: cst.ClassDef, module: cst.Module) -> list[cst.ClassDef]:
    """The base classes of ``klass`` defined in ``module``, nearest first (each once)."""
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    found: list[cst.ClassDef] = []
    todo = [klass]
    while todo:
        current = todo.pop(0)
        for arg in current.bases:
            value = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
            base = classes.get(dotted(value))
            if base is not None and base is not klass and all(base is not f for f in found):
                found.append(base)
                todo.append(base)
    return found


def _is_protocol(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and name not in _CONSTRUCTION


def _protocol_used(node: cst.FunctionDef, dunders: set[str]) -> set[str]:
    """The host's special methods the method may reach through ``self`` itself (``len(self)``, ``self[k]``).

    A builtin called on ``self`` reaches its own special method, a subscript the item
    methods, a loop ``__iter__``; ``self`` passed anywhere else may reach any of them.
    """
    params = node.params.params or node.params.posonly_params
    me = params[0].name.value if params else ""
    used: set[str] = set()
    understood: set[int] = set()

    def is_me(expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Name) and expr.value == me

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            if is_me(attribute.value):
                understood.add(id(attribute.value))  # self.x: an attribute, declared by name

        def visit_Call(self, call: cst.Call) -> None:
            if isinstance(call.func, cst.Name) and len(call.args) == 1 and is_me(call.args[0].value):
                used.update({f"__{call.func.value}__"} & dunders or dunders)
                understood.add(id(call.args[0].value))

        def visit_Subscript(self, subscript: cst.Subscript) -> None:
            if is_me(subscript.value):
                used.update({"__getitem__", "__setitem__", "__delitem__"} & dunders)
                understood.add(id(subscript.value))

        def visit_For(self, loop: cst.For | cst.CompFor) -> None:
            if is_me(loop.iter):
                used.update({"__iter__", "__getitem__"} & dunders)
                understood.add(id(loop.iter))

        def visit_CompFor(self, loop: cst.CompFor) -> None:
            self.visit_For(loop)

        def visit_Name(self, name: cst.Name) -> None:
            if name.value == me and id(name) not in understood:
                used.update(dunders)

    node.body.visit(Finder())
    return used


def _stub(node: cst.FunctionDef) -> cst.FunctionDef | None:
    """``def name(...) -> R: ...`` with the host's signature, or None when it cannot be declared."""
    for decorator in node.decorators:
        name = dotted(decorator.decorator)
        if name.rpartition(".")[2] not in _STUB_DECORATORS and name.partition(".")[0] != node.name.value:
            return None  # another decorator changes what the name is
    if not _fully_annotated(node):
        return None
    params = node.params

    def blank(p: cst.Param) -> cst.Param:
        return p.with_changes(default=cst.Ellipsis()) if p.default is not None else p

    params = params.with_changes(
        params=[blank(p) for p in params.params],
        kwonly_params=[blank(p) for p in params.kwonly_params],
        posonly_params=[blank(p) for p in params.posonly_params],
    )
    docstring = node.get_docstring(clean=True)
    summary = docstring.split("\n\n")[0].replace("\n", " ").strip() if docstring else ""
    text = '"""' + summary.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""' if summary else None
    stub_body = cst.SimpleStatementSuite([cst.Expr(cst.SimpleString(text) if text else cst.Ellipsis())])
    return node.with_changes(body=stub_body, params=params, leading_lines=(), lines_after_decorators=())


def _fully_annotated(node: cst.FunctionDef) -> bool:
    params = node.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    static = any(dotted(d.decorator) == "staticmethod" for d in node.decorators)
    return (node.returns is not None or node.name.value == "__init__") and all(
        p.annotation is not None for p in (every if static else every[1:])
    )


def _class_annotation(body: list[cst.BaseStatement], name: str) -> cst.BaseExpression | None:
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name:
                return _without_final(small.annotation.annotation, small.value)
            if isinstance(small, cst.Assign) and any(
                isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
            ):
                return _literal_type(small.value)
    return None


def _without_final(annotation: cst.BaseExpression, value: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """``Final[T]`` declares as ``T`` (a ``Final`` needs its value); bare ``Final`` as its literal's type."""
    if isinstance(annotation, cst.Subscript) and dotted(annotation.value).rpartition(".")[2] == "Final":
        inner = annotation.slice[0].slice
        return inner.value if isinstance(inner, cst.Index) else None
    if dotted(annotation).rpartition(".")[2] == "Final":
        return _literal_type(value) if value is not None else None
    return annotation


def _self_annotation(methods: list[cst.FunctionDef], name: str) -> cst.BaseExpression | None:
    """The type of ``self.name`` from its annotated assignment, an annotated parameter, or a literal."""
    guesses: list[cst.BaseExpression] = []
    for method in methods:
        finder = _AssignmentFinder(method, name)
        method.body.visit(finder)
        if finder.declared:
            return finder.declared[0]
        guesses += finder.guesses
    return guesses[0] if guesses else None


class _AssignmentFinder(cst.CSTVisitor):
    """Assignments to ``self.<name>`` in one method: annotated ones, and guesses from the others."""

    def __init__(self, method: cst.FunctionDef, name: str) -> None:
        super().__init__()
        params = method.params.params or method.params.posonly_params
        self.me = params[0].name.value if params else ""
        self.name = name
        every = [*method.params.params, *method.params.kwonly_params, *method.params.posonly_params]
        self.annotated = {p.name.value: p.annotation.annotation for p in every if p.annotation is not None}
        self.declared: list[cst.BaseExpression] = []
        self.guesses: list[cst.BaseExpression] = []

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.me and _is_attribute(node.target, self.me, self.name):
            self.declared.append(node.annotation.annotation)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.me and any(_is_attribute(t.target, self.me, self.name) for t in node.targets):
            value = node.value
            guess = self.annotated.get(value.value) if isinstance(value, cst.Name) else _literal_type(value)
            if guess is not None:
                self.guesses.append(guess)


def _is_attribute(node: cst.BaseExpression, me: str, name: str) -> bool:
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == me
        and node.attr.value == name
    )


def _literal_type(value: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return cst.Name("bool")
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        prefix = value.prefix if isinstance(value, cst.SimpleString) else ""
        return cst.Name("bytes" if "b" in prefix.lower() else "str")
    kind = _LITERALS.get(type(value))
    return cst.Name(kind) if kind else None


def _assigned(node: cst.FunctionDef) -> set[str]:
    """Attributes the method assigns through its first parameter."""
    params = node.params.params or node.params.posonly_params
    me = params[0].name.value if params else ""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, target: cst.AssignTarget) -> None:
            value = target.target
            if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == me:
                found.add(value.attr.value)

    node.body.visit(Finder())
    return found


def annotation_names(nodes: Sequence[cst.BaseStatement]) -> set[str]:
    """Names read by the annotations and decorators of ``nodes`` (what their imports must bind)."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Annotation(self, node: cst.Annotation) -> bool:
            found.update(names_in(node))
            return False

        def visit_Decorator(self, node: cst.Decorator) -> bool:
            found.update(names_in(node))
            return False

    for node in nodes:
        node.visit(Finder())
    return found
