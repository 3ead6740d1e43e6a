"""Helpers: a real repository with an import cycle, its upgrade branch and ledger events."""

from __future__ import annotations

from gitupgrade.analysis import ArchitectAnalyzer
from gitupgrade.config import load_config
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo
from tests.conftest import GitRepoBuilder

UPGRADE_ID = "upgrade_20260101_120000_abcdef"
CYCLIC = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from pkg import b\n\n\ndef f():\n    return b.g()\n",
    "pkg/b.py": "from pkg import a\n\n\ndef g():\n    return 1\n\n\ndef h():\n    return a.f()\n",
}
FIXED_B = "def g():\n    return 1\n\n\ndef h():\n    from pkg import a\n    return a.f()\n"


def make_upgrade(repo: GitRepoBuilder, upgrade_id: str = UPGRADE_ID) -> dict[str, str]:
    """Commit the cycle on main, its fix on ``upgrade/<id>``, and log it awaiting review."""
    base = repo.commit(CYCLIC, "cyclic base")
    raw = GitRepo.discover(repo.path)
    config = load_config(raw, raw.resolve_commit("HEAD"))
    (suggestion,) = [
        s for s in ArchitectAnalyzer(raw, config).analyze_codebase().suggestions if s.type == "circular_import"
    ]
    repo.git("checkout", "-q", "-b", f"upgrade/{upgrade_id}")
    commit = repo.commit(
        {"pkg/b.py": FIXED_B}, f"{suggestion.title}\n\nUpgrade-Id: {upgrade_id}\nUpgrade-Type: circular_import"
    )
    repo.git("checkout", "-q", "main")
    ledger = UpgradeLedger(raw, config)
    try:
        ledger.log_upgrade_queued(upgrade_id, suggestion, base, "main", priority=suggestion.priority)
        ledger.record_execution(
            {
                "upgrade_id": upgrade_id,
                "status": "awaiting_review",
                "type": "circular_import",
                "risk_level": "low",
                "branch": f"upgrade/{upgrade_id}",
                "commit": commit,
                "base_commit": base,
                "failure_type": None,
                "detail": "",
                "seconds": 2.5,
                "strategy": "rule:circular_import",
                "tests": {"baseline": {"passed": 4, "failed": 0}, "after": {"passed": 4, "failed": 0}},
                "files": [{"path": "pkg/b.py", "change": "MODIFY", "added": 1, "removed": 1}],
                "quality": {"smells_before": 1, "smells_after": 0, "complexity_before": 6, "complexity_after": 6},
            }
        )
    finally:
        ledger.close()
    return {
        "base": base,
        "commit": commit,
        "suggestion_id": suggestion.id,
        "title": suggestion.title,
        "priority": str(suggestion.priority),
    }
