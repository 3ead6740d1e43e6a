"""Files of the work directory as strategies see them: encoding, newlines, and undo.

A strategy reads modules through :class:`Workspace`, which remembers the exact bytes of
every file before its first change, so a refusal or a failure puts everything back
(files it created are removed). Text is decoded with the file's own PEP 263 encoding
and written back with it; libcst keeps the newline style of what it parses, and new
modules take the newline style of the module they came from.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import libcst as cst

from gitupgrade.refactor.project_style import ProjectStyle, tidy
from gitupgrade.refactor.result import ChangeKind, FileChange


class RefusedChange(Exception):
    """Raised inside a strategy to refuse; the strategy turns it into a REFUSED result."""


@dataclass(frozen=True)
class ModuleSource:
    """One Python file of the work directory, decoded."""

    path: str  # repository-relative, POSIX separators
    module: str  # dotted module name
    text: str
    encoding: str

    @property
    def newline(self) -> str:
        """The newline style of the file (``\\r\\n`` or ``\\n``)."""
        return "\r\n" if "\r\n" in self.text else "\n"

    @property
    def is_package(self) -> bool:
        """True for a package's ``__init__.py``."""
        return PurePosixPath(self.path).name == "__init__.py"

    @property
    def package(self) -> str:
        """The package relative imports of this module resolve against."""
        return self.module if self.is_package else self.module.rpartition(".")[0]

    @property
    def stem(self) -> str:
        """The module's own name: its file's, or its package's for an ``__init__.py``."""
        return self.module.rpartition(".")[2] if self.is_package else PurePosixPath(self.path).stem

    def sibling_path(self, stem: str) -> str:
        """The path of module ``stem`` beside this one."""
        return str(PurePosixPath(self.path).parent / f"{stem}.py")

    def parse(self) -> cst.Module:
        """The libcst tree of the file; a syntax error refuses the change."""
        try:
            return cst.parse_module(self.text)
        except cst.ParserSyntaxError as exc:
            raise RefusedChange(f"{self.path} does not parse: {exc.message}") from exc


def target_of(source: ModuleSource, module: cst.Module, stem_of: str | None) -> str:
    """How a sibling module imports ``stem_of`` (or the source module itself), in the module's style."""
    relative = any(
        isinstance(s, cst.ImportFrom) and s.relative
        for st in module.body
        if isinstance(st, cst.SimpleStatementLine)
        for s in st.body
    )
    name = stem_of or source.module.rpartition(".")[2]
    if source.is_package and stem_of is None:
        return "." if relative else source.module
    if relative and source.package:
        return f".{name}"
    return ".".join(filter(None, [source.package, name]))


