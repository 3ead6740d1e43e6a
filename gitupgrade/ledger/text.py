"""Text that crosses a trust boundary: credentials redacted before storing, control characters escaped before printing.

Ids and titles in the ledger may come from another clone: printed raw, a newline forges
an extra ``hint:`` line and an escape sequence drives the terminal. :func:`escape` shows
them the way ``repr`` would. A URL in a config value or an error (``llm.base_url``) may
carry a password or a token: :func:`redact` replaces it before it is written to the
notes or printed.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "***"
# scheme://user:password@host or scheme://token@host
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#@\s]+)@")
# ?api_key=..., &token=..., access_token, password, secret, signature, sig, key, auth ...
_SECRET_PARAM = re.compile(
    r"(?P<name>[?&;](?:[A-Za-z0-9_.-]*(?:key|token|secret|password|passwd|pwd|auth|signature|sig|credential)"
    r"[A-Za-z0-9_.-]*))=(?P<value>[^&#\s\"']*)",
    re.IGNORECASE,
)
# Everything below 0x20, DEL, the C1 controls and the Unicode line and paragraph separators.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def redact(text: str) -> str:
    """``text`` with the credentials of every URL in it replaced by ``***``."""
    if "://" not in text and "=" not in text:
        return text
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{REDACTED}@", text)
    return _SECRET_PARAM.sub(lambda m: f"{m['name']}={REDACTED}", text)


def redact_data(value: Any) -> Any:
    """Plain JSON data with every string (keys included) redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value


def escape(value: Any) -> str:
    """``value`` as printable text on one line: control characters as ``\\n``, ``\\x1b`` ..."""
    text = value if isinstance(value, str) else str(value)
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
