"""A model's name for a helper a rule strategy extracts: asked once, checked like a rule's own.

The rule writes the code; the model only proposes an identifier. Its answer is data:
the first word-like token of the first line, then the same checks a rule's name passes
(:func:`gitupgrade.refactor.strategies.block_names.checked_model_name`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitupgrade.refactor.llm.providers import ProviderError, provider_from_config

SYSTEM = (
    "You name private helper functions in Python projects. A run of statements was copied into "
    "several functions; it becomes one helper. Answer with the helper's name only: one snake_case "
    "identifier of two to four words that says what the code does (a verb first), starting with an "
    "underscore. No explanation, no code."
)
# An identifier is a few dozen characters; a longer first line is not one.
_MAX_ANSWER = 200


class ModelNamer:
    """Asks the configured model once for a helper's name; remembers whether it was asked."""

    def __init__(self, llm: Mapping[str, Any], code: str, functions: list[str], parameters: tuple[str, ...]) -> None:
        self.provider = provider_from_config(llm)
        self.prompt = (
            f"The copies are in: {', '.join(functions)}.\n"
            f"The helper takes: {', '.join(parameters) or 'nothing'}.\n\n"
            f"```python\n{code}\n```\n"
        )
        self.asked = False

    @property
    def label(self) -> str:
        """``llm:<provider>/<model>``, as results name the model."""
        return f"llm:{self.provider.label}"

    def __call__(self) -> str | None:
        """The model's identifier, or None when it cannot be asked or gives none."""
        self.asked = True
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": self.prompt}]
        try:
            answer = self.provider.complete(messages)
        except ProviderError:
            return None
        return first_identifier(answer)


def first_identifier(answer: str) -> str | None:
    """The first identifier of the answer's first non-empty line (quotes, backticks and ``def`` dropped)."""
    line = next((s.strip() for s in answer[:_MAX_ANSWER].splitlines() if s.strip()), "")
    match = re.search(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"^\s*def\s+", "", line.strip("`'\" ")))
    return match.group(0) if match else None
