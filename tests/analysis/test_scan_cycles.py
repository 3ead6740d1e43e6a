"""Import cycles through the real CLI: chain, cut, unsafe vs benign, deferred cycles, targeting."""

from __future__ import annotations

from tests.analysis.helpers import of_type, scan_json

CYCLIC = {
    "pkg/__init__.py": "",
    # unsafe: a module-level `from x import name` inside the cycle
    "pkg/a.py": "from pkg.b import helper\n\n\ndef run():\n    return helper()\n",
    "pkg/b.py": "from pkg import a\n\n\ndef helper():\n    return a.run\n",
    # benign: only `import x` with attribute use inside functions
    "pkg/c.py": "import pkg.d\n\n\ndef c():\n    return pkg.d.d()\n",
    "pkg/d.py": "import pkg.c\n\n\ndef d():\n    return pkg.c.c()\n",
    # deferred only: a function-level import closes the loop
    "pkg/e.py": "from pkg.f import F\n",
    "pkg/f.py": "F = 1\n\n\ndef late():\n    from pkg import e\n    return e\n",
    # TYPE_CHECKING only
    "pkg/g.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.h import H\nG = 1\n",
    "pkg/h.py": "from pkg.g import G\nH = G\n",
}


def test_cycles_with_chain_and_cheapest_cut(run_cli, git_repo) -> None:
    git_repo.commit(CYCLIC)
    report = scan_json(run_cli, git_repo.path)
    cycles = report["global_issues"]["circular_imports"]
    assert [(c["cycle"], c["unsafe"]) for c in cycles] == [
        (["pkg.a", "pkg.b"], True),
        (["pkg.c", "pkg.d"], False),
    ]
    unsafe = cycles[0]
    assert [
        (e["importer"], e["imported"], e["line"], e["statement"], e["names"], e["kind"]) for e in unsafe["chain"]
    ] == [
        ("pkg.a", "pkg.b", 1, "from pkg.b import helper", ["helper"], "module"),
        ("pkg.b", "pkg.a", 1, "from pkg import a", ["a"], "module"),
    ]
    # the import of a module object is the cheaper cut: deferring it takes no name users patch away
    assert [(e["importer_path"], e["imported_path"], e["uses"]) for e in unsafe["cut"]] == [("pkg/b.py", "pkg/a.py", 1)]
    suggestions = of_type(report, "circular_import")
    assert [s["id"] for s in suggestions] == [c["suggestion_id"] for c in cycles]
    first = suggestions[0]
    assert first["risk_level"] == "low" and first["strategy"] == "rule"
    assert first["affected_modules"] == ["pkg/b.py", "pkg/a.py"]  # the cut's importer first
    assert first["evidence"]["cut"] == unsafe["cut"]
    # unsafe cycles rank above benign ones
    assert first["priority"] > suggestions[1]["priority"]


def test_deferred_and_type_checking_cycles_are_informational(run_cli, git_repo) -> None:
    git_repo.commit(CYCLIC)
    report = scan_json(run_cli, git_repo.path)
    deferred = report["global_issues"]["deferred_cycles"]
    assert deferred == [
        {"cycle": ["pkg.e", "pkg.f"], "paths": ["pkg/e.py", "pkg/f.py"], "kinds": ["function"]},
        {"cycle": ["pkg.g", "pkg.h"], "paths": ["pkg/g.py", "pkg/h.py"], "kinds": ["type_checking"]},
    ]
    assert all(
        set(c["cycle"]) not in ({"pkg.e", "pkg.f"}, {"pkg.g", "pkg.h"})
        for c in report["global_issues"]["circular_imports"]
    )


def test_src_layout_and_relative_imports(run_cli, git_repo) -> None:
    git_repo.commit(
        {
            "src/app/__init__.py": "from .core import Core\n",
            "src/app/core.py": "from . import util\n\n\nclass Core(util.Base):\n    pass\n",
            "src/app/util.py": "from app import Core\n\n\nclass Base:\n    pass\n",
        }
    )
    report = scan_json(run_cli, git_repo.path)
    [cycle] = report["global_issues"]["circular_imports"]
    assert cycle["cycle"] == ["app", "app.core", "app.util"] and cycle["unsafe"] is True
    assert report["modules"]["src/app/core.py"]["module"] == "app.core"


def test_target_limits_the_report_but_not_the_graph(run_cli, git_repo) -> None:
    git_repo.commit(CYCLIC)
    report = scan_json(run_cli, git_repo.path, "pkg/a.py")
    assert list(report["modules"]) == ["pkg/a.py"]
    assert [c["cycle"] for c in report["global_issues"]["circular_imports"]] == [["pkg.a", "pkg.b"]]
    assert report["metadata"]["targets"] == ["pkg/a.py"]
    # from a subdirectory, PATH is relative to where the command runs
    sub = scan_json(run_cli, git_repo.path / "pkg", "c.py")
    assert list(sub["modules"]) == ["pkg/c.py"]
    assert [c["cycle"] for c in sub["global_issues"]["circular_imports"]] == [["pkg.c", "pkg.d"]]


def test_unknown_target_is_a_usage_error(run_cli, git_repo) -> None:
    git_repo.commit(CYCLIC)
    result = run_cli("scan", "nowhere", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: no Python file to scan under nowhere at HEAD"


def test_cut_picks_the_import_with_fewest_uses(run_cli, git_repo) -> None:
    git_repo.commit(
        {
            "shop/__init__.py": "",
            "shop/models.py": "from shop.pricing import discount\n\n\ndef total(x):\n    return discount(discount(x))\n",
            # the module is only named in a string annotation: nothing to rewrite when this import goes
            "shop/pricing.py": "from shop import models\n\n\ndef discount(x: 'models.Order'):\n    return x\n",
        }
    )
    [cycle] = scan_json(run_cli, git_repo.path)["global_issues"]["circular_imports"]
    assert [(e["importer_path"], e["line"], e["statement"], e["uses"]) for e in cycle["cut"]] == [
        ("shop/pricing.py", 1, "from shop import models", 0)
    ]
