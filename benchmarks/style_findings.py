"""New findings of ruff, ruff format and mypy on a kept corpus repository: its base vs its merged HEAD.

Run after ``corpus_bench.py NAME --keep DIR``::

    python benchmarks/style_findings.py DIR/corpus-attrs-*/attrs-26.1.0 src/attr

Both commits are exported with ``git archive`` and checked with the tools installed here,
each with the project's own configuration; findings compare as multisets without line
numbers (a finding that moved with its code to a new file counts as new here: read them).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path


def export(repo: Path, rev: str, dest: Path) -> None:
    """The tree of ``rev`` written to ``dest``."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def findings(root: Path, target: str) -> dict[str, Counter[str]]:
    """Each tool's findings in ``root``, line numbers dropped."""
    ruff = subprocess.run(
        ["ruff", "check", "--no-cache", "--output-format", "concise", "."], cwd=root, capture_output=True, text=True
    )
    formatted = subprocess.run(
        ["ruff", "format", "--no-cache", "--check", "."], cwd=root, capture_output=True, text=True
    )
    mypy = subprocess.run(
        ["mypy", "--cache-dir", os.devnull, "--no-pretty", target], cwd=root, capture_output=True, text=True
    )
    return {
        "ruff": Counter(
            re.sub(r":\d+:\d+:", ":", line) for line in ruff.stdout.splitlines() if re.match(r"\S+:\d+:", line)
        ),
        "ruff format": Counter(line for line in formatted.stdout.splitlines() if line.startswith("Would reformat")),
        "mypy": Counter(re.sub(r":\d+:(\d+:)?", ":", line) for line in mypy.stdout.splitlines() if ": error:" in line),
    }


def main() -> None:
    """Print each tool's findings before and after, and the new ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a repository kept by corpus_bench.py --keep")
    parser.add_argument("target", help="what mypy checks (a package folder)")
    args = parser.parse_args()
    base = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "HEAD"], cwd=args.repo, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    work = Path(tempfile.mkdtemp())
    try:
        export(args.repo, base, work / "base")
        export(args.repo, "HEAD", work / "head")
        before, after = findings(work / "base", args.target), findings(work / "head", args.target)
    finally:
        shutil.rmtree(work)
    for tool, found in before.items():
        new = after[tool] - found
        print(f"{tool}: {sum(found.values())} -> {sum(after[tool].values())} (new {sum(new.values())})")
        for line, count in sorted(new.items()):
            print(f"   + {count} {line}")


if __name__ == "__main__":
    main()
