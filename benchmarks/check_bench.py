"""Benchmark of ``git upgrade check`` on Django 5.2.19's ``django/`` package (target: warm < 1 s).

A topic branch adds an import cycle on top of Django; ``check --against main``
compares it with the merge-base. Printed, median of several runs each:

- cold: nothing cached (both commits analysed);
- warm: the same check again (the per-commit findings cache answers), as a
  process (what a pre-push hook pays) and in-process (the work alone);
- new commit: one more file changed on the branch (the analyzer's facts cache
  answers for every unchanged blob, the base's findings are cached) - the
  common case of a pre-push hook.

    python benchmarks/check_bench.py [--runs 5]

Downloads Django once (the helpers of ``scan_bench.py``, into benchmarks/.cache/).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from scan_bench import fetch_django, make_repo  # noqa: E402  (the shared Django download)

ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT),
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "b@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "b@example.com",
}
CYCLE_IMPORT = "\n\ndef _bench_cycle():\n    from django.db import models  # noqa: F401\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=ENV, check=False)
    if done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def check_process(repo: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall-clock and CPU seconds (user + sys) of one ``git upgrade check`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gitupgrade", "check", "--against", "main", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"check failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done


def check_in_process(repo: Path) -> float:
    from gitupgrade.integration.check import run_check
    from gitupgrade.repo import GitRepo

    started = time.perf_counter()
    run_check(GitRepo.discover(repo), "main")
    return time.perf_counter() - started


def add_commit(repo: Path, path: str, text: str, message: str) -> None:
    target = repo / path
    target.write_text(target.read_text() + text)
    git(repo, "commit", "-q", "-am", message)


def clear_caches(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "upgrade", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sdist = fetch_django()
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(sdist, Path(tmp))
        files = len(git(repo, "ls-files", "*.py").splitlines())
        git(repo, "checkout", "-q", "-b", "topic")
        add_commit(repo, "django/utils/text.py", CYCLE_IMPORT, "add a cycle")

        cold = []
        for _ in range(max(2, args.runs // 2)):
            clear_caches(repo)
            cold.append(check_process(repo))
        warm = [check_process(repo) for _ in range(args.runs)]
        warm_inner = [check_in_process(repo) for _ in range(args.runs)]
        startup = [startup_process(repo) for _ in range(args.runs)]
        new_commit = []
        for number in range(args.runs):
            add_commit(repo, "django/utils/html.py", f"\n\n_BENCH_{number} = {number}\n", f"change {number}")
            new_commit.append(check_process(repo))
        summary = json.loads(warm[-1][2].stdout)["summary"]

    print(f"django/ at 5.2.19: {files} Python files; topic branch adds one import cycle")
    print("(wall clock / CPU user+sys; medians; wall clock includes waiting for a busy machine)")
    print(f"check cold (nothing cached), process:       {_pair(cold)}")
    print(f"check warm (same commits), process:         {_pair(warm)}  (target < 1 s)")
    print(f"  of which interpreter + CLI start:         {_pair(startup)}  (git upgrade --version)")
    print(f"check warm, in-process (no start):          {statistics.median(warm_inner):6.3f} s")
    print(f"check after one more commit, process:       {_pair(new_commit)}")
    print(f"last summary: {json.dumps(summary)}")


def _pair(runs: list[tuple[float, float, object]]) -> str:
    return f"{statistics.median(r[0] for r in runs):6.3f} s / {statistics.median(r[1] for r in runs):6.3f} s CPU"


def startup_process(repo: Path) -> tuple[float, float, object]:
    """The same measure for ``git upgrade --version``: the floor of any command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gitupgrade", "--version"], cwd=repo, capture_output=True, env=ENV, check=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), None


if __name__ == "__main__":
    main()
