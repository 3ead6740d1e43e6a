"""The project's static checks as a validation step: run at the base and after, compare findings.

The base's findings are computed where the test baseline is (the staging worktree at
the base commit) and cached per (base tree, tool, tool version, arguments) under the
state directory. After the upgrade the same checks run again; a finding counts as new
when the base did not have it, except a finding whose (tool, code, message) left one
changed file and arrived in another: that is code that moved, its finding with it.

A tool that is configured but not installed is reported as skipped, one that crashes
or times out as failed: neither is read as "no findings", and neither fails the upgrade
(the upgrade did not make the tool fail; the report says it did not run).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gitupgrade.files import write_atomically
from gitupgrade.manager.static_detect import Check, configured_checks
from gitupgrade.manager.static_parse import Finding, not_installed, parse, tool_failed
from gitupgrade.manager.testrun import run_command
from gitupgrade.project_python import command_env

SHOWN_FINDINGS = 20  # new findings listed in a failure's detail and the ledger
_MAX_OUTPUT = 16_000_000  # characters of a tool's output read (ruff's JSON is about 600 per finding)
_MARK = "gitupgrade-static-tools: "
# Prints {module: version or null} for the modules given, in one start of the user's python.
_PROBE = (
    "import importlib.util, importlib.metadata, json, sys\nfound = {}\nfor name in sys.argv[1:]:\n"
    "    try:\n        spec = importlib.util.find_spec(name)\n"
    "    except (ImportError, ValueError):\n        spec = None\n"
    "    try:\n        found[name] = importlib.metadata.version(name) if spec else None\n"
    "    except importlib.metadata.PackageNotFoundError:\n        found[name] = 'unknown'\n"
    f"print({_MARK!r} + json.dumps(found))\n"
)


@dataclass(frozen=True)
class Ready:
    """A check resolved in the user's environment: what to run and the tool's version."""

    check: Check
    argv: tuple[str, ...]
    version: str

    @property
    def key(self) -> str:
        """The cache key: the check's name, tool version, arguments and output format."""
        text = "\0".join((self.version, self.check.format, self.check.command or "", *self.argv[1:]))
        return f"{self.check.name}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class ToolRun:
    """One run of one check: ok (with its findings), skipped, failed or timeout."""

    name: str
    status: str
    findings: tuple[Finding, ...] = ()
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the cache file)."""
        return {**asdict(self), "findings": [asdict(f) for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolRun:
        """The inverse of :meth:`to_dict`."""
        findings = tuple(Finding(**f) for f in data["findings"])
        return cls(data["name"], data["status"], findings, data["detail"])


@dataclass(frozen=True)
class StaticBaseline:
    """The checks found at the base, the ones skipped there, and the base's run of each."""

    ready: tuple[Ready, ...]
    skipped: tuple[ToolRun, ...]
    runs: dict[str, ToolRun]
    order: tuple[str, ...] = ()  # the checks' names as detected or configured, for the summary


@dataclass(frozen=True)
class StaticReport:
    """Per tool ``base→after`` counts (or why it did not run) and the new findings."""

    tools: tuple[dict[str, Any], ...]
    new: tuple[Finding, ...]
    runs: dict[str, ToolRun] = field(default_factory=dict, compare=False)  # after, by check name

    def summary(self) -> str:
        """``mypy 0→0, ruff 3→4, black skipped (not installed)``."""
        parts = []
        for tool in self.tools:
            if tool["status"] == "ok":
                parts.append(f"{tool['name']} {tool['base']}→{tool['after']}")
            else:
                parts.append(f"{tool['name']} {tool['status']} ({tool['detail']})")
        return ", ".join(parts)

    def failure_detail(self) -> str:
        """The new findings, the first :data:`SHOWN_FINDINGS` of them, for the ledger's detail."""
        shown = "; ".join(f.text() for f in self.new[:SHOWN_FINDINGS])
        more = f"; and {len(self.new) - SHOWN_FINDINGS} more" if len(self.new) > SHOWN_FINDINGS else ""
        return f"{len(self.new)} new finding(s) of the project's static checks ({self.summary()}): {shown}{more}"

    def to_dict(self) -> dict[str, Any]:
        """What the ledger records."""
        return {
            "summary": self.summary(),
            "tools": [dict(t) for t in self.tools],
            "new": [f.text() for f in self.new[:SHOWN_FINDINGS]],
            "new_count": len(self.new),
        }


