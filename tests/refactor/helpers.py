"""Helpers for strategy tests: fixture projects with their own pytest suite."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from gitupgrade.config.loader import Config, default_config
from gitupgrade.refactor import CodeRefactorer, RefactorResult
from gitupgrade.suggestion import Suggestion


class Project:
    """A fixture project in tmp_path: write files, run its tests, apply a suggestion."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def write(self, files: dict[str, str]) -> Project:
        """Write dedented files (paths relative to the project)."""
        for rel, text in files.items():
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"))
        return self

    def read(self, rel: str) -> str:
        """The text of one file."""
        return (self.root / rel).read_text()

    def snapshot(self) -> dict[str, bytes]:
        """Every file's bytes (caches excluded), to prove a refusal changed nothing."""
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
        }

    def pytest(self) -> tuple[int, int]:
        """Run the project's own suite in a real subprocess: (passed, failed+errors)."""
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        )
        tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
        passed = sum(int(n) for n in re.findall(r"(\d+) passed", tail))
        failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|error)", tail))
        return passed, failed

    def imports(self, *modules: str) -> str:
        """Import each module in a fresh interpreter; '' when all import, else the error."""
        code = "; ".join(f"import {m}" for m in modules)
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=self.root, capture_output=True, text=True, timeout=60, check=False
        )
        return "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]

    def apply(self, suggestion: Suggestion, **analysis: int) -> RefactorResult:
        """Run the CodeRefactorer with the packaged defaults (``analysis`` limits overridden)."""
        data = default_config().to_dict()
        data["analysis"].update(analysis)
        return CodeRefactorer(self.root, Config(data)).execute_refactor(suggestion)


def suggestion(kind: str, affected: tuple[str, ...], evidence: dict[str, Any]) -> Suggestion:
    """A suggestion as the analyzer would make it."""
    return Suggestion(
        id=f"{kind}-test",
        type=kind,
        title=kind,
        description="",
        risk_level="low",
        priority=5,
        affected_modules=affected,
        evidence=evidence,
    )


def edge(importer: str, imported: str, line: int, names: list[str], statement: str = "") -> dict[str, Any]:
    """An import edge of circular_import evidence (paths from dotted names)."""

    def path(m: str) -> str:
        return m.replace(".", "/") + ".py"

    return {
        "importer": importer,
        "importer_path": path(importer),
        "imported": imported,
        "imported_path": path(imported),
        "line": line,
        "statement": statement,
        "names": names,
        "uses": 1,
        "kind": "module",
    }


def cycle(chain: list[dict[str, Any]], cut: list[dict[str, Any]] | None = None, unsafe: bool = True) -> Suggestion:
    """A circular_import suggestion for ``chain`` (cut = first edge unless given).

    ``unsafe``: a name is taken from a module still importing (the cycles worth breaking).
    """
    modules = [e["importer"] for e in chain]
    paths = [e["importer_path"] for e in chain]
    return suggestion(
        "circular_import",
        tuple(paths),
        {
            "cycle": modules,
            "paths": paths,
            "unsafe": unsafe,
            "chain": chain,
            "cut": cut if cut is not None else chain[:1],
        },
    )
