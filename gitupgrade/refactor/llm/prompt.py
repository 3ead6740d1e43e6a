"""The conversation with the model: the suggestion, its evidence, the numbered source, the rules."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gitupgrade.suggestion import Suggestion

from gitupgrade.refactor.llm.providers import Message

# A file longer than this is shown as excerpts around the evidence lines (plus its head,
# where the imports are) so that one huge module does not blow the model's context.
MAX_FULL_LINES = 600
EXCERPT_MARGIN = 30
HEAD_LINES = 40

SYSTEM = (
    "You are a careful senior Python engineer doing behaviour-preserving refactorings. "
    "You answer with exactly one unified diff and nothing else of substance."
)

RULES = """\
Rules:
1. Preserve behaviour exactly: same public names, signatures, return values, exceptions and side effects.
2. Change only these files: {files}. Do not create, delete or rename files.
3. Reply with ONE unified diff in a ```diff fenced block, with `--- a/<path>` and `+++ b/<path>`
   headers and `@@ -start,count +start,count @@` hunks against the files exactly as shown
   (without the line-number gutter), with at least 3 unchanged context lines around each change.
4. The result must be valid Python."""


def build_messages(suggestion: Suggestion, sources: Mapping[str, str]) -> list[Message]:
    """The first request: system rules, then the suggestion with its evidence and numbered sources."""
    parts = [
        f"Refactor this code to fix a `{suggestion.type}` finding.",
        f"Finding: {suggestion.title}",
    ]
    if suggestion.description:
        parts.append(suggestion.description)
    parts.append(
        "Evidence (from the analyzer):\n```json\n"
        + json.dumps(suggestion.evidence, indent=2, sort_keys=True, default=str)
        + "\n```"
    )
    focus = _focus_lines(suggestion.evidence)
    for path, text in sources.items():
        parts.append(
            f"File `{path}` (line numbers are for reference only, not part of the file):\n"
            f"```python\n{number_lines(text, focus.get(path))}\n```"
        )
    parts.append(RULES.format(files=", ".join(f"`{path}`" for path in sources)))
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


def retry_messages(messages: list[Message], answer: str, rejection: str) -> list[Message]:
    """The conversation extended with the rejected answer and why it was rejected."""
    feedback = (
        f"Your diff was rejected: {rejection}\n"
        "The files are unchanged, exactly as shown before. Reply with one corrected unified diff "
        "that follows all the rules."
    )
    return [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": feedback}]


def number_lines(text: str, focus: tuple[int, int] | None = None) -> str:
    """``text`` with a right-aligned line-number gutter; long files cut to the focus range."""
    lines = text.splitlines()
    width = len(str(len(lines))) if lines else 1
    keep = _kept_lines(len(lines), focus)
    out: list[str] = []
    previous = 0
    for number in keep:
        if number != previous + 1:
            out.append(f"{'.' * width} | ... (lines {previous + 1}-{number - 1} not shown)")
        out.append(f"{number:>{width}} | {lines[number - 1]}")
        previous = number
    if previous < len(lines):
        out.append(f"{'.' * width} | ... (lines {previous + 1}-{len(lines)} not shown)")
    return "\n".join(out)


def _kept_lines(total: int, focus: tuple[int, int] | None) -> list[int]:
    if total <= MAX_FULL_LINES or focus is None:
        return list(range(1, total + 1))
    start, end = focus
    head = set(range(1, min(HEAD_LINES, total) + 1))
    window = set(range(max(1, start - EXCERPT_MARGIN), min(total, end + EXCERPT_MARGIN) + 1))
    return sorted(head | window)


def _focus_lines(evidence: Mapping[str, object]) -> dict[str, tuple[int, int]]:
    """Per path, the line range the evidence points at (complex_function, god_class, clones)."""
    focus: dict[str, tuple[int, int]] = {}

    def add(path: object, start: object, end: object) -> None:
        if isinstance(path, str) and isinstance(start, int):
            stop = end if isinstance(end, int) else start
            old = focus.get(path)
            focus[path] = (min(start, old[0]), max(stop, old[1])) if old else (start, stop)

    add(evidence.get("path"), evidence.get("line"), evidence.get("end_line"))
    locations = evidence.get("locations")
    for location in locations if isinstance(locations, list) else ():
        if isinstance(location, Mapping):
            add(location.get("path"), location.get("start"), location.get("end"))
    return focus
