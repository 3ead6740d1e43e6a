"""Block extraction on code it has never seen: installed packages, each copied into a repository.

For each package named (a folder of the interpreter's site-packages), copy it into a fresh
git repository under ``--work``, scan it, and run the duplicate strategy's block extraction
on every clone statement run in one module, then put the file back. Counts what was
extracted, what was refused and why, what crashed, and whether ruff's pyflakes rules
(undefined names, unused or redefined locals, syntax) report more in the file after than
before. No project's tests run here: ``corpus_bench.py`` is the proof with tests; this is
the breadth. Prints the figures; asserts nothing.

    python benchmarks/extract_sweep.py [PACKAGE...] [--work DIR] [--show N]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import traceback
from collections import Counter
from pathlib import Path

from gitupgrade.refactor.strategies import extract_block
from gitupgrade.refactor.strategies.source import RefusedChange, Workspace
from gitupgrade.suggestion import Suggestion

DEFAULT = (
    "astroid hypothesis IPython flask docker graphql cfnlint botocore cryptography _pytest jedi parso "
    "prompt_toolkit pydantic requests rich networkx werkzeug trio moto pip setuptools sympy mypy libcst "
    "pygments jsonschema urllib3"
).split()
PYFLAKES = "F821,F841,F811,F823,E999"


def repository(package: str, work: Path) -> Path:
    """A git repository holding a copy of the installed ``package`` (made once)."""
    root = work / package
    if not root.exists():
        source = Path(sysconfig.get_paths()["purelib"]) / package
        shutil.copytree(source, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        subprocess.run(
            "git init -q && git add -A && git -c user.name=sweep -c user.email=sweep@example.com commit -qm copy",
            shell=True,
            cwd=root,
            check=True,
        )
    return root


def findings(path: Path) -> int:
    done = subprocess.run(
        ["ruff", "check", "--isolated", "--select", PYFLAKES, "--output-format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return len(json.loads(done.stdout or "[]"))


def block_clones(root: Path) -> list[Suggestion]:
    scanned = subprocess.run(
        [sys.executable, "-m", "gitupgrade", "scan", "--dry-run", "--json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(scanned.stdout)
    fields = Suggestion.__dataclass_fields__
    return [
        Suggestion(**{k: v for k, v in s.items() if k in fields})
        for s in report["upgrade_suggestions"]
        if s["type"] == "duplicate_pattern"
        and s["evidence"]["kind"] == "block"
        and len({loc["path"] for loc in s["evidence"]["locations"]}) == 1
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", default=DEFAULT)
    parser.add_argument("--work", type=Path, default=Path("/tmp/extract-sweep"))
    parser.add_argument("--show", type=int, default=0, help="print the first N diffs")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    reasons: Counter[str] = Counter()
    extracted, crashed, worse = [], [], []
    clones = 0
    for package in args.packages:
        root = repository(package, args.work)
        for suggestion in block_clones(root):
            clones += 1
            first = suggestion.evidence["locations"][0]
            ws = Workspace.for_module(root, first["path"], first["module"])
            path = root / first["path"]
            before = findings(path)
            try:
                outcome = extract_block.extract(ws, suggestion)
                ast.parse(path.read_text(encoding="utf-8"))
                extracted.append((package, outcome.title))
                if findings(path) > before:
                    worse.append((package, outcome.title))
                if len(extracted) <= args.show:
                    print(subprocess.run(["git", "diff"], cwd=root, capture_output=True, text=True).stdout)
            except RefusedChange as exc:
                reasons[re.sub(r"\d+", "N", str(exc).split(":")[0])[:80]] += 1
            except Exception:  # noqa: BLE001 - a crash is the figure this script exists to count
                crashed.append((package, first["path"], traceback.format_exc(limit=3)))
            finally:
                ws.restore()
    print(f"{len(args.packages)} packages, {clones} clone runs in one module")
    print(f"extracted {len(extracted)}, refused {sum(reasons.values())}, crashed {len(crashed)}")
    print(f"more pyflakes findings after ({PYFLAKES}): {len(worse)}")
    for package, title in extracted:
        print(f"  {package}: {title}")
    for package, path, trace in crashed:
        print(f"CRASH {package} {path}\n{trace}")
    print("refusals, most frequent first:")
    for reason, count in reasons.most_common(20):
        print(f"  {count:4}  {reason}")


if __name__ == "__main__":
    main()
