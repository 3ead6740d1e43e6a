"""Writing a god class's clusters into mixin modules the class then inherits from.

One new module per cluster, named after what the cluster is about, holding a mixin class
with the moved methods unchanged (comments and order kept) and the imports they need;
the class lists the mixins first among its bases, so every lookup finds the same function.
What the mixin reads from the host is declared for type checkers (:mod:`.mixin_typing`),
imports the class no longer needs leave its module (:mod:`.import_edits`), and the files
are sorted and formatted with the project's own tools when it has them.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING

import libcst as cst

from gitupgrade.refactor.strategies.base import Outcome
from gitupgrade.refactor.strategies.import_edits import (
    import_from,
    merge_typing_import,
    prune_imports,
)
from gitupgrade.refactor.strategies.mixin_docs import purpose
from gitupgrade.refactor.strategies.mixin_typing import (
    TypeParameters,
    ancestors_in,
    annotation_names,
    declarations,
    is_annotated,
    type_parameters,
)
from gitupgrade.refactor.strategies.source import (
    ModuleSource,
    RefusedChange,
    Workspace,
    target_of,
)
from gitupgrade.refactor.strategies.syntax import (
    Statement,
    imports_end,
    is_future_import,
    names_in,
    suite_statements,
)
from gitupgrade.refactor.strategies.toplevel import (
    TopLevel,
    carried_header,
    copied_imports,
    module_head,
)

if TYPE_CHECKING:
    from gitupgrade.refactor.strategies.members import Member


def write_mixins(
    ws: Workspace,
    source: ModuleSource,
    module: cst.Module,
    klass: cst.ClassDef,
    statements: list[TopLevel],
    clusters: list[list[Member]],
    outcome: Outcome,
    names: list[tuple[str, str]],
    members: list[Member] | None = None,
    sections: dict[str, str] | None = None,
) -> None:
    """Create one mixin module per cluster and make the class inherit from the mixins.

    ``names``: the mixin class and module name of each cluster, from its concept;
    ``members`` (all of the class's) and ``sections`` say what each cluster is for.
    """
    class_name = klass.name.value
    future = [s.node for s in statements if s.kind == "import" and is_future_import(s.node)]
    slots = any(
        isinstance(st, cst.SimpleStatementLine) and "__slots__" in names_in(st) for st in suite_statements(klass.body)
    )
    moved: set[int] = set()
    mixins: list[str] = []
    imports: list[Statement] = []
    generic = type_parameters(klass, statements)
    imported = {n for s in statements if s.kind == "import" for n in s.binds}
    needs = {n for s in generic.definitions for n in s.reads} - imported - set(dir(builtins))
    if needs:
        # ``T = TypeVar("T", bound=Node)`` copied beside the mixin would need Node from the module
        raise RefusedChange(f"the type variables of {klass.name.value} read {', '.join(sorted(needs))} from its module")
    written: list[str] = []
    for at, cluster in enumerate(clusters):
        mixin, new_stem = names[at]
        new_path = source.sibling_path(new_stem)
        nodes = sorted((n for m in cluster for n in m.nodes), key=lambda n: _position(klass, n))
        declared = _declared(ws, module, klass, nodes, {m.name for m in cluster}, mixin)
        reads = {g for m in cluster for g in m.globals} | _typing_reads(statements, generic, declared)
        needed = copied_imports(statements, reads)
        needed += [
            s.node.with_changes(leading_lines=(cst.EmptyLine(),) if i == 0 else ())
            for i, s in enumerate(generic.definitions)
        ]
        # one line from the concept (protocol, section, owned state), or none: never a list of names
        line = purpose(cluster, members or [m for c in clusters for m in c], class_name, sections or {})
        hints = {h for m in cluster for h in m.hints} | annotation_names(declared)
        extra = _typing_imports(ws, source, module, statements, hints, reads, generic, bool(declared))
        body = _module_head(line, future, needed, extra, len(generic.definitions), ws.style.line_length)
        mixin_class = _mixin_class(mixin, line, nodes, declared, generic, slots, ws)
        moved |= {id(node) for node in nodes}
        body.append(mixin_class)
        # the cookie (the new file is written in the same encoding), the licence, file pragmas
        header = carried_header(module)
        ws.create(new_path, module.with_changes(body=body, header=header).code, source.encoding, source.newline)
        written.append(new_path)
        target = target_of(source, module, new_stem)
        imports.append(cst.parse_statement(import_from(target, [mixin], ws.style.line_length)))
        mixins.append(mixin)
        outcome.summary.append(
            f"moved {len(nodes)} methods of {class_name} ({', '.join(m.name for m in cluster[:6])}"
            f"{' ...' if len(cluster) > 6 else ''}) to {mixin} in {new_path}"
        )
    new_class = _wrapped_bases(module, _host_class(klass, moved, mixins, generic), ws.style.line_length)
    body = [new_class if s is klass else s for s in module.body]
    at = imports_end(body)
    if imports:
        imports[0] = imports[0].with_changes(leading_lines=(cst.EmptyLine(),) if at else ())
    body[at:at] = imports
    left = module.with_changes(body=body)
    # the imports only the moved methods read leave with them
    left = prune_imports(ws, source, left, {g for c in clusters for m in c for g in m.globals | m.hints})
    ws.write(source, left.code)
    ws.tidy([*written, source.path])
    outcome.summary.append(f"{class_name} now inherits from {', '.join(mixins)} first, so lookups are unchanged")


def _module_head(
    line: str,
    future: Sequence[Statement],
    needed: Sequence[Statement],
    typing: list[Statement],
    definitions: int,
    width: int,
) -> list[Statement]:
    """The mixin module before its class: docstring, future imports, imports, ``typing`` imports, type variables."""
    body = module_head(_docstring(line, width), future, needed)
    if not line and body:
        body[0] = body[0].with_changes(leading_lines=())  # no docstring: the file starts with its imports
    at = len(body) - definitions
    head = body[:at]
    typing = merge_typing_import(head, typing, width)
    return [*head, *typing, *body[at:]]


def _mixin_class(
    mixin: str,
    line: str,
    nodes: list[cst.FunctionDef],
    declared: list[cst.BaseStatement],
    generic: TypeParameters,
    slots: bool,
    ws: Workspace,
) -> cst.ClassDef:
    """The mixin class: its docstring line (if any), empty slots, the host declarations, the moved methods."""
    width = ws.style.line_length
    docstring = _docstring(line, width - 4)  # indented in the class body
    class_body: list[cst.BaseStatement] = [cst.parse_statement(docstring)] if docstring else []
    documented = bool(class_body)
    if slots:
        slotted = cst.parse_statement("__slots__ = ()\n")
        class_body.append(slotted.with_changes(leading_lines=(cst.EmptyLine(indent=False),)))
    if declared:
        # the host's attributes as the checker sees them; nothing of it runs
        block = cst.If(
            cst.Name("TYPE_CHECKING"),
            cst.IndentedBlock(body=_spaced_stubs(declared, ws.style.formatter is not None)),
        )
        class_body.append(block.with_changes(leading_lines=(cst.EmptyLine(indent=False),)))
    for i, node in enumerate(nodes):
        if i == 0:
            comments = tuple(c for c in node.leading_lines if c.comment is not None)
            node = node.with_changes(leading_lines=(cst.EmptyLine(indent=False),) + comments)
        class_body.append(node)
    first = class_body[0]
    if not documented and isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        # the first statement of a class without a docstring follows its header directly
        kept = tuple(c for c in first.leading_lines if c.comment is not None)
        class_body[0] = first.with_changes(leading_lines=kept)
    generic_base = generic.params and generic.pep695 is None
    return cst.ClassDef(
        name=cst.Name(mixin),
        body=cst.IndentedBlock(body=class_body),
        bases=[cst.Arg(cst.parse_expression(f"Generic[{', '.join(generic.params)}]"))] if generic_base else [],
        type_parameters=generic.pep695,
        leading_lines=(cst.EmptyLine(), cst.EmptyLine()),
    )


def _host_class(klass: cst.ClassDef, moved: set[int], mixins: list[str], generic: TypeParameters) -> cst.ClassDef:
    """The class without its moved methods, deriving from its mixins first."""
    remaining = [s for s in klass.body.body if id(s) not in moved]
    if not any(not isinstance(s, cst.EmptyLine) for s in remaining):
        remaining = [cst.SimpleStatementLine(body=[cst.Pass()])]
    # a generic host derives from its mixins with its own parameters: Container[str, int] stays typed
    spelled = [f"{m}[{', '.join(generic.params)}]" if generic.params else m for m in mixins]
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    bases = [cst.Arg(value=cst.parse_expression(m), comma=comma) for m in spelled]
    old_bases = list(klass.bases)
    if not old_bases:
        bases[-1] = bases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return klass.with_changes(
        bases=[*bases, *old_bases],
        lpar=cst.LeftParen() if isinstance(klass.lpar, cst.MaybeSentinel) else klass.lpar,
        rpar=cst.RightParen() if isinstance(klass.rpar, cst.MaybeSentinel) else klass.rpar,
        body=klass.body.with_changes(body=remaining),
    )


def _wrapped_bases(module: cst.Module, klass: cst.ClassDef, width: int) -> cst.ClassDef:
    """The class with one base a line when its header no longer fits ``width`` (as black writes it)."""
    header = module.code_for_node(klass.with_changes(body=cst.SimpleStatementSuite([cst.Pass()]), decorators=()))
    first = header.lstrip("\n").splitlines()[0]
    if len(first) <= width:
        return klass
    if any(arg.keyword is not None or arg.star for arg in klass.bases) or "#" in first:
        return klass
    bases = "".join(f"    {cst.Module(body=()).code_for_node(arg.value)},\n" for arg in klass.bases)
    try:
        template = cst.parse_statement(f"class {klass.name.value}(\n{bases}):\n    pass\n")
    except cst.ParserSyntaxError:
        return klass  # bases spelled across lines with comments: left as they are
    assert isinstance(template, cst.ClassDef)
    return klass.with_changes(lpar=template.lpar, bases=template.bases, rpar=template.rpar)


def _docstring(line: str, width: int) -> str:
    """``line`` as a docstring statement when it fits ``width``, else ''."""
    return f'"""{line}"""\n' if line and len(line) + 6 <= width else ""


def _declared(
    ws: Workspace, module: cst.Module, klass: cst.ClassDef, nodes: list[cst.FunctionDef], own: set[str], mixin: str
) -> list[cst.BaseStatement]:
    """The host attributes the mixin declares; refuses when a type checker would find one missing."""
    annotated = any(is_annotated(n) for n in nodes)
    style = ws.style
    if not annotated and not style.checks_untyped:
        return []  # no checker reads these bodies: declarations would be noise
    declared, unknown = declarations(klass, nodes, own, ancestors_in(klass, module))
    if unknown and style.type_checker is not None and (annotated or style.checks_untyped):
        raise RefusedChange(
            f"{mixin} would read {', '.join(unknown)} of {klass.name.value}, which it cannot declare "
            f"for {style.type_checker} (no annotation, annotated parameter or literal gives the type)"
        )
    return declared


def _spaced_stubs(declared: list[cst.BaseStatement], inline: bool) -> list[cst.BaseStatement]:
    """Attribute declarations first, then method stubs a blank line apart (as a formatter puts them).

    Without a formatter, a stub's body goes on a line of its own: pycodestyle's E704 (a
    statement on the same line as ``def``) is only off while a project keeps its defaults.
    """
    out: list[cst.BaseStatement] = []
    for i, node in enumerate(declared):
        if isinstance(node, cst.FunctionDef) and not inline and isinstance(node.body, cst.SimpleStatementSuite):
            node = node.with_changes(body=cst.IndentedBlock([cst.SimpleStatementLine(node.body.body)]))
        if isinstance(node, cst.FunctionDef) and i and not _same_property(declared[i - 1], node):
            node = node.with_changes(leading_lines=(cst.EmptyLine(indent=False),))
        out.append(node)
    return out


def _same_property(before: cst.BaseStatement, node: cst.FunctionDef) -> bool:
    return isinstance(before, cst.FunctionDef) and before.name.value == node.name.value


def _typing_reads(statements: list[TopLevel], generic: TypeParameters, declared: list[cst.BaseStatement]) -> set[str]:
    """Names the mixin module reads at run time for its generics and declarations (the source's imports)."""
    reads = {n for s in generic.definitions for n in s.reads}
    if generic.params and generic.pep695 is None:
        reads.add("Generic")
    if declared:
        reads.add("TYPE_CHECKING")
    return reads


def _typing_imports(
    ws: Workspace,
    source: ModuleSource,
    module: cst.Module,
    statements: list[TopLevel],
    names: set[str],
    reads: set[str],
    generic: TypeParameters,
    declared: bool,
) -> list[Statement]:
    """``from typing import ...`` for what the source does not import, and the ``if TYPE_CHECKING:`` imports.

    A name the source module imports is imported the same way (strict mypy counts no
    implicit re-export); a name it defines is imported from it, which only the checker runs.
    """
    bound = {n for s in statements if s.kind == "import" for n in s.binds}
    defined = {n for s in statements if s.kind != "import" for n in s.binds}
    names = names - reads - set(generic.params)
    inner: list[Statement] = []
    for node in copied_imports(statements, names & bound):
        inner += suite_statements(node.body) if isinstance(node, cst.If) else [node]
    own = sorted((names & defined) - bound)
    if own:
        target = target_of(source, module, None)
        inner.append(cst.parse_statement(import_from(target, own, ws.style.line_length - 4)))
    typing = [n for n in ("Generic", "TYPE_CHECKING") if n in reads and n not in bound]
    if inner and "TYPE_CHECKING" not in bound and "TYPE_CHECKING" not in typing:
        typing.append("TYPE_CHECKING")
    text = f"from typing import {', '.join(sorted(typing))}\n" if typing else ""
    if inner:
        text += "\nif TYPE_CHECKING:\n    pass\n"
    out = list(cst.parse_module(text).body) if text else []
    if inner:
        block = out[-1]
        assert isinstance(block, cst.If)
        out[-1] = block.with_changes(body=cst.IndentedBlock(body=[n.with_changes(leading_lines=()) for n in inner]))
    if out:
        out[0] = out[0].with_changes(leading_lines=(cst.EmptyLine(),))
    return out


def _position(klass: cst.ClassDef, node: cst.CSTNode) -> int:
    return [id(s) for s in klass.body.body].index(id(node))
