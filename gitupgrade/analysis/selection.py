"""Which files a scan looks at: vendored, excluded, test and generated files.

Vendored code (``_vendor/``, ``vendor/``, ``third_party/``) and ``analysis.exclude``
globs are left out entirely: not parsed, not in the import graph, never
reported. Test files (``tests/``, ``test_*.py``, ``*_test.py``, ``conftest.py``)
are left out the same way unless ``analysis.include_tests`` is true: production
code does not import tests, so they cannot close a cycle through it, and
skipping them keeps the scan fast. With ``include_tests`` they are parsed,
reported and part of the import graph, but no suggestion ever edits them
(tests are never refactored). Generated files (an ``@generated`` marker) are
parsed and kept in the import graph, since they run like any module, but are
never reported and never proposed for a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

VENDORED_DIRS = ("_vendor", "vendor", "third_party")
TEST_DIRS = ("tests",)


def is_vendored(path: str) -> bool:
    """Whether ``path`` lies under a vendored directory."""
    return any(part in VENDORED_DIRS for part in path.split("/")[:-1])


def is_test(path: str) -> bool:
    """Whether ``path`` is a test file or lies under a test directory."""
    parts = path.split("/")
    name = parts[-1]
    return (
        name == "conftest.py"
        or name.startswith("test_")
        or name.endswith("_test.py")
        or any(part in TEST_DIRS for part in parts[:-1])
    )


def is_excluded(path: str, patterns: Sequence[str]) -> bool:
    """Whether ``path`` matches an ``analysis.exclude`` glob (a bare folder excludes everything under it)."""
    for pattern in patterns:
        folder = pattern.rstrip("/")
        if fnmatchcase(path, pattern) or path.startswith(folder + "/"):
            return True
    return False


def skip_reason(path: str, exclude: Sequence[str], include_tests: bool) -> str | None:
    """Why a file is left out of the scan, or None when it is scanned."""
    if is_vendored(path):
        return "vendored"
    if is_excluded(path, exclude):
        return "excluded"
    if not include_tests and is_test(path):
        return "test"
    return None


def normalize_targets(targets: str | Sequence[str] | None) -> tuple[str, ...]:
    """Repository-relative target paths without ``./`` or trailing slashes ("" means everything)."""
    if targets is None:
        return ()
    items = [targets] if isinstance(targets, str) else list(targets)
    cleaned = []
    for item in items:
        text = item.replace("\\", "/").strip()
        while text.startswith("./"):
            text = text[2:]
        text = text.rstrip("/")
        if text in ("", "."):
            return ()
        cleaned.append(text)
    return tuple(dict.fromkeys(cleaned))


def in_targets(path: str, targets: tuple[str, ...]) -> bool:
    """Whether ``path`` is one of the targets or lies under one ("component" targeting)."""
    return not targets or any(path == t or path.startswith(t + "/") for t in targets)
