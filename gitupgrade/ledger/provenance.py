"""Which ledger events this clone wrote, and which outcomes it can verify.

A clone keeps a random secret key in ``<git dir>/upgrade/clone-key`` (never pushed:
it is not a ref). Each event it writes carries ``clone`` (an id derived from the key)
and ``mac``, an HMAC-SHA256 of the line under the key. An event is "ours" only if
its MAC verifies: a remote can copy our clone id and even whole lines of ours (which
stay ours, as they say what we did), but it cannot make a new line verify. Losing the
key (a fresh clone, a deleted ``.git/upgrade``) makes the old lines foreign: the safe side.

A merge that another clone reports is verified in git instead: its merge commit must be
reachable from the target branch here and name the upgrade (its ``Upgrade-Id`` trailer,
the trailer of a merged parent, or the ``upgrade/<id>`` branch in a merge commit's title).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitupgrade.errors import GitUpgradeError
from gitupgrade.repo import CommitId, GitRepo, branch_ref
from gitupgrade.repo.commits import commit_message, commit_parents, is_ancestor
from gitupgrade.repo.names import BranchName
from gitupgrade.repo.refs import read_ref

if TYPE_CHECKING:
    from gitupgrade.ledger.ledger import UpgradeLedger

KEY_FILE = "clone-key"
UPGRADE_EXECUTED = "upgrade_executed"
UPGRADE_MERGED = "upgrade_merged"


class CloneIdentity:
    """This clone's key: signs the events it writes, recognises them when read back."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self.clone_id = hmac.new(key, b"gitupgrade clone id", hashlib.sha256).hexdigest()[:32]

    @classmethod
    def load(cls, state_dir: Path) -> CloneIdentity:
        """The key of ``state_dir``, created (mode 0600, atomically) on first use."""
        path = state_dir / KEY_FILE
        try:
            text = path.read_text(encoding="ascii").strip()
            return cls(bytes.fromhex(text))
        except FileNotFoundError:
            pass
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            raise GitUpgradeError(
                f"the clone key {path} is unreadable: {exc}",
                hint="delete it: this clone's past ledger events then count as another clone's",
            ) from exc
        key = secrets.token_bytes(32)
        scratch = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key.hex() + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(scratch, path)  # a concurrent first writer wins; everyone reads its key
        finally:
            scratch.unlink(missing_ok=True)
        return cls(bytes.fromhex(path.read_text(encoding="ascii").strip()))

    def sign(self, event: dict[str, Any]) -> dict[str, Any]:
        """``event`` with ``clone`` and, last, the ``mac`` of its line."""
        body = {k: v for k, v in event.items() if k not in ("clone", "mac")}
        body["clone"] = self.clone_id
        body["mac"] = self._mac(body)
        return body

    def is_ours(self, line: str, event: dict[str, Any]) -> bool:
        """Whether this clone wrote ``line`` (parsed as ``event``): its MAC verifies under our key.

        We write ``mac`` last, so the signed text is the line without it: no need to
        serialize the event again.
        """
        mac = event.get("mac")
        if event.get("clone") != self.clone_id or not isinstance(mac, str):
            return False
        suffix = f',"mac":"{mac}"}}'
        if not line.endswith(suffix):
            return False
        body = line[: -len(suffix)] + "}"
        expected = hmac.new(self._key, body.encode("utf-8"), hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, expected)

    def _mac(self, body: dict[str, Any]) -> str:
        line = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        return hmac.new(self._key, line.encode("utf-8"), hashlib.sha256).hexdigest()


def merge_is_verified(repo: GitRepo, upgrade_id: str, merge_commit: Any, target_branch: Any) -> bool:
    """Whether git here shows the merge: the commit is on the target branch and names the upgrade."""
    if not isinstance(merge_commit, str) or not isinstance(target_branch, str):
        return False
    try:
        tip = read_ref(repo, branch_ref(BranchName(target_branch)))
        if tip is None or not is_ancestor(repo, CommitId(merge_commit), tip):
            return False
        # The upgrade commit itself (fast-forward, squash), or a merge of it (its title or a parent names it).
        commits = [CommitId(merge_commit), *commit_parents(repo, CommitId(merge_commit))[1:]]
        messages = [commit_message(repo, commit) for commit in commits]
    except (GitUpgradeError, ValueError):
        return False  # not fetched here, or not a commit: nothing to verify it with
    title = messages[0].splitlines()[0] if messages[0] else ""
    trailer = f"Upgrade-Id: {upgrade_id}"
    return f"upgrade/{upgrade_id}" in title or any(trailer in m.splitlines() for m in messages)


def verified_events(ledger: UpgradeLedger) -> tuple[list[dict[str, Any]], list[str]]:
    """The events of an UpgradeLedger this clone can vouch for, and the upgrades left out.

    This clone's own events count. Another clone's count for an upgrade whose merge git
    shows here (:func:`merge_is_verified`), then all of that upgrade's events do. An
    upgrade with an outcome event of another clone left out is named in the second list.
    """
    ledger.catch_up()
    rows = ledger.index.conn.execute("SELECT line, ours FROM events ORDER BY ts, hash").fetchall()
    by_upgrade: dict[str | None, list[tuple[dict[str, Any], bool]]] = {}
    for line, ours in rows:
        event = json.loads(line)
        by_upgrade.setdefault(event.get("upgrade_id"), []).append((event, bool(ours)))
    kept: list[dict[str, Any]] = [e for e, ours in by_upgrade.pop(None, []) if ours]
    skipped: list[str] = []
    outcomes = (UPGRADE_EXECUTED, UPGRADE_MERGED, "upgrade_rejected", "rollback")
    for upgrade_id, items in by_upgrade.items():
        assert upgrade_id is not None
        shown = {
            id(e)
            for e, _ in items
            if e["event"] == UPGRADE_MERGED
            and merge_is_verified(ledger.repo, upgrade_id, e.get("merge_commit"), e.get("target_branch"))
        }
        # A merge git shows vouches for the other clone's whole record of that upgrade.
        taken = [e for e, ours in items if ours or (shown and (e["event"] != UPGRADE_MERGED or id(e) in shown))]
        kept.extend(taken)
        if any(e["event"] in outcomes for e, _ in items if all(e is not t for t in taken)):
            skipped.append(upgrade_id)
    kept.sort(key=lambda e: (e["ts"], e["event"]))
    return kept, sorted(skipped)