class StaticChecks:
    """Runs one config's static checks in one worktree; ``base_runs`` counts uncached base runs."""

    def __init__(self, workdir: Path, state_dir: Path, setting: Any, timeout: float) -> None:
        self.workdir = workdir
        self.state_dir = state_dir
        self.setting = setting
        self.timeout = timeout
        self.base_runs = 0

    def baseline(self, tree: str) -> StaticBaseline | None:
        """Detect the checks in the worktree (at the base now) and the base's findings; None when none."""
        checks = configured_checks(self.setting, self.workdir)
        if not checks:
            return None
        ready, skipped = self.resolve(checks)
        runs = {}
        for item in ready:
            run = self._cached(tree, item)
            if run is None:
                self.base_runs += 1
                run = self.run(item)
                if run.status in ("ok", "failed"):  # a timeout may pass on a quieter machine
                    self._store(tree, item, run)
            runs[item.check.name] = run
        return StaticBaseline(tuple(ready), tuple(skipped), runs, tuple(c.name for c in checks))

    def check(self, base: StaticBaseline, changed: Iterable[str]) -> StaticReport:
        """Run the checks on the worktree as it is now and compare with ``base``."""
        moved_between = set(changed)
        tools: list[dict[str, Any]] = []
        new: list[Finding] = []
        runs: dict[str, ToolRun] = {}
        for item in base.ready:
            before = base.runs[item.check.name]
            if before.status != "ok":
                detail = f"at the base: {before.detail}" if before.status != "skipped" else before.detail
                tools.append(_tool(item.check.name, before.status, detail))
                continue
            after = runs[item.check.name] = self.run(item)
            if after.status != "ok":
                tools.append(_tool(item.check.name, after.status, after.detail, len(before.findings)))
                continue
            added = new_findings(before.findings, after.findings, moved_between)
            new += added
            tools.append(_tool(item.check.name, "ok", "", len(before.findings), len(after.findings), len(added)))
        tools += [_tool(s.name, s.status, s.detail) for s in base.skipped]
        position = {name: index for index, name in enumerate(base.order)}
        tools.sort(key=lambda tool: position.get(tool["name"], len(position)))
        return StaticReport(tuple(tools), tuple(new), runs)

    def remember(self, tree: str, base: StaticBaseline, report: StaticReport) -> None:
        """Cache a validated tree's findings: once merged it is the next base."""
        for item in base.ready:
            run = report.runs.get(item.check.name)
            if run is not None and run.status == "ok":
                self._store(tree, item, run)

    def resolve(self, checks: list[Check]) -> tuple[list[Ready], list[ToolRun]]:
        """Each check's command in the user's environment, or a skipped run when it is not installed."""
        env = command_env(self.workdir)
        modules = sorted({c.module for c in checks if c.module})
        versions = self._probe(modules, env) if modules else {}
        ready: list[Ready] = []
        skipped: list[ToolRun] = []
        for check in checks:
            if check.command is not None:
                ready.append(Ready(check, ("/bin/sh", "-c", check.command), ""))
            elif check.module and versions.get(check.module):
                argv = ("python", "-m", check.module, *check.args)
                ready.append(Ready(check, argv, str(versions[check.module])))
            elif check.module and (exe := shutil.which(check.module, path=env.get("PATH"))):
                ready.append(Ready(check, (exe, *check.args), self._version(exe, env)))
            else:
                skipped.append(ToolRun(check.name, "skipped", detail="not installed"))
        return ready, skipped

    def run(self, item: Ready) -> ToolRun:
        """Run one check in the worktree, bounded by the validation timeout."""
        name, fmt = item.check.name, item.check.format
        argv = list(item.argv)
        if item.check.module == "mypy":
            # mypy's incremental cache, out of the worktree: the run after an upgrade rechecks
            # only the changed modules and their dependents
            at = len(argv) - len(item.check.args)
            argv[at:at] = ["--cache-dir", str(self.state_dir / "static" / "mypy-cache")]
        result = run_command(argv, self.workdir, command_env(self.workdir), self.timeout, self.state_dir, _MAX_OUTPUT)
        if result.timed_out or result.exit_code is None:
            return ToolRun(name, "timeout", detail=f"over {self.timeout:g}s")
        if item.check.command is not None and not_installed(result.exit_code, result.output):
            return ToolRun(name, "skipped", detail="not installed")
        findings = parse(fmt, name, result.output, self.workdir)
        if tool_failed(fmt, result.exit_code, findings, result.output):
            last = (result.output.strip().splitlines() or ["(no output)"])[-1][:200]
            return ToolRun(name, "failed", detail=f"exit {result.exit_code}: {last}")
        return ToolRun(name, "ok", tuple(sorted(findings)))

    def _probe(self, modules: list[str], env: dict[str, str]) -> dict[str, str | None]:
        try:
            result = run_command(["python", "-c", _PROBE, *modules], self.workdir, env, self.timeout, self.state_dir)
        except OSError:  # no python on PATH: the executables on PATH may still be there
            return {}
        for line in reversed(result.output.splitlines()):
            if line.startswith(_MARK):
                try:
                    found = json.loads(line[len(_MARK) :])
                except ValueError:
                    break
                return found if isinstance(found, dict) else {}
        return {}

    def _version(self, exe: str, env: dict[str, str]) -> str:
        result = run_command([exe, "--version"], self.workdir, env, self.timeout, self.state_dir)
        lines = result.output.strip().splitlines()
        return lines[0][:100] if result.exit_code == 0 and lines else "unknown"

    def _cache_path(self, tree: str, item: Ready) -> Path:
        return self.state_dir / "static-baselines" / f"{tree}-{item.key}.json"

    def _cached(self, tree: str, item: Ready) -> ToolRun | None:
        try:
            return ToolRun.from_dict(json.loads(self._cache_path(tree, item).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, tree: str, item: Ready, run: ToolRun) -> None:
        path = self._cache_path(tree, item)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(run.to_dict()))


def new_findings(base: Iterable[Finding], after: Iterable[Finding], changed: set[str]) -> list[Finding]:
    """The findings of ``after`` that ``base`` lacks, as multisets.

    A finding added to a changed file matches one of the same (tool, code, message)
    removed from another changed file: the code carrying it moved there.
    """
    before_count, after_count = Counter(base), Counter(after)
    added, removed = after_count - before_count, before_count - after_count
    moved_from: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for finding, count in removed.items():
        if finding.file in changed:
            moved_from[(finding.tool, finding.code, finding.message)][finding.file] += count
    new = []
    for finding, count in sorted(added.items()):
        pool = moved_from[(finding.tool, finding.code, finding.message)] if finding.file in changed else Counter()
        for _ in range(count):
            source = next((f for f, n in pool.items() if n > 0), None)
            if source is None:
                new.append(finding)
            else:
                pool[source] -= 1
    return new


def _tool(
    name: str, status: str, detail: str, base: int | None = None, after: int | None = None, new: int = 0
) -> dict[str, Any]:
    return {"name": name, "status": status, "base": base, "after": after, "new": new, "detail": detail}
