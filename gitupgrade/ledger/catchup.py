"""Keeping the index in step with the notes: incremental catch-up and full rebuilds."""

from __future__ import annotations

import hashlib

from gitupgrade.errors import GitUpgradeError
from gitupgrade.ledger.index import IngestResult, LedgerIndex
from gitupgrade.repo import BlobId, CommitId, GitRepo, read_file
from gitupgrade.repo import notes as git_notes


class NotesIndexer:
    """Feeds the notes of ``refs/notes/upgrades`` into a :class:`LedgerIndex`."""

    def __init__(self, repo: GitRepo, index: LedgerIndex) -> None:
        self.repo = repo
        self.index = index

    def catch_up(self) -> IngestResult:
        """Index what the notes gained since the index last looked (a no-op when current).

        Only the notes that differ between the indexed tip and the current tip are
        read, so catching up after a fetch or a notes merge costs what changed.
        """
        tip = git_notes.notes_tip(self.repo)
        indexed = self.index.indexed_tip()
        if tip == indexed:
            return IngestResult()
        if tip is None or indexed is None or not self._exists(indexed):
            # A new index, or the notes ref was deleted or rewritten: rebuild it all.
            return self.rebuild(tip)
        changes = git_notes.diff_notes(self.repo, CommitId(indexed), tip)
        notes = [(c.annotated, self._lines(c.new_blob)) for c in changes if c.new_blob is not None]
        with self.index.write() as conn:
            return self.index.ingest(conn, notes, indexed, tip)

    def rebuild(self, tip: CommitId | None) -> IngestResult:
        """Empty the index and index every note of ``tip``, in one transaction."""
        notes = ((annotated, self._lines(blob)) for annotated, blob in git_notes.iter_notes(self.repo, tip))
        with self.index.write() as conn:
            self.index.clear(conn)
            return self.index.ingest(conn, notes, None, tip, fresh=True)

    def _lines(self, blob: str) -> list[str]:
        return git_notes.read_note_blob(self.repo, BlobId(blob)).decode("utf-8", "replace").splitlines()

    def _exists(self, commit: str) -> bool:
        try:
            self.repo.resolve_commit(commit)
        except GitUpgradeError:
            return False
        return True


def file_version(repo: GitRepo, commit: str, path: str) -> tuple[str, str] | None:
    """The blob id and sha256 of ``path`` at ``commit`` (for ``file_versions``), if it is there."""
    try:
        data = read_file(repo, CommitId(commit), path)
    except GitUpgradeError:
        return None  # the upgrade commit may not have been fetched here
    if data is None:
        return None
    blob_id = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    return blob_id, hashlib.sha256(data).hexdigest()
