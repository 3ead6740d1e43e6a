"""Upgrade ids: ``upgrade_YYYYMMDD_HHMMSS_<6 hex>`` (UTC time of queueing, random suffix)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

_ID = re.compile(r"^upgrade_(\d{8}_\d{6})_[0-9a-f]{6}$")


def new_upgrade_id(now: datetime | None = None) -> str:
    """A fresh upgrade id; the suffix keeps ids made in the same second distinct."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
    return f"upgrade_{stamp}_{secrets.token_hex(3)}"


def is_upgrade_id(text: str) -> bool:
    """Whether ``text`` has the shape of an upgrade id."""
    return _ID.match(text) is not None


def upgrade_time(upgrade_id: str) -> datetime | None:
    """When the upgrade was queued (from its id), or None for a malformed id."""
    match = _ID.match(upgrade_id)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d_%H%M%S").replace(tzinfo=UTC)
