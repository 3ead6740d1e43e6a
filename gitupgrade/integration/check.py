"""Clean as you code: the findings at HEAD that were not there at the merge-base with REV.

Only what a change *adds* is reported, so a legacy codebase can adopt the gate
today: old smells are the upgrade queue's job, new ones are the author's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitupgrade.config import load_config
from gitupgrade.integration.findings import Finding, split_new
from gitupgrade.integration.scan import findings_at
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.history import merge_base
from gitupgrade.repo.remote import upstream_ref


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: new and fixed findings of ``head`` against ``base``.

    ``base`` None means there was nothing to compare with (unrelated history or a
    brand-new branch with no known base): every finding counts as new.
    """

    head: CommitId
    base: CommitId | None
    against: str | None
    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    unchanged: int
    fail_on: tuple[str, ...] = field(default=())

    @property
    def failing(self) -> tuple[Finding, ...]:
        """The new findings whose rule is in ``check.fail_on``."""
        return tuple(f for f in self.new if f.rule in self.fail_on)

    @property
    def passed(self) -> bool:
        """Whether the gate lets the change through."""
        return not self.failing

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the ``--format json`` output)."""
        return {
            "head": self.head,
            "base": self.base,
            "against": self.against,
            "passed": self.passed,
            "fail_on": list(self.fail_on),
            "summary": {
                "new": len(self.new),
                "failing": len(self.failing),
                "fixed": len(self.fixed),
                "unchanged": self.unchanged,
            },
            "new": [dict(f.to_dict(), failing=f.rule in self.fail_on) for f in self.new],
            "fixed": [f.to_dict() for f in self.fixed],
        }


def run_check(
    repo: GitRepo, against: str | None = None, head_rev: str = "HEAD", config_file: Path | None = None
) -> CheckResult:
    """Compare ``head_rev`` with its merge-base with ``against`` (default: the upstream branch)."""
    label = against if against is not None else _short(upstream_ref(repo))
    head = repo.resolve_commit(head_rev)
    other = repo.resolve_commit(label)
    return compare(repo, merge_base(repo, head, other), head, config_file, against=label)


def compare(
    repo: GitRepo, base: CommitId | None, head: CommitId, config_file: Path | None = None, against: str | None = None
) -> CheckResult:
    """The findings new at ``head`` since ``base`` (None: all of head's findings are new).

    Both commits are analysed with head's configuration, so a change of
    thresholds in the pushed code is judged consistently on both sides.
    """
    config = load_config(repo, head, config_file)
    head_findings = findings_at(repo, config, head)
    if base is None:
        base_findings: list[Finding] = []
    elif base == head:
        base_findings = head_findings
    else:
        base_findings = findings_at(repo, config, base)
    new, fixed, unchanged = split_new(head_findings, base_findings)
    return CheckResult(
        head=head,
        base=base,
        against=against,
        new=tuple(new),
        fixed=tuple(fixed),
        unchanged=unchanged,
        fail_on=tuple(config.get_path("check.fail_on")),
    )


def _short(ref: str) -> str:
    # refs/remotes/origin/main -> origin/main, as people write it.
    for prefix in ("refs/remotes/", "refs/heads/"):
        if ref.startswith(prefix):
            return ref.removeprefix(prefix)
    return ref
