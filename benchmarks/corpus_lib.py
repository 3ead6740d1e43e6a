"""Setting up and measuring one corpus project for ``corpus_bench.py``.

Everything that touches the network or a virtualenv is cached under
``benchmarks/.cache/corpus/`` (sdists, pristine unpacked sources, one virtualenv
per project with the project installed editable). Each run works on a fresh git
repository made from a copy of the pristine source, so runs never interfere.
The tool under test always comes from this checkout (``python -m gitupgrade``
with this checkout first on PYTHONPATH); ``python`` for the project's own commands
is the project's virtualenv, as for a user with an activated virtualenv.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "corpus"
# The manifest lives in shared/ beside the checkout; GITUPGRADE_CORPUS_MANIFEST names another.
MANIFEST = Path(os.environ.get("GITUPGRADE_CORPUS_MANIFEST", ROOT.parent / "shared" / "corpus" / "manifest.json"))
SMELL_TYPES = ("god_class", "god_module", "circular_import")
_COUNT = re.compile(r"(\d+) (subtests )?(passed|failed|errors?|skipped|deselected|xfailed|xpassed)\b")
_FAILED_LINE = re.compile(r"^(FAILED|ERROR) (\S+)", re.MULTILINE)


class SetupError(Exception):
    """A project could not be fetched, unpacked or installed (not the tool's fault)."""


def load_manifest(path: Path = MANIFEST) -> list[dict[str, Any]]:
    """The corpus projects, in manifest order."""
    return json.loads(path.read_text())["projects"]


def sh(
    command: str, cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` through the shell; raise SetupError with the output's tail on failure."""
    done = subprocess.run(
        command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if check and done.returncode != 0:
        raise SetupError(f"`{command}` exited {done.returncode}: {(done.stdout + done.stderr)[-1500:]}")
    return done


def venv_env(venv: Path, pycache: Path | None = None) -> dict[str, str]:
    """The environment of a user with ``venv`` activated (its bin first on PATH)."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for name in ("PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if pycache is not None:
        # Bytecode outside the repository: a test run must not dirty the checkout.
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def prepare(project: dict[str, Any], log: Any) -> tuple[Path, Path]:
    """Fetch, unpack and install ``project`` (cached); return (pristine source dir, venv)."""
    (CACHE / "locks").mkdir(parents=True, exist_ok=True)
    with (CACHE / "locks" / project["name"]).open("w") as lock:
        # Two bench runs at once (one per core) must not set up the same project twice.
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _prepare(project, log)


def _prepare(project: dict[str, Any], log: Any) -> tuple[Path, Path]:
    name = project["name"]
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    sdist = downloads / project["sdist"]
    if not sdist.exists():
        log(f"{name}: fetching {project['sdist']}")
        sh(project["fetch"].replace("DOWNLOADS", str(downloads)), cwd=downloads)
        if not sdist.exists():
            raise SetupError(f"fetch did not produce {sdist}")
    unpacked = CACHE / "src" / name
    source = unpacked / project["source_dir"]
    if not source.is_dir():
        shutil.rmtree(unpacked, ignore_errors=True)
        unpacked.mkdir(parents=True)
        sh(f"tar --no-same-owner -xzf {sdist}", cwd=unpacked)
        if not source.is_dir():
            raise SetupError(f"{sdist} has no {project['source_dir']}/")
    venv = CACHE / "venvs" / name
    marker = venv / ".installed"
    if not marker.exists():
        log(f"{name}: creating the virtualenv and installing")
        shutil.rmtree(venv, ignore_errors=True)
        sh(f"{sys.executable} -m venv {venv}", cwd=CACHE)
        env = venv_env(venv)
        for command in project["install"]:
            sh(command, cwd=source, env=env, timeout=900)
        marker.write_text(json.dumps(project["install"]))
    install_static_tools(source, venv, log)
    return source, venv


# The package that provides each static check gitupgrade detects. pyright is left out: its
# PyPI wrapper downloads Node.js at its first run, so it is reported as skipped.
STATIC_TOOL_PACKAGES = {
    "mypy": "mypy",
    "ruff": "ruff",
    "ruff-format": "ruff",
    "flake8": "flake8",
    "black": "black",
    "isort": "isort",
    "pylint": "pylint",
}


def install_static_tools(source: Path, venv: Path, log: Any) -> list[str]:
    """Install into ``venv`` the static checks the project configures (once; a marker lists them)."""
    sys.path.insert(0, str(ROOT))
    from gitupgrade.manager.static_detect import detect

    wanted = sorted({STATIC_TOOL_PACKAGES[c.name] for c in detect(source) if c.name in STATIC_TOOL_PACKAGES})
    marker = venv / ".static-tools"
    try:
        done = json.loads(marker.read_text())
    except (OSError, ValueError):
        done = []
    missing = [name for name in wanted if name not in done]
    if missing:
        log(f"{source.name}: installing its static checks: {', '.join(missing)}")
        # A tool that does not install is reported as skipped by the run; the bench goes on.
        sh(f"pip install -q {' '.join(missing)}", cwd=source, env=venv_env(venv), timeout=900, check=False)
        marker.write_text(json.dumps(sorted(set(done) | set(missing))))
    return wanted


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; its stdout."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def bench_config(test_command: str, timeout: int) -> str:
    """config.yaml: every risk level queued and auto-approved, the project's own test command."""
    levels = "\n".join(
        f"    {level}: {{auto_approve: true, require_tests: true}}" for level in ("low", "medium", "high", "critical")
    )
    return (
        "self_upgrading:\n"
        f"  risk_policies:\n{levels}\n"
        "  max_queued_risk: critical\n"
        "  validation:\n"
        f"    test_command: {json.dumps(test_command)}\n"
        f"    timeout_seconds: {timeout}\n"
    )


def make_repo(source: Path, where: Path, config: str) -> Path:
    """A fresh git repository (branch main) holding a copy of ``source`` plus config.yaml."""
    repo = where / source.name
    shutil.copytree(source, repo, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build", ".git"))
    (repo / "config.yaml").write_text(config)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "corpus bench")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    # Forced: an sdist ships files its own .gitignore ignores (generated _version.py,
    # compiled .mo catalogs); the repository must hold all of them or the suite fails.
    git(repo, "add", "-A", "--force")
    git(repo, "commit", "-q", "-m", f"Import {source.name}")
    return repo


@dataclass
class TestResult:
    """Counts of one run of the project's test command, and the ids of failing tests."""

    counts: dict[str, int]
    failures: set[str]
    exit_code: int | None
    seconds: float
    summary: str
    tail: str = ""

    @property
    def passed(self) -> int:
        return self.counts.get("passed", 0)

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0) + self.counts.get("error", 0) + self.counts.get("errors", 0)


def parse_pytest(output: str) -> tuple[dict[str, int], str]:
    """Counts from pytest's last summary line (subtests ignored), and that line."""
    lines = [
        line
        for line in output.splitlines()
        if re.search(r"\b(passed|failed|error|errors|no tests ran)\b", line) and re.search(r" in [\d.]+s", line)
    ]
    if not lines:
        return {}, ""
    summary = lines[-1].strip("= ")
    counts: dict[str, int] = {}
    for number, subtests, word in _COUNT.findall(summary):
        if not subtests:
            counts["error" if word.startswith("error") else word] = int(number)
    return counts, summary


def run_tests(project: dict[str, Any], repo: Path, venv: Path, timeout: float) -> TestResult:
    """The project's own test command on the checkout ``repo``, its code first on the import path."""
    pycache = repo.parent / ".pycache-bench"
    env = venv_env(venv, pycache)
    # The editable install points at the cached pristine copy: put this checkout first.
    roots = ([str(repo / "src")] if (repo / "src").is_dir() else []) + [str(repo)]
    env["PYTHONPATH"] = os.pathsep.join(roots)
    started = time.monotonic()
    try:
        done = subprocess.run(
            f"{project['test']} -rfE",
            shell=True,
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        output, code = done.stdout + done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        output, code = str(exc.stdout or "") + str(exc.stderr or ""), None
    counts, summary = parse_pytest(output)
    failures = {m.group(2) for m in _FAILED_LINE.finditer(output)}
    return TestResult(counts, failures, code, time.monotonic() - started, summary or "(no summary)", output[-3000:])


def tool(repo: Path, venv: Path, *args: str, timeout: float | None = None) -> tuple[int, Any, str]:
    """``git-upgrade ARGS`` from this checkout in ``repo`` with the venv activated: (exit, JSON or None, stderr)."""
    env = venv_env(venv)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "gitupgrade", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    try:
        data = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        data = None
    return done.returncode, data, done.stderr + ("" if data is not None else done.stdout[-2000:])


def surface_changes(repo: Path, venv: Path, base: str) -> list[str] | None:
    """Public-surface differences from ``base`` to main's tip (None when they could not be read)."""
    # compared in the repository's staging worktree as the validation compares each upgrade,
    # with the venv's python as the project's interpreter
    code = (
        "import json\nfrom gitupgrade.manager import UpgradeManager\n"
        "from gitupgrade.manager.surface import compare_commits\nfrom gitupgrade.repo import GitRepo\n"
        "repo = GitRepo.discover('.')\ntip = repo.resolve_commit('main')\n"
        f"found = compare_commits(repo, UpgradeManager(repo).config_at(tip), {base!r}, tip)\n"
        "print(json.dumps(found))\n"
    )
    env = venv_env(venv)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    try:
        found = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None
    return [found] if isinstance(found, str) else found


def upgrade_types(repo: Path) -> dict[str, dict[str, Any]]:
    """upgrade id -> its queued suggestion, read from the ledger's notes (refs/notes/upgrades)."""
    found: dict[str, dict[str, Any]] = {}
    listing = subprocess.run(
        ["git", "notes", "--ref=refs/notes/upgrades", "list"], cwd=repo, capture_output=True, text=True
    ).stdout
    for line in listing.splitlines():
        blob = line.split()[0]
        text = subprocess.run(["git", "cat-file", "-p", blob], cwd=repo, capture_output=True, text=True).stdout
        for raw in text.splitlines():
            try:
                event = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if event.get("event") == "upgrade_queued" and event.get("upgrade_id"):
                found[event["upgrade_id"]] = event.get("suggestion") or {}
    return found


def smells(scan: dict[str, Any]) -> dict[str, int]:
    """God classes, god modules and module-level import cycles in a ``scan --json`` document."""
    by_type = Counter(s["type"] for s in scan.get("upgrade_suggestions", []))
    return {
        "god_class": by_type["god_class"],
        "god_module": by_type["god_module"],
        "circular_import": len(scan.get("global_issues", {}).get("circular_imports", [])),
    }


@dataclass
class ProjectResult:
    """Everything the table shows about one project."""

    name: str
    suggestions: Counter = field(default_factory=Counter)
    queued: int = 0
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    smells_before: dict[str, int] = field(default_factory=dict)
    smells_after: dict[str, int] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)
    local_before: TestResult | None = None
    final: TestResult | None = None
    minutes: float = 0.0
    repo: Path | None = None
    error: str | None = None
    run_messages: list[str] = field(default_factory=list)
    baseline_failure: str | None = None
    rounds: int = 0
    queued_after: int = 0
    surface_changes: list[str] | None = None  # from the imported commit to the final main

    def to_json(self) -> dict[str, Any]:
        """Plain data (``--json``), read back by :meth:`from_json` for ``--render``."""
        data = {k: v for k, v in self.__dict__.items() if k not in ("local_before", "final", "repo")}
        data["suggestions"] = dict(self.suggestions)
        data["repo"] = str(self.repo) if self.repo else None
        for key in ("local_before", "final"):
            run = getattr(self, key)
            data[key] = None if run is None else {**run.__dict__, "failures": sorted(run.failures)}
        data["regression"] = self.regression()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProjectResult:
        """The inverse of :meth:`to_json`."""
        data = {k: v for k, v in data.items() if k != "regression"}
        runs = {
            key: None if data[key] is None else TestResult(**{**data[key], "failures": set(data[key]["failures"])})
            for key in ("local_before", "final")
        }
        return cls(
            **{
                **data,
                **runs,
                "suggestions": Counter(data["suggestions"]),
                "repo": Path(data["repo"]) if data["repo"] else None,
            }
        )

    def by_status(self, status: str) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if o["status"] == status]

    @property
    def merged(self) -> int:
        return len(self.by_status("merged"))

    @property
    def refused(self) -> list[dict[str, Any]]:
        return self.by_status("refused")

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if o["status"] not in ("merged", "refused")]

    @property
    def attempted(self) -> int:
        """Upgrades whose strategy produced a change (refusals are not attempts)."""
        return len(self.outcomes) - len(self.refused)

    def static_checks(self) -> dict[str, Any]:
        """The static checks over all upgrades: new findings merged (must be 0), upgrades they
        blocked, and the tools that ran, were skipped or failed (as the last validation saw them)."""
        tools: dict[str, str] = {}
        for outcome in self.outcomes:
            for item in (outcome.get("static_checks") or {}).get("tools", []):
                tools[item["name"]] = item["status"]
        merged = [o for o in self.by_status("merged") if o.get("static_checks")]
        return {
            "new_merged": sum(o["static_checks"].get("new_count", 0) for o in merged),
            "blocked": sum(o.get("failure_type") == "static_check" for o in self.outcomes),
            "tools": tools,
        }

    def regression(self) -> str | None:
        """Why the final main does worse than the manifest baseline (None when it does not)."""
        if self.final is None:
            return "not run"
        reasons = []
        if self.final.passed != self.baseline.get("passed"):
            reasons.append(f"passed {self.final.passed} != baseline {self.baseline.get('passed')}")
        known = self.local_before.failures if self.local_before else set()
        new = sorted(self.final.failures - known)
        if new:
            reasons.append(f"new failures: {', '.join(new[:5])}{' ...' if len(new) > 5 else ''}")
        elif self.final.failed and not known:
            reasons.append(f"{self.final.failed} failed")
        return "; ".join(reasons) or None
