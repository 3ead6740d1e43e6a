"""Validating a staged upgrade: syntax, import smoke test, test suite vs baseline, benchmark.

Each step runs in the staging worktree and stops at the first failure, which is
reported with its ledger ``failure_type``. The base commit's test outcomes are the
baseline, cached by tree id (and command): an upgrade fails only when a test that
passed at baseline fails, errors or disappears.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gitupgrade.config import Config
from gitupgrade.files import write_atomically
from gitupgrade.manager.static_checks import StaticBaseline, StaticChecks, StaticReport
from gitupgrade.manager.testrun import TestRun, run_command, run_tests
from gitupgrade.project_python import command_env, interpreter_of, python_roots
from gitupgrade.repo import CommitId, TreeId

if TYPE_CHECKING:
    from gitupgrade.manager.staging import Staging

# Imports each module named on the command line and prints one marked JSON line of the
# failures ({module: "Type: message"}), so one start of the user's python checks all;
# the mark finds it among whatever the imported modules print themselves.
_SMOKE = (
    "import importlib, json, sys\n_MARK = 'gitupgrade-import-failures: '\nfailed = {}\nfor name in sys.argv[1:]:\n"
    "    try:\n        importlib.import_module(name)\n"
    "    except BaseException as exc:\n        failed[name] = f'{type(exc).__name__}: {exc}'\n"
    "print('\\n' + _MARK + json.dumps(failed))\n"
)
_MARK = "gitupgrade-import-failures: "


@dataclass(frozen=True)
class Baseline:
    """The test outcomes (and benchmark time) of a base tree."""

    tree: TreeId
    tests: TestRun | None
    benchmark_seconds: float | None
    static: StaticBaseline | None = None  # the static checks' findings at the base

    @property
    def failing(self) -> bool:
        """Whether the base itself does not pass (nothing may be merged against it)."""
        return self.tests is not None and not self.tests.ok

    def describe_failure(self) -> str:
        """What fails at baseline, in one line."""
        if self.tests is None:
            return ""
        if self.tests.timed_out:
            return "the test command timed out at baseline"
        failing = sorted(t for t, o in self.tests.outcomes.items() if o in ("failed", "error"))
        named = f": {', '.join(failing[:5])}" + (" ..." if len(failing) > 5 else "") if failing else ""
        return f"{self.tests.failed} test(s) fail at baseline (exit {self.tests.exit_code}){named}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of validating one staged change: ok, or the failure type and detail."""

    ok: bool
    failure_type: str | None = None
    detail: str = ""
    tests: TestRun | None = None
    static: StaticReport | None = None
    # the strategy itself failed (an error, not a refusal): nothing was built
    strategy_failed: bool = False

    @classmethod
    def fail(cls, failure_type: str, detail: str, tests: TestRun | None = None) -> Verdict:
        """A failed verdict."""
        return cls(False, failure_type, detail, tests)


