"""The public-surface check: what users can reach is the same before and after an upgrade.

The staging worktree is snapshotted at the base commit and at the upgrade commit by
:mod:`.surface_probe`, run by the project's own interpreter; the two snapshots are
compared and any difference fails the upgrade as ``api_change``:

- a public name of a public module that is gone or now resolves to another object
  (``module:qualname`` of classes and functions, so a moved class's ``__module__`` counts);
- a submodule that the package attribute of the same name now hides, or that rebinds it;
- a function that moved to another module while it reads an overridable public value of
  its old module as a global (``pkg.mod.CHAR = "#"`` no longer reaches it); reading it
  through the old module's attribute at call time is the deliberate, safe form. An
  UPPER_CASE value counts only when the docs or README name it: otherwise it is a
  constant by convention, not a setting;
- the import path a class pickles under, when the project pickles anything;
- members a Sphinx ``auto*`` directive of the docs no longer renders (see :mod:`.autodoc`).

Additions are not changes. The base's snapshot is cached per tree id under the state dir,
like the test baseline, and so is each upgrade's (the next base of a stack).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitupgrade.config import Config
from gitupgrade.files import write_atomically
from gitupgrade.manager import surface_probe
from gitupgrade.manager.autodoc import documented_values, find_directives
from gitupgrade.manager.staging import Staging
from gitupgrade.manager.testrun import run_command
from gitupgrade.manager.validation import Validator, Verdict
from gitupgrade.project_python import command_env, python_roots
from gitupgrade.repo import CommitId, GitRepo, TreeId

# Top-level folders of a flat layout that are not the project's importable packages.
_NOT_PACKAGES = frozenset(
    {"test", "tests", "testing", "docs", "doc", "examples", "example", "benchmarks", "bench", "scripts", "tools"}
)
_NOT_MODULES = frozenset({"setup", "conftest", "noxfile", "tasks", "fabfile", "manage", "conf"})
_VENDORED = frozenset({"vendor", "third_party", "_vendor"})
_PICKLES = re.compile(rb"\b(pickle|cPickle|copyreg|__reduce__|__reduce_ex__|__getstate__)\b")
SHOWN_DIFFERENCES = 10
_PROBE = Path(surface_probe.__file__).read_text(encoding="utf-8")
Snapshot = dict[str, Any]


def project_layout(workdir: Path) -> tuple[list[str], list[Path]]:
    """The top-level import names of the project and the files of its public modules."""
    root = python_roots(workdir)[0]
    packages = [
        entry
        for entry in sorted(root.iterdir())
        if entry.is_dir()
        and (entry / "__init__.py").is_file()
        and entry.name.isidentifier()
        and entry.name not in _NOT_PACKAGES
    ]
    if packages:
        files = [path for package in packages for path in sorted(package.rglob("*.py")) if _public(path, root)]
        return [p.name for p in packages], files
    singles = [
        path
        for path in sorted(root.glob("*.py"))
        if path.stem.isidentifier() and path.stem not in _NOT_MODULES and _public(path, root)
    ]
    return [p.stem for p in singles], singles


def _public(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).with_suffix("").parts
    if any(part.startswith("_") and part != "__init__" for part in parts):
        return False
    if any(part in _NOT_PACKAGES or part in _VENDORED for part in parts[:-1]):
        return False
    name = parts[-1]
    if name.startswith("test_") or name.endswith("_test") or name in ("conftest", "tests"):
        return False
    # a folder without __init__.py is not a regular package: its modules are not imported by dotted name here
    return all((root / Path(*parts[:depth]) / "__init__.py").is_file() for depth in range(1, len(parts)))


def module_of(path: Path, root: Path) -> str:
    """The dotted name of a module file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def uses_pickle(workdir: Path, files: list[Path]) -> bool:
    """Whether the project's code or tests pickle anything (then class import paths are surface)."""
    tests = [p for folder in ("tests", "test") if (workdir / folder).is_dir() for p in (workdir / folder).rglob("*.py")]
    for path in [*files, *tests]:
        try:
            if _PICKLES.search(path.read_bytes()):
                return True
        except OSError:
            continue
    return False


