"""Start-up of the commands people run most, as whole processes (issue 16 targets).

- ``git upgrade status`` in a small repository with a ledger: target < 0.2 s;
- a warm ``git upgrade scan --dry-run`` of Django 5.2.19's ``django/`` package (the
  facts cache answers for every blob): target < 0.4 s;
- ``import gitupgrade.cli.main`` alone, the floor every command pays.

Bytecode is compiled first and allowed, as a ``pip install`` leaves it. Median of
``--runs`` runs each.

    python benchmarks/startup_bench.py [--runs 7] [--no-django]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from check_bench import ENV as CHECK_ENV  # noqa: E402  (PYTHONPATH and a fixed identity)
from scan_bench import fetch_django, make_repo  # noqa: E402  (the shared Django download)

# as a pip install leaves it: bytecode written and read
ENV = {k: v for k, v in CHECK_ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args: list[str], cwd: Path, runs: int) -> float:
    """Median wall-clock seconds of ``args`` run ``runs`` times (one warm-up first)."""
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-500:]}")
        if i:
            times.append(elapsed)
    return statistics.median(times)


def small_repo(where: Path) -> Path:
    """A repository with one module and one scan recorded in the ledger."""
    repo = where / "small"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "a.py").write_text("def f(x):\n    return x + 1\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=repo, env=ENV, check=True)
    subprocess.run([sys.executable, "-m", "gitupgrade", "scan"], cwd=repo, env=ENV, check=True, capture_output=True)
    return repo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-django", action="store_true", help="skip the Django scan (no download)")
    args = parser.parse_args(argv)
    compileall.compile_dir(str(ROOT / "gitupgrade"), quiet=1)
    tool = [sys.executable, "-m", "gitupgrade"]
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = small_repo(Path(tmp))
        rows.append(
            (
                "import gitupgrade.cli.main",
                timed([sys.executable, "-c", "import gitupgrade.cli.main"], repo, args.runs),
                "",
            )
        )
        rows.append(("python -c pass (interpreter alone)", timed([sys.executable, "-c", "pass"], repo, args.runs), ""))
        rows.append(("git upgrade status", timed([*tool, "status"], repo, args.runs), "< 0.2 s"))
        if not args.no_django:
            django = make_repo(fetch_django(), Path(tmp))
            subprocess.run([*tool, "scan", "--dry-run"], cwd=django, env=ENV, check=True, capture_output=True)
            rows.append(
                (
                    "git upgrade scan --dry-run, Django, warm",
                    timed([*tool, "scan", "--dry-run"], django, args.runs),
                    "< 0.4 s",
                )
            )
    print(f"median of {args.runs} runs, load average {os.getloadavg()[0]:.1f}")
    for label, seconds, target in rows:
        print(f"  {label:<45} {seconds:6.3f} s  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
