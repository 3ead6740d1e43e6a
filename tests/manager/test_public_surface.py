"""The public-surface check: upgrades that change what users reach fail as ``api_change``.

Each hazard is made by a real upgrade commit (the ``test_edit`` strategy writes the
change, or a rule strategy makes it) run through the real CLI, validated in core_v2
by the project's own interpreter.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gitupgrade.manager.autodoc import add_directive_option, myst_to_rst, parse_rst
from gitupgrade.manager.surface import compare_commits
from gitupgrade.repo import CommitId
from tests.conftest import GitRepoBuilder
from tests.manager.conftest import manager_for
from tests.manager.strategies import edit
from tests.refactor.helpers import suggestion

# The project's own check only imports the package: like the real suites of the issue,
# it notices none of the surface changes below.
CONFIG = (
    "self_upgrading:\n  validation:\n"
    "    test_command: python -c 'import pkg, pkg.a, pkg.render, pkg.shapes, pkg.models'\n"
    "    timeout_seconds: 60\n"
)
BASE = {
    "pkg/__init__.py": '"""A package."""\n\n\ndef name():\n    return "pkg"\n',
    "pkg/a.py": "from pkg.b import Widget  # kept for users of pkg.a\n\n\ndef run():\n    return 1\n",
    "pkg/b.py": "class Widget:\n    pass\n",
    "pkg/render.py": 'CHAR = "*"\n\n\ndef bar(n):\n    return CHAR * n\n',
    "pkg/shapes.py": (
        '"""Shapes."""\n\n\nclass Shape:\n    """A shape."""\n\n'
        '    def area(self):\n        """The area."""\n        return 0\n\n'
        '    def perimeter(self):\n        """The perimeter."""\n        return 0\n'
    ),
    "pkg/models.py": "from pkg._impl import Point\n\n\ndef origin():\n    return Point()\n",
    "pkg/_impl.py": "class Point:\n    pass\n",
    "docs/api.rst": "API\n===\n\n.. automodule:: pkg.shapes\n   :members:\n\n.. autoclass:: pkg.shapes.Shape\n   :members:\n",
    "config.yaml": CONFIG,
    ".gitignore": "__pycache__/\n",
    "README.md": "Set `pkg.render.CHAR` to draw the bars with another character.\n",
}
MIXIN = (
    "class MeasuresMixin:\n"
    '    def area(self):\n        """The area."""\n        return 0\n\n'
    '    def perimeter(self):\n        """The perimeter."""\n        return 0\n'
)
SHAPES_WITH_MIXIN = (
    '"""Shapes."""\n\nfrom pkg.measures import MeasuresMixin\n\n\nclass Shape(MeasuresMixin):\n    """A shape."""\n'
)


# bar and CHAR moved to pkg/bars.py; pkg.render re-exports both and bar keeps its __module__
BAR_MOVED = {
    "pkg/bars.py": 'CHAR = "*"\n\n\ndef bar(n):\n    return CHAR * n\n\n\nbar.__module__ = "pkg.render"\n',
    "pkg/render.py": "from pkg.bars import CHAR, bar\n",
}

# Point is reached through the private module only: its pickle path is its one public trace
PICKLING = "import pickle\n\nfrom pkg import _impl\n\n\ndef save():\n    return pickle.dumps(_impl.Point())\n"


def run_one(builder: GitRepoBuilder, run_cli: Any, write: dict[str, str], **extra: Any) -> dict[str, Any]:
    """Queue one upgrade that writes ``write``, run it through the CLI, return its outcome."""
    manager_for(builder).queue_suggestions([edit(write, **extra)])
    result = run_cli("run", "--json", cwd=builder.path)
    (outcome,) = json.loads(result.stdout)["upgrades"]
    return outcome


def project(builder: GitRepoBuilder, models: str | None = None) -> str:
    """Commit the base project (with another ``pkg/models.py``) and return the commit."""
    return builder.commit({**BASE, "pkg/models.py": models or BASE["pkg/models.py"]}, "project")


def test_a_removed_reexport_fails_as_api_change_and_describe_shows_it(git_repo, run_cli) -> None:
    base = project(git_repo)
    # "breaking a cycle" by dropping the import that users of pkg.a rely on
    outcome = run_one(git_repo, run_cli, {"pkg/a.py": "def run():\n    return 1\n"})

    assert (outcome["status"], outcome["failure_type"]) == ("failed", "api_change")
    assert outcome["detail"] == "the public surface changed (1): pkg.a.Widget is gone (was class pkg.b.Widget)"
    assert git_repo.head() == base
    described = run_cli("describe", outcome["upgrade_id"], cwd=git_repo.path).stdout
    assert "failed" in described and "(api_change)" in described
    assert "pkg.a.Widget is gone (was class pkg.b.Widget)" in described
    assert manager_for(git_repo).ledger.upgrade(outcome["upgrade_id"]).failure_type == "api_change"
    diff = run_cli("diff", outcome["upgrade_id"], cwd=git_repo.path).stdout.splitlines()
    assert diff[2] == f"failed validation (api_change): {outcome['detail']}"


def test_public_surface_false_turns_the_check_off(git_repo, run_cli) -> None:
    git_repo.commit({**BASE, "config.yaml": CONFIG + "    public_surface: false\n"}, "project")
    outcome = run_one(git_repo, run_cli, {"pkg/a.py": "def run():\n    return 1\n"})

    assert (outcome["status"], outcome["failure_type"]) == ("merged", None), outcome["detail"]
    assert not (git_repo.path / ".git/upgrade/surface").exists()


def test_an_undocumented_constant_moving_with_its_reader_is_no_setting(git_repo, run_cli) -> None:
    git_repo.commit({**BASE, "README.md": "A package.\n"}, "project")
    # UPPER_CASE and named nowhere in the docs: a constant by convention, not a setting users change
    outcome = run_one(git_repo, run_cli, BAR_MOVED)

    assert (outcome["status"], outcome["failure_type"]) == ("merged", None), outcome["detail"]


def test_moved_code_that_reads_a_user_overridable_constant_fails(git_repo, run_cli) -> None:
    project(git_repo)
    # bar keeps its import path and __module__, but reads CHAR from its new module's globals:
    # a user's `pkg.render.CHAR = "#"` no longer reaches it
    outcome = run_one(git_repo, run_cli, BAR_MOVED)

    assert (outcome["status"], outcome["failure_type"]) == ("failed", "api_change")
    assert outcome["detail"] == (
        "the public surface changed (1): pkg.render.bar moved to pkg.bars and reads CHAR there: "
        "a user's pkg.render.CHAR = ... no longer reaches it"
    )


def test_moved_code_that_reads_the_original_module_at_call_time_merges(git_repo, run_cli) -> None:
    project(git_repo)
    moved = {
        "pkg/bars.py": (
            'def bar(n):\n    from pkg import render\n\n    return render.CHAR * n\n\n\nbar.__module__ = "pkg.render"\n'
        ),
        "pkg/render.py": 'from pkg.bars import bar\n\nCHAR = "*"\n',
    }
    outcome = run_one(git_repo, run_cli, moved)

    assert (outcome["status"], outcome["failure_type"]) == ("merged", None), outcome["detail"]


def test_a_new_submodule_named_like_a_package_attribute_fails(git_repo, run_cli) -> None:
    project(git_repo)
    outcome = run_one(git_repo, run_cli, {"pkg/name.py": "def helper():\n    return 1\n"})

    assert (outcome["status"], outcome["failure_type"]) == ("failed", "api_change")
    assert outcome["detail"] == (
        "the public surface changed (1): pkg.name is both a submodule and pkg's attribute name (function pkg.name): "
        "which one users get depends on what was imported before"
    )


def test_methods_moved_to_a_mixin_lose_autodoc_coverage(git_repo, run_cli) -> None:
    project(git_repo)
    outcome = run_one(git_repo, run_cli, {"pkg/measures.py": MIXIN, "pkg/shapes.py": SHAPES_WITH_MIXIN})

    assert (outcome["status"], outcome["failure_type"]) == ("failed", "api_change")
    # automodule :members: hands its options to the classes it documents: it loses them too
    assert outcome["detail"] == (
        "the public surface changed (2): docs/api.rst: autoclass pkg.shapes.Shape no longer renders "
        "2 member(s): area, perimeter; docs/api.rst: automodule pkg.shapes no longer renders "
        "2 member(s): Shape.area, Shape.perimeter"
    )


def test_inherited_members_added_to_the_directive_keeps_coverage_and_merges(git_repo, run_cli) -> None:
    project(git_repo)
    docs = add_directive_option(BASE["docs/api.rst"], "class", "pkg.shapes.Shape", "inherited-members")
    assert docs.endswith(".. autoclass:: pkg.shapes.Shape\n   :members:\n   :inherited-members:\n")
    docs = add_directive_option(docs, "module", "pkg.shapes", "inherited-members")
    write = {"pkg/measures.py": MIXIN, "pkg/shapes.py": SHAPES_WITH_MIXIN, "docs/api.rst": docs}

    outcome = run_one(git_repo, run_cli, write)

    assert (outcome["status"], outcome["failure_type"]) == ("merged", None), outcome["detail"]


def test_a_pickled_class_moved_to_another_module_fails(git_repo, run_cli) -> None:
    project(git_repo, PICKLING)
    # no public name changes (Point is a private module's class) but it pickles under another path
    move = {"pkg/_geometry.py": "class Point:\n    pass\n", "pkg/_impl.py": "from pkg._geometry import Point\n"}
    outcome = run_one(git_repo, run_cli, move)

    assert (outcome["status"], outcome["failure_type"]) == ("failed", "api_change")
    assert outcome["detail"] == (
        "the public surface changed (1): pickle path pkg._impl.Point changed: it now pickles as "
        "pkg._geometry.Point, so pickles of the new version do not load in the old"
    )


def test_the_same_move_merges_when_the_project_pickles_nothing(git_repo, run_cli) -> None:
    project(git_repo, PICKLING.replace("import pickle", "import json").replace("pickle.dumps", "repr"))
    move = {"pkg/_geometry.py": "class Point:\n    pass\n", "pkg/_impl.py": "from pkg._geometry import Point\n"}
    outcome = run_one(git_repo, run_cli, move)

    assert (outcome["status"], outcome["failure_type"]) == ("merged", None), outcome["detail"]


def test_a_change_that_keeps_the_surface_merges(git_repo, run_cli) -> None:
    project(git_repo)
    # a body rewritten, a new module and a new name added, and an import pkg.models only
    # made for its own code tidied away: nothing users reach is lost
    write = {
        "pkg/models.py": "from pkg import _impl\n\n\ndef origin():\n    return _impl.Point()\n",
        "pkg/b.py": "class Widget:\n    size = 1\n",
        "pkg/extra.py": "def more():\n    return 2\n",
        "pkg/render.py": BASE["pkg/render.py"] + "\n\ndef dots(n):\n    return '.' * n\n",
    }
    outcome = run_one(git_repo, run_cli, write)

    assert (outcome["status"], outcome["failure_type"]) == ("merged", None), outcome["detail"]


def test_god_module_split_that_moves_public_definitions_fails_on_their_module(git_repo, run_cli) -> None:
    tools = "def tool_0(x):\n    return x\n\n\n" + "".join(
        # each reads the one before as a default: a bare call would keep the group in place (patch surface)
        f"def tool_{i}(x, prev=tool_{i - 1}):\n    return prev(x) + {i}\n\n\n"
        for i in range(1, 4)
    )
    methods = "".join(f"    def step_{i}(self):\n        return {i}\n\n" for i in range(4))
    engine = f"class Engine:\n{methods}\ndef make():\n    return Engine()\n\n\ndef run():\n    return make()\n"
    core = f'"""Core."""\n\n\n{engine}\n\n{tools}'
    config = CONFIG + "  analysis:\n    god_module_max_lines: 35\n    god_module_max_definitions: 4\n"
    git_repo.commit({**BASE, "pkg/core.py": core, "config.yaml": config}, "project")
    god = suggestion("god_module", ("pkg/core.py",), {"path": "pkg/core.py", "module": "pkg.core"})
    manager_for(git_repo).queue_suggestions([god])

    (outcome,) = json.loads(run_cli("run", "--json", cwd=git_repo.path).stdout)["upgrades"]

    # the moved class and functions now say they live in the new module: reprs, pickles and
    # automodule would follow them; rewriting __module__ back would break inspect.getsource
    assert (outcome["status"], outcome["failure_type"]) == ("failed", "api_change"), outcome["detail"]
    assert re.search(
        r"pkg\.core\.tool_0 is now function pkg\.\w+\.tool_0 \(was function pkg\.core\.tool_0\)", outcome["detail"]
    )


def test_two_snapshots_of_one_commit_are_identical_and_compare_clean(git_repo) -> None:
    base = CommitId(project(git_repo, PICKLING))
    manager = manager_for(git_repo)
    repo, config = manager.repo, manager.config_at(base)
    assert compare_commits(repo, config, base, base) == []
    head = CommitId(git_repo.commit({"pkg/a.py": "def run():\n    return 1\n"}, "drop the re-export"))
    assert compare_commits(repo, config, base, head) == ["pkg.a.Widget is gone (was class pkg.b.Widget)"]
    assert compare_commits(repo, config, head, base) == []  # additions are not changes
    moved = CommitId(git_repo.commit({"pkg/b.py": "from pkg.c import Widget\n", "pkg/c.py": BASE["pkg/b.py"]}, "move"))
    assert compare_commits(repo, config, head, moved) == [
        "pkg.b.Widget is now class pkg.c.Widget (was class pkg.b.Widget), so its pickles change path"
    ]


def test_directives_are_read_from_rst_and_myst() -> None:
    rst = (
        ".. currentmodule:: pkg\n\n.. autoclass:: Env([options])\n   :members: a, b\n\n"
        "   .. automethod:: render\n\n.. autofunction:: pkg.util.f\n"
    )
    assert parse_rst(rst) == [
        ("class", "pkg.Env", {"members": "a, b"}),
        ("method", "pkg.Env.render", {}),
        ("function", "pkg.util.f", {}),
    ]
    myst = "# API\n\n```{currentmodule} pkg\n```\n\n```{autoclass} Env\n:members:\n```\n\n```{eval-rst}\n.. autodata:: X\n```\n"
    assert parse_rst(myst_to_rst(myst)) == [("class", "pkg.Env", {"members": ""}), ("data", "pkg.X", {})]


def test_a_lazy_all_name_and_a_moved_documented_constant_are_surface(git_repo) -> None:
    lazy = (
        '__all__ = ["Thing"]\n\n\ndef __getattr__(name):\n    if name == "Thing":\n'
        "        from pkg.b import Widget\n\n        return Widget\n    raise AttributeError(name)\n"
    )
    documented = '#: The character bars are drawn with.\nCHAR = "*"\n\n\ndef bar(n):\n    return CHAR * n\n'
    base = CommitId(
        git_repo.commit(
            {
                **BASE,
                "pkg/lazy.py": lazy,
                "pkg/render.py": documented,
                "docs/api.rst": BASE["docs/api.rst"] + "\n.. autodata:: pkg.render.CHAR\n",
            },
            "project",
        )
    )
    # CHAR moves with its comment; pkg.render still has it (and bar still reads it there),
    # but autodoc reads the comment in pkg/render.py: the rendered entry loses it
    head = CommitId(
        git_repo.commit(
            {
                "pkg/lazy.py": "__all__ = []\n",
                "pkg/chars.py": '#: The character bars are drawn with.\nCHAR = "*"\n',
                "pkg/render.py": "from pkg.chars import CHAR\n\n\ndef bar(n):\n    return CHAR * n\n",
            },
            "upgrade",
        )
    )
    manager = manager_for(git_repo)

    assert compare_commits(manager.repo, manager.config_at(base), base, head) == [
        "docs/api.rst: autodata pkg.render.CHAR loses its documentation",
        "pkg.lazy.Thing is gone (was class pkg.b.Widget)",
    ]
