"""circular_import: cut the cycle with TYPE_CHECKING and deferred imports, or refuse."""

from __future__ import annotations

import json
import sys

from gitupgrade.analysis import ArchitectAnalyzer
from gitupgrade.config.loader import Config, default_config
from gitupgrade.refactor import ChangeKind, FileChange, Status
from gitupgrade.refactor.strategies.cycle_probe import probe_imports
from gitupgrade.suggestion import Suggestion
from tests.refactor.helpers import Project, cycle, edge

# services imports models at module level and models imports services: a real cycle that
# fails when pkg.models is imported first (services then takes Order from a models that has
# not defined it yet); importing pkg.services first works.
CYCLE = {
    "pkg/__init__.py": "",
    "pkg/models.py": '''
        """Models."""
        from pkg import services


        class Order:
            def __init__(self, n):
                self.n = n

            def text(self):
                return services.describe(self)
        ''',
    "pkg/services.py": '''
        """Services."""
        import os
        from pkg.models import Order  # the model


        def describe(order: Order) -> str:
            """Describe."""
            return f"order {order.n}"


        def make(n): return Order(n)
        ''',
    "tests/test_pkg.py": """
        from pkg.services import make
        import pkg.models


        def test_make():
            assert make(3).text() == "order 3"
        """,
}

SERVICES_TO_MODELS = edge("pkg.services", "pkg.models", 3, ["Order"], "from pkg.models import Order")
MODELS_TO_SERVICES = edge("pkg.models", "pkg.services", 2, ["services"], "from pkg import services")

EXPECTED_SERVICES = '''"""Services."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pkg.models import Order  # the model


def describe(order: Order) -> str:
    """Describe."""
    return f"order {order.n}"


def make(n):
    # deferred: a module-level import would close an import cycle
    from pkg.models import Order

    return Order(n)
'''


def test_annotation_and_function_uses_are_cut_exactly(project: Project) -> None:
    project.write(CYCLE)
    assert project.pytest() == (1, 0)

    suggestion = cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES])
    # the scan's account of the failure: it is this very import that fails
    suggestion.evidence["failures"] = _scanned(project).evidence["failures"]
    result = project.apply(suggestion)

    assert result.status is Status.APPLIED, result.reason
    assert result.changes == (FileChange("pkg/services.py", ChangeKind.MODIFY),)
    assert project.read("pkg/services.py") == EXPECTED_SERVICES.replace(
        "# deferred: a module-level import would close an import cycle",
        "# deferred: circular when pkg.models is imported first",
    )
    assert result.summary == (
        "pkg.services -> pkg.models (line 3): annotations under TYPE_CHECKING; deferred into make\n"
        "fixes: importing pkg.models first fails: pkg.services line 3 needs pkg.models.Order "
        "while pkg.models is still importing and has not bound it"
    )
    assert project.pytest() == (1, 0)
    assert project.imports("pkg.models") == ""
    assert project.imports("pkg.services") == ""


def test_module_import_used_in_a_method_becomes_deferred(project: Project) -> None:
    project.write(CYCLE)
    result = project.apply(cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES], cut=[MODELS_TO_SERVICES]))

    assert result.status is Status.APPLIED, result.reason
    assert (
        project.read("pkg/models.py")
        == '''"""Models."""


class Order:
    def __init__(self, n):
        self.n = n

    def text(self):
        # deferred: a module-level import would close an import cycle
        from pkg import services

        return services.describe(self)
'''
    )
    assert project.pytest() == (1, 0)
    # importing models first used to fail; now every order works
    assert project.imports("pkg.models", "pkg.services") == ""


def test_falls_back_to_the_next_ranked_edge(project: Project) -> None:
    files = dict(CYCLE)
    # the first ranked edge is read at import time (a class attribute): it cannot move
    files["pkg/services.py"] = files["pkg/services.py"].replace(
        "def make(n): return Order(n)",
        "class Maker:\n            kind = Order\n\n\n        def make(n): return Order(n)",
    )
    project.write(files)
    assert project.pytest() == (1, 0)

    result = project.apply(
        cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES], cut=[SERVICES_TO_MODELS, MODELS_TO_SERVICES])
    )

    assert result.status is Status.APPLIED, result.reason
    assert result.changes == (FileChange("pkg/models.py", ChangeKind.MODIFY),)
    assert result.refusals == ("pkg.services -> pkg.models (line 3): Order is read when the module is imported",)
    assert project.pytest() == (1, 0)


def _refused(project: Project, files: dict[str, str], suggestion_cut: list | None = None) -> str:
    project.write(files)
    before = project.snapshot()
    result = project.apply(cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES], cut=suggestion_cut))
    assert result.status is Status.REFUSED
    assert result.failure_type == "refused"
    assert project.snapshot() == before
    return result.reason


