"""Each smell through the real CLI on a real repository, with small limits from config.yaml."""

from __future__ import annotations

from tests.analysis.helpers import SMALL_LIMITS, of_type, scan_json

GOD_CLASS = "class Big:\n" + "".join(f"    def m{i}(self):\n        return self.f{i % 2}\n\n" for i in range(5))
GOD_MODULE = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(8))
COMPLEX = """\
def tangled(a, b, c):
    if a:
        for x in b:
            if x and c:
                while c:
                    c -= 1
    elif b or c:
        return 2
    return 1
"""
COPY_ONE = """\
def total(items):
    result = 0
    for item in items:
        result += item.price
    result = round(result, 2)
    return result
"""
COPY_TWO = """\
def summed(rows):
    acc = 0
    for row in rows:
        acc += row.amount
    acc = round(acc, 3)
    return acc
"""
BLOCK = """\
    data = load(path)
    data = clean(data)
    data = enrich(data, source)
    save(data, target)
    report(data)
"""


def test_god_class(run_cli, git_repo) -> None:
    git_repo.commit({"config.yaml": SMALL_LIMITS, "big.py": GOD_CLASS})
    [suggestion] = of_type(scan_json(run_cli, git_repo.path), "god_class")
    assert suggestion["evidence"] == {
        "path": "big.py",
        "module": "big",
        "class": "Big",
        "line": 1,
        "end_line": 15,
        "methods": 5,
        "lines": 15,
        "lcom4": 2,
    }
    assert (suggestion["risk_level"], suggestion["affected_modules"]) == ("medium", ["big.py"])
    assert suggestion["title"] == "Split class Big in big.py"


def test_god_module(run_cli, git_repo) -> None:
    git_repo.commit({"config.yaml": SMALL_LIMITS, "many.py": GOD_MODULE})
    [suggestion] = of_type(scan_json(run_cli, git_repo.path), "god_module")
    assert suggestion["evidence"] == {"path": "many.py", "module": "many", "lines": 32, "definitions": 8}
    assert suggestion["risk_level"] == "medium"


def test_complex_function_goes_to_the_llm_strategy(run_cli, git_repo) -> None:
    git_repo.commit({"config.yaml": SMALL_LIMITS, "knot.py": COMPLEX})
    report = scan_json(run_cli, git_repo.path)
    [suggestion] = of_type(report, "complex_function")
    assert suggestion["evidence"] == {
        "path": "knot.py",
        "module": "knot",
        "function": "tangled",
        "line": 1,
        "end_line": 9,
        "complexity": 8,
        "nesting": 4,
    }
    assert (suggestion["strategy"], suggestion["risk_level"]) == ("llm", "medium")
    assert report["modules"]["knot.py"]["functions"][0]["complexity"] == 8


def test_duplicate_functions_renamed_across_files(run_cli, git_repo) -> None:
    git_repo.commit({"config.yaml": SMALL_LIMITS, "a.py": COPY_ONE, "b.py": COPY_TWO})
    report = scan_json(run_cli, git_repo.path)
    [suggestion] = of_type(report, "duplicate_pattern")
    assert suggestion["evidence"] == {
        "kind": "function",
        "exact": False,
        "lines": 6,
        "locations": [
            {"path": "a.py", "module": "a", "name": "total", "start": 1, "end": 6},
            {"path": "b.py", "module": "b", "name": "summed", "start": 1, "end": 6},
        ],
    }
    assert suggestion["affected_modules"] == ["a.py", "b.py"]
    assert report["global_issues"]["duplicate_patterns"][0]["suggestion_id"] == suggestion["id"]


def test_duplicate_blocks_exact(run_cli, git_repo) -> None:
    one = "def one(path, source, target):\n    begin()\n" + BLOCK + "    return 1\n"
    two = "def two(path, source, target, extra):\n    if extra:\n        return None\n" + BLOCK
    git_repo.commit({"config.yaml": SMALL_LIMITS, "one.py": one, "two.py": two})
    [suggestion] = of_type(scan_json(run_cli, git_repo.path), "duplicate_pattern")
    assert suggestion["evidence"] == {
        "kind": "block",
        "exact": True,
        "lines": 5,
        "locations": [
            {"path": "one.py", "module": "one", "name": None, "start": 3, "end": 7},
            {"path": "two.py", "module": "two", "name": None, "start": 4, "end": 8},
        ],
    }


