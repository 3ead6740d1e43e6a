"""Benchmark of ``git upgrade scan`` on Django 5.2.19's ``django/`` package.

Prints, in one run: the floor (``ast.parse`` of every file, one process), our
cold scan, warm scan (nothing changed), scan after one changed file, peak
memory, and pylint (the five equivalent checks) plus grimp on the same package,
with the modules each finds in import cycles.

    python benchmarks/scan_bench.py            # everything
    python benchmarks/scan_bench.py --no-pylint

Downloads (once, into benchmarks/.cache/, gitignored): the Django sdist via
``pip download`` and a venv with pylint and grimp.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
DJANGO = "django==5.2.19"
PYLINT_CHECKS = "cyclic-import,too-many-public-methods,too-many-lines,duplicate-code,too-many-branches"

# Runs in a fresh interpreter so peak memory is the scan's own.
_SCAN_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from gitupgrade.analysis import ArchitectAnalyzer
from gitupgrade.config import load_config
from gitupgrade.repo import GitRepo
repo = GitRepo.discover(sys.argv[2])
config = load_config(repo, repo.resolve_commit("HEAD"))
cpu = time.process_time()
report = ArchitectAnalyzer(repo, config).analyze_codebase()
cpu = time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
cycles = report.global_issues["circular_imports"]
print(json.dumps({
    "meta": report.metadata, "cpu": cpu, "workers_cpu": children.ru_utime + children.ru_stime, "summary": report.summary(), "self_kb": self_kb, "child_kb": child_kb,
    "cycles": [{"modules": c["cycle"], "unsafe": c["unsafe"]} for c in cycles],
    "deferred": [c["cycle"] for c in report.global_issues["deferred_cycles"]],
    "types": {t: sum(1 for s in report.suggestions if s.type == t) for t in
              sorted({s.type for s in report.suggestions})},
}))
"""

_GRIMP_CHILD = r"""
import json, sys, time
import grimp
started = time.perf_counter()
graph = grimp.build_graph("django", cache_dir=None)
edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
print(json.dumps({"seconds": time.perf_counter() - started, "edges": edges}))
"""


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]


def fetch_django() -> Path:
    sdist_dir = CACHE / "sdist"
    found = sorted(sdist_dir.glob("django-5.2.19.tar.gz")) if sdist_dir.exists() else []
    if not found:
        done = run(
            [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "-d", str(sdist_dir), DJANGO]
        )
        if done.returncode != 0:
            sys.exit(f"pip download failed:\n{done.stderr}")
        found = sorted(sdist_dir.glob("django-5.2.19.tar.gz"))
    return found[0]


def make_repo(sdist: Path, where: Path) -> Path:
    repo = where / "django-repo"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if "/django/" in m.name and m.isfile()]
        for member in members:
            rel = member.name.split("/", 1)[1]
            target = repo / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            target.write_bytes(source.read())
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "django"]):
        done = run(cmd, cwd=repo, env=env)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed: {done.stderr}")
    return repo


def floor(repo: Path) -> tuple[float, float, int, int]:
    files = sorted((repo / "django").rglob("*.py"))
    started, cpu = time.perf_counter(), time.process_time()
    lines = 0
    for path in files:
        data = path.read_bytes()
        lines += data.count(b"\n")
        ast.parse(data)
    return time.perf_counter() - started, time.process_time() - cpu, len(files), lines


