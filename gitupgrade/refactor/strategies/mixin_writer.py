"""Writing a god class's clusters into mixin modules the class then inherits from.

One new module per cluster, named after what the cluster is about, holding a mixin class
with the moved methods unchanged (comments and order kept) and the imports they need;
the class lists the mixins first among its bases, so every lookup finds the same function.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import libcst as cst

from gitupgrade.refactor.strategies import naming
from gitupgrade.refactor.strategies.base import Outcome
from gitupgrade.refactor.strategies.source import ModuleSource, Workspace, target_of
from gitupgrade.refactor.strategies.syntax import (
    imports_end,
    is_future_import,
    names_in,
    self_attributes,
)
from gitupgrade.refactor.strategies.toplevel import (
    TopLevel,
    copied_imports,
    module_head,
)

if TYPE_CHECKING:
    from gitupgrade.refactor.strategies.god_class import Member


def write_mixins(
    ws: Workspace,
    source: ModuleSource,
    module: cst.Module,
    klass: cst.ClassDef,
    statements: list[TopLevel],
    clusters: list[list[Member]],
    outcome: Outcome,
    names: list[tuple[str, str]] | None = None,
) -> None:
    """Create one mixin module per cluster and make the class inherit from the mixins.

    ``names``: the mixin class and module name of each cluster, when the planner chose them.
    """
    class_name = klass.name.value
    stem = source.stem
    future = [s.node for s in statements if s.kind == "import" and is_future_import(s.node)]
    slots = any(
        isinstance(st, cst.SimpleStatementLine) and "__slots__" in names_in(st)
        for st in (klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ())
    )
    moved: set[int] = set()
    mixins: list[str] = []
    # attributes most methods use (``self.out`` of a writer) say nothing about one cluster
    methods = members_of(klass)
    uses = Counter(a for node in methods for a in self_attributes(node))
    common = {m.name.value for m in methods} | {a for a, n in uses.items() if 2 * n > len(methods)}
    imports: list[cst.BaseStatement] = []
    for at, cluster in enumerate(clusters):
        # shared data attributes say most about a cluster: each counts once per method using it
        vocabulary = [m.name for m in cluster] + [a for m in cluster for a in sorted(m.attrs - common)]
        if names:
            mixin, new_stem = names[at]
        else:
            mixin = naming.mixin_name(vocabulary, class_name, lambda n: n in _module_names(module) or n in mixins)
            words = naming.dominant_words(vocabulary, avoid=[class_name, stem]) or ["support"]
            new_stem = naming.unique(
                f"{stem.lstrip('_')}_{'_'.join(words)}",
                lambda n: ws.sibling_taken(source, n),
            )
        new_path = source.sibling_path(new_stem)
        reads = {g for m in cluster for g in m.globals}
        needed = copied_imports(statements, reads)
        attrs = sorted({a for m in cluster for a in m.attrs} - {m.name for m in cluster})
        about = f" (they share {', '.join(attrs[:5])})" if attrs else ""
        body = module_head(
            f'"""The {mixin} mixin: methods split out of ``{source.module}.{class_name}``.\n\n'
            f"Moved unchanged from {source.path}; {class_name} inherits from {mixin},\n"
            f'so every method is still found on {class_name} and its instances.\n"""\n',
            future,
            needed,
        )
        hints = sorted({h for m in cluster for h in m.hints})
        if hints:
            # names the moved methods only mention in (postponed) annotations
            body += _type_checking_import(target_of(source, module, stem_of=None), hints, bool(needed or future))
        class_body: list[cst.BaseStatement] = [cst.parse_statement(f'"""Methods of {class_name}{about}."""\n')]
        if slots:
            class_body.append(cst.parse_statement("__slots__ = ()\n"))
        nodes = sorted((n for m in cluster for n in m.nodes), key=lambda n: _position(klass, n))
        for i, node in enumerate(nodes):
            moved.add(id(node))
            if i == 0:
                node = node.with_changes(
                    leading_lines=(cst.EmptyLine(indent=False),)
                    + tuple(line for line in node.leading_lines if line.comment is not None)
                )
            class_body.append(node)
        mixin_class = cst.ClassDef(
            name=cst.Name(mixin),
            body=cst.IndentedBlock(body=class_body),
            leading_lines=(cst.EmptyLine(), cst.EmptyLine()),
        )
        body.append(mixin_class)
        ws.create(new_path, module.with_changes(body=body, header=()).code, source.encoding)
        imports.append(cst.parse_statement(f"from {target_of(source, module, new_stem)} import {mixin}\n"))
        mixins.append(mixin)
        outcome.summary.append(
            f"moved {len(nodes)} methods of {class_name} ({', '.join(m.name for m in cluster[:6])}"
            f"{' ...' if len(cluster) > 6 else ''}) to {mixin} in {new_path}"
        )
    remaining = [s for s in klass.body.body if id(s) not in moved]  # type: ignore[union-attr]
    if not any(not isinstance(s, cst.EmptyLine) for s in remaining):
        remaining = [cst.SimpleStatementLine(body=[cst.Pass()])]
    bases = [cst.Arg(value=cst.Name(m), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for m in mixins]
    old_bases = list(klass.bases)
    if not old_bases:
        bases[-1] = bases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_class = klass.with_changes(
        bases=[*bases, *old_bases],
        lpar=cst.LeftParen() if isinstance(klass.lpar, cst.MaybeSentinel) else klass.lpar,
        rpar=cst.RightParen() if isinstance(klass.rpar, cst.MaybeSentinel) else klass.rpar,
        body=klass.body.with_changes(body=remaining),
    )
    body = [new_class if s is klass else s for s in module.body]
    at = imports_end(body)
    if imports:
        imports[0] = imports[0].with_changes(leading_lines=(cst.EmptyLine(),) if at else ())
    body[at:at] = imports
    ws.write(source, module.with_changes(body=body).code)
    outcome.summary.append(f"{class_name} now inherits from {', '.join(mixins)} first, so lookups are unchanged")


def _type_checking_import(target: str, names: list[str], spaced: bool) -> list[cst.BaseStatement]:
    text = f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from {target} import {', '.join(names)}\n"
    statements = list(cst.parse_module(text).body)
    statements[0] = statements[0].with_changes(leading_lines=(cst.EmptyLine(),) if spaced else ())
    return statements


def members_of(klass: cst.ClassDef) -> list[cst.FunctionDef]:
    """The methods defined directly in the class body."""
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    return [s for s in body if isinstance(s, cst.FunctionDef)]


def _position(klass: cst.ClassDef, node: cst.CSTNode) -> int:
    return [id(s) for s in klass.body.body].index(id(node))  # type: ignore[union-attr]


def _module_names(module: cst.Module) -> set[str]:
    return {s.name.value for s in module.body if isinstance(s, (cst.ClassDef, cst.FunctionDef))}
