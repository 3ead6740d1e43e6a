"""A module far above the ceiling of lines is refused before parsing, whatever max_file_bytes allows."""

from __future__ import annotations

import json

from gitupgrade.analysis.extract import MAX_FILE_LINES


def test_a_5_mb_module_is_reported_unanalyzable_with_its_reason(git_repo, run_cli) -> None:
    # 5 MB of statements (the size that took 150 s and 1.26 GB with max_file_bytes raised)
    body = "".join(f"value_{i} = {i} * 2 + 1\n" for i in range(230_000))
    assert len(body) > 5_000_000
    git_repo.commit(
        {
            "pkg/__init__.py": "",
            "pkg/huge.py": body,
            "pkg/small.py": "def f():\n    return 1\n",
            "config.yaml": "self_upgrading:\n  analysis:\n    max_file_bytes: 20000000\n",
        }
    )
    result = run_cli("scan", "--json", "--dry-run", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    modules = json.loads(result.stdout)["modules"]
    assert modules["pkg/huge.py"]["analyzable"] is False
    assert modules["pkg/huge.py"]["reason"] == (
        f"230000 lines, above the ceiling of {MAX_FILE_LINES} lines per file (bounds time and memory)"
    )
    assert modules["pkg/small.py"]["analyzable"] is True


def test_a_module_at_the_ceiling_is_analysed(git_repo, run_cli) -> None:
    body = "".join(f"value_{i} = {i}\n" for i in range(MAX_FILE_LINES))
    git_repo.commit({"pkg/__init__.py": "", "pkg/big.py": body})
    result = run_cli("scan", "--json", "--dry-run", cwd=git_repo.path)
    big = json.loads(result.stdout)["modules"]["pkg/big.py"]
    assert (big["analyzable"], big["total_lines"]) == (True, MAX_FILE_LINES)