def test_layer_violation_is_high_risk(run_cli, git_repo) -> None:
    config = SMALL_LIMITS + "    layers: [app.ui, app.domain]\n"
    git_repo.commit(
        {
            "config.yaml": config,
            "app/__init__.py": "",
            "app/ui.py": "from app.domain import rule\n",
            "app/domain.py": "def rule():\n    from app import ui\n    return ui\n",
        }
    )
    report = scan_json(run_cli, git_repo.path)
    [suggestion] = of_type(report, "architectural_violation")
    assert suggestion["evidence"] == {
        "importer": "app.domain",
        "importer_path": "app/domain.py",
        "imported": "app.ui",
        "line": 2,
        "importer_layer": "app.domain",
        "imported_layer": "app.ui",
    }
    assert suggestion["risk_level"] == "high"
    assert report["modules"]["app/ui.py"]["coupling"] == {"ca": 1, "ce": 1, "instability": 0.5}


def test_no_smell_in_clean_code(run_cli, git_repo) -> None:
    git_repo.commit({"pkg/__init__.py": "", "pkg/ok.py": "def f():\n    return 1\n"})
    report = scan_json(run_cli, git_repo.path)
    assert report["upgrade_suggestions"] == []
    assert report["summary"] == {
        "modules": 2,
        "unanalyzable": 0,
        "suggestions": 0,
        "circular_imports": 0,
        "duplicate_patterns": 0,
        "violations": 0,
        "seconds": report["metadata"]["seconds"],
    }


def test_overlapping_windows_merge_into_one_block(run_cli, git_repo) -> None:
    long_block = "".join(f"    step{i}(data, {i})\n" for i in range(9))
    one = "def one(data):\n    if data:\n        return None\n" + long_block
    two = "def two(data, more):\n    print(more)\n" + long_block + "    return more\n"
    git_repo.commit({"config.yaml": SMALL_LIMITS, "one.py": one, "two.py": two})
    [suggestion] = of_type(scan_json(run_cli, git_repo.path), "duplicate_pattern")
    assert suggestion["evidence"]["lines"] == 9
    assert [(loc["path"], loc["start"], loc["end"]) for loc in suggestion["evidence"]["locations"]] == [
        ("one.py", 4, 12),
        ("two.py", 3, 11),
    ]


def test_copied_settings_are_not_duplicates(run_cli, git_repo) -> None:
    settings = "".join(f"OPTION_{i} = {i}\n" for i in range(8))
    git_repo.commit({"config.yaml": SMALL_LIMITS, "en.py": settings, "fr.py": settings.replace("= ", "= 1")})
    assert of_type(scan_json(run_cli, git_repo.path), "duplicate_pattern") == []


def test_type_checking_import_blocks_are_not_duplicates(run_cli, git_repo) -> None:
    # found on this repository: two strategies share the same guarded imports
    header = (
        "from typing import TYPE_CHECKING, Any\n\nif TYPE_CHECKING:\n    from pathlib import Path\n\n"
        "    from app.config import Config\n    from app.suggestion import Suggestion\n\n"
    )
    git_repo.commit(
        {
            "config.yaml": SMALL_LIMITS,
            "one.py": header + "Edge = dict[str, Any]\n",
            "two.py": header + "Location = dict[str, Any]\n",
        }
    )
    assert of_type(scan_json(run_cli, git_repo.path), "duplicate_pattern") == []


def test_package_coupling(run_cli, git_repo) -> None:
    git_repo.commit(
        {
            "core/__init__.py": "",
            "core/base.py": "X = 1\n",
            "web/__init__.py": "",
            "web/views.py": "from core.base import X\nfrom core import base\n",
            "cli/__init__.py": "",
            "cli/main.py": "import core.base\nimport web.views\n",
        }
    )
    coupling = scan_json(run_cli, git_repo.path)["global_issues"]["package_coupling"]
    assert coupling == {
        "cli": {"ca": 0, "ce": 2, "instability": 1.0},
        "core": {"ca": 2, "ce": 0, "instability": 0.0},
        "web": {"ca": 1, "ce": 1, "instability": 0.5},
    }
