"""Talking to remotes: upstream lookup, remote-tracking refs, push and ls-remote.

Push and ls-remote go through the git CLI, not libgit2: the user's credential
helpers, SSH config, ``pushurl``, ``pre-push`` hooks and ``push.*`` options all
live there, and a push must behave exactly like the user's own ``git push``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import pygit2

from gitupgrade.errors import GitOperationError, UserError
from gitupgrade.repo.core import GitRepo, git_command, git_env, git_operation
from gitupgrade.repo.names import CommitId, RefName

# `git push --porcelain` flags, see git-push(1) "OUTPUT".
_PUSH_FLAGS = {
    " ": "fast-forward",
    "+": "forced",
    "-": "deleted",
    "*": "new",
    "!": "rejected",
    "=": "up-to-date",
}


@dataclass(frozen=True)
class PushedRef:
    """One line of ``git push --porcelain``: what happened to one ref."""

    local_ref: str
    remote_ref: str
    outcome: str  # one of _PUSH_FLAGS' values
    summary: str

    @property
    def ok(self) -> bool:
        """Whether the remote now has what we pushed."""
        return self.outcome != "rejected"


def run_git(
    repo: GitRepo, *args: str, operation: str, input: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``git`` in the repository; a non-zero exit becomes a GitOperationError naming ``operation``."""
    try:
        done = subprocess.run(
            git_command(repo, *args), capture_output=True, text=True, input=input, check=False, env=git_env()
        )
    except OSError as exc:
        raise GitOperationError(operation, f"cannot run git: {exc}", hint="install git >= 2.36") from exc
    if check and done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise GitOperationError(operation, detail[-1] if detail else f"exit {done.returncode}")
    return done


def remote_names(repo: GitRepo) -> list[str]:
    """The configured remotes."""
    with git_operation("list remotes"):
        return [remote.name for remote in repo.raw.remotes if remote.name is not None]


def require_remote(repo: GitRepo, remote: str) -> None:
    """Raise a user error naming the known remotes when ``remote`` is not one of them."""
    names = remote_names(repo)
    if remote not in names:
        known = ", ".join(names) if names else "none"
        raise UserError(
            f"no remote named {remote!r} (known: {known})",
            hint="add one with git remote add NAME URL, or pass --remote NAME",
        )


def upstream_ref(repo: GitRepo) -> RefName:
    """The full name of the current branch's upstream (``@{upstream}``).

    A user error says what to do when HEAD is detached or the branch tracks nothing.
    """
    done = run_git(repo, "rev-parse", "--symbolic-full-name", "@{upstream}", operation="read upstream", check=False)
    name = done.stdout.strip()
    if done.returncode != 0 or not name:
        branch = repo.current_branch()
        where = f"branch {branch!r} has no upstream" if branch else "HEAD is detached (no upstream)"
        raise UserError(
            f"nothing to compare with: {where}",
            hint="pass --against REV (e.g. --against origin/main), or set one with git branch -u REMOTE/BRANCH",
        )
    return RefName(name)


def local_refs(repo: GitRepo, prefix: str) -> dict[RefName, CommitId]:
    """Every ref whose name starts with ``prefix``, peeled to the commit it names, sorted by name."""
    found: dict[RefName, CommitId] = {}
    with git_operation(f"list refs {prefix}*"):
        for name in repo.raw.references:
            if name.startswith(prefix):
                target = repo.raw.references[name].resolve().target
                found[RefName(name)] = CommitId(str(target))
    return dict(sorted(found.items()))


def remote_tracking_refs(repo: GitRepo, remote: str) -> dict[RefName, CommitId]:
    """The commits of ``refs/remotes/<remote>/*`` (the symbolic ``HEAD`` left out)."""
    refs = local_refs(repo, f"refs/remotes/{remote}/")
    refs.pop(RefName(f"refs/remotes/{remote}/HEAD"), None)
    return refs


def remote_default_ref(repo: GitRepo, remote: str) -> RefName | None:
    """What ``refs/remotes/<remote>/HEAD`` points at (the remote's default branch), if known."""
    with git_operation("read remote HEAD"):
        ref = repo.raw.references.get(f"refs/remotes/{remote}/HEAD")
        if ref is None or ref.type != pygit2.enums.ReferenceType.SYMBOLIC:
            return None
        return RefName(str(ref.target))


def push(repo: GitRepo, remote: str, refspecs: list[str], *, force_with_lease: bool = False) -> list[PushedRef]:
    """Push ``refspecs`` to ``remote`` and say what happened to each ref.

    Rejections are returned, not raised, so the caller can report every ref;
    a push that failed before reaching the refs (no such remote, network) raises.
    """
    args = ["push", "--porcelain"]
    if force_with_lease:
        args.append("--force-with-lease")
    done = run_git(repo, *args, remote, *refspecs, operation=f"push to {remote}", check=False)
    results = _parse_porcelain(done.stdout)
    if done.returncode != 0 and not results:
        lines = done.stderr.strip().splitlines()
        raise GitOperationError(
            f"push to {remote}",
            lines[-1] if lines else f"exit {done.returncode}",
            hint="check the remote's URL and your access with git ls-remote REMOTE",
        )
    if done.returncode != 0 and all(r.ok for r in results):
        # git printed every ref as accepted yet failed: a hook or the remote refused the whole push.
        lines = done.stderr.strip().splitlines()
        raise GitOperationError(f"push to {remote}", lines[-1] if lines else f"exit {done.returncode}")
    return results


def _parse_porcelain(stdout: str) -> list[PushedRef]:
    results: list[PushedRef] = []
    for line in stdout.splitlines():
        if "\t" not in line or line[:1] not in _PUSH_FLAGS:
            continue  # "To <url>" and "Done"
        flag, refs, *rest = line.split("\t")
        local, _, remote_ref = refs.partition(":")
        results.append(PushedRef(local, remote_ref, _PUSH_FLAGS[flag[0]], rest[0] if rest else ""))
    return results


def ls_remote(repo: GitRepo, remote: str) -> dict[str, CommitId]:
    """The refs the remote advertises, name to id (``git ls-remote REMOTE``)."""
    done = run_git(repo, "ls-remote", remote, operation=f"ls-remote {remote}")
    refs: dict[str, CommitId] = {}
    for line in done.stdout.splitlines():
        oid, _, name = line.partition("\t")
        if name:
            refs[name] = CommitId(oid)
    return refs