def test_runtime_annotation_readers_refuse_type_checking(project: Project) -> None:
    files = dict(CYCLE)
    files["pkg/services.py"] = '''
        """Services."""
        import dataclasses
        from pkg.models import Order


        @dataclasses.dataclass
        class Line:
            order: Order
        '''
    files["tests/test_pkg.py"] = "import pkg\n\n\ndef test_ok():\n    assert pkg\n"
    reason = _refused(project, files, [SERVICES_TO_MODELS])
    assert reason == (
        "cycle pkg.models -> pkg.services -> pkg.models remains: pkg.services -> pkg.models (line 3): "
        "annotations may be evaluated at run time (import dataclasses)"
    )


def test_reexport_through_all_refuses(project: Project) -> None:
    files = dict(CYCLE)
    files["pkg/services.py"] = files["pkg/services.py"].replace(
        "import os\n", 'import os\n\n        __all__ = ["Order", "make"]\n'
    )
    reason = _refused(project, files, [SERVICES_TO_MODELS])
    assert "Order is re-exported through __all__" in reason


def test_name_imported_back_from_the_importer_refuses(project: Project) -> None:
    files = dict(CYCLE)
    files["tests/test_reexport.py"] = "from pkg.services import Order\n\n\ndef test_it():\n    assert Order\n"
    reason = _refused(project, files, [SERVICES_TO_MODELS])
    assert "tests/test_reexport.py import(s) it back from pkg.services" in reason


def test_unused_import_is_a_side_effect_import_and_refuses(project: Project) -> None:
    files = dict(CYCLE)
    files["pkg/services.py"] = '"""Services."""\nfrom pkg.models import Order\n\n\ndef make(n):\n    return n\n'
    reason = _refused(project, files, [SERVICES_TO_MODELS])
    assert "never read here (a re-export or a side-effect import)" in reason


def test_cut_that_leaves_another_import_of_the_module_refuses(project: Project) -> None:
    # found on docutils.parsers.rst.states: "import a.b" is cut but "from a.b import c" still runs a.b
    files = dict(CYCLE)
    files["pkg/services.py"] = files["pkg/services.py"].replace(
        "# the model\n", "# the model\n        from pkg import models as _models_module\n"
    )
    reason = _refused(project, files, [SERVICES_TO_MODELS])
    assert reason == (
        "cycle pkg.models -> pkg.services -> pkg.models remains: cutting pkg.services -> pkg.models (line 3): "
        "annotations under TYPE_CHECKING; deferred into make is not enough: "
        "other module-level imports still make it"
    )


# the package imports its own submodule, which imports the package back for a function:
# importing pkg runs pkg.core to the end first, and pkg.core binds only the module object
PACKAGE_CYCLE = {
    "pkg/__init__.py": '"""The package."""\nfrom pkg.core import Thing\n\n\ndef helper():\n    return 1\n',
    "pkg/core.py": '"""Core."""\nimport pkg\n\n\nclass Thing:\n    def value(self):\n        return pkg.helper()\n',
    "tests/test_pkg.py": "from pkg import Thing\n\n\ndef test_thing():\n    assert Thing().value() == 1\n",
    "config.yaml": "self_upgrading:\n  validation:\n    test_command: python -m pytest -q -p no:cacheprovider tests\n",
}


def test_a_package_submodule_cycle_that_imports_fine_is_report_only(run_cli, git_repo) -> None:
    git_repo.commit(PACKAGE_CYCLE)
    base = git_repo.head()

    scanned = run_cli("scan", "--json", cwd=git_repo.path)

    assert scanned.exit_code == 0, scanned.stderr
    report = json.loads(scanned.stdout)
    (found,) = report["global_issues"]["circular_imports"]
    assert (found["cycle"], found["unsafe"]) == (["pkg", "pkg.core"], False)
    assert report["queue"] == {
        "queued": [],
        "filtered": [
            {
                "suggestion_id": found["suggestion_id"],
                "reason": "report-only: the cycle imports fine (in every import order each name is bound before it is read); "
                "deferring its imports would hide a dependency, not fix a failure",
            }
        ],
    }
    ran = run_cli("run", "--json", cwd=git_repo.path)
    assert ran.exit_code == 0, ran.stderr
    assert json.loads(ran.stdout)["upgrades"] == []
    assert git_repo.head() == base


def test_the_strategy_refuses_a_cycle_that_imports_fine(project: Project) -> None:
    project.write({k: v for k, v in PACKAGE_CYCLE.items() if k != "config.yaml"})
    before = project.snapshot()
    chain = [edge("pkg", "pkg.core", 2, ["Thing"]), edge("pkg.core", "pkg", 2, ["pkg"])]
    chain[0]["importer_path"] = "pkg/__init__.py"
    chain[1]["imported_path"] = "pkg/__init__.py"

    result = project.apply(cycle(chain, unsafe=False))

    assert result.status is Status.REFUSED
    assert result.reason.startswith("report-only: the cycle imports fine")
    assert project.snapshot() == before


