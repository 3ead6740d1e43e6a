"""``python -m gitupgrade`` runs the CLI."""

from __future__ import annotations

from gitupgrade.cli.main import main

main()
