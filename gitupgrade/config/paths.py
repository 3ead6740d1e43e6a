"""The path keys of a config cannot point the tool at the user's data.

A committed ``config.yaml`` is written by anyone who can open a pull request, so
its paths are checked before anything is created, replaced or deleted there:

- ``staging.worktree_name`` is a plain name (it becomes ``<git dir>/worktrees/<name>``
  and a branch name): no ``/``, no ``..``, no leading ``.``, nothing git refuses in a ref;
- ``staging.path`` is never the work tree, inside it (other than under the tool's own
  state dir ``<git dir>/upgrade/``), inside the git dir elsewhere, nor a folder holding
  any of them: the staging worktree is deleted and recreated when it is broken;
- ``ledger_db_path`` is never inside the work tree, never an existing folder and never an
  existing file that is not SQLite (a corrupt index is renamed aside, and a user's file
  must never be). The default, ``<git dir>/upgrade/ledger.db``, is the tool's own file.

Whether an existing staging folder is ours is decided where it would be removed
(``gitupgrade.repo.worktree``): git must list it as this repository's worktree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitupgrade.errors import ConfigError
from gitupgrade.repo import GitRepo

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_LEDGER_DB = "ledger.db"
# A git ref component and a file name at once, in the portable set (git check-ref-format).
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def check_worktree_name(name: str) -> str:
    """``name`` when it is a plain name usable as a worktree and ref name, else a ConfigError."""
    if not _PLAIN_NAME.fullmatch(name) or ".." in name or name.endswith((".lock", ".")):
        raise ConfigError(
            f"staging.worktree_name must be a plain name, got {name!r}",
            hint="use letters, digits, '_', '-' and '.' (not first), e.g. core_v2",
        )
    return name


def work_trees(repo: GitRepo) -> list[Path]:
    """The checkout this command runs in and the main work tree (they differ in a linked worktree)."""
    found: list[Path] = []
    if repo.workdir is not None:
        found.append(repo.workdir.resolve())
    common = repo.common_dir.resolve()
    if common.name == ".git" and common.parent not in found:
        found.append(common.parent)
    return found


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_staging_path(repo: GitRepo, path: Path) -> Path:
    """``path`` (resolved) when the staging worktree may live there, else a ConfigError."""
    resolved = path.expanduser().resolve()
    common = repo.common_dir.resolve()
    state = common / "upgrade"
    trees = work_trees(repo)
    for folder in [*trees, common]:
        if _inside(folder, resolved):
            raise _staging_error(resolved, f"it is or holds {folder}")
    if _inside(resolved, common) and not (resolved.is_relative_to(state) and resolved != state):
        raise _staging_error(resolved, "it is inside the git dir, outside the tool's state dir")
    for folder in trees:
        if _inside(resolved, folder) and not _inside(resolved, common):
            raise _staging_error(resolved, f"it is inside the work tree {folder}")
    return resolved


def _staging_error(path: Path, why: str) -> ConfigError:
    return ConfigError(
        f"staging.path {path} cannot hold the staging worktree: {why}",
        hint="leave staging.path unset (the default lives under .git/upgrade/) or name an empty folder",
    )


def ledger_db_location(repo: GitRepo, configured: str | None) -> Path:
    """Where ``ledger_db_path`` puts the index: relative to the git dir, default ``<git dir>/upgrade/ledger.db``."""
    if not configured:
        return repo.common_dir / "upgrade" / DEFAULT_LEDGER_DB
    path = Path(configured).expanduser()
    return path if path.is_absolute() else repo.common_dir / path


def is_sqlite_or_empty(path: Path) -> bool:
    """Whether the file at ``path`` starts with SQLite's header, or is empty (a fresh index)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return head in (b"", SQLITE_HEADER)


def check_ledger_db_path(repo: GitRepo, path: Path) -> Path:
    """``path`` (resolved) when the ledger index may be created or replaced there, else a ConfigError."""
    resolved = path.resolve()
    common = repo.common_dir.resolve()
    for folder in work_trees(repo):
        if _inside(resolved, folder) and not _inside(resolved, common):
            raise _ledger_error(resolved, f"it is inside the work tree {folder}")
    if resolved.is_dir():
        raise _ledger_error(resolved, "it is a folder")
    if resolved.exists() and not is_sqlite_or_empty(resolved):
        raise _ledger_error(resolved, "it is an existing file that is not an SQLite database")
    return resolved


def _ledger_error(path: Path, why: str) -> ConfigError:
    return ConfigError(
        f"ledger_db_path {path} cannot hold the ledger index: {why}",
        hint="leave ledger_db_path unset (default: .git/upgrade/ledger.db) or name a new file outside the work tree",
    )


def check_config_paths(repo: GitRepo, section: Mapping[str, Any]) -> None:
    """Check the path keys of a merged ``self_upgrading`` section against ``repo``."""
    staging = section.get("staging") or {}
    name = check_worktree_name(str(staging.get("worktree_name") or "core_v2"))
    configured = staging.get("path")
    if configured:
        path = Path(configured).expanduser()
        check_staging_path(repo, path if path.is_absolute() else repo.common_dir / path)
    else:
        check_staging_path(repo, repo.common_dir / "upgrade" / name)
    if section.get("ledger_db_path"):
        # the default .git/upgrade/ledger.db is the tool's own: a corrupt one is set aside and rebuilt
        check_ledger_db_path(repo, ledger_db_location(repo, section["ledger_db_path"]))