def _scanned(project: Project) -> Suggestion:
    """The circular_import suggestion the real analyzer makes for the project's files."""
    files = {p.relative_to(project.root).as_posix(): p.read_bytes() for p in project.root.rglob("*.py")}
    report = ArchitectAnalyzer(None, default_config()).analyze_sources(files)
    [found] = [s for s in report.suggestions if s.type == "circular_import"]
    return found


def test_a_failing_cycle_is_cut_with_the_failing_order_in_its_comment(project: Project) -> None:
    project.write(CYCLE)
    assert project.imports("pkg.models").startswith("ImportError: cannot import name 'Order'")
    suggestion = _scanned(project)
    assert suggestion.evidence["unsafe"] is True
    assert [f["why"] for f in suggestion.evidence["failures"]] == [
        "importing pkg.models first fails: pkg.services line 3 needs pkg.models.Order "
        "while pkg.models is still importing and has not bound it"
    ]

    result = project.apply(suggestion)

    assert result.status is Status.APPLIED, result.reason
    # the cheapest cut is models' import of services (one reference), which the failure runs through
    assert result.changes == (FileChange("pkg/models.py", ChangeKind.MODIFY),)
    assert "\n".join(project.read("pkg/models.py").splitlines()[-5:]) == (
        "    def text(self):\n"
        "        # deferred: circular when pkg.models is imported first\n"
        "        from pkg import services\n"
        "\n"
        "        return services.describe(self)"
    )
    assert project.pytest() == (1, 0)
    assert project.imports("pkg.models") == "" and project.imports("pkg.services") == ""


def test_the_probe_refuses_a_cycle_that_imports_fine_from_every_entry_point(project: Project) -> None:
    files = dict(CYCLE)
    # the package imports services first, whichever module a user asks for
    files["pkg/__init__.py"] = "from pkg.services import make\n"
    project.write(files)
    before = project.snapshot()

    result = project.apply(cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES]))

    assert (result.status, result.reason) == (
        Status.REFUSED,
        "the cycle imports fine from every entry point; left as it is",
    )
    assert project.snapshot() == before


def test_the_probe_uses_the_interpreter_of_the_test_command(project: Project, tmp_path) -> None:
    project.write(CYCLE)
    missing = tmp_path / "no-venv" / "bin" / "python"
    probe = probe_imports(project.root, ["pkg.models", "pkg.services"], _config(f"{missing} -m pytest -q"))
    assert probe.skipped.startswith(f"cannot run {missing}: ") and not probe.all_fine
    probe = probe_imports(project.root, ["pkg.models", "pkg.services"], _config(f"{sys.executable} -m pytest -q"))
    assert probe.fine == ("pkg.services",) and list(probe.other) == []
    assert list(probe.circular) == ["pkg.models"]
    assert "partially initialized module 'pkg.models'" in probe.circular["pkg.models"]
    # names from the evidence run only as dotted module names, never as code
    assert probe_imports(project.root, ["pkg; import os"], _config("python")).skipped


def _config(test_command: str) -> Config:
    data = default_config().to_dict()
    data["validation"]["test_command"] = test_command
    return Config(data)


def test_a_function_opening_with_a_comment_still_gets_its_deferred_import(project: Project) -> None:
    files = dict(CYCLE)
    files["pkg/services.py"] = '''
        """Services."""
        from pkg.models import Order


        def describe(order):
            return f"order {order.n}"


        def make(n):
            # one order per call
            return Order(n)
        '''
    project.write(files)

    result = project.apply(cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES]))

    assert result.status is Status.APPLIED, result.reason
    assert project.read("pkg/services.py") == (
        '"""Services."""\n\n\ndef describe(order):\n    return f"order {order.n}"\n\n\ndef make(n):\n'
        "    # deferred: a module-level import would close an import cycle\n"
        "    from pkg.models import Order\n"
        "    # one order per call\n"
        "    return Order(n)\n"
    )
    assert project.pytest() == (1, 0)


def test_the_comment_wraps_to_the_projects_line_length(project: Project) -> None:
    files = dict(CYCLE)
    files["setup.cfg"] = "[flake8]\nmax-line-length = 50\n"
    project.write(files)
    suggestion = cycle([SERVICES_TO_MODELS, MODELS_TO_SERVICES])
    suggestion.evidence["failures"] = _scanned(project).evidence["failures"]

    result = project.apply(suggestion)

    assert result.status is Status.APPLIED, result.reason
    lines = project.read("pkg/services.py").splitlines()
    start = lines.index("def make(n):") + 1
    assert lines[start : start + 3] == [
        "    # deferred: circular when pkg.models is",
        "    # imported first",
        "    from pkg.models import Order",
    ]
    assert max(len(line) for line in lines) <= 50