def take_snapshot(workdir: Path, state_dir: Path, timeout: float, python: str = "python") -> Snapshot | str:
    """The surface of the code checked out in ``workdir`` (a string saying why when it cannot be read)."""
    roots, files = project_layout(workdir)
    root = python_roots(workdir)[0]
    spec = {
        "roots": roots,
        "modules": sorted({module_of(path, root) for path in files}),
        "pickle": uses_pickle(workdir, files),
        "autodoc": find_directives(workdir),
    }
    folder = state_dir / "surface"
    folder.mkdir(parents=True, exist_ok=True)
    spec_path, out_path = folder / "spec.json", folder / "snapshot.json"
    spec_path.write_text(json.dumps(spec))
    out_path.unlink(missing_ok=True)
    env = {**command_env(workdir), "PYTHONHASHSEED": "0"}
    result = run_command([python, "-c", _PROBE, str(spec_path), str(out_path)], workdir, env, timeout, state_dir)
    if result.timed_out:
        return f"the snapshot took over {timeout:g}s"
    try:
        snapshot: Snapshot = json.loads(out_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = result.output.strip().splitlines()[-1:] or ["(no output)"]
        return f"the snapshot failed (exit {result.exit_code}): {last[0]}"
    # An UPPER_CASE value is a constant by convention, not a setting, unless the docs name it.
    snapshot["documented"] = documented_values(workdir, snapshot.get("overridable", {}))
    return snapshot


def snapshot_at(validator: Validator, tree: TreeId) -> Snapshot | str:
    """The snapshot of ``tree`` (checked out in the validator's worktree now), cached by tree id."""
    cached = _cached(validator, tree)
    if cached is not None:
        return cached
    snapshot = take_snapshot(validator.workdir, validator.state_dir, validator.timeout)
    if isinstance(snapshot, str):
        return snapshot  # a timeout or a crash may not happen again: not remembered
    cache = _cache_path(validator, tree)
    write_atomically(cache, json.dumps(snapshot, sort_keys=True))
    return snapshot


def check_surface(staging: Staging, validator: Validator, repo: GitRepo, base: CommitId, head: CommitId) -> Verdict:
    """Compare the surface of ``head`` (checked out in core_v2 now) with ``base``'s; a change is ``api_change``."""
    differences = surface_differences(staging, validator, repo, base, head)
    if isinstance(differences, str):
        return Verdict.fail("api_change", differences)
    return verdict(differences)


def surface_differences(
    staging: Staging, validator: Validator, repo: GitRepo, base: CommitId, head: CommitId
) -> list[str] | str:
    """The differences from ``base`` to ``head`` (checked out in the staging worktree now, and again on
    return), or why the upgrade's surface could not be read. A base whose own surface cannot be read
    has nothing to compare with: no differences."""
    base_tree = repo.commit_tree(base)
    before: Snapshot | str | None = _cached(validator, base_tree)
    if before is None:
        staging.checkout(base)
        try:
            before = snapshot_at(validator, base_tree)
        finally:
            staging.checkout(head)
    if isinstance(before, str):
        return []
    after = snapshot_at(validator, repo.commit_tree(head))
    if isinstance(after, str):
        return f"the public surface could not be read after the upgrade: {after}"
    return compare(before, after)


def compare_commits(repo: GitRepo, config: Config, base: CommitId, head: CommitId) -> list[str] | str:
    """The surface differences between two commits, each snapshotted in the staging worktree."""
    staging = Staging(repo, config)
    worktree = staging.checkout(head)
    return surface_differences(staging, Validator(worktree.path, repo.state_dir, config), repo, base, head)


def _cache_path(validator: Validator, tree: TreeId) -> Path:
    # the probe's code and the interpreter are part of the key: either may change what a snapshot holds
    key = hashlib.sha1(f"{_PROBE}\0{shutil.which('python')}".encode()).hexdigest()[:10]
    return validator.state_dir / "surface" / f"{tree}-{key}.json"


def _cached(validator: Validator, tree: TreeId) -> Snapshot | None:
    try:
        cached = json.loads(_cache_path(validator, tree).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return cached if isinstance(cached, dict) else None


def verdict(differences: list[str]) -> Verdict:
    """``api_change`` naming the first differences, or a pass."""
    if not differences:
        return Verdict(True)
    shown = "; ".join(differences[:SHOWN_DIFFERENCES])
    more = f"; and {len(differences) - SHOWN_DIFFERENCES} more" if len(differences) > SHOWN_DIFFERENCES else ""
    return Verdict.fail("api_change", f"the public surface changed ({len(differences)}): {shown}{more}")


def compare(before: Snapshot, after: Snapshot) -> list[str]:
    """What users could reach at ``before`` and no longer can, or reach as something else, at ``after``."""
    # the rarer kinds first: the detail shows the first differences, and names are many
    return [
        *_shadows(before, after),
        *_overrides(before, after),
        *_autodoc(before, after),
        *_pickles(before, after),
        *_names(before, after),
    ]


def describe(ident: str) -> str:
    """An identity as a reader says it: ``class pkg.mod.Name``, ``a str value``."""
    kind, _, rest = ident.partition(":")
    module, _, name = rest.partition(":")
    if kind in ("class", "function"):
        return f"{kind} {module}.{name}"
    if kind == "module":
        return f"module {rest}"
    if kind == "member":
        return f"{module}.{name}"
    return f"a {module}.{name} value"


def _changed_names(before: dict[str, Any], after: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(name, identity before, identity after or None) of the public names of one module that changed."""
    incidental = set(before.get("incidental", ()))
    for name, ident in sorted(before["names"].items()):
        new = after["names"].get(name)
        if new is None and name in incidental:
            continue  # an import the module made for itself, not a re-export
        # A value's own changes, even of type, are behaviour: the tests judge those.
        if new is None or (new != ident and not (new.startswith("value:") and ident.startswith("value:"))):
            yield name, ident, new


def _names(before: Snapshot, after: Snapshot) -> Iterator[str]:
    # One object reached under several names (re-exported by the package, a curried copy ...)
    # is one change: said once, at its home module when that is among them.
    changes: dict[tuple[str, str | None], list[str]] = {}
    for module, data in sorted(before["modules"].items()):
        if "error" in data:
            continue  # it did not import at the base either
        now = after["modules"].get(module)
        if now is None:
            yield f"module {module} is gone"
            continue
        if "error" in now:
            yield f"module {module} no longer imports ({now['error']})"
            continue
        for name, ident, new in _changed_names(data, now):
            changes.setdefault((ident, new), []).append(f"{module}.{name}")
    for (ident, new), paths in changes.items():
        home = ident.split(":")[1] if ident.count(":") >= 2 else None
        shown = next((p for p in paths if p.rpartition(".")[0] == home), paths[0])
        others = f", and {len(paths) - 1} other name(s) of it" if len(paths) > 1 else ""
        what = "is gone" if new is None else f"is now {describe(new)}"
        pickles = ", so its pickles change path" if _pickled(before, ident) and new is not None else ""
        yield f"{shown} {what} (was {describe(ident)}){others}{pickles}"


def _pickled(snapshot: Snapshot, ident: str) -> bool:
    """Whether ``ident`` is a class the project may pickle (its import path is then a pickle path)."""
    kind, _, path = ident.partition(":")
    return kind == "class" and path.replace(":", ".") in (snapshot.get("pickle") or ())


def _shadows(before: Snapshot, after: Snapshot) -> Iterator[str]:
    for submodule, ident in sorted(after["shadows"].items()):
        if submodule not in before["shadows"]:
            package, _, name = submodule.rpartition(".")
            yield (
                f"{submodule} is both a submodule and {package}'s attribute {name} ({describe(ident)}): "
                "which one users get depends on what was imported before"
            )


def _overrides(before: Snapshot, after: Snapshot) -> Iterator[str]:
    seen = set()
    for path, info in sorted(before["code"].items()):
        new = after["code"].get(path)
        home = info["globals"]
        if new is None or new["globals"] == home:
            continue
        public = set(before["overridable"].get(home, ()))
        documented = set(before.get("documented", ()))
        for name in info["reads"]:
            if name.isupper() and f"{home}.{name}" not in documented:
                continue  # a constant by convention: users are not meant to set it
            key = (home, name, new["globals"], path.rpartition(".")[2])
            if name in public and name not in new["attrs"] and key not in seen:
                seen.add(key)
                yield (
                    f"{path} moved to {new['globals']} and reads {name} there: "
                    f"a user's {home}.{name} = ... no longer reaches it"
                )


def _pickles(before: Snapshot, after: Snapshot) -> Iterator[str]:
    if before.get("pickle") is None or after.get("pickle") is None:
        return
    now = set(after["pickle"])
    for path in sorted(set(before["pickle"]) - now):
        module, _, qualname = path.rpartition(".")
        if qualname in before["modules"].get(module, {}).get("names", {}):
            continue  # a public name: its change is said with the name's
        qualname = path.rpartition(".")[2]
        moved = sorted(p for p in now if p.rpartition(".")[2] == qualname)
        where = f"it now pickles as {', '.join(moved)}" if moved else "no class pickles under it"
        yield f"pickle path {path} changed: {where}, so pickles of the new version do not load in the old"


def _autodoc(before: Snapshot, after: Snapshot) -> Iterator[str]:
    for key, members in sorted(before.get("autodoc", {}).items()):
        if "<missing>" in members:
            continue
        lost = sorted(set(members) - set(after.get("autodoc", {}).get(key, ["<missing>"])))
        if lost == ["<documented>"]:
            yield f"{key} loses its documentation"
        elif lost:
            shown = ", ".join(lost[:8]) + (" ..." if len(lost) > 8 else "")
            yield f"{key} no longer renders {len(lost)} member(s): {shown}"