def decode(data: bytes) -> tuple[str, str]:
    """The text and encoding of Python source bytes (PEP 263, BOM aware)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise RefusedChange(f"unknown source encoding: {exc}") from exc
    # A BOM is kept by writing back with utf-8-sig.
    return data.decode(encoding), encoding


_LONE_LF = re.compile(r"(?<!\r)\n")


def with_newline(text: str, newline: str) -> str:
    """``text`` with every line ending in ``newline``."""
    if newline == "\n":
        return text.replace("\r\n", "\n")
    return _LONE_LF.sub("\r\n", text)


class Workspace:
    """The files of ``workdir`` a strategy reads and writes, with an undo log."""

    def __init__(self, workdir: Path, source_root: str = "") -> None:
        self.workdir = workdir
        self.source_root = source_root.strip("/")
        self._originals: dict[str, bytes | None] = {}
        self._order: list[str] = []
        self._style: ProjectStyle | None = None
        self._first_read = "."

    # -- module names -----------------------------------------------------------------
    @classmethod
    def for_module(cls, workdir: Path, path: str, module: str) -> Workspace:
        """A workspace whose source root is derived from one known ``path``/``module`` pair."""
        parts = PurePosixPath(path).with_suffix("").parts
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        depth = len(module.split("."))
        root = "/".join(parts[: len(parts) - depth]) if len(parts) >= depth else ""
        return cls(workdir, root)

    def path_of(self, module: str) -> str | None:
        """The repository-relative path of ``module`` if it is a file of the work dir."""
        base = "/".join(filter(None, [self.source_root, module.replace(".", "/")]))
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if (self.workdir / candidate).is_file():
                return candidate
        return None

    def module_of(self, path: str) -> str:
        """The dotted module name of a repository-relative ``path``."""
        rel = PurePosixPath(path)
        if self.source_root:
            rel = rel.relative_to(self.source_root)
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    # -- reading and writing ----------------------------------------------------------
    def exists(self, path: str) -> bool:
        """True when ``path`` exists in the work dir."""
        return (self.workdir / path).exists()

    def sibling_taken(self, source: ModuleSource, stem: str) -> bool:
        """True when a module or package ``stem`` already exists beside ``source``."""
        return self.exists(source.sibling_path(stem)) or self.exists(str(PurePosixPath(source.path).parent / stem))

    def read(self, path: str, module: str | None = None) -> ModuleSource:
        """Decode one file of the work dir."""
        target = self.inside(path)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise RefusedChange(f"cannot read {path}: {exc.strerror}") from exc
        if b"@generated" in data[:2048]:
            raise RefusedChange(f"{path} is generated (@generated marker)")
        text, encoding = decode(data)
        if self._first_read == ".":
            self._first_read = path  # the module the strategy works on: its style is the one that counts
        return ModuleSource(path, module or self.module_of(path), text, encoding)

    def write(self, source: ModuleSource, text: str) -> None:
        """Replace the text of an existing file, remembering its original bytes.

        A file whose every line ends in CRLF keeps CRLF on the lines we wrote too.
        """
        self._remember(source.path)
        if source.newline == "\r\n" and not _LONE_LF.search(source.text):
            text = with_newline(text, "\r\n")
        self.inside(source.path).write_bytes(text.encode(source.encoding))

    def create(self, path: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
        """Create a new module with ``newline`` line endings; refuses to overwrite an existing file."""
        target = self.inside(path)
        if target.exists():
            raise RefusedChange(f"{path} already exists")
        self._remember(path)
        text = with_newline(text, newline)
        target.write_bytes(text.encode("utf-8" if encoding == "utf-8-sig" else encoding))

    def inside(self, path: str) -> Path:
        """The file ``path`` of the work dir; refuses one that resolves outside it (symlinks followed).

        Paths come from suggestions, which may come from another clone's ledger: checked
        when the event is read, and here again at the point of writing.
        """
        root = self.workdir.resolve()
        target = (self.workdir / path).resolve()
        if (
            PurePosixPath(path).is_absolute()
            or not target.is_relative_to(root)
            or ".git" in target.relative_to(root).parts
        ):
            raise RefusedChange(f"{path!r} is outside the work directory")
        return self.workdir / path

    # -- the project's style ----------------------------------------------------------
    @property
    def style(self) -> ProjectStyle:
        """The project's style settings (read once per workspace)."""
        if self._style is None:
            self._style = ProjectStyle.read(self.workdir, self._first_read)
        return self._style

    def original(self, path: str) -> bytes | None:
        """The bytes of ``path`` before this workspace changed it (None when it created it)."""
        if path in self._originals:
            return self._originals[path]
        target = self.workdir / path
        return target.read_bytes() if target.exists() else None

    def tidy(self, paths: list[str]) -> list[str]:
        """Sort imports and format ``paths`` with the project's own tools; the tools that ran."""
        return tidy(self.workdir, self.style, paths, self.original)

    def _remember(self, path: str) -> None:
        if path in self._originals:
            return
        target = self.inside(path)
        self._originals[path] = target.read_bytes() if target.exists() else None
        self._order.append(path)

    def restore(self) -> None:
        """Put every touched file back as it was; remove the files created."""
        for path in reversed(self._order):
            target = self.workdir / path
            original = self._originals[path]
            if original is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(original)
        self._originals.clear()
        self._order.clear()

    def changes(self) -> tuple[FileChange, ...]:
        """What changed so far, in the order the files were first touched."""
        result = []
        for path in self._order:
            original = self._originals[path]
            now = self.workdir / path
            if original is None:
                result.append(FileChange(path, ChangeKind.CREATE))
            elif not now.exists():
                result.append(FileChange(path, ChangeKind.DELETE))
            elif now.read_bytes() != original:
                result.append(FileChange(path, ChangeKind.MODIFY))
        return tuple(result)

    def python_files(self) -> list[str]:
        """Every ``.py`` file of the work dir (repository-relative), skipping VCS and venvs."""
        skip = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist"}
        found = []
        for file in self.workdir.rglob("*.py"):
            rel = file.relative_to(self.workdir)
            if skip.intersection(rel.parts[:-1]):
                continue
            found.append(rel.as_posix())
        return sorted(found)
