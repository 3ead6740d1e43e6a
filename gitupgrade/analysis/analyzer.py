"""The ArchitectAnalyzer: scan a commit's blobs (or an in-memory file set) into a report.

A commit scan never checks anything out: it lists the tree, takes the facts of
unchanged blobs from the cache, parses the others (in a process pool when there
are many), and hands every file's facts to :func:`build_report`. The parser, the
facts cache and the rules are imported when a scan needs them: a scan that reads
its report back (``reuse``) needs none of them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from gitupgrade.analysis.report import AnalysisReport
from gitupgrade.analysis.report_cache import load_report, report_key, store_report
from gitupgrade.analysis.selection import in_targets, normalize_targets, skip_reason
from gitupgrade.config import Config
from gitupgrade.errors import UserError
from gitupgrade.repo import BlobEntry, BlobId, CommitId, GitRepo, iter_files, read_blob
from gitupgrade.spec_forms import as_repo, config_of, repo_targets

if TYPE_CHECKING:
    from gitupgrade.analysis.cache import FactsCache
    from gitupgrade.analysis.facts import ModuleFacts

Progress = Callable[[int, int], None]
_Work = tuple[str, BlobId, bytes]  # path, blob id, bytes of one file to parse

# A pool pays ~0.1 s to start; below this many uncached files one process is faster.
POOL_MIN_FILES = 200
_CHUNK_BYTES = 400_000
# The facts cache is trimmed to the current commit past this many rows (a few KB each).
CACHE_MIN_ROWS = 20_000
CACHE_ROWS_PER_FILE = 10  # work unit of a pool worker (about 10k lines)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a scan.

    A scan allocates a few hundred thousand small acyclic objects (trees, facts);
    the collector's generational passes over them cost about a third of a warm scan
    and free nothing. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob with these bytes (so in-memory scans get the same suggestion ids)."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


class ArchitectAnalyzer:
    """Finds architectural smells in a commit of a Python repository and ranks the fixes."""

    def __init__(self, repo: GitRepo | str | os.PathLike[str] | None = None, config: Config | None = None) -> None:
        # the spec's form: a path, and the repository's own config.yaml at HEAD
        self.repo = None if repo is None else as_repo(repo)
        self.config = config = config_of(self.repo, config)
        analysis = config["analysis"]
        self._min_clone_lines = int(analysis["duplicate_min_lines"])
        self._max_bytes = int(analysis["max_file_bytes"])
        self._exclude = tuple(analysis["exclude"])
        self._include_tests = bool(analysis["include_tests"])

    # -- public API -----------------------------------------------------------------
    def analyze_codebase(
        self,
        target_path: str | os.PathLike[str] | Sequence[str] | None = None,
        rev: str = "HEAD",
        progress: Progress | None = None,
        reuse: bool = False,
    ) -> AnalysisReport:
        """Scan the commit ``rev``; ``target_path`` (files or folders) limits what is reported.

        The import graph always spans the whole repository, so a cycle through a
        target module is found even when the rest of the cycle lies outside it.
        Targets are relative to the repository's top, or absolute paths inside it.
        The report reads as the spec's dict (``report["upgrade_suggestions"]``) and
        ``to_dict()`` gives all of it. With ``reuse``, the report of the last such scan
        is read back when the tree, the configuration, the targets and the tool are
        the same (``analysis/report_cache.py``), and this one is kept for the next.
        """
        if self.repo is None:
            raise UserError("analyze_codebase needs a repository", hint="use analyze_sources for files in memory")
        started = time.perf_counter()
        targets = normalize_targets(repo_targets(self.repo, target_path))
        commit = self.repo.resolve_commit(rev)
        if not reuse:
            with gc_paused():
                return self._analyze_commit(targets, commit, rev, progress, started)
        key = report_key(self.repo.commit_tree(commit), self.config, targets)
        with gc_paused():  # reading a report back allocates as much as assembling one
            report = load_report(self.repo.state_dir, key, commit, rev)
            if report is None:
                report = self._analyze_commit(targets, commit, rev, progress, started)
                store_report(self.repo.state_dir, key, report)
                return report
        if progress is not None:
            progress(report.metadata["files_total"], report.metadata["files_total"])
        report.metadata["seconds"] = round(time.perf_counter() - started, 3)
        return report

    def analyze_sources(self, files: Mapping[str, bytes]) -> AnalysisReport:
        """The same analysis of an in-memory file set (path -> bytes): no git, no cache."""
        with gc_paused():
            return self._analyze_sources(files)

    # -- the two kinds of scan --------------------------------------------------------
    def _analyze_commit(
        self,
        targets: tuple[str, ...],
        commit: CommitId,
        rev: str,
        progress: Progress | None,
        started: float,
    ) -> AnalysisReport:
        from gitupgrade.analysis.assemble import build_report
        from gitupgrade.analysis.cache import FactsCache, cache_key

        assert self.repo is not None
        entries = [
            e
            for e in iter_files(self.repo, commit, ".py")
            if skip_reason(e.path, self._exclude, self._include_tests) is None
        ]
        _check_targets(targets, [e.path for e in entries], rev)

        cache = FactsCache(self.repo.state_dir, cache_key(self._min_clone_lines))
        try:
            facts, parsed, hits = self._facts_of_commit(entries, cache, progress)
        finally:
            cache.close()
        metadata = {
            "commit": str(commit),
            "rev": rev,
            "targets": list(targets),
            "files_total": len(entries),
            "files_parsed": parsed,
            "cache_hits": hits,
        }
        report = build_report(facts, self.config, targets, metadata)
        report.metadata["seconds"] = round(time.perf_counter() - started, 3)
        return report

    def _analyze_sources(self, files: Mapping[str, bytes]) -> AnalysisReport:
        from gitupgrade.analysis.assemble import build_report
        from gitupgrade.analysis.extract import extract_facts
        from gitupgrade.analysis.facts import unanalyzable

        started = time.perf_counter()
        facts: list[ModuleFacts] = []
        for path in sorted(files):
            if not path.endswith(".py") or skip_reason(path, self._exclude, self._include_tests) is not None:
                continue
            data = files[path]
            blob_id = git_blob_id(data)
            if len(data) > self._max_bytes:
                facts.append(unanalyzable(path, blob_id, f"larger than {self._max_bytes} bytes"))
            else:
                facts.append(extract_facts(path, blob_id, data, self._min_clone_lines))
        metadata: dict[str, Any] = {
            "commit": None,
            "rev": None,
            "targets": [],
            "files_total": len(facts),
            "files_parsed": len(facts),
            "cache_hits": 0,
        }
        report = build_report(facts, self.config, (), metadata)
        report.metadata["seconds"] = round(time.perf_counter() - started, 3)
        return report

    # -- facts of a commit ----------------------------------------------------------
    def _facts_of_commit(
        self, entries: list[BlobEntry], cache: FactsCache, progress: Progress | None
    ) -> tuple[list[ModuleFacts], int, int]:
        from gitupgrade.analysis.facts import ModuleFacts, unanalyzable

        assert self.repo is not None
        by_path: dict[str, ModuleFacts] = {}
        todo: list[BlobEntry] = []
        for entry in entries:
            if entry.is_symlink:
                by_path[entry.path] = unanalyzable(entry.path, entry.blob_id, "symbolic link")
            elif entry.size > self._max_bytes:
                by_path[entry.path] = unanalyzable(entry.path, entry.blob_id, f"larger than {self._max_bytes} bytes")
            else:
                todo.append(entry)
        cached = cache.get_many(e.blob_id for e in todo)
        missing: list[BlobEntry] = []
        for entry in todo:
            row = cached.get(entry.blob_id)
            if row is None:
                missing.append(entry)
            else:
                by_path[entry.path] = ModuleFacts.from_row(entry.path, entry.blob_id, row)
        total = len(entries)
        done = total - len(missing)
        if progress is not None:
            progress(done, total)
        work = [(e.path, e.blob_id, read_blob(self.repo, e.blob_id)) for e in missing]
        new_rows: list[tuple[str, list[Any]]] = []
        for batch, rows in self._parse(work):
            for (path, blob_id, _), row in zip(batch, rows, strict=False):
                by_path[path] = ModuleFacts.from_row(path, blob_id, row)
                new_rows.append((blob_id, row))
            done += len(batch)
            if progress is not None:
                progress(done, total)
        cache.put_many(new_rows)
        if new_rows:
            cache.prune((e.blob_id for e in todo), limit=max(CACHE_MIN_ROWS, CACHE_ROWS_PER_FILE * len(todo)))
        return [by_path[e.path] for e in entries], len(missing), len(todo) - len(missing)

    def _parse(self, work: list[_Work]) -> Iterator[tuple[list[_Work], list[list[Any]]]]:
        """Facts rows of uncached files, batch by batch (in parallel when it pays)."""
        from gitupgrade.analysis.extract import extract_many

        workers = min(os.cpu_count() or 1, 8)
        if len(work) < POOL_MIN_FILES or workers < 2:
            for item in work:
                yield [item], extract_many([item], self._min_clone_lines)
            return
        batches = _batches(work)
        # Workers parse without the cyclic collector too (see gc_paused).
        with ProcessPoolExecutor(max_workers=workers, initializer=gc.disable) as pool:
            futures = [pool.submit(extract_many, batch, self._min_clone_lines) for batch in batches]
            for batch, future in zip(batches, futures, strict=False):
                yield batch, future.result()


def _batches(work: list[_Work]) -> list[list[_Work]]:
    # Biggest files first so no worker is left with one huge file at the end.
    ordered = sorted(work, key=lambda item: -len(item[2]))
    batches: list[list[_Work]] = []
    current: list[_Work] = []
    size = 0
    for item in ordered:
        current.append(item)
        size += len(item[2])
        if size >= _CHUNK_BYTES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _check_targets(targets: tuple[str, ...], paths: list[str], rev: str) -> None:
    for target in targets:
        if not any(in_targets(path, (target,)) for path in paths):
            raise UserError(
                f"no Python file to scan under {target} at {rev}",
                hint="name a file or folder of the repository (vendored, excluded and test files are skipped)",
            )
