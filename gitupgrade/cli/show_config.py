"""``git upgrade config``: the effective configuration and where each value came from."""

from __future__ import annotations

import json
from typing import Any

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.config import Config
from gitupgrade.config.risk import effective_policies
from gitupgrade.config.schema import NO_EFFECT
from gitupgrade.ledger.text import redact


@click.command("config")
@click.option("--rev", default="HEAD", show_default=True, help="Commit whose config.yaml is read.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, rev: str, as_json: bool) -> None:
    """Show the effective self_upgrading configuration and where each value came from."""
    repo = app.repo()
    config = app.config(repo, repo.resolve_commit(rev))
    if as_json:
        print_json(
            {
                "sources": list(config.sources),
                "self_upgrading": config.to_dict(),
                "origins": dict(sorted(config.origins.items())),
                "no_effect": NO_EFFECT,
                "auto_approve": effective_policies(config["risk_policies"]),
            }
        )
        return
    out = console()
    out.soft_wrap = True
    # A password or token in a URL (llm.base_url) is not shown, as in --json.
    for line in render_lines(config):
        out.print(redact(line), markup=False)


def render_lines(config: Config) -> list[str]:
    """YAML of the effective values, each leaf followed by ``# <source>`` (and a note when it has no effect)."""
    lines = [f"# sources: {' < '.join(config.sources)}", "self_upgrading:"]
    _walk(config.to_dict(), "", 1, config, lines)
    approved = effective_policies(config["risk_policies"])
    lines.append(
        "# auto-approved without review (risk_policies after precedence): "
        + ", ".join(f"{level} {'yes' if on else 'no'}" for level, on in approved.items())
    )
    return lines


def _walk(node: dict[str, Any], prefix: str, depth: int, config: Config, lines: list[str]) -> None:
    indent = "  " * depth
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            _walk(value, f"{path}.", depth + 1, config, lines)
            continue
        comment = config.origin(path)
        if path in NO_EFFECT:
            comment += f"; no effect here: {NO_EFFECT[path]}"
        # JSON scalars and flow lists are valid YAML, and keep strings unambiguous
        lines.append(f"{indent}{key}: {json.dumps(value)}  # {comment}")
