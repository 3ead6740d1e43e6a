"""Module names, import resolution, strongly connected components and the cheapest cut."""

from __future__ import annotations

from itertools import pairwise

from gitupgrade.analysis.cycle_cut import find_cycle, minimum_cut, shortest_cycle
from gitupgrade.analysis.facts import ImportFacts
from gitupgrade.analysis.graph import strongly_connected
from gitupgrade.analysis.modules import ModuleIndex, module_name


def imp(module: str, level: int = 0, names: tuple[str, ...] = ()) -> ImportFacts:
    return ImportFacts(1, "module", "", module, level, names, names)


def test_module_names_of_flat_and_src_layouts() -> None:
    assert module_name("pkg/a.py") == "pkg.a"
    assert module_name("pkg/__init__.py") == "pkg"
    assert module_name("src/pkg/sub/b.py") == "pkg.sub.b"
    assert module_name("top.py") == "top"
    # src/ that is itself a package is not a source root
    assert module_name("src/a.py", {"src/__init__.py", "src/a.py"}) == "src.a"


def test_relative_and_submodule_imports_resolve_to_files() -> None:
    index = ModuleIndex(
        [
            "src/pkg/__init__.py",
            "src/pkg/a.py",
            "src/pkg/sub/__init__.py",
            "src/pkg/sub/b.py",
            "scripts/run.py",
            "scripts/helper.py",
        ]
    )

    def resolve(path, i):
        return [(r.imported, r.names, r.imports_module) for r in index.resolve(path, i)]

    assert resolve("src/pkg/sub/b.py", imp("a", 2, ("X",))) == [("pkg.a", ("X",), False)]
    assert resolve("src/pkg/sub/b.py", imp("", 2, ("a", "missing"))) == [
        ("pkg.a", ("a",), True),
        ("pkg", ("missing",), False),
    ]
    assert resolve("src/pkg/sub/__init__.py", imp("b", 1, ("Y",))) == [("pkg.sub.b", ("Y",), False)]
    assert resolve("src/pkg/a.py", imp("pkg.sub.b.attr")) == [("pkg.sub.b", (), True)]
    assert resolve("src/pkg/a.py", imp("os.path")) == []
    assert resolve("src/pkg/a.py", imp("", 5, ("x",))) == []  # beyond the top-level package
    # a script directory finds its siblings by bare name
    assert resolve("scripts/run.py", imp("helper")) == [("scripts.helper", (), True)]


def test_strongly_connected_components() -> None:
    pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "d"), ("f", "a")]
    assert sorted(strongly_connected(pairs)) == [["a", "b", "c"], ["d", "e"]]
    assert strongly_connected([("a", "b")]) == []


def test_long_chain_does_not_overflow() -> None:
    nodes = [f"m{i:05d}" for i in range(5000)]
    pairs = [*pairwise(nodes), (nodes[-1], nodes[0])]
    assert len(strongly_connected(pairs)[0]) == 5000


def test_shortest_cycle_and_any_cycle() -> None:
    edges = {("a", "b"), ("b", "c"), ("c", "a"), ("b", "a")}
    assert shortest_cycle(["a", "b", "c"], edges) == [("a", "b"), ("b", "a")]
    assert find_cycle(["a", "b"], {("a", "b")}) is None


def test_minimum_cut_prefers_the_fewest_uses() -> None:
    # Cycles a<->b, b<->c and a->b->c->a: cutting a->b and b->c (1 + 4) breaks all three,
    # cheaper than any cut through the heavier edges.
    weights = {("a", "b"): 1, ("b", "a"): 3, ("b", "c"): 4, ("c", "a"): 5, ("c", "b"): 9}
    cut = minimum_cut(["a", "b", "c"], weights)
    assert cut == [("a", "b"), ("b", "c")]
    assert find_cycle(["a", "b", "c"], set(weights) - set(cut)) is None


def test_minimum_cut_of_a_large_component_is_still_acyclic() -> None:
    nodes = [f"m{i:02d}" for i in range(30)]
    weights = {
        (a, b): 1 + (i * j) % 7
        for i, a in enumerate(nodes)
        for j, b in enumerate(nodes)
        if a != b and (i * 7 + j * 3) % 5 == 0
    }
    cut = minimum_cut(nodes, weights)
    assert find_cycle(nodes, set(weights) - set(cut)) is None


def test_items_sharing_a_key_directly_or_through_others_are_one_group() -> None:
    from gitupgrade.analysis.linked import linked_groups

    # 0 and 2 share "x", 2 and 3 share "y"; 1 has no key; 4 only its own
    assert linked_groups([{"x"}, set(), {"x", "y"}, {"y"}, {"z"}]) == [[0, 2, 3], [1], [4]]
    # a later item joining two earlier groups: the group keeps its first item first
    assert linked_groups([{"a"}, {"b"}, {"b", "a"}]) == [[0, 1, 2]]
    assert linked_groups([]) == []
