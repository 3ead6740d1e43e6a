"""Start-up of the commands people run most, as whole processes (issue 16 targets).

- ``git upgrade status`` in a small repository with a ledger: target < 0.2 s;
- a warm ``git upgrade scan --dry-run`` of Django 5.2.19's ``django/`` package (nothing
  changed since the last scan, so its report is read back): target < 0.4 s;
- ``import gitupgrade.cli.main`` alone, the floor every command pays.

Bytecode is compiled first and allowed, as a ``pip install`` leaves it. Median of
``--runs`` runs each, wall-clock and CPU (user + system) seconds: on a shared machine
the CPU time is the steadier figure, the wall-clock time the one a user waits.

    python benchmarks/startup_bench.py [--runs 7] [--no-django]

The warm full ``scan`` is measured too: its discarded first run queues the upgrades, so
the measured ones queue nothing new, but each records its scan in the ledger.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
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


def timed(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``args`` run ``runs`` times (one warm-up first)."""
    walls: list[float] = []
    cpus: list[float] = []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-500:]}")
        if i:
            walls.append(elapsed)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


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
    rows: list[tuple[str, tuple[float, float], str]] = []
    load_before = os.getloadavg()[0]
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
            # queues nothing new (every suggestion is already pending) and records the scan
            rows.append(("git upgrade scan, Django, warm", timed([*tool, "scan"], django, args.runs), ""))
    print(f"median of {args.runs} runs, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"  {'':<45} {'wall':>7}  {'cpu':>7}")
    for label, (wall, cpu), target in rows:
        print(f"  {label:<45} {wall:6.3f} s {cpu:6.3f} s  {target}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