def scan(repo: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    done = run([sys.executable, "-c", _SCAN_CHILD, str(ROOT), str(repo)])
    if done.returncode != 0:
        sys.exit(f"scan failed:\n{done.stderr}")
    return time.perf_counter() - started, json.loads(done.stdout)


def timed(label: str, wall: float, result: dict) -> str:
    """A scan's time in the analyzer and as a whole process, after ``label``."""
    return f"{label} {result['meta']['seconds']:.2f} s in the analyzer ({wall:.2f} s with interpreter start)"


def cli_scan(repo: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = run([sys.executable, "-m", "gitupgrade", "scan"], cwd=repo, env=env)
    if done.returncode != 0:
        sys.exit(f"git upgrade scan failed:\n{done.stderr}")
    return time.perf_counter() - started


def tool_venv() -> Path:
    venv = CACHE / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    if run([str(python), "-c", "import pylint, grimp"]).returncode != 0:
        done = run([str(python), "-m", "pip", "install", "-q", "pylint", "grimp"])
        if done.returncode != 0:
            sys.exit(f"pip install pylint grimp failed:\n{done.stderr}")
    return python


def pylint_cycles(python: Path, repo: Path) -> tuple[float, set[str], int]:
    started = time.perf_counter()
    done = run(
        [
            str(python),
            "-m",
            "pylint",
            "--disable=all",
            f"--enable={PYLINT_CHECKS}",
            "--output-format=text",
            "--score=n",
            "django",
        ],
        cwd=repo,
    )
    seconds = time.perf_counter() - started
    modules: set[str] = set()
    for match in re.finditer(r"Cyclic import \(([^)]*)\)", done.stdout):
        modules.update(part.strip() for part in match.group(1).split("->"))
    messages = sum(1 for line in done.stdout.splitlines() if re.match(r"^\S+:\d+:\d+: ", line))
    return seconds, modules, messages


def grimp_cycles(python: Path, repo: Path) -> tuple[float, list[list[str]]]:
    done = run([str(python), "-c", _GRIMP_CHILD], cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)})
    if done.returncode != 0:
        sys.exit(f"grimp failed:\n{done.stderr}")
    data = json.loads(done.stdout)
    sys.path.insert(0, str(ROOT))
    from gitupgrade.analysis.graph import strongly_connected

    pairs = [(a, b) for a, targets in data["edges"].items() for b in targets if a != b]
    return data["seconds"], strongly_connected(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pylint", action="store_true", help="skip the pylint and grimp comparison")
    args = parser.parse_args()
    sdist = fetch_django()
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        repo = make_repo(sdist, Path(tmp))
        floor_s, floor_cpu, files, lines = floor(repo)
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
        print(f"django/ package: {files} files, {lines} lines")
        print(f"floor (ast.parse of every file, one process): {floor_s:.2f} s ({floor_cpu:.2f} s CPU)")
        cold_s, cold = scan(repo)
        print(
            f"{timed('cold scan: ', cold_s, cold)}, {cold['meta']['files_parsed']} parsed, "
            f"{cold['summary']['suggestions']} suggestions = {cold_s / floor_s:.2f}x the floor; "
            f"CPU {cold['cpu']:.2f} s analyzer + {cold['workers_cpu']:.2f} s pool workers"
        )
        warm_s, warm = scan(repo)
        hits, parsed = warm["meta"]["cache_hits"], warm["meta"]["files_parsed"]
        print(f"{timed('warm scan: ', warm_s, warm)}, {hits} cache hits, {parsed} parsed, CPU {warm['cpu']:.2f} s")
        print(f"warm `git upgrade scan` CLI end to end: {cli_scan(repo):.2f} s")
        target = repo / "django" / "db" / "models" / "query.py"
        target.write_text(target.read_text() + "\n\ndef _bench_added():\n    return 1\n")
        run(["git", "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-qam", "one file"], cwd=repo)
        one_s, one = scan(repo)
        print(f"{timed('one file changed:', one_s, one)}, {one['meta']['files_parsed']} parsed, CPU {one['cpu']:.2f} s")
        peak = max(cold["self_kb"], warm["self_kb"], one["self_kb"]) / 1024
        workers = cold["child_kb"] / 1024
        print(f"peak memory: {peak:.0f} MB (analyzer process), {workers:.0f} MB (largest pool worker)")
        print(f"suggestions by type: {cold['types']}")
        ours = {m for c in cold["cycles"] for m in c["modules"]}
        unsafe = [c for c in cold["cycles"] if c["unsafe"]]
        deferred = {m for c in cold["deferred"] for m in c}
        print(
            f"ours: {len(cold['cycles'])} module-level cycles over {len(ours)} modules "
            f"({len(unsafe)} unsafe over {len({m for c in unsafe for m in c['modules']})} modules); "
            f"with deferred imports: {len(ours | deferred)} modules"
        )
        for cycle in cold["cycles"]:
            label = "unsafe" if cycle["unsafe"] else "benign"
            print(
                f"  {label}: {len(cycle['modules'])} modules: {', '.join(cycle['modules'][:6])}"
                f"{' ...' if len(cycle['modules']) > 6 else ''}"
            )
        if args.no_pylint:
            return
        python = tool_venv()
        grimp_s, grimp_sccs = grimp_cycles(python, repo)
        grimp_modules = {m for c in grimp_sccs for m in c}
        print(
            f"grimp: graph built in {grimp_s:.2f} s; {len(grimp_sccs)} cycle groups over "
            f"{len(grimp_modules)} modules (all imports, deferred included); "
            f"ours within grimp's: {len(ours & grimp_modules)}/{len(ours)}"
        )
        pylint_s, pylint_modules, messages = pylint_cycles(python, repo)
        print(
            f"pylint ({PYLINT_CHECKS}): {pylint_s:.2f} s, {messages} messages, "
            f"{len(pylint_modules)} modules in cyclic-import messages; "
            f"ours within pylint's: {len(ours & pylint_modules)}/{len(ours)}"
        )
        print(f"speed-up over pylint: {pylint_s / cold_s:.1f}x (cold scan with interpreter start)")


if __name__ == "__main__":
    main()
