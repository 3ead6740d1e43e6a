"""duplicate_pattern: replace a copied function by an import of the first copy, or refuse."""

from __future__ import annotations

from gitupgrade.refactor import ChangeKind, FileChange, Status
from tests.refactor.helpers import Project, suggestion

COPY = '''

def {name}(text):
    """Normalise whitespace."""
    return " ".join(text.split()).strip()
'''


def dup(other_name: str = "squash", kind: str = "function") -> object:
    return suggestion(
        "duplicate_pattern",
        ("app/text.py", "app/report.py"),
        {
            "kind": kind,
            "exact": other_name == "squash",
            "lines": 3,
            "locations": [
                {"path": "app/text.py", "module": "app.text", "name": "squash", "start": 1, "end": 3},
                {"path": "app/report.py", "module": "app.report", "name": other_name, "start": 4, "end": 6},
            ],
        },
    )


def _app(project: Project, report_extra: str = "", name: str = "squash", baseline: bool = False) -> None:
    project.write(
        {
            "app/__init__.py": "",
            "app/text.py": '"""Text helpers."""\n' + COPY.format(name="squash"),
            "app/report.py": f'"""Reports."""\nfrom . import text\n{report_extra}\n'
            + COPY.format(name=name)
            + f"\n\ndef render(rows):\n    return [{name}(r) for r in rows]\n",
            "tests/test_app.py": f"from app.report import render, {name}\n\n\n"
            f"def test_render():\n    assert render([' a  b ']) == ['a b'] and {name}('x ') == 'x'\n",
        }
    )
    if baseline:
        assert project.pytest() == (1, 0)


def test_renamed_copy_becomes_an_aliased_relative_import(project: Project) -> None:
    _app(project, name="clean", baseline=True)
    result = project.apply(dup("clean"))
    assert result.status is Status.APPLIED, result.reason
    assert result.changes == (FileChange("app/report.py", ChangeKind.MODIFY),)
    assert project.read("app/report.py") == (
        '"""Reports."""\nfrom . import text\nfrom .text import squash as clean  # was an identical copy\n'
        "\n\ndef render(rows):\n    return [clean(r) for r in rows]\n"
    )
    assert project.pytest() == (1, 0)


def test_free_name_bound_differently_refuses(project: Project) -> None:
    project.write({"app/__init__.py": ""})
    _app(project, report_extra="\ndef strip_all(t):\n    return t\n")
    project.write(
        {
            "app/report.py": project.read("app/report.py").replace(
                '" ".join(text.split()).strip()', 'strip_all(" ".join(text.split()))'
            )
        }
    )
    project.write(
        {
            "app/text.py": project.read("app/text.py").replace(
                '" ".join(text.split()).strip()', 'strip_all(" ".join(text.split()))'
            )
            + "\n\ndef strip_all(t):\n    return t.strip()\n"
        }
    )
    before = project.snapshot()
    result = project.apply(dup())
    assert result.status is Status.REFUSED
    assert result.reason == "app.report.squash: strip_all may refer to different objects in the two modules"
    assert project.snapshot() == before


def test_new_import_cycle_refuses(project: Project) -> None:
    _app(project)
    project.write(
        {
            "app/text.py": project.read("app/text.py").replace(
                '"""Text helpers."""\n', '"""Text helpers."""\nimport app.report\n'
            )
        }
    )
    before = project.snapshot()
    result = project.apply(dup())
    assert result.status is Status.REFUSED
    assert result.reason == ("app.report.squash: app.text imports app.report: the new import would be circular")
    assert project.snapshot() == before


def test_statement_runs_in_different_modules_are_report_only(project: Project) -> None:
    _app(project)
    result = project.apply(dup(kind="block"))
    assert result.status is Status.REFUSED
    assert result.reason == "the copies are in different modules: report-only without an LLM provider"


def test_type_checking_block_in_a_copy_module_is_no_import_target(project: Project) -> None:
    # found on click: the strategy crashed iterating an "if t.TYPE_CHECKING:" block as an import line
    _app(
        project,
        report_extra="import typing as t\n\nif t.TYPE_CHECKING:\n    import collections.abc as cabc\n",
        name="clean",
        baseline=True,
    )
    result = project.apply(dup("clean"))
    assert result.status is Status.APPLIED, result.reason
    assert project.pytest() == (1, 0)
