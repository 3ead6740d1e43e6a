"""CodeRefactorer: one behaviour-preserving strategy per suggestion type, written with libcst."""

from __future__ import annotations

from gitupgrade.refactor.refactorer import CodeRefactorer
from gitupgrade.refactor.result import ChangeKind, FileChange, RefactorResult, Status, Strategy

__all__ = ["ChangeKind", "CodeRefactorer", "FileChange", "RefactorResult", "Status", "Strategy"]