class Validator:
    """Runs the validation steps in one worktree with the settings of one config."""

    def __init__(self, workdir: Path, state_dir: Path, config: Config) -> None:
        self.workdir = workdir
        self.state_dir = state_dir
        self.command = str(config.get_path("validation.test_command"))
        self.python = interpreter_of(self.command)
        self.timeout = float(config.get_path("validation.timeout_seconds"))
        # integration.health_monitoring switches the benchmark health check off as a whole
        monitored = config.get_path("integration.health_monitoring")
        self.benchmark_command: str | None = config.get_path("validation.benchmark_command") if monitored else None
        self.max_slowdown = float(config.get_path("validation.max_slowdown"))
        self.public_surface = bool(config.get_path("validation.public_surface"))
        self.suite_runs = 0  # how many times the test command ran (batches are judged by it)
        self.static = StaticChecks(workdir, state_dir, config.get_path("validation.static_checks"), self.timeout)

    # -- baseline -----------------------------------------------------------------------------
    def baseline(self, tree: TreeId, with_tests: bool) -> Baseline:
        """The baseline of ``tree`` (checked out in the worktree now), from the cache when known."""
        cache = self._cache_path(tree)
        try:
            data = json.loads(cache.read_text())
            cached_tests = TestRun.from_dict(data["tests"]) if data["tests"] else None
            if cached_tests is not None or not with_tests:
                return Baseline(tree, cached_tests, data["benchmark_seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        tests = self.run_suite("baseline") if with_tests else None
        bench = self.time_benchmark()
        self._write_cache(tree, tests, bench)
        return Baseline(tree, tests, bench)

    def remember(self, tree: TreeId, tests: TestRun | None) -> None:
        """Store a validated tree's outcomes as its baseline: once merged it is the next base."""
        if tests is None or not tests.ok:
            return
        self._write_cache(tree, tests, None)

    def _write_cache(self, tree: TreeId, tests: TestRun | None, bench: float | None) -> None:
        cache = self._cache_path(tree)
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache, json.dumps({"tests": tests.to_dict() if tests else None, "benchmark_seconds": bench}))

    def _cache_path(self, tree: TreeId) -> Path:
        key = hashlib.sha1(f"{self.command}\0{self.benchmark_command}".encode()).hexdigest()[:10]
        return self.state_dir / "baselines" / f"{tree}-{key}.json"

    # -- steps --------------------------------------------------------------------------------
    def check_syntax(self, changed: dict[str, str]) -> Verdict:
        """Parse and compile every created or modified Python file."""
        for path, kind in changed.items():
            if kind == "DELETE" or not path.endswith(".py"):
                continue
            source = (self.workdir / path).read_bytes()
            try:
                compile(source, path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                line = getattr(exc, "lineno", None)
                return Verdict.fail("syntax_error", f"{path}{f':{line}' if line else ''}: {exc}")
        return Verdict(True)

    def check_imports(
        self,
        changed: dict[str, str],
        python: str | None = None,
        failing_at_base: Callable[[list[str]], set[str]] | None = None,
    ) -> Verdict:
        """Import each changed module in a fresh interpreter of the user's environment.

        A modified module that could not be imported at the base either (say a
        Windows-only module on Linux) is not this upgrade's fault: ``failing_at_base``
        names those, and they are excused.
        """
        paths = {m: p for p, k in changed.items() if k != "DELETE" and (m := module_name(p, self.workdir))}
        failed = self.import_failures(list(paths), python)
        if isinstance(failed, Verdict):
            return failed
        modified = [m for m in failed if changed[paths[m]] == "MODIFY"]
        if modified and failing_at_base is not None:
            for name in failing_at_base(modified):
                failed.pop(name, None)
        if failed:
            detail = "; ".join(f"importing {name} failed: {why}" for name, why in sorted(failed.items()))
            return Verdict.fail("import_error", detail)
        return Verdict(True)

    def import_failures(self, modules: list[str], python: str | None = None) -> dict[str, str] | Verdict:
        """``{module: error}`` for the modules that fail to import here (a Verdict when the check itself fails)."""
        if not modules:
            return {}
        env = command_env(self.workdir)
        result = run_command(
            [python or self.python, "-c", _SMOKE, *modules], self.workdir, env, self.timeout, self.state_dir
        )
        if result.timed_out:
            return Verdict.fail("timeout", f"importing {', '.join(modules)} took over {self.timeout:g}s")
        lines = result.output.strip().splitlines()
        reports = [line[len(_MARK) :] for line in lines if line.startswith(_MARK)]
        try:
            failed = json.loads(reports[-1]) if result.exit_code == 0 and reports else None
        except ValueError:
            failed = None
        if not isinstance(failed, dict):
            # the interpreter died before reporting (a crash at exit, a killed process)
            last = lines[-1:] or ["(no output)"]
            return Verdict.fail("import_error", f"importing {', '.join(modules)} failed: {last[0]}")
        return failed

    def run_suite(self, label: str) -> TestRun:
        """Run the test command once in the worktree."""
        self.suite_runs += 1
        return run_tests(self.command, self.workdir, self.timeout, self.state_dir, label)

    def check_tests(self, baseline: Baseline) -> Verdict:
        """Run the suite and compare it with the baseline."""
        after = self.run_suite("after")
        return compare(baseline.tests, after, self.timeout)

    def check_static(self, baseline: Baseline, changed: Iterable[str]) -> Verdict:
        """Run the project's static checks and compare with the base's: any new finding fails."""
        if baseline.static is None:
            return Verdict(True)
        report = self.static.check(baseline.static, changed)
        if report.new:
            return Verdict(False, "static_check", report.failure_detail(), static=report)
        return Verdict(True, static=report)

    def check_benchmark(self, baseline: Baseline) -> Verdict:
        """Time the benchmark command; slower than ``max_slowdown`` x baseline fails."""
        if not self.benchmark_command or baseline.benchmark_seconds is None:
            return Verdict(True)
        seconds = self.time_benchmark()
        if seconds is None:
            return Verdict.fail("performance_regression", "the benchmark command failed after the upgrade")
        ratio = seconds / max(baseline.benchmark_seconds, 1e-6)
        if ratio > self.max_slowdown:
            return Verdict.fail(
                "performance_regression",
                f"benchmark took {seconds:.3f}s vs {baseline.benchmark_seconds:.3f}s at baseline "
                f"({ratio:.2f}x > max_slowdown {self.max_slowdown:g})",
            )
        return Verdict(True)

    def time_benchmark(self) -> float | None:
        """Seconds the benchmark command takes (None when there is none or it fails)."""
        if not self.benchmark_command:
            return None
        env = command_env(self.workdir)
        result = run_command(["/bin/sh", "-c", self.benchmark_command], self.workdir, env, self.timeout, self.state_dir)
        return round(result.seconds, 4) if result.exit_code == 0 else None


def compare(baseline: TestRun | None, after: TestRun, timeout: float) -> Verdict:
    """Fail only for tests that passed at baseline and now fail, error or are gone.

    A test id that is gone while as many tests pass as before was renamed, not lost:
    ids parametrized by the clock (``test_parse[02:04:56 2026-11-26]``, found on
    marshmallow) differ on every run.
    """
    if after.timed_out:
        return Verdict.fail("timeout", f"the test command did not finish within {timeout:g}s", after)
    if baseline is not None and baseline.outcomes and after.has_junit:
        regressed = sorted(
            t for t, o in baseline.outcomes.items() if o == "passed" and after.outcomes.get(t) != "passed"
        )
        passing = sum(o == "passed" for o in after.outcomes.values())
        if all(t not in after.outcomes for t in regressed) and passing >= sum(
            o == "passed" for o in baseline.outcomes.values()
        ):
            regressed = []
        if regressed:
            shown = ", ".join(f"{t} ({after.outcomes.get(t, 'missing')})" for t in regressed[:5])
            more = f" and {len(regressed) - 5} more" if len(regressed) > 5 else ""
            return Verdict.fail("test_failure", f"{len(regressed)} test(s) broke: {shown}{more}", after)
        return Verdict(True, tests=after)
    if not after.ok:
        return Verdict.fail("test_failure", f"the test command failed (exit {after.exit_code})", after)
    return Verdict(True, tests=after)


def module_name(path: str, workdir: Path) -> str | None:
    """The dotted module a Python file defines, or None for non-modules and test files."""
    name = Path(path).name
    if not path.endswith(".py") or name in ("conftest.py", "setup.py"):
        return None
    if name.startswith("test_") or name.endswith("_test.py"):
        return None
    parts = list(_below_import_root(path, workdir).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def _below_import_root(path: str, workdir: Path) -> Path:
    """``path`` relative to the import root that holds it (``src/``, ...), else as it is."""
    for root in python_roots(workdir):
        if root != workdir and (workdir / path).resolve().is_relative_to(root.resolve()):
            return (workdir / path).resolve().relative_to(root.resolve())
    return Path(path)


def imports_failing_at(
    staging: Staging, validator: Validator, base: CommitId, back_to: CommitId
) -> Callable[[list[str]], set[str]]:
    """A check of which modules already failed to import at ``base``; the staging
    worktree is put back at ``back_to`` afterwards (both checkouts rewrite only the changed files)."""

    def check(modules: list[str]) -> set[str]:
        staging.checkout(base)
        try:
            failed = validator.import_failures(modules)
        finally:
            staging.checkout(back_to)
        return set(failed) if isinstance(failed, dict) else set()

    return check
