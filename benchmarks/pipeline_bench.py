"""Pipeline overhead: per-upgrade time beyond the test suite, and core_v2 checkout time.

Generates a 2,000-file repository with a trivial test command (``true``: the suite
costs nothing, so what is measured is our own overhead), queues N independent
upgrades and runs them. Prints figures; asserts nothing.

    python benchmarks/pipeline_bench.py [--files 2000] [--upgrades 8]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gitupgrade.manager import UpgradeManager  # noqa: E402
from gitupgrade.manager.staging import Staging  # noqa: E402
from gitupgrade.refactor import registry  # noqa: E402
from gitupgrade.repo import CommitId, GitRepo  # noqa: E402
from tests.manager.strategies import edit  # noqa: E402


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def generate(root: Path, files: int, config: str) -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "bench")
    git(root, "config", "user.email", "bench@example.com")
    for i in range(files):
        package = root / "src" / f"pkg{i // 100}"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
        (package / f"mod{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    (root / "config.yaml").write_text(config)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "generated")


def config(test_command: str, checks: bool) -> str:
    return (
        f"self_upgrading:\n  validation_required: {str(checks).lower()}\n"
        f"  validation:\n    test_command: {test_command!r}\n"
    )


def upgrades(count: int, bad: int | None = None) -> list:
    return [
        edit(
            {
                f"src/pkg{i}/mod{i * 100}.py": f"def f{i * 100}(x):\n    return x + {i * 100}  # {'BAD' if i == bad else 'tidy'}\n"
            },
            priority=90 - i,
        )
        for i in range(count)
    ]


def checkout_times(root: Path) -> tuple[float, float]:
    repo = GitRepo.discover(root)
    staging = Staging(repo, UpgradeManager(repo).config_at(repo.resolve_commit("HEAD")))
    started = time.perf_counter()
    staging.checkout(repo.resolve_commit("HEAD"))
    create = time.perf_counter() - started
    (root / "src/pkg0/mod0.py").write_text("def f0(x):\n    return x\n")
    git(root, "commit", "-q", "-am", "one file")
    started = time.perf_counter()
    staging.checkout(CommitId(git(root, "rev-parse", "HEAD").strip()))
    return create, time.perf_counter() - started


def sequential(root: Path, count: int) -> tuple[float, int, set[str]]:
    repo = GitRepo.discover(root)
    UpgradeManager(repo).queue_suggestions(upgrades(count))
    started = time.perf_counter()
    report = UpgradeManager(repo).run()
    return time.perf_counter() - started, report.suite_runs, {o.status for o in report.outcomes}


def batch(root: Path, count: int, bad: int | None) -> tuple[int, list[str]]:
    repo = GitRepo.discover(root)
    manager = UpgradeManager(repo)
    manager.queue_suggestions(upgrades(count, bad))
    report = UpgradeManager(repo).run_batch()
    return report.suite_runs, [o.status for o in report.outcomes]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--upgrades", type=int, default=8)
    args = parser.parse_args()
    registry.register("test_edit", "tests.manager.strategies:EditStrategy")
    n = args.upgrades
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        generate(base / "a", args.files, config("true", checks=False))
        create, incremental = checkout_times(base / "a")
        print(f"repository: {args.files} files; test command 'true' (the suite itself costs nothing)")
        print(f"core_v2 creation (full checkout): {create:.3f} s")
        print(f"core_v2 checkout of a 1-file change: {incremental * 1000:.1f} ms")
        total, runs, statuses = sequential(base / "a", n)
        print(
            f"{n} upgrades, no import smoke test: {total:.2f} s, {runs} suite runs, {sorted(statuses)}; "
            f"overhead per upgrade {total / n:.3f} s"
        )
        generate(base / "b", args.files, config("true", checks=True))
        total, runs, statuses = sequential(base / "b", n)
        print(
            f"{n} upgrades, with the import smoke test (one `python` start each): {total:.2f} s; "
            f"per upgrade {total / n:.3f} s"
        )
        generate(base / "c", args.files, config("! grep -rq BAD src", checks=False))
        runs, statuses = batch(base / "c", n, None)
        print(
            f"batch of {n} independent passing upgrades: {runs - 1} suite run(s) + 1 baseline run "
            f"{sorted(set(statuses))}"
        )
        generate(base / "d", args.files, config("! grep -rq BAD src", checks=False))
        runs, statuses = batch(base / "d", n, bad=5)
        print(
            f"batch of {n} with one bad: {runs - 1} suite runs + 1 baseline run (bound 2*log2({n})+1 = {2 * (n.bit_length() - 1) + 1}); "
            f"statuses {statuses}"
        )


if __name__ == "__main__":
    main()
